package master

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
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
	// Timeout bounds the task on the slave; 0 means none. The slave
	// stops the task and answers with kind timeout; if no answer comes
	// within Timeout plus a grace (1 s + Timeout/10), the master stops
	// waiting and fails the task with kind timeout itself.
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
	// spare runs the task on a spare engine of the slave's node; depth
	// is its depth among sub-tasks (reentrant.go). They sit in the
	// padding after the bools, so that a queued task stays within 256 B
	// (TestQueuedTaskMemory).
	spare bool
	depth int32
	// Key, if set, names the task's result (Gearman's unique key): tasks
	// with the same Key in flight at once run once and share its
	// outcome, and with Config.Cache a successful result is kept and
	// given to later tasks with that Key without running them. The Key
	// is the caller's promise that equal keys mean equal results; the
	// shared Result's Value must be treated as read-only. The one task
	// that runs does so under the context of the first Submit; a merged
	// caller whose own context ends stops waiting, the task goes on.
	Key string
	// Watch, if set, is called with the task's live Events while it
	// runs: what it prints, as it prints it, and its dpfw.Progress
	// reports. Calls come in order, one at a time, on a goroutine of
	// their own; the Future's Wait and Done wait for the last call. Watch
	// must not block for long: output that arrives meanwhile waits in a
	// bounded queue (1 MiB), beyond which it is left out of the live
	// view (Event.Offset says where). Result.Output has it all. Batched
	// tasks have no live Events.
	Watch func(Event)
}

// job is a Task on its way to a slave, or a control message for a
// slave's worker (reserve, release). A queued task costs one job, with
// its Future inside, so the rarer kinds keep their fields behind a
// pointer (see Config.MaxQueued).
type job struct {
	own  Future // fut of a single task: one allocation for both
	ctx  context.Context
	task Task
	fut  *Future
	// batch, if set, replaces task and fut: tasks sent in one message.
	batch   *batch
	reserve *reservation
	// tries and busy are 8 bits so that a job stays in the 240-byte
	// size class (TestQueuedTaskMemory): re-runs stop at 127 whatever
	// Config.MaxRetries says, and maxBusy fits.
	tries   int8 // times re-run after its slave was lost
	busy    int8 // times a slave refused it as busy (at most maxBusy)
	pinned  bool // for one slave only (Slave.Submit): never requeued
	release bool
	// detach: the task goes to its slave as a detached job
	// (SubmitDetached), whose Job is the Result's Value.
	detach bool
	// counted: the job holds a place of Config.MaxQueued (queue.room);
	// guarded by the queue's mu.
	counted bool
	// settled: the session's reader finished the job when its Response
	// arrived (Slave.arrived); written there before the Call returns
	// that Response to the worker, which reads it after.
	settled bool
	// behind: the worker started it while others were in flight on its
	// slave (Pipeline): its request may wait a little to go out with
	// theirs (session.MayHold).
	behind bool
}

// batch is the tasks of one Batch message and their futures.
type batch struct {
	tasks []Task
	futs  []*Future
}

// reservation is a Reserve call waiting for a slave.
type reservation struct {
	ch chan *Slave // buffered: the slave granted
	// mu orders a worker granting a reservation against its caller
	// giving up on it.
	mu        sync.Mutex
	abandoned bool
}

func newJob(ctx context.Context, m *Master, t Task) *job {
	j := &job{ctx: ctx, task: t}
	j.fut = &j.own
	m.track(j.fut, kindOf(t))
	return j
}

// Submit hands t to the first idle slave and returns at once; the
// Future resolves with the task's result. Cancelling ctx cancels the
// task, on the slave too if it has started.
//
// With Config.MaxQueued set, Submit blocks while that many tasks wait
// for a slave, until one is taken, ctx is done or the Master closes
// (the Future then fails with ctx's error or ErrClosed); with
// Config.FailWhenFull it fails the Future with ErrQueueFull instead.
// A task with a Key may be merged with one in flight, or answered from
// Config.Cache (see Task.Key).
func (m *Master) Submit(ctx context.Context, t Task) *Future {
	if t.Key != "" {
		return m.submitKeyed(ctx, t)
	}
	return m.submit(ctx, t)
}

