package slave

import (
	"container/list"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dpfw/dpfw/eval"
	"github.com/dpfw/dpfw/session"
)

// JobsConfig bounds what a node keeps of detached jobs (session
// KindDetach). The zero value gives the defaults.
type JobsConfig struct {
	// Max is how many jobs the node keeps, running and ended together;
	// 0 means 1024. When it is reached the oldest ended job is
	// forgotten; when every kept job is still running, a new one is
	// refused with kind busy.
	Max int
	// MaxBytes bounds the outcomes (value, text, output, error) of ended
	// jobs, together; 0 means 256 MiB. The oldest ended jobs are
	// forgotten first; one outcome larger than MaxBytes on its own is
	// replaced by a too-large error.
	MaxBytes int64
	// Keep is how long an ended job is kept; 0 means one hour.
	Keep time.Duration
}

func (c JobsConfig) withDefaults() JobsConfig {
	if c.Max <= 0 {
		c.Max = 1024
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = 256 << 20
	}
	if c.Keep <= 0 {
		c.Keep = time.Hour
	}
	return c
}

// job is one detached job kept by a node.
type job struct {
	id      string
	engine  int
	started time.Time
	elem    *list.Element // in jobs.order
	done    chan struct{} // closed when the job has ended
	// progress is the job's latest dpfw.Progress report, nil before the
	// first; the job's observer stores it while status requests read it.
	progress atomic.Pointer[jobProgress]

	// set once, before done is closed
	ended time.Time
	resp  *session.Response
	bytes int64
	timer *time.Timer // forgets the job after Keep
}

// jobProgress is a job's progress report and when the node received it.
type jobProgress struct {
	p  session.Progress
	at time.Time
}

// jobObserver is a detached job's eval.Observer: it keeps the latest
// progress report for the job's status. Output is not needed: the job's
// output is in its outcome.
type jobObserver struct{ j *job }

func (o jobObserver) Output([]byte) {}

func (o jobObserver) Progress(done, total int64) {
	o.j.progress.Store(&jobProgress{p: session.Progress{Done: done, Total: total}, at: time.Now()})
}

// jobs is a node's store of detached jobs.
type jobs struct {
	cfg JobsConfig

	mu      sync.Mutex // protects the fields below
	byID    map[string]*job
	order   *list.List // *job, oldest first
	running int
	bytes   int64 // of ended jobs' outcomes
	// gone remembers why recent ids were forgotten (expired, evicted),
	// so that a late asker learns more than "unknown"; at most Max ids.
	gone      map[string]string
	goneOrder []string
	closed    bool
}

func newJobs(cfg JobsConfig) *jobs {
	return &jobs{cfg: cfg.withDefaults(), byID: map[string]*job{}, order: list.New(), gone: map[string]string{}}
}

// add registers a new running job on engine, or refuses it.
func (js *jobs) add(engine int) (*job, *session.RemoteError) {
	var b [8]byte
	rand.Read(b[:])
	j := &job{id: hex.EncodeToString(b[:]), engine: engine, started: time.Now(), done: make(chan struct{})}
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.closed {
		return nil, &session.RemoteError{Kind: eval.KindCanceled, Msg: "the slave node is closing"}
	}
	for js.order.Len() >= js.cfg.Max {
		if !js.evictOldestEndedLocked(fmt.Sprintf("forgotten to make room: this node keeps at most %d jobs (slave -jobs)", js.cfg.Max)) {
			return nil, &session.RemoteError{Kind: eval.KindBusy,
				Msg: fmt.Sprintf("this node already runs %d detached jobs, its most (slave -jobs)", js.running)}
		}
	}
	j.elem = js.order.PushBack(j)
	js.byID[j.id] = j
	js.running++
	return j, nil
}

// finish stores a job's outcome, within the byte bound, and starts its
// expiry.
func (js *jobs) finish(j *job, resp *session.Response) {
	n := outcomeBytes(resp)
	if n > js.cfg.MaxBytes {
		resp = &session.Response{Took: resp.Took, Reset: resp.Reset, Err: &session.RemoteError{Kind: eval.KindTooLarge,
			Msg: fmt.Sprintf("the job's outcome (%d bytes of value, text and output) exceeds what this node keeps of detached jobs, %d bytes (slave -jobs-bytes)", n, js.cfg.MaxBytes)}}
		n = outcomeBytes(resp)
	}
	js.mu.Lock()
	defer js.mu.Unlock()
	j.ended, j.resp, j.bytes = time.Now(), resp, n
	js.running--
	js.bytes += n
	js.evictToFitLocked()
	if _, kept := js.byID[j.id]; kept && !js.closed {
		id := j.id
		j.timer = time.AfterFunc(js.cfg.Keep, func() { js.expire(id) })
	}
	close(j.done)
}

// outcomeBytes is what an ended job's outcome costs the store.
func outcomeBytes(r *session.Response) int64 {
	n := len(r.Value) + len(r.Text) + len(r.Output)
	if r.Err != nil {
		n += len(r.Err.Msg) + len(r.Err.Stack) + len(r.Err.Pos)
	}
	return int64(n)
}

func (js *jobs) expire(id string) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if j := js.byID[id]; j != nil {
		js.forgetLocked(j, fmt.Sprintf("expired: ended jobs are kept %s (slave -jobs-keep)", js.cfg.Keep))
	}
}

