package master

import (
	"fmt"
	"sync"
)

// queue is the master's FIFO of jobs for any idle slave. Workers pop
// from it; ready carries one wake-up token at a time, which a worker
// that found more work behind its own passes on, so that a push wakes
// one idle worker and a burst wakes as many as it needs.
type queue struct {
	ready chan struct{}
	// room, when Config.MaxQueued is set, holds a token for each queued
	// task job that counts against it (job.counted).
	room chan struct{}

	mu     sync.Mutex // protects the fields below
	jobs   []*job
	head   int
	closed bool
}

func newQueue(max int) *queue {
	q := &queue{ready: make(chan struct{}, 1)}
	if max > 0 {
		q.room = make(chan struct{}, max)
	}
	return q
}

// admit takes a place for j, a new task job, waiting while the queue is
// full until j's context ends or done is closed; with failFast it does
// not wait but fails with ErrQueueFull. Without a bound it does nothing.
func (q *queue) admit(j *job, done <-chan struct{}, failFast bool) error {
	if q.room == nil {
		return nil
	}
	select {
	case q.room <- struct{}{}:
	default:
		if failFast {
			return fmt.Errorf("%w (%d tasks queued)", ErrQueueFull, cap(q.room))
		}
		var ctxDone <-chan struct{}
		if j.ctx != nil {
			ctxDone = j.ctx.Done()
		}
		select {
		case q.room <- struct{}{}:
		case <-ctxDone:
			return j.ctx.Err()
		case <-done:
			return ErrClosed
		}
	}
	q.mu.Lock()
	j.counted = true
	q.mu.Unlock()
	return nil
}

// uncount gives j's place back, once: it was taken from the queue, or
// its context ended while it waited there.
func (q *queue) uncount(j *job) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.uncountLocked(j)
}

func (q *queue) uncountLocked(j *job) {
	if j.counted {
		j.counted = false
		<-q.room
	}
}

// push appends j, or reports false if the queue is closed.
func (q *queue) push(j *job) bool {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false
	}
	q.jobs = append(q.jobs, j)
	q.mu.Unlock()
	q.signal()
	return true
}

// pushFront puts j before every waiting job (a reservation should not
// wait behind queued tasks).
func (q *queue) pushFront(j *job) bool {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false
	}
	q.jobs = append(q.jobs[:q.head], append([]*job{j}, q.jobs[q.head:]...)...)
	q.mu.Unlock()
	q.signal()
	return true
}

// pop takes the oldest job, or nil. It passes the wake-up on when jobs
// remain.
func (q *queue) pop() *job {
	q.mu.Lock()
	if q.head == len(q.jobs) {
		q.mu.Unlock()
		return nil
	}
	j := q.jobs[q.head]
	q.jobs[q.head] = nil
	q.head++
	q.uncountLocked(j)
	q.compactLocked()
	more := q.head < len(q.jobs)
	q.mu.Unlock()
	if more {
		q.signal()
	}
	return j
}

// compactLocked keeps the array of jobs proportional to the jobs queued:
// a queue that is never empty during a long burst would otherwise grow
// it by every job ever pushed, and an emptied queue would keep it.
func (q *queue) compactLocked() {
	switch {
	case q.head == len(q.jobs) && cap(q.jobs) > 1024: // empty after a burst
		q.jobs, q.head = nil, 0
	case q.head == len(q.jobs): // empty: reuse the array from the start
		q.jobs, q.head = q.jobs[:0], 0
	case q.head >= 1024 && q.head*2 >= len(q.jobs): // half of it popped
		n := copy(q.jobs, q.jobs[q.head:])
		clear(q.jobs[n:])
		q.jobs, q.head = q.jobs[:n], 0
	}
}

// empty reports whether no job waits.
func (q *queue) empty() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.head == len(q.jobs)
}

// passOn wakes an idle worker if jobs wait: a worker that took a
// wake-up and no job must not leave them unclaimed.
func (q *queue) passOn() {
	q.mu.Lock()
	more := q.head < len(q.jobs)
	q.mu.Unlock()
	if more {
		q.signal()
	}
}

func (q *queue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// close refuses further pushes and returns what was still queued.
func (q *queue) close() []*job {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	left := q.jobs[q.head:]
	q.jobs, q.head = nil, 0
	return left
}

// len is the number of jobs waiting.
func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.jobs) - q.head
}
