package master

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/dpfw/dpfw/session"
)

// Task is one unit of work for a slave. At most one of Src and Func is
// set; a Fresh task with neither only resets the engine.
type Task struct {
	// Src is Go source run on the slave's engine; the value of its last
	// expression is the result.
	Src string
	// Func names a function already defined on the engine, called with
	// Args; no source is parsed.
	Func string
	Args []any
	// Timeout bounds the task on the slave; 0 means none.
	Timeout time.Duration
	// Local, if set, makes this a stream task (dpfw's local procedure):
	// Src must yield a func(io.Reader, io.Writer) error, which the slave
	// runs against a stream whose other end is Local's r and w. Local runs
	// on its own goroutine in the master, and what it returns is the
	// task's Result.Value. Closing w ends the slave function's input.
	Local func(ctx context.Context, r io.Reader, w io.WriteCloser) (any, error)
	// Fresh runs Src on a reset engine: the slave replaces its
	// interpreter first, so nothing earlier tasks declared, imported or
	// assigned is visible (its table stays).
	Fresh bool
	// Idempotent lets the master re-run the task on another slave if its
	// slave is lost mid-task (at most Config.MaxRetries times).
	Idempotent bool
}

// job is a Task on its way to a slave, or a control message for a
// slave's worker (reserve, release).
type job struct {
	ctx  context.Context
	task Task
	fut  *Future
	// batch, if set, replaces task and fut: tasks sent in one message.
	batch   []Task
	futs    []*Future
	tries   int
	reserve chan *Slave
	release bool
	// mu orders a worker granting a reservation against its caller
	// giving up on it.
	mu        sync.Mutex
	abandoned bool
}

func newJob(ctx context.Context, t Task) *job {
	return &job{ctx: ctx, task: t, fut: newFuture()}
}

// Submit hands t to the first idle slave and returns at once; the
// Future resolves with the task's result. Cancelling ctx cancels the
// task, on the slave too if it has started.
func (m *Master) Submit(ctx context.Context, t Task) *Future {
	j := newJob(ctx, t)
	m.enqueue(j)
	return j.fut
}

// Run is Submit followed by Wait.
func (m *Master) Run(ctx context.Context, src string) (Result, error) {
	return m.Submit(ctx, Task{Src: src}).Wait(ctx)
}

// enqueue puts j on the shared queue. A queued job whose context ends
// fails at once; the worker that pops it later skips it.
func (m *Master) enqueue(j *job) {
	if !m.shared.push(j) {
		j.fail(ErrClosed)
		return
	}
	if j.ctx == nil {
		return
	}
	if j.fut != nil {
		j.fut.watch(j.ctx)
	}
	for _, f := range j.futs {
		f.watch(j.ctx)
	}
}

func (j *job) fail(err error) {
	if j.fut != nil {
		j.fut.resolve(Result{}, err)
	}
	for _, f := range j.futs {
		f.resolve(Result{}, err)
	}
}

// Reserve takes an idle slave out of the shared pool, for a series of
// tasks that must run on the same engine (Slave.Submit); Release gives it
// back. With wait false it returns at once: a slave that is idle right
// now (connected, not reserved, nothing running or pinned; the first in
// joining order), or ErrNoIdle. With wait true it blocks until a slave
// is free for it, ahead of the shared tasks queued, or ctx is done.
func (m *Master) Reserve(ctx context.Context, wait bool) (*Slave, error) {
	if m.ctx.Err() != nil {
		return nil, ErrClosed
	}
	if !wait {
		for _, s := range m.Slaves() {
			if s.tryReserve() {
				return s, nil
			}
		}
		return nil, ErrNoIdle
	}
	j := &job{reserve: make(chan *Slave, 1)}
	if !m.shared.pushFront(j) {
		return nil, ErrClosed
	}
	select {
	case s := <-j.reserve:
		return s, nil
	case <-ctx.Done():
		j.abandon()
		return nil, ctx.Err()
	case <-m.done:
		j.abandon()
		return nil, ErrClosed
	}
}

// abandon withdraws a reservation nobody waits for any more: if a slave
// granted it meanwhile, that slave is released again.
func (j *job) abandon() {
	j.mu.Lock()
	j.abandoned = true
	var s *Slave
	select {
	case s = <-j.reserve:
	default:
	}
	j.mu.Unlock()
	if s != nil {
		s.Release()
	}
}

// grant gives s to the reservation, unless its caller has given up.
// The worker calls it with s.mu held.
func (j *job) grant(s *Slave) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.abandoned {
		return false
	}
	j.reserve <- s // buffered
	return true
}

// outcome is a future's result, which Slave.finish delivers.
type outcome struct {
	fut *Future
	res Result
	err error
}

// failed is err as the outcome of every future of j.
func (j *job) failed(err error) []outcome {
	var outs []outcome
	if j.fut != nil {
		outs = append(outs, outcome{j.fut, Result{}, err})
	}
	for _, f := range j.futs {
		outs = append(outs, outcome{f, Result{}, err})
	}
	return outs
}