func (m *Master) submit(ctx context.Context, t Task) *Future {
	j := newJob(ctx, m, t)
	m.enqueue(j)
	return j.fut
}

// Run is Submit followed by Wait. When the slave that ran the last task
// is idle, at Pipeline 1, with no task queued, Run sends the task to it
// itself and waits for the answer there, as the slave's worker would:
// the task does not go through the queue and the worker (two hand-offs
// less per task).
func (m *Master) Run(ctx context.Context, src string) (Result, error) {
	t := Task{Src: src}
	if s := m.claim(); s != nil {
		return s.runHere(ctx, t)
	}
	return m.Submit(ctx, t).Wait(ctx)
}

// claim takes the slave that last finished a task at Pipeline 1 for a
// task run by the caller (Slave.direct), if it is idle and no task waits
// in the shared queue, which would otherwise be overtaken. It looks at
// one slave only: the cost per task must not grow with the slaves.
func (m *Master) claim() *Slave {
	s := m.hint.Load()
	if s == nil || m.ctx.Err() != nil || !m.shared.empty() {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pipeline != 1 || s.stateLocked() != Idle || len(s.pinned) > 0 || s.direct {
		return nil
	}
	s.direct = true
	s.running++
	return s
}

// runHere runs t on s, which claim took for it, on the calling
// goroutine, with the worker's code: a busy refusal or a lost connection
// send the task to the shared queue as they would from the worker.
func (s *Slave) runHere(ctx context.Context, t Task) (Result, error) {
	j := newJob(ctx, s.m, t)
	s.run(j)
	return j.fut.Wait(ctx)
}

// enqueue puts j on the shared queue, after waiting for room in it
// (Config.MaxQueued). A queued job whose context ends fails at once and
// gives its place back; the worker that pops it later skips it.
func (m *Master) enqueue(j *job) {
	if err := m.shared.admit(j, m.done, m.cfg.FailWhenFull); err != nil {
		j.fail(err)
		return
	}
	ctx, futs := j.ctx, j.futures() // a worker may finish j once pushed
	if !m.shared.push(j) {
		j.fail(ErrClosed)
		return
	}
	for _, f := range futs {
		m.watches.add(f, ctx, j)
	}
}

// futures lists the futures j resolves.
func (j *job) futures() []*Future {
	if j.batch != nil {
		return j.batch.futs
	}
	if j.fut != nil {
		return []*Future{j.fut}
	}
	return nil
}

// tasks lists the tasks of j.
func (j *job) tasks() []Task {
	if j.batch != nil {
		return j.batch.tasks
	}
	return []Task{j.task}
}

func (j *job) fail(err error) {
	for _, f := range j.futures() {
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
	j := &job{reserve: &reservation{ch: make(chan *Slave, 1)}}
	if !m.shared.pushFront(j) {
		return nil, ErrClosed
	}
	select {
	case s := <-j.reserve.ch:
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
	r := j.reserve
	r.mu.Lock()
	r.abandoned = true
	var s *Slave
	select {
	case s = <-r.ch:
	default:
	}
	r.mu.Unlock()
	if s != nil {
		s.Release()
	}
}

// grant gives s to the reservation, unless its caller has given up.
// The worker calls it with s.mu held.
func (j *job) grant(s *Slave) bool {
	r := j.reserve
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.abandoned {
		return false
	}
	r.ch <- s // buffered
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
	for _, f := range j.futures() {
		outs = append(outs, outcome{f, Result{}, err})
	}
	return outs
}

// exec runs a task job on s and returns its futures' outcomes, or none
// when it handed the job to another slave (s was lost and the task may
// be re-run). settled reports that the session's reader finished the
// job already (arrived), so the caller must not finish it again; only
// exec may read j.settled, since a job it handed on belongs to another
// slave's reader from then on.
func (s *Slave) exec(j *job) (outs []outcome, settled bool) {
	if err := j.ctx.Err(); err != nil {
		return j.failed(err), false
	}
	if j.batch != nil {
		return s.execBatch(j), false
	}
	if !j.fut.start() {
		return nil, false // interrupted while queued: resolved already
	}
	if j.detach { // never re-run: the node may have accepted it
		res, err := s.detach(j.ctx, j.task)
		return []outcome{{j.fut, res, err}}, false
	}
	sent := time.Now()
	s.currentAt.Store(sent.UnixNano())
	s.current.Store(j)
	arrived := s.arrived(j, sent)
	ctx := j.ctx
	if j.behind {
		ctx = session.MayHold(ctx)
	}
	res, err := s.do(ctx, j.task, j.fut.interrupts(), j.event, arrived, &j.settled)
	for !j.settled && j.pinned && IsKind(err, KindBusy) && j.busy < maxBusy {
		j.busy++ // a pinned task can only wait for room on its slave
		res, err = s.do(ctx, j.task, j.fut.interrupts(), j.event, arrived, &j.settled)
	}
	if j.settled {
		return nil, true
	}
	s.ran(j, sent)
	if err != nil {
		if s.requeue(j, err) {
			return nil, false // busy is not a failure: the task waits for room
		}
		s.noteFailure(j.source(), err)
		if s.retry(j, err) {
			return nil, false
		}
	}
	return []outcome{{j.fut, res, err}}, false
}

// arrived returns the function that finishes j on the session's reader
// as soon as its Response is decoded: the future's waiter is woken from
// there, not through this slave's worker (one hand-off less per task).
// A busy refusal is left to the worker, which queues the task again.
// Errors without a Response (a lost connection, a context) never reach
// it: the worker handles them as before.
// It sets j.settled when it finished j.
func (s *Slave) arrived(j *job, sent time.Time) func(*session.Response) {
	return func(resp *session.Response) {
		if resp.Err != nil && resp.Err.Kind == KindBusy {
			return
		}
		res, err := decodeResponse(s.id, resp)
		s.ran(j, sent)
		if err != nil {
			s.noteFailure(j.source(), err)
		}
		j.settled = true
		s.finish(j, []outcome{{j.fut, res, err}})
	}
}

// ran ends j's run on s for the dashboard and the metrics, wherever
// its answer is handled: j is no longer s's current task, and the time
// since it was sent is counted.
func (s *Slave) ran(j *job, sent time.Time) {
	s.current.CompareAndSwap(j, nil)
	if s.m.obs != nil {
		s.m.obs.took(time.Since(sent))
	}
}

// maxBusy bounds how often a task refused as busy goes back to the
// queue: a slave that keeps refusing (it admits fewer tasks than it
// announced) fails the task in the end rather than spin on it.
const maxBusy = 100 // <= math.MaxInt8 (job.busy)

// requeue puts a job that s refused as busy back in the shared queue, to
// run when a slave has room: a refusal is not the task's failure.
// The session keeps every connection under its slave's limit, so this
// happens only with a slave that admits fewer tasks than it announced.
func (s *Slave) requeue(j *job, err error) bool {
	if j.pinned || !IsKind(err, KindBusy) || j.busy >= maxBusy {
		return false
	}
	j.busy++
	if j.busy == 1 {
		s.m.log.Warn("slave refused a task as busy; queued again", "slave", s.id, "err", err)
	}
	return s.m.shared.push(j)
}

// retry hands j to another slave if s was lost and j may run again.
func (s *Slave) retry(j *job, err error) bool {
	idem := false
	for _, t := range j.tasks() {
		idem = idem || t.Idempotent
	}
	if !IsKind(err, KindLost) || !idem || int(j.tries) >= min(s.m.cfg.MaxRetries, math.MaxInt8) {
		return false
	}
	j.tries++
	if s.m.obs != nil {
		s.m.obs.retries.Add(1)
	}
	s.m.log.Warn("re-running idempotent task", "lost", s.id, "try", j.tries)
	return s.m.shared.push(j)
}

// do runs t on s. A done stop interrupts it (Future.Interrupt); the
// task's live Events go to onEvent. arrived, if not nil, is given the
// Response on the session's reader (see Session.CallNotify) before do
// returns it; when it has set *settled, it has used the Response, and
// do returns an empty Result.
func (s *Slave) do(ctx context.Context, t Task, stop context.Context, onEvent func(*session.Event), arrived func(*session.Response), settled *bool) (Result, error) {
	req := &session.Request{Kind: session.KindEval, Engine: s.engine, Src: t.Src, Timeout: t.Timeout, Fresh: t.Fresh, Depth: int(t.depth), Spare: t.spare}
	if t.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, graceful(t.Timeout), errNoTimeoutAnswer)
		defer cancel()
	}
	res, err := s.doWithin(ctx, req, t, stop, onEvent, arrived, settled)
	if errors.Is(err, context.DeadlineExceeded) && context.Cause(ctx) == errNoTimeoutAnswer {
		// The slave enforces Timeout and answers with kind timeout;
		// when even that answer is late (a stalled or overloaded
		// slave), the task has still run out of its time.
		err = &RemoteError{Kind: KindTimeout, Slave: s.id, Msg: fmt.Sprintf(
			"deadline exceeded: no answer from %s within %v of the task's %v timeout", s, graceful(t.Timeout)-t.Timeout, t.Timeout)}
	}
	return res, err
}

// errNoTimeoutAnswer is the cause of the master's backstop for a task
// with a Timeout: graceful(Timeout) passed without the slave's answer.
var errNoTimeoutAnswer = errors.New("no answer within the task's timeout and its grace")

// doWithin sends req (made from t) and waits for the answer, within ctx.
func (s *Slave) doWithin(ctx context.Context, req *session.Request, t Task, stop context.Context, onEvent func(*session.Event), arrived func(*session.Response), settled *bool) (Result, error) {
	if t.Local != nil {
		req.Kind = session.KindStream
		return s.stream(ctx, req, t.Local, stop, onEvent)
	}
	if t.Func != "" {
		if err := s.encodeCall(req, t); err != nil {
			return Result{Slave: s.id}, err
		}
	}
	resp, err := s.conn().CallLive(withParent(ctx, s, int(t.depth)), req, stop, onEvent, arrived)
	if settled != nil && *settled { // arrived used the Response: no need to decode it again
		return Result{Slave: s.id}, nil
	}
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
	if err != nil {
		return Result{Slave: s.id}, s.callError(err)
	}
	return decodeResponse(s.id, resp)
}

// decodeResponse turns a slave's answer into a Result; slave names it.
func decodeResponse(slave string, resp *session.Response) (Result, error) {
	res := Result{Slave: slave}
	res.Raw, res.Text, res.Output, res.Took, res.Reset, res.Lost = resp.Value, resp.Text, resp.Output, resp.Took, resp.Reset, resp.Lost
	res.Exit = resp.Exit
	if resp.Err != nil {
		resp.Err.Slave = slave
		return res, resp.Err
	}
	if len(resp.Value) > 0 {
		if err := session.DecodeValue(resp.Value, &res.Value); err != nil {
			// Raw stays: Future.Decode into a typed variable may still
			// work (a map with struct keys has no form as a plain any).
			return res, &RemoteError{Kind: KindUnsendable, Slave: slave,
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
func (s *Slave) stream(ctx context.Context, req *session.Request, local func(context.Context, io.Reader, io.WriteCloser) (any, error), stop context.Context, onEvent func(*session.Event)) (Result, error) {
	ts, err := s.conn().OpenTaskLive(ctx, req, onEvent)
	if err != nil {
		return Result{Slave: s.id}, s.callError(err)
	}
	defer ts.Close()
	finished := make(chan struct{})
	defer close(finished)
	go func() { // exits when the task is over
		select {
		case <-stop.Done():
			ts.Cancel()
		case <-finished:
		}
	}()
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
