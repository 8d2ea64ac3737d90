// Package stdsym holds the standard library symbols that yaegi's own
// tables lack. yaegi v0.16.1 ships tables generated for Go 1.22; the
// files here are generated (go generate, see gen) for the Go release that
// builds dpfw, and hold what that release added: new functions, types,
// variables and constants of the packages yaegi exposes (strings.Lines,
// sync.OnceValue's non-generic kin, encoding/binary.Append, …), whole new
// packages (crypto/sha3, structs, …), and the interface wrappers yaegi
// needs for new interfaces.
//
// Generic functions and types are not here (yaegi's extract skips them):
// slices.Sorted, maps.Keys, iter, unique and weak reach snippets through
// eval's front end.
//
// Symbols is in yaegi's Exports format; eval registers it with every
// interpreter after yaegi's stdlib.Symbols.
package stdsym

import "reflect"

//go:generate go run ./gen

// Symbols maps "import/path/name" to a package's added symbols.
var Symbols = map[string]map[string]reflect.Value{}
