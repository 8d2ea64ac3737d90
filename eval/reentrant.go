package eval

import (
	"context"
	"fmt"
	"reflect"
	"sync"
)

// Re-entrant tasks (girder's call-reentrant, seed 004): a snippet sends
// sub-tasks of its own with dpfw.Submit, dpfw.Parallel and dpfw.Force.
// eval knows nothing of the network: whoever runs the task (the slave
// node) puts a Spawner in the task's context (WithSpawner), and the
// snippet's calls go through it. Without one, sub-tasks fail with
// KindUnsupported.
//
// Cycles cannot hang, by construction: a Future can be forced only by
// the task that submitted it (any other task gets an error at once), so
// every wait is a parent waiting for its own child, and the waits form a
// tree whose depth the master bounds. Every Future of a task fails with
// KindCanceled when the task ends.

// Spawner runs one sub-task of the running task: src on some engine,
// chosen by the master. It blocks until the sub-task is done or ctx is
// done, and is called from many goroutines at once. A failed sub-task is
// an *Error with the sub-task's Kind.
type Spawner func(ctx context.Context, src string) (SubResult, error)

// SubResult is a finished sub-task.
type SubResult struct {
	// Value is the result as plain Go values (int64, float64, string,
	// []any, map[string]any…), as a master's Result.Value.
	Value any
	// Decode decodes the encoded result into dst, a pointer to a Go
	// value of a compatible type (dpfw.Decode); nil when there is none.
	Decode func(dst any) error
}

type spawnerKey struct{}

// WithSpawner returns ctx carrying sp: Run, RunStream and Call under it
// send the snippet's sub-tasks through sp.
func WithSpawner(ctx context.Context, sp Spawner) context.Context {
	return context.WithValue(ctx, spawnerKey{}, sp)
}

func spawnerFrom(ctx context.Context) Spawner {
	sp, _ := ctx.Value(spawnerKey{}).(Spawner)
	return sp
}

// Future is a submitted sub-task as a snippet sees it (dpfw.Future).
type Future struct {
	owner *subTasks
	done  chan struct{} // closed once res and err are set
	res   SubResult
	err   *Error
}

// subTasks are the sub-tasks of one running task. Their context is
// made at the first sub-task: most tasks send none, and a cancellable
// context for each would cost every task.
type subTasks struct {
	task context.Context // the running task's; carries its Spawner

	mu     sync.Mutex      // protects ctx, cancel and ended
	ctx    context.Context // nil until made (context); ends when the task does
	cancel context.CancelFunc
	ended  bool

	wg sync.WaitGroup // one per sub-task in flight; end waits
}

// context returns the context of the task's sub-tasks, made on first
// use; it is done once the task ended.
func (st *subTasks) context() context.Context {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.ctx == nil {
		st.ctx, st.cancel = context.WithCancel(st.task)
		if st.ended {
			st.cancel()
		}
	}
	return st.ctx
}

// end cancels the sub-tasks still in flight and waits for their
// goroutines.
func (st *subTasks) end() {
	st.mu.Lock()
	st.ended = true
	cancel := st.cancel
	st.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	st.wg.Wait()
}

// reentrant connects an interpreter's dpfw functions to the task it is
// running. The functions are registered once per interpreter; the task
// changes, one at a time (the engine lock).
type reentrant struct {
	mu  sync.Mutex // protects cur
	cur *subTasks  // the running task's; nil between tasks
}

// begin makes the task of ctx the one whose sub-tasks the dpfw
// functions send.
func (r *reentrant) begin(ctx context.Context) {
	st := &subTasks{task: ctx}
	r.mu.Lock()
	r.cur = st
	r.mu.Unlock()
}

// end cancels the task's sub-tasks still in flight and waits for their
// goroutines; their Futures fail with KindCanceled.
func (r *reentrant) end() {
	r.mu.Lock()
	st := r.cur
	r.cur = nil
	r.mu.Unlock()
	if st != nil {
		st.end()
	}
}

func (r *reentrant) current() *subTasks {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur
}

// submit starts src as a sub-task of the running task (dpfw.Submit).
func (r *reentrant) submit(src string) *Future {
	st := r.current()
	f := &Future{owner: st, done: make(chan struct{})}
	switch {
	case st == nil:
		f.fail(errorf(KindCanceled, "dpfw.Submit outside a running task (its task has ended)"))
	case spawnerFrom(st.task) == nil:
		f.fail(errorf(KindUnsupported, "dpfw.Submit: this engine runs no sub-tasks (re-entrant tasks need a master: run the snippet on a slave)"))
	case st.context().Err() != nil:
		f.fail(ctxError(st.context()))
	default:
		ctx, spawn := st.context(), spawnerFrom(st.task)
		st.wg.Add(1)
		go func() {
			defer st.wg.Done()
			res, err := spawn(ctx, src)
			if err == nil {
				f.res = res
			} else if f.err = asError(err); ctx.Err() != nil {
				f.err = ctxError(ctx)
			}
			close(f.done)
		}()
	}
	return f
}

func (f *Future) fail(err *Error) {
	f.err = err
	close(f.done)
}

// asError keeps an *Error as it is and makes anything else KindInternal.
func asError(err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	return errorf(KindInternal, "sub-task: %v", err)
}

// wait blocks until f is done (dpfw.Force). Only the task that submitted
// f may wait for it: that is what makes cycles impossible.
func (r *reentrant) wait(f *Future) (SubResult, error) {
	if f == nil || f.done == nil {
		return SubResult{}, errorf(KindError, "dpfw.Force: nil Future (use the value dpfw.Submit returned)")
	}
	st := r.current()
	if st == nil || f.owner != st {
		return SubResult{}, errorf(KindError, "dpfw.Force: this Future belongs to another task; a task may wait only for the sub-tasks it submitted itself")
	}
	select {
	case <-f.done:
	case <-st.context().Done():
		return SubResult{}, ctxError(st.context())
	}
	if f.err != nil {
		return SubResult{}, f.err
	}
	return f.res, nil
}

// symbols are the re-entrant functions of package dpfw.
func (r *reentrant) symbols() map[string]reflect.Value {
	force := func(f *Future) (any, error) {
		res, err := r.wait(f)
		return res.Value, err
	}
	return map[string]reflect.Value{
		"Future": reflect.ValueOf((*Future)(nil)),
		"Error":  reflect.ValueOf((*Error)(nil)),
		"Submit": reflect.ValueOf(r.submit),
		"Force":  reflect.ValueOf(force),
		"Decode": reflect.ValueOf(func(f *Future, dst any) error {
			res, err := r.wait(f)
			if err != nil {
				return err
			}
			if res.Decode == nil {
				return errorf(KindError, "dpfw.Decode: the sub-task has no value to decode")
			}
			if err := res.Decode(dst); err != nil {
				return errorf(KindUnsendable, "dpfw.Decode: %v", err)
			}
			return nil
		}),
		"Parallel": reflect.ValueOf(func(srcs ...string) ([]any, error) {
			futs := make([]*Future, len(srcs))
			for i, src := range srcs {
				futs[i] = r.submit(src)
			}
			vals := make([]any, len(srcs))
			var first error
			for i, f := range futs {
				v, err := force(f)
				vals[i] = v
				if err != nil && first == nil {
					e := asError(err)
					first = &Error{Kind: e.Kind, Msg: fmt.Sprintf("sub-task %d of %d: %v", i, len(srcs), e)}
				}
			}
			return vals, first
		}),
	}
}