// exec runs a task job on s and returns its futures' outcomes, or none
// when it handed the job to another slave (s was lost and the task may
// be re-run).
func (s *Slave) exec(j *job) []outcome {
	if err := j.ctx.Err(); err != nil {
		return j.failed(err)
	}
	if j.batch != nil {
		return s.execBatch(j)
	}
	res, err := s.do(j.ctx, j.task)
	if err != nil && s.retry(j, err) {
		return nil
	}
	return []outcome{{j.fut, res, err}}
}

// retry hands j to another slave if s was lost and j may run again.
func (s *Slave) retry(j *job, err error) bool {
	idem := j.task.Idempotent
	for _, t := range j.batch {
		idem = idem || t.Idempotent
	}
	if !IsKind(err, KindLost) || !idem || j.tries >= s.m.cfg.MaxRetries {
		return false
	}
	j.tries++
	s.m.log.Warn("re-running idempotent task", "lost", s.id, "try", j.tries)
	return s.m.shared.push(j)
}

func (s *Slave) do(ctx context.Context, t Task) (Result, error) {
	req := &session.Request{Kind: session.KindEval, Engine: s.engine, Src: t.Src, Timeout: t.Timeout, Fresh: t.Fresh}
	if t.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, graceful(t.Timeout))
		defer cancel()
	}
	if t.Local != nil {
		req.Kind = session.KindStream
		return s.stream(ctx, req, t.Local)
	}
	if t.Func != "" {
		if err := s.encodeCall(req, t); err != nil {
			return Result{Slave: s.id}, err
		}
	}
	resp, err := s.sess.Call(ctx, req)
	return s.result(resp, err)
}

// encodeCall makes req a call of t.Func. An argument that cannot be
// sent fails the task with the RemoteError EncodeValue gives, naming s.
func (s *Slave) encodeCall(req *session.Request, t Task) error {
	req.Kind, req.Func = session.KindCall, t.Func
	for i, a := range t.Args {
		raw, err := session.EncodeValue(a)
		if err != nil {
			return s.valueError(fmt.Sprintf("argument %d of %s", i, t.Func), err)
		}
		req.Args = append(req.Args, raw)
	}
	return nil
}

// valueError is EncodeValue's refusal of a value, naming the value and
// the slave it was for.
func (s *Slave) valueError(what string, err error) error {
	out := &RemoteError{Kind: KindUnsendable, Slave: s.id, Msg: what + ": " + err.Error()}
	var re *RemoteError
	if errors.As(err, &re) {
		out.Kind, out.Msg = re.Kind, what+": "+re.Msg
	}
	return out
}

// result converts a slave's answer, or the lack of one, into a Result.
func (s *Slave) result(resp *session.Response, err error) (Result, error) {
	res := Result{Slave: s.id}
	if err != nil {
		return res, s.callError(err)
	}
	res.Raw, res.Text, res.Output, res.Took, res.Reset = resp.Value, resp.Text, resp.Output, resp.Took, resp.Reset
	if resp.Err != nil {
		resp.Err.Slave = s.id
		return res, resp.Err
	}
	if len(resp.Value) > 0 {
		if err := session.DecodeValue(resp.Value, &res.Value); err != nil {
			// Raw stays: Future.Decode into a typed variable may still
			// work (a map with struct keys has no form as a plain any).
			return res, &RemoteError{Kind: KindUnsendable, Slave: s.id,
				Msg: fmt.Sprintf("the result does not decode into a plain Go value (%v); Future.Decode into a typed variable may", err)}
		}
	}
	return res, nil
}

// callError makes a lost connection a RemoteError of kind lost, which
// names the slave; context errors pass through unchanged.
func (s *Slave) callError(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	select {
	case <-s.m.done: // the Master closed the connection itself
		return ErrClosed
	default:
	}
	if errors.Is(err, session.ErrConnectionLost) || s.gone() {
		return &RemoteError{Kind: KindLost, Slave: s.id, Msg: fmt.Sprintf("connection to %s lost mid-task: %v", s, err)}
	}
	return err
}

// stream runs a stream task: the slave's function and local on the two
// ends of one stream, concurrently.
func (s *Slave) stream(ctx context.Context, req *session.Request, local func(context.Context, io.Reader, io.WriteCloser) (any, error)) (Result, error) {
	ts, err := s.sess.OpenTask(ctx, req)
	if err != nil {
		return Result{Slave: s.id}, s.callError(err)
	}
	defer ts.Close()
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type outcome struct {
		v   any
		err error
	}
	lc := make(chan outcome, 1)
	go func() { // exits when local returns; ts.Close unblocks its I/O
		v, err := local(lctx, ts, closeWriter{ts})
		lc <- outcome{v, err}
	}()
	res, err := s.result(ts.Result(ctx))
	if err != nil {
		cancel() // Local may be blocked on something other than the stream
		ts.Close()
		<-lc
		return res, err
	}
	lo := <-lc
	res.Value, res.Raw = lo.v, nil
	return res, lo.err
}

// closeWriter makes CloseWrite the Close of the writer given to Local.
type closeWriter struct{ ts *session.TaskStream }

func (c closeWriter) Write(p []byte) (int, error) { return c.ts.Write(p) }
func (c closeWriter) Close() error                { return c.ts.CloseWrite() }
