package master

import (
	"context"
	"errors"
	"fmt"
)

// Parallel runs tasks on idle slaves, as many at once as there are
// slaves, and waits for all of them (dpfw-parallel). Results come back
// in the order of tasks. If some tasks fail, the error joins their
// errors, each prefixed with the task's index, and the other results are
// still filled in.
func (m *Master) Parallel(ctx context.Context, tasks ...Task) ([]Result, error) {
	futs := make([]*Future, len(tasks))
	for i, t := range tasks {
		futs[i] = m.Submit(ctx, t)
	}
	return waitAll(ctx, futs)
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

func waitAll(ctx context.Context, futs []*Future) ([]Result, error) {
	results := make([]Result, len(futs))
	var errs []error
	for i, f := range futs {
		res, err := f.Wait(ctx)
		results[i] = res
		if err != nil {
			errs = append(errs, fmt.Errorf("task %d: %w", i, err))
		}
	}
	return results, errors.Join(errs...)
}
