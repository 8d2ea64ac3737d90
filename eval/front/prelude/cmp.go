// Copyright 2023 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file of the Go distribution.

package prelude

import "cmp"

func ᐧcmp_Less[T cmp.Ordered](x, y T) bool {
	return (ᐧcmp_isNaN(x) && !ᐧcmp_isNaN(y)) || x < y
}

func ᐧcmp_Compare[T cmp.Ordered](x, y T) int {
	xNaN := ᐧcmp_isNaN(x)
	yNaN := ᐧcmp_isNaN(y)
	if xNaN {
		if yNaN {
			return 0
		}
		return -1
	}
	if yNaN {
		return +1
	}
	if x < y {
		return -1
	}
	if x > y {
		return +1
	}
	return 0
}

func ᐧcmp_isNaN[T cmp.Ordered](x T) bool {
	return x != x
}

func ᐧcmp_Or[T comparable](vals ...T) T {
	var zero T
	for _, v := range vals {
		if v != zero {
			return v
		}
	}
	return zero
}
