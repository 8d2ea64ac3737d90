// A generic Stack[T] type with methods, zero values and an optional-returning Pop.
package main

import "fmt"

type Stack[T any] struct {
	items []T
}

func (s *Stack[T]) Push(v ...T) { s.items = append(s.items, v...) }

func (s *Stack[T]) Pop() (T, bool) {
	var zero T
	if len(s.items) == 0 {
		return zero, false
	}
	v := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v, true
}

func (s *Stack[T]) Peek() (T, bool) {
	if len(s.items) == 0 {
		var zero T
		return zero, false
	}
	return s.items[len(s.items)-1], true
}

func (s Stack[T]) Len() int { return len(s.items) }

func balanced(expr string) bool {
	pairs := map[rune]rune{')': '(', ']': '[', '}': '{'}
	var st Stack[rune]
	for _, r := range expr {
		switch r {
		case '(', '[', '{':
			st.Push(r)
		case ')', ']', '}':
			top, ok := st.Pop()
			if !ok || top != pairs[r] {
				return false
			}
		}
	}
	return st.Len() == 0
}

func main() {
	var s Stack[string]
	s.Push("a", "b", "c")
	top, _ := s.Peek()
	fmt.Println(s.Len(), top)
	for {
		v, ok := s.Pop()
		if !ok {
			break
		}
		fmt.Print(v, " ")
	}
	fmt.Println()
	z, ok := s.Pop()
	fmt.Printf("%q %v\n", z, ok)

	ints := &Stack[int]{}
	ints.Push(1, 2)
	n, _ := ints.Pop()
	fmt.Println(n, ints.Len())
	for _, e := range []string{"([]{})", "(]", "((", "{[()()]}"} {
		fmt.Println(e, balanced(e))
	}
}
