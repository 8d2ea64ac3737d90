package master

import "testing"

// A queue that never empties during a burst keeps its array
// proportional to what it holds, and lets it go once empty.
func TestQueueArrayFollowsItsLength(t *testing.T) {
	q := newQueue(0)
	for range 10 {
		q.push(&job{})
	}
	for i := range 100_000 {
		q.push(&job{})
		if q.pop() == nil {
			t.Fatalf("pop %d: empty", i)
		}
		if c := cap(q.jobs); c > 4096 {
			t.Fatalf("after %d pushes with 11 queued, the array holds %d", i, c)
		}
	}
	for range 5000 {
		q.push(&job{})
	}
	for q.pop() != nil {
	}
	if q.jobs != nil {
		t.Fatalf("an emptied queue keeps an array of %d", cap(q.jobs))
	}
}
