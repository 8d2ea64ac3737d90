// A generic Set[T comparable] built on a map, with Union/Intersect and sorted output.
package main

import (
	"fmt"
	"sort"
	"strings"
)

type Set[T comparable] struct {
	m map[T]struct{}
}

func NewSet[T comparable](items ...T) *Set[T] {
	s := &Set[T]{m: make(map[T]struct{})}
	for _, it := range items {
		s.Add(it)
	}
	return s
}

func (s *Set[T]) Add(v T)      { s.m[v] = struct{}{} }
func (s *Set[T]) Has(v T) bool { _, ok := s.m[v]; return ok }
func (s *Set[T]) Len() int     { return len(s.m) }
func (s *Set[T]) Items() []T {
	out := make([]T, 0, len(s.m))
	for k := range s.m {
		out = append(out, k)
	}
	return out
}

func Union[T comparable](a, b *Set[T]) *Set[T] {
	out := NewSet(a.Items()...)
	for _, v := range b.Items() {
		out.Add(v)
	}
	return out
}

func Intersect[T comparable](a, b *Set[T]) *Set[T] {
	out := NewSet[T]()
	for _, v := range a.Items() {
		if b.Has(v) {
			out.Add(v)
		}
	}
	return out
}

func sortedStrings[T any](xs []T) string {
	strs := make([]string, len(xs))
	for i, x := range xs {
		strs[i] = fmt.Sprint(x)
	}
	sort.Strings(strs)
	return strings.Join(strs, ",")
}

type coord struct{ x, y int }

func main() {
	a := NewSet(1, 2, 3, 4)
	b := NewSet(3, 4, 5)
	fmt.Println(sortedStrings(Union(a, b).Items()), sortedStrings(Intersect(a, b).Items()))
	fmt.Println(a.Has(2), b.Has(2), a.Len())
	words := NewSet(strings.Fields("the cat and the hat and the bat")...)
	fmt.Println(words.Len(), sortedStrings(words.Items()))
	cs := NewSet(coord{1, 2}, coord{1, 2}, coord{2, 1})
	fmt.Println(cs.Len(), cs.Has(coord{2, 1}))
}
