package master

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dpfw/dpfw/session"
)

// State is what a Slave is doing. It is derived from the worker's
// bookkeeping (see Slave), never stored, so it cannot disagree with it.
type State int32

const (
	Idle     State = iota // waiting for a task from the shared queue
	Busy                  // running a task
	Reserved              // taken by Reserve; runs only pinned tasks
	Gone                  // its connection has ended
)

func (s State) String() string {
	switch s {
	case Idle:
		return "idle"
	case Busy:
		return "busy"
	case Reserved:
		return "reserved"
	case Gone:
		return "gone"
	}
	return fmt.Sprintf("State(%d)", int32(s))
}

// Rejoin says how a slave node (process) came to be connected.
type Rejoin int

const (
	Joined      Rejoin = iota // a process not seen before
	Reconnected               // the same process again: its state is intact
	Restarted                 // a new process where one was: its state is lost
	Local                     // the in-process fallback node (Config.LocalFallback)
)

func (r Rejoin) String() string {
	switch r {
	case Joined:
		return "joined"
	case Reconnected:
		return "reconnected"
	case Restarted:
		return "restarted"
	case Local:
		return "local"
	}
	return fmt.Sprintf("Rejoin(%d)", int(r))
}

// Slave is one engine of a connected slave node: one interpreter with
// its own table, running one task at a time. Its methods are safe for
// concurrent use.
//
// Its worker (loop) runs its jobs. What the slave is doing is three
// facts under mu and whether its connection has ended; State is derived
// from them, in this order:
//
//	exited, or the connection ended  the worker is or will be gone    -> Gone
//	running > 0   task jobs taken and not finished (<= pipelineFor)     -> Busy
//	reserved      taken by Reserve: the worker takes no shared jobs    -> Reserved
//	otherwise                                                          -> Idle
//
// The transitions: the worker takes a shared job (running+1) only while
// not reserved, and takes a reservation only on its way to a shared
// job, both under mu; tryReserve reserves only a slave with nothing
// running or pinned; a finished task's running-1 happens before its
// Future resolves, so whoever waits on the Future sees the slave idle.
//
// A *Slave is a stable handle: when the same slave process reconnects
// (Rejoin Reconnected: same Instance, its state intact), the handle
// takes the new connection and a new worker, and keeps its id, its
// reservation and its counts (revive). While it is disconnected, and for
// good once its process is gone, its tasks fail with ErrGone.
type Slave struct {
	m      *Master
	id     string
	engine int
	// sess is the current connection (conn); it changes only in revive,
	// once the previous worker has stopped.
	sess atomic.Pointer[session.Session]
	// wake tells the worker that pinned has grown or reserved was cleared.
	wake chan struct{}

	mu sync.Mutex // protects the fields below
	// rejoin is how its node joined last.
	rejoin Rejoin
	// stopped is closed when the current worker has exited (loop).
	stopped chan struct{}
	// pinned holds the jobs for this slave only (Slave.Submit,
	// Broadcast, Release), in submission order.
	pinned   []*job
	running  int
	reserved bool
	exited   bool
	tasks    int64 // tasks finished
	// pipeline is the worker's pipelineFor; 0 until it starts.
	pipeline int
	// direct: a caller's goroutine runs a task on s (Master.Run, claim):
	// counted in running; the worker takes no job until it is over.
	direct bool
	// pinning: the worker has taken a pinned job and waits for every
	// slot to run it: runners take no further shared job (popNext).
	pinning bool

	// current is the job of the task the slave runs (with Pipeline,
	// the one it started last); lastErr its latest failure; status its
	// node's latest KindStatus answer (Master.poll).
	current   atomic.Pointer[job]
	currentAt atomic.Int64 // when current was sent, Unix nanoseconds
	lastErr   atomic.Pointer[FailureInfo]
	status    atomic.Pointer[nodeStatus]
}

