package master

import (
	"context"
	"slices"
	"sync"
	"time"
)

// interruption is what Interrupt cancels: a context rather than a
// channel, so that a Call that reads its own Response can be woken by
// it (session.CallLive's stop, through context.AfterFunc). Every task
// sent makes one, so it is lighter than context.WithCancel (a context,
// its CancelFunc, a holder for both, and the Done channel made when the
// session first asks: four allocations a task): one value and its
// channel. Only Done, Err and AfterFunc carry meaning; AfterFunc is
// what the context package uses to tie contexts derived from it (and
// context.AfterFunc's) to it without a goroutine each.
type interruption struct {
	done chan struct{}

	mu    sync.Mutex // protects the fields below
	ended bool
	after []*func() // AfterFunc's functions still to run
}

func newInterruption() *interruption {
	return &interruption{done: make(chan struct{})}
}

// cancel ends the interruption: Done is closed, the functions given to
// AfterFunc start, each on its own goroutine. It is idempotent.
func (i *interruption) cancel() {
	i.mu.Lock()
	if i.ended {
		i.mu.Unlock()
		return
	}
	i.ended = true
	close(i.done)
	after := i.after
	i.after = nil
	i.mu.Unlock()
	for _, f := range after {
		go (*f)()
	}
}

// AfterFunc arranges for f to run on its own goroutine once the
// interruption has ended (at once if it has), as context.AfterFunc
// does; stop keeps f from running and reports whether it did.
func (i *interruption) AfterFunc(f func()) (stop func() bool) {
	i.mu.Lock()
	if i.ended {
		i.mu.Unlock()
		go f()
		return func() bool { return false }
	}
	p := &f
	i.after = append(i.after, p)
	i.mu.Unlock()
	return func() bool {
		i.mu.Lock()
		defer i.mu.Unlock()
		for k, q := range i.after {
			if q == p {
				i.after = slices.Delete(i.after, k, k+1)
				return true
			}
		}
		return false
	}
}

func (i *interruption) Done() <-chan struct{}       { return i.done }
func (i *interruption) Deadline() (time.Time, bool) { return time.Time{}, false }
func (i *interruption) Value(key any) any           { return nil }
func (i *interruption) Err() error {
	select {
	case <-i.done:
		return context.Canceled
	default:
		return nil
	}
}
