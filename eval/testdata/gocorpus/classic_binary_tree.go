// Binary search tree: insert, in-order walk, height, search, delete.
package main

import "fmt"

type Tree struct {
	Left, Right *Tree
	Key         int
	Count       int
}

func (t *Tree) Insert(k int) *Tree {
	if t == nil {
		return &Tree{Key: k, Count: 1}
	}
	switch {
	case k < t.Key:
		t.Left = t.Left.Insert(k)
	case k > t.Key:
		t.Right = t.Right.Insert(k)
	default:
		t.Count++
	}
	return t
}

func (t *Tree) Walk(visit func(*Tree)) {
	if t == nil {
		return
	}
	t.Left.Walk(visit)
	visit(t)
	t.Right.Walk(visit)
}

func (t *Tree) Height() int {
	if t == nil {
		return 0
	}
	return 1 + max2(t.Left.Height(), t.Right.Height())
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func (t *Tree) Contains(k int) bool {
	for t != nil {
		if k == t.Key {
			return true
		} else if k < t.Key {
			t = t.Left
		} else {
			t = t.Right
		}
	}
	return false
}

func (t *Tree) Delete(k int) *Tree {
	if t == nil {
		return nil
	}
	if k < t.Key {
		t.Left = t.Left.Delete(k)
	} else if k > t.Key {
		t.Right = t.Right.Delete(k)
	} else {
		if t.Left == nil {
			return t.Right
		}
		if t.Right == nil {
			return t.Left
		}
		m := t.Right
		for m.Left != nil {
			m = m.Left
		}
		t.Key, t.Count = m.Key, m.Count
		t.Right = t.Right.Delete(m.Key)
	}
	return t
}

func main() {
	var root *Tree
	for _, k := range []int{50, 30, 70, 20, 40, 60, 80, 30, 65} {
		root = root.Insert(k)
	}
	var keys []string
	root.Walk(func(n *Tree) { keys = append(keys, fmt.Sprintf("%d(%d)", n.Key, n.Count)) })
	fmt.Println(keys, root.Height())
	fmt.Println(root.Contains(65), root.Contains(66))
	root = root.Delete(50)
	root = root.Delete(20)
	var after []int
	root.Walk(func(n *Tree) { after = append(after, n.Key) })
	fmt.Println(after, root.Key, root.Height())
}