// Info is a snapshot of a Slave for display.
type Info struct {
	ID     string
	Addr   net.Addr
	Peer   session.Identity
	Engine int
	State  State
	Tasks  int64 // tasks completed
	// Rejoin tells whether the slave's process is new, reconnected with
	// its state, or restarted without it.
	Rejoin Rejoin
	// Running is the task the slave is running, if any (with
	// Config.Pipeline > 1, the one it started last).
	Running *RunningInfo
	// LastError is the slave's latest failed task, if any.
	LastError *FailureInfo
	// Node is the slave node's latest status report (its memory, and the
	// engine's counts of tasks for every master), nil before the first
	// one or unless PollStatus (Handler) turned the reports on.
	Node *NodeInfo
}

// RunningInfo is a task that a slave is running.
type RunningInfo struct {
	Src      string    // the start of its source
	Started  time.Time // when it was sent to the slave
	Progress *Progress // its latest report, if any
}

// NodeInfo is a slave node's status report, as the Master last got it.
type NodeInfo struct {
	At         time.Time     // when it arrived
	RSS        uint64        // the node process's resident memory, bytes
	Goroutines int           // the node's goroutines
	Uptime     time.Duration // how long the node process has run
	// Engine is this slave's engine as the node counts it (all masters).
	Engine session.EngineStatus
}

func newSlave(m *Master, id string, engine int) *Slave {
	s := &Slave{m: m, id: id, engine: engine, wake: make(chan struct{}, 1), exited: true, stopped: make(chan struct{})}
	close(s.stopped)
	return s
}

// conn is the slave's current connection.
func (s *Slave) conn() *session.Session { return s.sess.Load() }

// revive gives s the connection sess and starts its worker, which waits
// for ready (if not nil) before its first job. The previous worker, if
// any, must have stopped (Master.add waits for it). The caller holds
// m.mu and has done m.wg.Add(1) for the worker.
func (s *Slave) revive(sess *session.Session, rejoin Rejoin, ready chan struct{}) {
	s.mu.Lock()
	s.sess.Store(sess)
	s.rejoin, s.exited = rejoin, false
	stopped := make(chan struct{})
	s.stopped = stopped
	s.mu.Unlock()
	go s.loop(ready, stopped)
}

// stop closes s's connection if it is not sess and waits, until the
// Master closes, for its worker to exit: a reconnected process's handle
// gets a new worker only once the old one is gone.
func (s *Slave) stop(sess *session.Session) {
	s.mu.Lock()
	stopped := s.stopped
	s.mu.Unlock()
	if c := s.conn(); c != nil && c != sess {
		c.Close() // the process left it: it reconnected
	}
	select {
	case <-stopped:
	case <-s.m.done:
	}
}

// pipelineFor is the pipeline of each engine of a node: want, but no
// more than the node's in-flight limit shared among its engines (at
// least 1). The session never exceeds the limit whatever the workers
// do, a task then waiting for a slot; this keeps the tasks that would
// wait in the shared queue, free for another node.
func pipelineFor(want int, peer session.Identity) int {
	return max(1, min(want, peer.InFlight()/max(peer.Engines, 1)))
}

// ID is the slave's name in this master: "s1", "s2", … in joining order.
func (s *Slave) ID() string { return s.id }

// Info returns the slave's current state.
func (s *Slave) Info() Info {
	s.mu.Lock()
	in := Info{
		ID: s.id, Addr: s.conn().RemoteAddr(), Peer: s.conn().Peer(), Engine: s.engine,
		State: s.stateLocked(), Tasks: s.tasks, Rejoin: s.rejoin,
		LastError: s.lastErr.Load(),
	}
	s.mu.Unlock()
	if j := s.current.Load(); j != nil {
		in.Running = &RunningInfo{Src: excerpt(j.source(), 200), Started: time.Unix(0, s.currentAt.Load()), Progress: j.fut.Progress()}
	}
	if ns := s.status.Load(); ns != nil {
		in.Node = &NodeInfo{At: ns.at, RSS: ns.st.RSS, Goroutines: ns.st.Goroutines, Uptime: ns.st.Uptime}
		if s.engine < len(ns.st.Engines) {
			in.Node.Engine = ns.st.Engines[s.engine]
		}
	}
	return in
}

