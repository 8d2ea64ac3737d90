package master

import (
	"context"
	"errors"
	"time"

	"github.com/dpfw/dpfw/session"
)

// Batch runs tasks like Parallel, but sends them size at a time in one
// message: the tasks of a batch run one after the other on one slave, for
// the price of one round trip, which makes tiny tasks many times cheaper.
// Results come back in the order of tasks. Stream tasks (Local) cannot be
// batched. A batch whose slave is lost is re-run elsewhere if any of its
// tasks is Idempotent.
func (m *Master) Batch(ctx context.Context, size int, tasks ...Task) ([]Result, error) {
	size = max(size, 1)
	futs := make([]*Future, len(tasks))
	for i := range futs {
		futs[i] = newFuture()
		futs[i].phase.Store(running) // Interrupt does not apply to batches
		m.track(futs[i], kindBatched)
	}
	for lo := 0; lo < len(tasks); lo += size {
		hi := min(lo+size, len(tasks))
		m.enqueue(&job{ctx: ctx, batch: &batch{tasks: tasks[lo:hi], futs: futs[lo:hi]}})
	}
	return waitAll(ctx, futs)
}

var errBatchStream = errors.New("master: stream tasks (Local) cannot be batched")

// execBatch sends j's tasks as one request and returns their outcomes.
// A task whose arguments cannot be sent fails alone; the others go.
func (s *Slave) execBatch(j *job) []outcome {
	req := &session.Request{Kind: session.KindBatch, Engine: s.engine}
	var outs []outcome
	var sent []*Future // the futures of req.Batch, in order
	var srcs []string  // and their sources
	for i, t := range j.batch.tasks {
		if t.Local != nil {
			return j.failed(errBatchStream)
		}
		sub := session.Request{Kind: session.KindEval, Src: t.Src, Timeout: t.Timeout, Fresh: t.Fresh}
		if t.Func != "" {
			if err := s.encodeCall(&sub, t); err != nil {
				outs = append(outs, outcome{j.batch.futs[i], Result{Slave: s.id}, err})
				continue
			}
		}
		req.Batch = append(req.Batch, sub)
		sent = append(sent, j.batch.futs[i])
		srcs = append(srcs, source(&j.batch.tasks[i]))
	}
	if len(sent) == 0 {
		return outs
	}
	start := time.Now()
	resp, err := s.conn().Call(j.ctx, req)
	if err != nil {
		if err = s.callError(err); s.retry(j, err) || s.requeue(j, err) {
			return outs
		}
		return append(outs, j.failed(err)...) // a future resolves once: its own failure first
	}
	for i, f := range sent {
		if i >= len(resp.Batch) {
			outs = append(outs, outcome{f, Result{Slave: s.id}, &RemoteError{Kind: KindInternal, Slave: s.id, Msg: "short batch response"}})
			continue
		}
		res, err := s.result(&resp.Batch[i], nil)
		if err != nil {
			s.noteFailure(srcs[i], err)
		}
		outs = append(outs, outcome{f, res, err})
	}
	if s.m.obs != nil {
		took := time.Since(start) // the batch's, for each of its tasks
		for range sent {
			s.m.obs.took(took)
		}
	}
	return outs
}
