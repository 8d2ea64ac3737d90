package master

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/dpfw/dpfw/session"
)

// Result is a finished task.
type Result struct {
	// Value is the task's result decoded into plain Go values: int64,
	// float64, string, []byte, bool, []any, map[string]any (map[any]any
	// when the keys are not all strings), or nil when the snippet ended
	// without an expression. For a stream task it is what Local returned.
	Value any
	// Raw is the encoded value, for Future.Decode into a typed variable.
	Raw []byte
	// Text is the value as the slave printed it.
	Text string
	// Output is what the task wrote to stdout and stderr.
	Output []byte
	// Slave is the id of the slave that ran the task.
	Slave string
	// Took is the time the slave's engine spent on the task.
	Took time.Duration
	// Reset reports that the slave's interpreter was replaced during the
	// task (after a timeout, for instance): its globals are gone.
	Reset bool
}

// Future is the pending result of a submitted task (dpfw's promise).
type Future struct {
	done chan struct{}
	once sync.Once
	res  Result
	err  error

	mu      sync.Mutex // protects unwatch
	unwatch func() bool
}

func newFuture() *Future { return &Future{done: make(chan struct{})} }

// resolve sets the outcome; only the first call counts.
func (f *Future) resolve(res Result, err error) {
	f.once.Do(func() {
		f.res, f.err = res, err
		close(f.done)
		f.mu.Lock()
		if f.unwatch != nil {
			f.unwatch()
		}
		f.mu.Unlock()
	})
}

// watch fails the future as soon as ctx is done, even while its task is
// still queued. The watch ends when the future resolves, so that a
// long-lived ctx does not keep every finished task alive.
func (f *Future) watch(ctx context.Context) {
	stop := context.AfterFunc(ctx, func() { f.resolve(Result{}, ctx.Err()) })
	f.mu.Lock()
	defer f.mu.Unlock()
	select {
	case <-f.done:
		stop()
	default:
		f.unwatch = stop
	}
}

// Done is closed when the task has finished, successfully or not.
func (f *Future) Done() <-chan struct{} { return f.done }

// Wait blocks until the task finishes or ctx is done, and returns its
// result (dpfw's force). Giving up on ctx does not cancel the task; the
// context given to Submit does.
func (f *Future) Wait(ctx context.Context) (Result, error) {
	select {
	case <-f.done:
		return f.res, f.err
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// Decode waits like Wait and decodes the task's value into dst, a
// non-nil pointer to a Go value of a compatible type: an int result into
// *int, a []string into *[]string, a map into a struct. It also decodes
// values that have no plain form, for which Wait fails (a map with
// struct keys into a map[K]V).
func (f *Future) Decode(ctx context.Context, dst any) error {
	res, err := f.Wait(ctx)
	if err != nil && (res.Raw == nil || !IsKind(err, KindUnsendable)) {
		return err
	}
	if res.Raw == nil {
		return errors.New("master: the task has no encoded value to decode")
	}
	return session.DecodeValue(res.Raw, dst)
}
