package prelude

import "github.com/dpfw/dpfw/eval/front/shim"

// ᐧunique_Handle is unique.Handle. Two handles are equal exactly when the
// values they were made from are equal: Make gives equal values one
// number and the value first made (shim.Intern), and equal numbers
// mean equal values. (Go may
// reclaim a value no handle refers to; the numbers are kept for the
// engine's life, which no program can observe but by its memory.)
type ᐧunique_Handle[T comparable] struct {
	id    uint64
	value T
}

// Value returns a shallow copy of the value that made the handle.
func (h ᐧunique_Handle[T]) Value() T {
	return h.value
}

// ᐧunique_Make is unique.Make.
func ᐧunique_Make[T comparable](value T) ᐧunique_Handle[T] {
	id := shim.Intern(&value)
	return ᐧunique_Handle[T]{id, value}
}