// stateLocked derives the State; s.mu must be held.
func (s *Slave) stateLocked() State {
	switch {
	case s.exited || s.gone():
		return Gone
	case s.running > 0:
		return Busy
	case s.reserved:
		return Reserved
	}
	return Idle
}

func (s *Slave) String() string {
	c := s.conn() // once: a reconnect may replace it meanwhile
	return fmt.Sprintf("%s (%s pid %d engine %d)", s.id, c.RemoteAddr(), c.Peer().PID, s.engine)
}

func (s *Slave) gone() bool {
	select {
	case <-s.conn().Done():
		return true
	default:
		return false
	}
}

// Submit runs t on this slave, after the tasks already pinned to it. It
// does not block; the Future resolves when the task is done, fails, or
// ctx is done.
func (s *Slave) Submit(ctx context.Context, t Task) *Future {
	j := newJob(ctx, s.m, t)
	j.pinned = true
	// A queued job must not wait for its turn to notice its ctx.
	s.m.watches.add(j.fut, ctx, nil)
	s.push(j)
	return j.fut
}

// push appends j to the pinned queue, or fails it if the worker is gone.
func (s *Slave) push(j *job) {
	s.mu.Lock()
	if s.exited {
		s.mu.Unlock()
		j.fail(s.goneErr())
		return
	}
	s.pinned = append(s.pinned, j)
	s.mu.Unlock()
	s.poke()
}

// poke wakes the worker if it waits.
func (s *Slave) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// popPinned takes the oldest pinned job, counting a task as running.
func (s *Slave) popPinned() *job {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pinned) == 0 || s.direct {
		return nil
	}
	j := s.pinned[0]
	s.pinned[0] = nil
	s.pinned = s.pinned[1:]
	if !j.release {
		s.running++
	}
	s.pinning = true // until the worker has run it (pinnedDone)
	return j
}

// pinnedDone lets runners take shared jobs again after a pinned one.
func (s *Slave) pinnedDone() {
	s.mu.Lock()
	s.pinning = false
	s.mu.Unlock()
}

// popShared takes the oldest shared job, counting it as running, unless
// s is reserved or gone. A reservation on the way is granted here, which
// makes s reserved. When s takes nothing while jobs wait, the wake-up
// it may have consumed is passed on to another idle worker.
func (s *Slave) popShared() *job {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.popSharedLocked()
}

// popNext is popShared for a runner that has finished a job and keeps
// its slot for the next one (runner): it takes nothing while a pinned
// job waits, which waits for every slot (loop), or while the worker
// waits for them to run one.
func (s *Slave) popNext() *job {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pinned) > 0 || s.pinning {
		return nil
	}
	return s.popSharedLocked()
}

func (s *Slave) popSharedLocked() *job {
	for !s.reserved && !s.direct && !s.exited && !s.gone() {
		j := s.m.shared.pop()
		switch {
		case j == nil:
			return nil
		case j.reserve == nil:
			s.running++
			return j
		case j.grant(s):
			s.reserved = true
		}
	}
	s.m.shared.passOn()
	return nil
}

// tryReserve reserves s if it is idle: connected, not reserved, with
// nothing running or pinned.
func (s *Slave) tryReserve() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stateLocked() != Idle || len(s.pinned) > 0 {
		return false
	}
	s.reserved = true
	return true
}

// takesShared reports whether the worker may take a shared job now: s
// is neither reserved nor running a caller's task (direct).
func (s *Slave) takesShared() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.reserved && !s.direct
}

// bury marks the worker gone and fails what was still queued for it.
func (s *Slave) bury() {
	s.mu.Lock()
	s.exited = true
	left := s.pinned
	s.pinned = nil
	s.mu.Unlock()
	err := s.goneErr()
	for _, j := range left {
		j.fail(err)
	}
}

// goneErr is the error of a job that will never be sent to s: ErrClosed
// if the Master closed, else one that is both ErrGone and kind lost.
func (s *Slave) goneErr() error {
	select {
	case <-s.m.done:
		return ErrClosed
	default:
		return gone(s)
	}
}

