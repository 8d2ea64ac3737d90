package master

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
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
	// Lost names, when Reset, the variables that statements had declared
	// (x := 1) and the declarations that used them: the new interpreter
	// no longer has them. Other declarations were replayed.
	Lost []string
	// Exit is set when the task called os.Exit or log.Fatal: the program
	// ended there, as a Go program does (deferred calls did not run, its
	// goroutines were stopped, the slave's interpreter was replaced). A
	// non-zero Exit.Code also fails the task with KindExit ("exit status
	// N"); status 0 is a success. Exit.Stderr is log.Fatal's line, which
	// Go prints on the standard error after the rest of the output.
	Exit *Exit
}

// Exit is how a task that called os.Exit or log.Fatal ended.
type Exit = session.Exit

// Future is the pending result of a submitted task (dpfw's promise).
//
// A Future is small on purpose: a burst of queued tasks costs a Future
// and a job each (see Config.MaxQueued). Its done channel is made only
// when someone asks for it, and its Result is stored once it exists.
// While the task runs it also has the task's latest Progress, and passes
// its live Events to Task.Watch.
type Future struct {
	mu   sync.Mutex    // protects the fields below
	done chan struct{} // made on demand (Done, Wait); closed by resolve
	res  *Result       // set by resolve; nil while pending
	err  error
	// watch is the group that fails the future when its context ends
	// (watches.add); resolve takes the future out of it.
	watch *ctxWatch
	// then runs once, after resolve (onDone): Parallel's groups and Key
	// merging hang on it.
	then func()
	// intr is cancelled by Interrupt; made on demand (interrupts).
	intr *interruption

	phase atomic.Int32 // queued, running or interrupted (see Interrupt)
	// windex is the future's index in watch.futs; guarded by its
	// watches' mu. (It fits in phase's padding.)
	windex int32

	// live holds the latest Progress and delivers Events to Task.Watch;
	// made at the first Event (most tasks have none).
	live *watcher
	// obs counts the outcome among the tasks of its kind; nil: not
	// counted. Fixed. (A queued task must stay within 256 B:
	// TestQueuedTaskMemory.)
	obs *kindCounters
}

// closed is the done channel of a Future resolved before anyone asked
// for one.
var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// Future phases, for Interrupt.
const (
	queued      = iota // not sent yet: Interrupt resolves it at once
	running            // sent, or batched: Interrupt asks the slave
	interrupted        // interrupted while queued: never sent
)

// Interrupt asks the slave to stop the task, as cancelling Submit's ctx
// does, but without giving up on it: the future still resolves with the
// slave's answer, normally a RemoteError of kind canceled, with a Result
// that carries the task's Output and, when the slave had to replace its
// interpreter to stop it, Reset and Lost. A task not sent yet fails at
// once with kind canceled. Interrupt never blocks, may be called any
// number of times, and does nothing to a finished task or to one sent in
// a Batch (cancel the Batch's ctx instead). If the slave does not
// answer, the future waits as for any task: cancel ctx to give up.
func (f *Future) Interrupt() {
	f.interrupts()
	f.intr.cancel() // idempotent; f.intr is set once, by interrupts
	if f.phase.CompareAndSwap(queued, interrupted) {
		f.resolve(Result{}, &RemoteError{Kind: KindCanceled, Msg: "interrupted before it was sent"})
	}
}

// interrupts returns the context that Interrupt cancels.
func (f *Future) interrupts() context.Context {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.intr == nil {
		f.intr = newInterruption()
	}
	return f.intr
}

// start marks the future's task as sent, and reports false when an
// Interrupt came first (the future is resolved already).
func (f *Future) start() bool {
	return f.phase.CompareAndSwap(queued, running) || f.phase.Load() == running
}

func newFuture() *Future { return &Future{} }

// resolve sets the outcome; only the first call counts, and it reports
// whether it was the first. The hooks (onDone) run before Done is
// closed, so that whoever Done wakes sees their effects (a Key's flight
// is over). With a Task.Watch, Done is closed once Watch has had every
// Event.
func (f *Future) resolve(res Result, err error) bool {
	f.mu.Lock()
	if f.res != nil {
		f.mu.Unlock()
		return false
	}
	f.res, f.err = &res, err
	watch, then, live := f.watch, f.then, f.live
	f.watch, f.then = nil, nil
	f.mu.Unlock()
	if watch != nil {
		watch.remove(f)
	}
	if then != nil {
		then()
	}
	if f.obs != nil {
		f.obs.finish(res, err)
	}
	if live != nil && live.fn != nil {
		live.finish(f.release) // once Watch has had every Event
	} else {
		f.release()
	}
	return true
}

// release closes Done.
func (f *Future) release() {
	f.mu.Lock()
	if f.done != nil {
		close(f.done)
	} else {
		f.done = closed
	}
	f.mu.Unlock()
}

// onDone runs fn once f has resolved: at once if it has, else on the
// goroutine that resolves it. fn must not block.
func (f *Future) onDone(fn func()) {
	f.mu.Lock()
	if f.res == nil {
		if prev := f.then; prev != nil {
			f.then = func() { prev(); fn() }
		} else {
			f.then = fn
		}
		f.mu.Unlock()
		return
	}
	f.mu.Unlock()
	fn()
}

// outcome returns the result of a resolved future.
func (f *Future) outcome() (Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return *f.res, f.err
}

// String describes the future for people: pending, or how it ended.
func (f *Future) String() string {
	f.mu.Lock()
	res, err := f.res, f.err
	f.mu.Unlock()
	switch {
	case res == nil:
		return "future (pending)"
	case err != nil:
		return "future (failed: " + err.Error() + ")"
	case res.Text != "":
		return "future (done: " + res.Text + ")"
	}
	return fmt.Sprintf("future (done: %v)", res.Value)
}

// Done is closed when the task has finished, successfully or not.
func (f *Future) Done() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done == nil {
		f.done = make(chan struct{})
	}
	return f.done
}

// Wait blocks until the task finishes or ctx is done, and returns its
// result (dpfw's force). Giving up on ctx does not cancel the task; the
// context given to Submit does.
func (f *Future) Wait(ctx context.Context) (Result, error) {
	select {
	case <-f.Done():
		return f.outcome()
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
