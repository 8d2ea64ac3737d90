// A hand-written singly linked list: push, reverse, remove, String.
package main

import (
	"fmt"
	"strings"
)

type node struct {
	val  int
	next *node
}

type List struct {
	head *node
	size int
}

func (l *List) Push(v int) {
	l.head = &node{v, l.head}
	l.size++
}

func (l *List) Append(v int) {
	n := &node{val: v}
	l.size++
	if l.head == nil {
		l.head = n
		return
	}
	cur := l.head
	for cur.next != nil {
		cur = cur.next
	}
	cur.next = n
}

func (l *List) Reverse() {
	var prev *node
	for cur := l.head; cur != nil; {
		next := cur.next
		cur.next = prev
		prev, cur = cur, next
	}
	l.head = prev
}

func (l *List) Remove(v int) bool {
	for p := &l.head; *p != nil; p = &(*p).next {
		if (*p).val == v {
			*p = (*p).next
			l.size--
			return true
		}
	}
	return false
}

func (l *List) String() string {
	var parts []string
	for n := l.head; n != nil; n = n.next {
		parts = append(parts, fmt.Sprint(n.val))
	}
	return "(" + strings.Join(parts, " -> ") + ")"
}

func main() {
	l := &List{}
	for i := 1; i <= 5; i++ {
		l.Append(i * 10)
	}
	l.Push(0)
	fmt.Println(l, l.size)
	l.Reverse()
	fmt.Println(l)
	fmt.Println(l.Remove(30), l.Remove(99), l.Remove(50))
	fmt.Println(l, l.size)
}
