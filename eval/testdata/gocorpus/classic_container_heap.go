// container/heap priority queue with update, and container/list.
package main

import (
	"container/heap"
	"container/list"
	"fmt"
)

type Task struct {
	name     string
	priority int
	index    int
}

type PQ []*Task

func (pq PQ) Len() int { return len(pq) }
func (pq PQ) Less(i, j int) bool {
	if pq[i].priority != pq[j].priority {
		return pq[i].priority > pq[j].priority
	}
	return pq[i].name < pq[j].name
}
func (pq PQ) Swap(i, j int) {
	pq[i], pq[j] = pq[j], pq[i]
	pq[i].index = i
	pq[j].index = j
}
func (pq *PQ) Push(x any) {
	t := x.(*Task)
	t.index = len(*pq)
	*pq = append(*pq, t)
}
func (pq *PQ) Pop() any {
	old := *pq
	n := len(old)
	t := old[n-1]
	*pq = old[:n-1]
	return t
}

func main() {
	pq := &PQ{}
	heap.Init(pq)
	tasks := map[string]*Task{}
	for i, n := range []string{"write", "test", "deploy", "lint", "review"} {
		t := &Task{name: n, priority: i % 3}
		tasks[n] = t
		heap.Push(pq, t)
	}
	tasks["lint"].priority = 10
	heap.Fix(pq, tasks["lint"].index)
	for pq.Len() > 0 {
		t := heap.Pop(pq).(*Task)
		fmt.Print(t.name, ":", t.priority, " ")
	}
	fmt.Println()

	l := list.New()
	l.PushBack(2)
	l.PushBack(3)
	l.PushFront(1)
	e := l.PushBack(5)
	l.InsertBefore(4, e)
	l.MoveToFront(e)
	for x := l.Front(); x != nil; x = x.Next() {
		fmt.Print(x.Value, " ")
	}
	fmt.Println(l.Len())
}
