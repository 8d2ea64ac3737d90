// Package prelude holds the Go source of equivalents of the standard
// library's generic functions and types, which the front end copies,
// instantiated, into the programs that use them (see ../prelude.go):
// ᐧslices_Sort stands for slices.Sort, and so on. It is ordinary Go, built
// and tested against the standard library by the go tool; the front end
// embeds and type-checks these files (not this one, nor the tests).
//
// Most of it is adapted from the Go standard library's own source:
//
// Copyright 2009 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file of the Go distribution.
package prelude
