package master

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"

	"github.com/dpfw/dpfw/session"
)

// State is what a Slave is doing.
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

// Rejoin says how a slave process came to be connected.
type Rejoin int

const (
	Joined      Rejoin = iota // a process not seen before
	Reconnected               // the same process again: its state is intact
	Restarted                 // a new process where one was: its state is lost
)

func (r Rejoin) String() string {
	return [...]string{"joined", "reconnected", "restarted"}[r]
}

// Slave is one engine of a connected slave process: one interpreter with
// its own table, running one task at a time. Its methods are safe for
// concurrent use.
type Slave struct {
	m      *Master
	id     string
	sess   *session.Session
	engine int
	// wake tells the worker that pinned has grown.
	wake chan struct{}

	qmu sync.Mutex // protects the two fields below
	// pinned holds the jobs for this slave only (Slave.Submit,
	// Broadcast, Release), in submission order.
	pinned []*job
	dead   bool // the worker has exited: nothing will run pinned jobs

	state    atomic.Int32
	tasks    atomic.Int64
	busy     atomic.Int32 // tasks in flight
	reserved atomic.Bool
	rejoin   Rejoin
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
}

func newSlave(m *Master, id string, sess *session.Session, engine int) *Slave {
	return &Slave{m: m, id: id, sess: sess, engine: engine, wake: make(chan struct{}, 1)}
}

// ID is the slave's name in this master: "s1", "s2", … in joining order.
func (s *Slave) ID() string { return s.id }

// Info returns the slave's current state.
func (s *Slave) Info() Info {
	return Info{
		ID: s.id, Addr: s.sess.RemoteAddr(), Peer: s.sess.Peer(), Engine: s.engine,
		State: State(s.state.Load()), Tasks: s.tasks.Load(), Rejoin: s.rejoin,
	}
}

func (s *Slave) String() string {
	p := s.sess.Peer()
	return fmt.Sprintf("%s (%s pid %d engine %d)", s.id, s.sess.RemoteAddr(), p.PID, s.engine)
}

func (s *Slave) gone() bool {
	select {
	case <-s.sess.Done():
		return true
	default:
		return false
	}
}

// Submit runs t on this slave, after the tasks already pinned to it. It
// does not block; the Future resolves when the task is done, fails, or
// ctx is done.
func (s *Slave) Submit(ctx context.Context, t Task) *Future {
	j := newJob(ctx, t)
	// A queued job must not wait for its turn to notice its ctx.
	j.fut.watch(ctx)
	s.push(j)
	return j.fut
}

// push appends j to the pinned queue, or fails it if the worker is gone.
func (s *Slave) push(j *job) {
	s.qmu.Lock()
	if s.dead {
		s.qmu.Unlock()
		j.fail(s.goneErr())
		return
	}
	s.pinned = append(s.pinned, j)
	s.qmu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Slave) pop() *job {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	if len(s.pinned) == 0 {
		return nil
	}
	j := s.pinned[0]
	s.pinned[0] = nil
	s.pinned = s.pinned[1:]
	return j
}

// bury marks the worker gone and fails what was still queued for it.
func (s *Slave) bury() {
	s.qmu.Lock()
	s.dead = true
	left := s.pinned
	s.pinned = nil
	s.qmu.Unlock()
	err := s.goneErr()
	for _, j := range left {
		j.fail(err)
	}
	s.state.Store(int32(Gone))
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

// Release returns a reserved slave to the idle pool. Releasing a slave
// that is not reserved does nothing.
func (s *Slave) Release() {
	s.push(&job{release: true})
}

// loop is the slave's worker: it takes jobs from its pinned queue or,
// unless reserved, from the master's shared queue, and runs them. Up to
// Config.Pipeline shared jobs are in flight at once (the slave's engine
// still runs them one by one); a pinned job first waits for every
// in-flight job, so pinned jobs keep their order. It exits when the
// connection ends or the Master closes, after its jobs have.
func (s *Slave) loop() {
	defer s.m.wg.Done()
	defer s.bury()
	slots := make(chan struct{}, s.m.cfg.Pipeline)
	for s.acquire(slots, 1) {
		if j := s.pop(); j != nil {
			if !s.acquire(slots, cap(slots)-1) {
				j.fail(s.goneErr())
				return
			}
			s.run(j)
			s.release(slots, cap(slots))
			continue
		}
		if !s.reserved.Load() && !s.gone() {
			if j := s.m.shared.pop(); j != nil {
				s.start(j, slots)
				continue
			}
		}
		if !s.wait() {
			return
		}
		s.release(slots, 1)
	}
}

// start runs a shared job on its own goroutine, which gives its slot
// back when done.
func (s *Slave) start(j *job, slots chan struct{}) {
	s.m.wg.Add(1)
	go func() {
		defer s.m.wg.Done()
		s.run(j)
		s.release(slots, 1)
	}()
}

// wait blocks until there may be work for s: a pinned job, or, unless s
// is reserved, a shared one. It reports false when s or the master is
// gone.
func (s *Slave) wait() bool {
	var ready chan struct{}
	if !s.reserved.Load() {
		ready = s.m.shared.ready
		s.m.shared.idle.Add(1)
		defer s.m.shared.idle.Add(-1)
	}
	select {
	case <-s.wake:
	case <-ready:
		if s.gone() {
			s.m.shared.signal() // the token was for a live slave
			return false
		}
	case <-s.sess.Done():
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
		case <-s.sess.Done():
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

func (s *Slave) run(j *job) {
	switch {
	case j.release:
		s.reserved.Store(false)
	case j.reserve != nil:
		if j.grant(s) {
			s.reserved.Store(true)
		}
	default:
		s.busy.Add(1)
		s.state.Store(int32(Busy))
		s.exec(j)
		s.tasks.Add(1)
		if s.busy.Add(-1) > 0 {
			return
		}
	}
	if s.reserved.Load() {
		s.state.Store(int32(Reserved))
	} else {
		s.state.Store(int32(Idle))
	}
}

// TableGet returns the value stored under key in the slave's table.
// Table operations do not wait for the slave's running task: the table
// is shared by its tasks and safe for concurrent use.
func (s *Slave) TableGet(ctx context.Context, key string) (Result, error) {
	resp, err := s.sess.Call(ctx, &session.Request{Kind: session.KindTable, Engine: s.engine, Op: session.TableGet, Key: key})
	return s.result(resp, err)
}

// TableSet stores v under key in the slave's table.
func (s *Slave) TableSet(ctx context.Context, key string, v any) error {
	raw, err := session.EncodeValue(v)
	if err != nil {
		return s.valueError(fmt.Sprintf("table value for %q", key), err)
	}
	resp, err := s.sess.Call(ctx, &session.Request{Kind: session.KindTable, Engine: s.engine, Op: session.TableSet, Key: key, Value: raw})
	_, err = s.result(resp, err)
	return err
}

// TableDelete removes key from the slave's table.
func (s *Slave) TableDelete(ctx context.Context, key string) error {
	resp, err := s.sess.Call(ctx, &session.Request{Kind: session.KindTable, Engine: s.engine, Op: session.TableDelete, Key: key})
	_, err = s.result(resp, err)
	return err
}

// TableKeys lists the keys of the slave's table, sorted.
func (s *Slave) TableKeys(ctx context.Context) ([]string, error) {
	resp, err := s.sess.Call(ctx, &session.Request{Kind: session.KindTable, Engine: s.engine, Op: session.TableKeys})
	if _, err := s.result(resp, err); err != nil {
		return nil, err
	}
	return resp.Keys, nil
}
