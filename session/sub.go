package session

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/dpfw/dpfw/eval/failure"
)

// Re-entrant tasks (see doc.go, "Sub-tasks"): a task running on a slave
// asks the master that sent it to run a sub-task, with a KindSub request
// on the control stream. It is the one request a slave may send, and
// only for a task of that master's that is still running.

// SubHandler runs the sub-tasks a slave's running tasks ask for, on a
// master's session. It is called on its own goroutine per sub-task. ctx
// is derived from the context of the parent task's Call (its values are
// the Call's), and is cancelled when that Call returns (the parent is
// finished or cancelled), when the slave cancels the sub-task, or when
// the session dies. depth is the sub-task's depth: 1 for a sub-task of a
// task the master sent on its own, parent's depth + 1 below. A nil
// Response is sent as an empty one.
type SubHandler func(ctx context.Context, depth int, req *Request) *Response

// subs is a master's side of sub-tasks: the tasks it sent that may ask
// for them, and the handler.
type subs struct {
	handler atomic.Pointer[SubHandler]

	mu      sync.Mutex            // protects parents
	parents map[uint64]*subParent // running tasks this side sent, by request ID
}

// subParent is a task in flight that may ask for sub-tasks.
type subParent struct {
	ctx      context.Context // the Call's
	depth    int             // its Request.Depth
	children map[uint64]context.CancelFunc
}

// HandleSubs makes h the handler of the sub-tasks the slave asks for on
// this master's session. Until it is set, they are refused. On a slave's
// session it fails with ErrRole.
func (s *Session) HandleSubs(h SubHandler) error {
	if err := s.mustBe(RoleMaster, "HandleSubs"); err != nil {
		return err
	}
	s.subs.handler.Store(&h)
	return nil
}

// mayParent reports whether a request of kind k runs a snippet that
// may ask for sub-tasks.
func mayParent(k Kind) bool { return k == KindEval || k == KindCall || k == KindBatch }

// DefaultMaxDepth is the default bound on Request.Depth, the nesting of
// sub-tasks: a master's default Config.MaxDepth, and what a slave node
// sizes its spare engines by (a chain of waiting parents lends one
// engine per level).
const DefaultMaxDepth = 16

// openParent records the Call id as a task that may ask for sub-tasks,
// on a master's session, and reports whether it did: closeParent(id)
// must then forget it.
func (s *Session) openParent(ctx context.Context, id uint64, req *Request) bool {
	if s.self.Role != RoleMaster || !mayParent(req.Kind) {
		return false
	}
	s.subs.mu.Lock()
	if s.subs.parents == nil {
		s.subs.parents = map[uint64]*subParent{}
	}
	s.subs.parents[id] = &subParent{ctx: ctx, depth: req.Depth}
	s.subs.mu.Unlock()
	return true
}

// closeParent forgets the parent task id and cancels its sub-tasks
// still running.
func (s *Session) closeParent(id uint64) {
	s.subs.mu.Lock()
	p := s.subs.parents[id]
	delete(s.subs.parents, id)
	var children []context.CancelFunc // nil for most tasks: no allocation
	for _, cancel := range p.children {
		children = append(children, cancel)
	}
	s.subs.mu.Unlock()
	for _, cancel := range children {
		cancel()
	}
}

// refuseSub answers a sub-task request at once, logging the first
// refusal of the session.
func (s *Session) refuseSub(t *task, kind failure.Kind, msg string) {
	s.subRefusedOnce.Do(func() {
		s.log.Warn("refused a sub-task request (further refusals not logged)", "reason", msg)
	})
	s.answer(t, &RemoteError{Kind: kind, Msg: "refused: " + msg})
}

// admitSub runs a KindSub request from the slave, on a master's
// session, if it names a task this side sent and that is still running,
// with the depth this side sent it with. Anything else is refused and
// never run.
func (s *Session) admitSub(t *task) {
	h := s.subs.handler.Load()
	if h == nil {
		s.refuseSub(t, failure.KindInternal, "this master runs no sub-tasks")
		return
	}
	req := t.req
	s.subs.mu.Lock()
	p := s.subs.parents[req.Parent]
	s.subs.mu.Unlock()
	switch {
	case p == nil:
		s.refuseSub(t, failure.KindInternal, fmt.Sprintf("task %d is not running here: a slave may ask for sub-tasks only of a task this master sent it and that is still running", req.Parent))
		return
	case req.Depth != p.depth:
		s.refuseSub(t, failure.KindInternal, fmt.Sprintf("task %d runs at depth %d, not %d", req.Parent, p.depth, req.Depth))
		return
	}
	if s.inflight.Add(1) > int64(s.cfg.MaxStreams) {
		s.inflight.Add(-1)
		s.answer(t, &RemoteError{Kind: failure.KindBusy, Msg: fmt.Sprintf("%d tasks in flight already", s.cfg.MaxStreams)})
		return
	}
	ctx, cancel := context.WithCancel(p.ctx)
	stop := context.AfterFunc(s.ctx, cancel)
	s.mu.Lock()
	dup := s.running[t.id] != nil
	if !dup {
		s.running[t.id] = cancel
	}
	s.mu.Unlock()
	s.subs.mu.Lock()
	live := s.subs.parents[req.Parent] == p
	if live {
		if p.children == nil {
			p.children = map[uint64]context.CancelFunc{}
		}
		p.children[t.id] = cancel
	}
	s.subs.mu.Unlock()
	if dup {
		stop()
		cancel()
		s.inflight.Add(-1)
		s.shutdown(fmt.Errorf("%w: duplicate request id %d", errMalformed, t.id))
		return
	}
	if !live { // the parent finished meanwhile
		cancel()
	}
	run := func() {
		defer s.inflight.Add(-1)
		defer stop()
		defer cancel()
		resp := (*h)(ctx, p.depth+1, req)
		s.mu.Lock()
		delete(s.running, t.id)
		s.mu.Unlock()
		s.subs.mu.Lock()
		delete(p.children, t.id)
		s.subs.mu.Unlock()
		s.writeCtrlFrame(s.encodeResponse(resp, t.id))
	}
	if !s.background(run) {
		stop()
		cancel()
		s.inflight.Add(-1)
	}
}

// taskRef names the task a slave's handler is running, for Spawn.
type taskRef struct {
	s     *Session
	id    uint64
	depth int
}

type taskRefKey struct{}

// ErrNoParent is Spawn's error for a context that is not that of a
// task a Handler runs (or of a stream task: only eval, call and batch
// tasks send sub-tasks).
var ErrNoParent = errors.New("session: sub-tasks are sent only from an eval, call or batch task's context")

// Spawn asks the master to run sub as a sub-task of the task whose
// context ctx is (or derives from): the ctx a Handler was given. It sets
// sub's Kind, Parent and Depth, and blocks like Call: until the
// sub-task's Response arrives, ctx is done (the master is told to cancel
// it) or the session dies. A sub-task the master refused or that failed
// is a Response with Err set.
func Spawn(ctx context.Context, sub *Request) (*Response, error) {
	ref, _ := ctx.Value(taskRefKey{}).(*taskRef)
	if ref == nil {
		return nil, ErrNoParent
	}
	req := *sub
	req.Kind, req.Parent, req.Depth = KindSub, ref.id, ref.depth
	return ref.s.call(ctx, &req, nil, nil, nil)
}