// Run is Submit followed by Wait.
func (s *Slave) Run(ctx context.Context, src string) (Result, error) {
	return s.Submit(ctx, Task{Src: src}).Wait(ctx)
}

// Release returns a reserved slave to the shared pool, after the tasks
// already pinned to it; with none pending it is back at once. Releasing
// a slave that is not reserved does nothing.
func (s *Slave) Release() {
	s.mu.Lock()
	if len(s.pinned) == 0 && s.running == 0 {
		s.reserved = false
		s.mu.Unlock()
		s.poke() // it may wait for pinned jobs only
		return
	}
	s.mu.Unlock()
	s.push(&job{release: true})
}

// loop is the slave's worker: it takes jobs from its pinned queue or,
// unless reserved, from the master's shared queue, and runs them. Up to
// Config.Pipeline shared jobs are in flight at once (the slave's engine
// still runs them one by one); a pinned job first waits for every
// in-flight job, so pinned jobs keep their order. It exits when the
// connection ends or the Master closes, after its jobs have.
func (s *Slave) loop(ready, stopped chan struct{}) {
	defer s.m.wg.Done()
	defer close(stopped)
	defer s.bury()
	if ready != nil {
		select {
		case <-ready:
		case <-s.conn().Done():
			return
		case <-s.m.done:
			return
		}
	}
	slots := make(chan struct{}, pipelineFor(s.m.cfg.Pipeline, s.conn().Peer()))
	r := &runners{jobs: make(chan *job), stopped: stopped}
	s.mu.Lock()
	s.pipeline = cap(slots)
	s.mu.Unlock()
	for s.acquire(slots, 1) {
		if j := s.popPinned(); j != nil {
			if !s.acquire(slots, cap(slots)-1) {
				if !j.release {
					s.finish(j, j.failed(s.goneErr()))
				}
				return
			}
			s.run(j)
			s.pinnedDone()
			s.release(slots, cap(slots))
			continue
		}
		if j := s.popShared(); j != nil {
			if cap(slots) == 1 {
				// Nothing to overlap it with: run it here, without a
				// goroutine and a hand-off to it (the W1 path).
				s.run(j)
				s.release(slots, 1)
			} else {
				s.start(j, slots, r)
			}
			continue
		}
		if !s.wait() {
			return
		}
		s.release(slots, 1)
	}
}

// runners are the goroutines that run one worker's pipelined jobs
// (Pipeline > 1), each until its job's answer has come. A runner that
// finished a job takes the next shared job itself, with the slot it
// holds, while jobs wait (popNext): in a burst the worker hands nothing
// over and is not woken per task. With none waiting it gives its slot
// back and waits for the next one while fewer than keepRunners others
// wait, so that a job usually goes to a goroutine that runs it with the
// stack it has grown already (a new goroutine grows its stack again in
// the encoder, every task), and a burst leaves few behind.
type runners struct {
	jobs    chan *job       // unbuffered: a job for an idle runner
	stopped <-chan struct{} // the worker has exited: idle runners exit
	// idle counts the runners that will take a job from jobs: a runner
	// adds itself before it gives its slot back (so the worker, woken
	// by that slot, finds it), the worker (the only sender) takes one
	// off as it sends.
	idle atomic.Int32
}

// keepRunners is how many idle runners a worker keeps.
const keepRunners = 4

// start runs a shared job on an idle runner, or a new one, which gives
// its slot back when done.
func (s *Slave) start(j *job, slots chan struct{}, r *runners) {
	j.behind = len(slots) > 1 // j holds one
	if r.idle.Load() > 0 {
		r.idle.Add(-1)
		r.jobs <- j // a runner counted idle is on its way to receive
		return
	}
	s.m.wg.Add(1)
	go s.runner(j, slots, r)
}

// runner runs j, then the shared jobs that wait (popNext) and those
// start gives it, until enough others wait or the worker has exited.
func (s *Slave) runner(j *job, slots chan struct{}, r *runners) {
	defer s.m.wg.Done()
	for {
		s.run(j)
		if j = s.popNext(); j != nil {
			j.behind = len(slots) > 1 // j holds the slot of the last one
			continue
		}
		if r.idle.Load() >= keepRunners {
			s.release(slots, 1)
			return
		}
		r.idle.Add(1)
		s.release(slots, 1)
		select {
		case j = <-r.jobs:
		case <-r.stopped:
			return
		}
	}
}

