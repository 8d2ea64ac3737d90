// A generic doubly linked list with an iterator-style Each and a generic Find.
package main

import "fmt"

type element[T any] struct {
	val        T
	prev, next *element[T]
}

type List[T any] struct {
	head, tail *element[T]
	n          int
}

func (l *List[T]) PushBack(v T) {
	e := &element[T]{val: v, prev: l.tail}
	if l.tail != nil {
		l.tail.next = e
	} else {
		l.head = e
	}
	l.tail = e
	l.n++
}

func (l *List[T]) PushFront(v T) {
	e := &element[T]{val: v, next: l.head}
	if l.head != nil {
		l.head.prev = e
	} else {
		l.tail = e
	}
	l.head = e
	l.n++
}

func (l *List[T]) Each(f func(int, T)) {
	i := 0
	for e := l.head; e != nil; e = e.next {
		f(i, e.val)
		i++
	}
}

func (l *List[T]) Reverse() []T {
	var out []T
	for e := l.tail; e != nil; e = e.prev {
		out = append(out, e.val)
	}
	return out
}

func Find[T comparable](l *List[T], v T) int {
	idx := -1
	l.Each(func(i int, x T) {
		if idx < 0 && x == v {
			idx = i
		}
	})
	return idx
}

type pair struct {
	k string
	v int
}

func main() {
	var l List[int]
	for i := 1; i <= 4; i++ {
		l.PushBack(i * i)
	}
	l.PushFront(0)
	l.Each(func(i, v int) { fmt.Printf("%d:%d ", i, v) })
	fmt.Println()
	fmt.Println(l.Reverse(), l.n, Find(&l, 9), Find(&l, 10))

	ps := &List[pair]{}
	ps.PushBack(pair{"a", 1})
	ps.PushBack(pair{"b", 2})
	fmt.Println(Find(ps, pair{"b", 2}), ps.Reverse())
}
