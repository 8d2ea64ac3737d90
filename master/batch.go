package master

import (
	"context"
	"errors"

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
	}
	for lo := 0; lo < len(tasks); lo += size {
		hi := min(lo+size, len(tasks))
		m.enqueue(&job{ctx: ctx, batch: tasks[lo:hi], futs: futs[lo:hi]})
	}
	return waitAll(ctx, futs)
}

var errBatchStream = errors.New("master: stream tasks (Local) cannot be batched")

// execBatch sends j's tasks as one request. A task whose arguments
// cannot be sent fails alone; the others go.
func (s *Slave) execBatch(j *job) {
	req := &session.Request{Kind: session.KindBatch, Engine: s.engine}
	var sent []*Future // the futures of req.Batch, in order
	for i, t := range j.batch {
		if t.Local != nil {
			j.fail(errBatchStream)
			return
		}
		sub := session.Request{Kind: session.KindEval, Src: t.Src, Timeout: t.Timeout, Fresh: t.Fresh}
		if t.Func != "" {
			if err := s.encodeCall(&sub, t); err != nil {
				j.futs[i].resolve(Result{Slave: s.id}, err)
				continue
			}
		}
		req.Batch = append(req.Batch, sub)
		sent = append(sent, j.futs[i])
	}
	if len(sent) == 0 {
		return
	}
	resp, err := s.sess.Call(j.ctx, req)
	if err != nil {
		if err = s.callError(err); !s.retry(j, err) {
			j.fail(err)
		}
		return
	}
	for i, f := range sent {
		if i >= len(resp.Batch) {
			f.resolve(Result{Slave: s.id}, &RemoteError{Kind: KindInternal, Slave: s.id, Msg: "short batch response"})
			continue
		}
		f.resolve(s.result(&resp.Batch[i], nil))
	}
}