// wait blocks until there may be work for s: a pinned job, or, unless s
// is reserved or runs a caller's task, a shared one. It reports false
// when s or the master is gone.
func (s *Slave) wait() bool {
	var ready chan struct{}
	if s.takesShared() {
		ready = s.m.shared.ready
	}
	select {
	case <-s.wake:
	case <-ready:
	case <-s.conn().Done():
		s.m.shared.passOn() // in case it took a wake-up meant for a live slave
		return false
	case <-s.m.done:
		return false
	}
	return true
}

// acquire takes n slots, unless the slave or the master goes away first.
func (s *Slave) acquire(slots chan struct{}, n int) bool {
	for range n {
		select {
		case slots <- struct{}{}:
		case <-s.conn().Done():
			return false
		case <-s.m.done:
			return false
		}
	}
	return true
}

func (s *Slave) release(slots chan struct{}, n int) {
	for range n {
		<-slots
	}
}

// run runs a job taken from either queue: a release, or a task job,
// which popPinned or popShared counted as running.
func (s *Slave) run(j *job) {
	if j.release {
		s.mu.Lock()
		s.reserved = false
		s.mu.Unlock()
		return
	}
	if outs, settled := s.exec(j); !settled {
		s.finish(j, outs)
	}
}

// finish ends a running task job: the slave's bookkeeping first, then
// the job's futures, so that whoever a future wakes sees the slave idle.
func (s *Slave) finish(j *job, outs []outcome) {
	s.mu.Lock()
	s.running--
	if len(outs) > 0 { // none: requeued for another slave, or resolved already
		s.tasks++
	}
	direct, hint := s.direct, s.pipeline == 1
	s.direct = false
	s.mu.Unlock()
	if direct {
		s.poke() // the worker may wait for the caller's task to end
	}
	if hint {
		s.m.hint.Store(s) // Master.Run tries it first
	}
	for _, o := range outs {
		o.fut.resolve(o.res, o.err)
	}
	// A caller may keep the Future, and with it the job, for long: the
	// task's source and context are not needed any more (unless another
	// slave got the job: exec then returned no outcome).
	if j.batch == nil && len(outs) > 0 {
		j.task, j.ctx = Task{}, nil
	}
}

// TableGet returns the value stored under key in the slave's table.
// Table operations do not wait for the slave's running task: the table
// is shared by its tasks and safe for concurrent use.
func (s *Slave) TableGet(ctx context.Context, key string) (Result, error) {
	resp, err := s.conn().Call(ctx, &session.Request{Kind: session.KindTable, Engine: s.engine, Op: session.TableGet, Key: key})
	return s.result(resp, err)
}

// TableSet stores v under key in the slave's table.
func (s *Slave) TableSet(ctx context.Context, key string, v any) error {
	raw, err := session.EncodeValue(v)
	if err != nil {
		return s.valueError(fmt.Sprintf("table value for %q", key), err)
	}
	resp, err := s.conn().Call(ctx, &session.Request{Kind: session.KindTable, Engine: s.engine, Op: session.TableSet, Key: key, Value: raw})
	_, err = s.result(resp, err)
	return err
}

// TableDelete removes key from the slave's table.
func (s *Slave) TableDelete(ctx context.Context, key string) error {
	resp, err := s.conn().Call(ctx, &session.Request{Kind: session.KindTable, Engine: s.engine, Op: session.TableDelete, Key: key})
	_, err = s.result(resp, err)
	return err
}

// TableKeys lists the keys of the slave's table, sorted.
func (s *Slave) TableKeys(ctx context.Context) ([]string, error) {
	resp, err := s.conn().Call(ctx, &session.Request{Kind: session.KindTable, Engine: s.engine, Op: session.TableKeys})
	if _, err := s.result(resp, err); err != nil {
		return nil, err
	}
	return resp.Keys, nil
}
