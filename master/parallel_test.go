package master_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dpfw/dpfw/master"
)

// spanSrc runs for ms milliseconds and returns its start and end, in
// nanoseconds of the slave's clock (the slaves share this host's).
func spanSrc(ms int) string {
	return fmt.Sprintf(`import "time"
a := time.Now().UnixNano(); time.Sleep(%d * time.Millisecond); []int64{a, time.Now().UnixNano()}`, ms)
}

func TestParallelLimitBoundsConcurrency(t *testing.T) {
	m := cluster(t, 4)
	tasks := make([]master.Task, 8)
	for i := range tasks {
		tasks[i] = master.Task{Src: spanSrc(100)}
	}
	results, err := m.ParallelWith(ctxT(t), master.ParallelOptions{Limit: 2}, tasks...)
	if err != nil {
		t.Fatal(err)
	}
	// At any task's start, at most 2 tasks (itself included) may be
	// between their start and end.
	for i, r := range results {
		start := r.Value.([]any)[0].(int64)
		overlap := 0
		for _, o := range results {
			span := o.Value.([]any)
			if span[0].(int64) <= start && start < span[1].(int64) {
				overlap++
			}
		}
		if overlap > 2 {
			t.Fatalf("task %d started while %d tasks ran; limit 2", i, overlap)
		}
	}
}

func TestParallelFailFastCancelsTheRest(t *testing.T) {
	m := cluster(t, 2)
	tasks := []master.Task{
		{Src: `import "time"; time.Sleep(50 * time.Millisecond); panic("boom")`},
		{Src: `import "time"; time.Sleep(10 * time.Minute); 1`},
		{Src: `import "time"; time.Sleep(10 * time.Minute); 2`},
		{Src: `3`},
	}
	_, err := m.ParallelWith(ctxT(t), master.ParallelOptions{FailFast: true}, tasks...)
	var pe *master.ParallelError
	if !errors.As(err, &pe) {
		t.Fatalf("want a *ParallelError, got %v", err)
	}
	if !master.IsKind(err, master.KindPanic) || !strings.HasPrefix(err.Error(), "task 0: ") {
		t.Fatalf("the error should be task 0's panic: %v", err)
	}
	if !master.IsKind(pe.Errs[0], master.KindPanic) {
		t.Fatalf("Errs[0] = %v", pe.Errs[0])
	}
	if !errors.Is(pe.Errs[1], master.ErrSkipped) {
		t.Fatalf("Errs[1] = %v, want ErrSkipped", pe.Errs[1])
	}
	// The engines were freed: the slaves run new work.
	if res, err := m.Run(ctxT(t), "40 + 2"); err != nil || res.Value != int64(42) {
		t.Fatalf("after fail-fast: %v %v", res.Value, err)
	}
}

func TestParallelCancelIsOneError(t *testing.T) {
	m := cluster(t, 2)
	ctx, cancel := context.WithCancel(ctxT(t))
	tasks := make([]master.Task, 6)
	for i := range tasks {
		tasks[i] = master.Task{Src: `import "time"; time.Sleep(10 * time.Minute); 1`}
	}
	go func() {
		// Cancel once both slaves run a task.
		waitFor(t, func() bool {
			busy := 0
			for _, s := range m.Slaves() {
				if s.Info().State == master.Busy {
					busy++
				}
			}
			return busy == 2
		})
		cancel()
	}()
	_, err := m.Parallel(ctx, tasks...)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if n := strings.Count(err.Error(), "context canceled"); n != 1 {
		t.Fatalf("the error repeats the cause %d times: %q", n, err)
	}
	var pe *master.ParallelError
	if !errors.As(err, &pe) || len(pe.Errs) != 6 || !errors.Is(pe.Errs[5], context.Canceled) {
		t.Fatalf("per-task errors: %#v", pe)
	}
}

func TestParallelErrorsByIndex(t *testing.T) {
	m := cluster(t, 2)
	results, err := m.Parallel(ctxT(t), master.Task{Src: "1"}, master.Task{Src: "x :="}, master.Task{Src: "3"})
	var pe *master.ParallelError
	if !errors.As(err, &pe) || pe.Errs[0] != nil || !master.IsKind(pe.Errs[1], master.KindCompile) || pe.Errs[2] != nil {
		t.Fatalf("got %v", err)
	}
	if results[2].Value != int64(3) || !strings.HasPrefix(err.Error(), "task 1: ") {
		t.Fatalf("results %v, error %q", results, err)
	}
}
