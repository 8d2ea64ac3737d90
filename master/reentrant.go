package master

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/dpfw/dpfw/session"
)

// Re-entrant tasks (girder's call-reentrant, seed 004): a snippet's
// dpfw.Submit, dpfw.Parallel and dpfw.Force send sub-tasks to the master
// that sent it (session KindSub), which runs them like tasks of its own.
//
// The deadlock rule: a parent blocked waiting for its sub-tasks must not
// hold the only engines they could run on. Girder's waiting worker takes
// other work; here a waiting parent lends its engine. A sub-task runs
//
//  1. on an engine that is idle right now (any slave, reserved for the
//     sub-task and released after it) whose node has an in-flight slot
//     free right now (session.IfRoom), or else
//  2. on a spare engine of the parent's own slave node (a fresh
//     interpreter the node keeps for this), holding the parent's one
//     loan token: the CPU its waiting parent is not using. Sub-tasks of
//     one parent that find no idle engine take the token in turn.
//
// A sub-task never waits for an engine or an in-flight slot that some
// task holds while waiting in turn (a spare-engine sub-task goes under
// its parent's slot: session doc, "Sub-tasks"), only for its parent's
// token, which a sibling holds
// while it runs; by induction on the depth (bounded by Config.MaxDepth)
// every sibling finishes, so every sub-task gets to run. yaegi is not
// re-entrant across goroutines, so a sub-task never runs in its
// parent's interpreter: the spare engine is another interpreter, with
// its own table. Cycles cannot hang: a snippet may force only the
// futures it submitted itself (package eval), so waits form a tree.

// parent is a task on its way to a slave, as its sub-tasks see it: the
// Slave that runs it, its depth, and its loan token. It is also the
// context of the task's Call, which carries it (serveSub gets the
// Call's context values): one allocation per task, and the token is
// made by the first sub-task that needs it.
type parent struct {
	context.Context
	s     *Slave
	depth int
	once  sync.Once
	tok   chan struct{} // one token: the engine the waiting parent lends
}

type parentKey struct{}

// Value returns p for parentKey, else the value of the context p extends.
func (p *parent) Value(key any) any {
	if _, ok := key.(parentKey); ok {
		return p
	}
	return p.Context.Value(key)
}

// token returns p's loan token channel.
func (p *parent) token() chan struct{} {
	p.once.Do(func() { p.tok = make(chan struct{}, 1) })
	return p.tok
}

// withParent marks the context of a Call of a task on s, for the
// sub-tasks it may ask for (serveSub gets the Call's context values).
func withParent(ctx context.Context, s *Slave, depth int) context.Context {
	return &parent{Context: ctx, s: s, depth: depth}
}

// serveSub runs a sub-task the slave behind a session asks for: the
// session's SubHandler.
func (m *Master) serveSub(ctx context.Context, depth int, req *session.Request) *session.Response {
	p, _ := ctx.Value(parentKey{}).(*parent)
	if p == nil {
		return subError(&RemoteError{Kind: KindInternal, Msg: "sub-task of a task the master does not know"})
	}
	if depth > m.cfg.MaxDepth {
		return subError(&RemoteError{Kind: KindDepth, Slave: p.s.id,
			Msg: fmt.Sprintf("a sub-task at depth %d: Config.MaxDepth is %d (is the recursion bounded?)", depth, m.cfg.MaxDepth)})
	}
	t := Task{Src: req.Src, Timeout: req.Timeout, depth: int32(depth)}
	res, err := m.runSub(ctx, p, t)
	return subResponse(res, err)
}

// runSub runs t on an idle engine, or else on a spare engine of the
// parent's node with the parent's token (the deadlock rule above).
func (m *Master) runSub(ctx context.Context, p *parent, t Task) (Result, error) {
	for _, s := range m.Slaves() {
		if !s.tryReserve() {
			continue
		}
		// Only with a slot free at once: the slots of a node may all be
		// held by parents waiting for their sub-tasks (issue 14's limit).
		res, err := s.Submit(session.IfRoom(ctx), t).Wait(context.Background())
		s.Release()
		if !errors.Is(err, session.ErrNoRoom) {
			return res, err
		}
	}
	select {
	case p.token() <- struct{}{}:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
	defer func() { <-p.token() }()
	t.spare = true
	return p.s.do(ctx, t, nil, nil, nil, nil)
}

// subResponse is a sub-task's outcome as the wire carries it back to
// the parent's slave.
func subResponse(res Result, err error) *session.Response {
	resp := &session.Response{Value: res.Raw, Text: res.Text, Output: res.Output, Took: res.Took}
	if err == nil {
		return resp
	}
	var re *RemoteError
	switch {
	case errors.As(err, &re):
		resp.Err = re
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		resp.Err = &RemoteError{Kind: KindCanceled, Msg: err.Error()}
	default:
		resp.Err = &RemoteError{Kind: KindInternal, Msg: err.Error()}
	}
	return resp
}

func subError(e *RemoteError) *session.Response { return &session.Response{Err: e} }