// evictToFitLocked forgets ended jobs, the first started first, until
// the outcomes kept fit in MaxBytes again; the job that just ended goes
// too if it is the oldest ended one. Running jobs cost nothing yet, and
// each kept outcome fits alone (finish truncates it), so this ends with
// the store within bounds.
func (js *jobs) evictToFitLocked() {
	why := fmt.Sprintf("forgotten to make room: this node keeps at most %d bytes of job outcomes (slave -jobs-bytes)", js.cfg.MaxBytes)
	for js.bytes > js.cfg.MaxBytes {
		if !js.evictOldestEndedLocked(why) {
			return
		}
	}
}

// evictOldestEndedLocked forgets the oldest ended job, if there is one.
func (js *jobs) evictOldestEndedLocked(why string) bool {
	for e := js.order.Front(); e != nil; e = e.Next() {
		if j := e.Value.(*job); j.resp != nil {
			js.forgetLocked(j, why)
			return true
		}
	}
	return false
}

// forgetLocked drops an ended job and remembers why.
func (js *jobs) forgetLocked(j *job, why string) {
	if j.timer != nil {
		j.timer.Stop()
	}
	js.order.Remove(j.elem)
	delete(js.byID, j.id)
	js.bytes -= j.bytes
	js.gone[j.id] = why
	js.goneOrder = append(js.goneOrder, j.id)
	if len(js.goneOrder) > js.cfg.Max {
		delete(js.gone, js.goneOrder[0])
		js.goneOrder = js.goneOrder[1:]
	}
}

// lookup finds a job, or says why there is none.
func (js *jobs) lookup(id string) (*job, *session.RemoteError) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if j := js.byID[id]; j != nil {
		return j, nil
	}
	why, ok := js.gone[id]
	if !ok {
		why = "unknown on this node (never submitted here, or forgotten long ago)"
	}
	return nil, &session.RemoteError{Kind: eval.KindNotFound, Msg: fmt.Sprintf("no job %s: %s", id, why)}
}

// info describes j at this moment.
func (js *jobs) info(j *job, instance string) *session.JobInfo {
	ji := &session.JobInfo{ID: j.id, Instance: instance, State: session.JobRunning, Engine: j.engine, Started: j.started.UnixNano()}
	if p := j.progress.Load(); p != nil {
		prog := p.p
		ji.Progress, ji.ProgressAt = &prog, p.at.UnixNano()
	}
	select {
	case <-j.done:
		ji.State, ji.Ended, ji.Expires = session.JobEnded, j.ended.UnixNano(), j.ended.Add(js.cfg.Keep).UnixNano()
	default:
	}
	return ji
}

// close stops the expiry timers; the node's Close cancels the jobs.
func (js *jobs) close() {
	js.mu.Lock()
	defer js.mu.Unlock()
	js.closed = true
	for _, j := range js.byID {
		if j.timer != nil {
			j.timer.Stop()
		}
	}
}

// detach starts a detached job (session.KindDetach) and answers at once.
// The job runs under the node's context, so a master that disconnects
// does not cancel it; its Timeout does, and so does the node's Close.
func (n *Node) detach(req *session.Request) *session.Response {
	if req.Engine < 0 || req.Engine >= len(n.engines) {
		return errResponse(eval.KindNotFound, fmt.Sprintf("no engine %d (this slave has %d)", req.Engine, len(n.engines)))
	}
	j, rerr := n.jobs.add(req.Engine)
	if rerr != nil {
		return &session.Response{Err: rerr}
	}
	run := *req
	run.Kind = session.KindEval
	started := n.spawn(func() {
		ctx, cancel := eval.WithObserver(n.ctx, jobObserver{j}), context.CancelFunc(func() {})
		if run.Timeout > 0 {
			ctx, cancel = context.WithTimeout(ctx, run.Timeout)
		}
		defer cancel()
		n.jobs.finish(j, handler{n}.eval(ctx, n.engines[run.Engine], &run))
	})
	if !started {
		n.jobs.finish(j, errResponse(eval.KindCanceled, "the slave node is closing"))
	}
	n.log.Debug("detached job started", "job", j.id, "engine", req.Engine)
	return &session.Response{Job: n.jobs.info(j, n.self.Instance)}
}

// jobRequest answers KindJobStatus and KindJobWait.
func (n *Node) jobRequest(ctx context.Context, req *session.Request) *session.Response {
	if rerr := req.Job.Check(); rerr != nil {
		return &session.Response{Err: rerr}
	}
	if req.Job.Instance != n.self.Instance {
		return errResponse(eval.KindLost, fmt.Sprintf("job %s is lost: the slave node restarted (the job ran on process instance %s, this is %s), and a new process keeps none of the old one's jobs",
			req.Job.ID, req.Job.Instance, n.self.Instance))
	}
	j, rerr := n.jobs.lookup(req.Job.ID)
	if rerr != nil {
		return &session.Response{Err: rerr}
	}
	if req.Kind == session.KindJobWait {
		select {
		case <-j.done:
		case <-ctx.Done():
			return errResponse(eval.KindCanceled, "stopped waiting for job "+j.id+": "+ctx.Err().Error())
		}
	}
	resp := &session.Response{Job: n.jobs.info(j, n.self.Instance)}
	if resp.Job.State == session.JobEnded {
		out := *j.resp
		out.Job = resp.Job
		resp = &out
	}
	return resp
}
