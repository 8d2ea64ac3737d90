package master

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Parallel runs tasks on idle slaves, as many at once as there are
// slaves, and waits for all of them (dpfw-parallel). Results come back
// in the order of tasks. If some tasks fail, the error is a
// *ParallelError holding each task's error by index, and the other
// results are still filled in. It is ParallelWith without options.
func (m *Master) Parallel(ctx context.Context, tasks ...Task) ([]Result, error) {
	return m.ParallelWith(ctx, ParallelOptions{}, tasks...)
}

// ParallelOptions tune ParallelWith, like an errgroup's.
type ParallelOptions struct {
	// FailFast cancels the tasks still queued or running as soon as one
	// fails (errgroup.WithContext): the error then names that task's
	// failure, once.
	FailFast bool
	// Limit bounds the tasks submitted and not yet finished at once
	// (errgroup.SetLimit); 0 means no bound beyond the slaves'.
	Limit int
}

// ParallelError is the error of Parallel, ParallelWith, Batch and
// Broadcast when not every task succeeded.
type ParallelError struct {
	// Errs has one entry per task, in the order of the tasks: nil where
	// the task succeeded. A task cancelled because another failed
	// (FailFast) has ErrSkipped; one not finished when the context
	// ended has the context's error.
	Errs []error
	// Cause is the one reason the others stopped: the context's error, or
	// with FailFast the first failure (wrapped with its index); nil when
	// every task ran to its own end.
	Cause error
}

// ErrSkipped is the error, in ParallelError.Errs, of a task cancelled
// because another task of a FailFast group failed.
var ErrSkipped = errors.New("master: cancelled: another task failed")

// Error is the Cause with how many tasks it cost, or else every task's
// failure on its own line.
func (e *ParallelError) Error() string {
	failed := 0
	for _, err := range e.Errs {
		if err != nil {
			failed++
		}
	}
	if e.Cause != nil {
		return fmt.Sprintf("%v (%d of %d tasks did not succeed)", e.Cause, failed, len(e.Errs))
	}
	var b strings.Builder
	for i, err := range e.Errs {
		if err != nil {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "task %d: %v", i, err)
		}
	}
	return b.String()
}

// Unwrap is the Cause, or else every task's error, so that errors.Is and
// errors.As see through a ParallelError.
func (e *ParallelError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Cause}
	}
	var errs []error
	for _, err := range e.Errs {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// ParallelWith is Parallel with options: FailFast, Limit. It submits the
// tasks in order, at most Limit unfinished at once, and returns when
// every submitted task has finished (or, with FailFast, as soon as the
// rest are cancelled), or ctx is done. It blocks; it starts no
// goroutines.
func (m *Master) ParallelWith(ctx context.Context, opts ParallelOptions, tasks ...Task) ([]Result, error) {
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	futs := make([]*Future, len(tasks))
	finished := make(chan int, len(tasks)) // indexes, as futures resolve
	limit := opts.Limit
	if limit <= 0 || limit > len(tasks) {
		limit = len(tasks)
	}
	next, running := 0, 0
	submit := func() {
		i := next
		futs[i] = m.Submit(gctx, tasks[i])
		futs[i].onDone(func() { finished <- i }) // buffered for every task
		next++
		running++
	}
	for next < limit {
		submit()
	}
	g := group{errs: make([]error, len(tasks)), results: make([]Result, len(tasks))}
	for running > 0 {
		var i int
		select {
		case i = <-finished:
		case <-ctx.Done():
			return g.results, g.stop(ctx.Err(), futs[:next], len(tasks))
		}
		running--
		res, err := futs[i].outcome()
		g.results[i] = res
		if err != nil {
			g.errs[i] = err
			if opts.FailFast && g.cause == nil {
				g.cause, g.first = fmt.Errorf("task %d: %w", i, err), i
				cancel()
			}
		}
		if next < len(tasks) && g.cause == nil {
			submit()
		}
	}
	return g.results, g.err(next, len(tasks))
}

// group is ParallelWith's bookkeeping.
type group struct {
	results []Result
	errs    []error
	cause   error // first failure, with FailFast
	first   int   // the index of that task
}

// err is the group's error once no task runs: tasks cancelled or never
// submitted because of the cause are ErrSkipped.
func (g *group) err(submitted, n int) error {
	if g.cause != nil {
		for i := range n {
			if i >= submitted || (i != g.first && errors.Is(g.errs[i], context.Canceled)) {
				g.errs[i] = ErrSkipped
			}
		}
		return &ParallelError{Errs: g.errs, Cause: g.cause}
	}
	for _, err := range g.errs {
		if err != nil {
			return &ParallelError{Errs: g.errs}
		}
	}
	return nil
}

// stop is the group's error when ctx ended first: every unfinished task
// gets cause, and cause is the one error.
func (g *group) stop(cause error, futs []*Future, n int) error {
	for i := range n {
		if i < len(futs) {
			select {
			case <-futs[i].Done():
				g.results[i], g.errs[i] = futs[i].outcome()
				continue
			default:
			}
		}
		g.errs[i] = cause
	}
	return &ParallelError{Errs: g.errs, Cause: cause}
}

// Broadcast runs src on every connected slave, after the tasks already
// pinned to each, and waits for all of them: the way to define a
// function everywhere. Results are in the order of Slaves.
func (m *Master) Broadcast(ctx context.Context, src string) ([]Result, error) {
	slaves := m.Slaves()
	futs := make([]*Future, len(slaves))
	for i, s := range slaves {
		futs[i] = s.Submit(ctx, Task{Src: src})
	}
	return waitAll(ctx, futs)
}

// waitAll waits for futs in order; see ParallelError.
func waitAll(ctx context.Context, futs []*Future) ([]Result, error) {
	g := group{errs: make([]error, len(futs)), results: make([]Result, len(futs))}
	for i, f := range futs {
		select {
		case <-f.Done():
		case <-ctx.Done():
			return g.results, g.stop(ctx.Err(), futs, len(futs))
		}
		g.results[i], g.errs[i] = f.outcome()
	}
	return g.results, g.err(len(futs), len(futs))
}
