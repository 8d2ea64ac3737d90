package session

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dpfw/dpfw/eval/failure"
)

type handlerFunc func(ctx context.Context, req *Request, stream io.ReadWriter) *Response

func (f handlerFunc) ServeTask(ctx context.Context, req *Request, stream io.ReadWriter) *Response {
	return f(ctx, req, stream)
}

// wantRefused checks a Response refused with msg, and that nothing ran.
func wantRefused(t *testing.T, resp *Response, err error, msg string) {
	t.Helper()
	if err != nil || resp.Err == nil || resp.Err.Kind != failure.KindInternal ||
		!strings.HasPrefix(resp.Err.Msg, "refused: ") || !strings.Contains(resp.Err.Msg, msg) {
		t.Fatalf("got %+v, %v; want refused: …%s…", resp, err, msg)
	}
}

// The master runs a slave's sub-task only for a task it sent that is
// still running, at the depth it sent it; everything else is refused
// and never reaches the SubHandler.
func TestSubTasksOnlyForRunningParents(t *testing.T) {
	var (
		slaveSess *Session
		ran       atomic.Int64
		lastID    atomic.Uint64
	)
	h := handlerFunc(func(ctx context.Context, req *Request, _ io.ReadWriter) *Response {
		ref := ctx.Value(taskRefKey{}).(*taskRef)
		lastID.Store(ref.id)
		switch req.Src {
		case "spawn":
			resp, err := Spawn(ctx, &Request{Src: "child"})
			if err != nil {
				return &Response{Err: &RemoteError{Kind: failure.KindInternal, Msg: err.Error()}}
			}
			return resp
		case "wrong depth": // a forged sub-task of this very task
			resp, err := slaveSess.call(ctx, &Request{Kind: KindSub, Parent: ref.id, Depth: ref.depth + 1, Src: "x"}, nil, nil, nil)
			if err != nil {
				return &Response{Text: err.Error()}
			}
			return resp // the refusal, checked by the test
		}
		return &Response{Text: req.Src}
	})
	m, s := pair(t, h)
	slaveSess = s
	ctx := context.Background()
	if err := s.HandleSubs(nil); err == nil {
		t.Fatal("HandleSubs on a slave's session should fail with ErrRole")
	}

	// Before the master has a SubHandler, even a valid request is refused.
	resp, err := m.Call(ctx, &Request{Kind: KindEval, Src: "spawn"})
	wantRefused(t, resp, err, "this master runs no sub-tasks")

	m.HandleSubs(func(ctx context.Context, depth int, req *Request) *Response {
		ran.Add(1)
		return &Response{Text: fmt.Sprintf("%s@%d", req.Src, depth)}
	})
	resp, err = m.Call(ctx, &Request{Kind: KindEval, Src: "spawn", Depth: 2})
	if err != nil || resp.Err != nil || resp.Text != "child@3" {
		t.Fatalf("got %+v, %v; want child@3", resp, err)
	}
	finished := lastID.Load()

	// A parent that has finished, one never sent, a wrong depth.
	resp, err = s.call(ctx, &Request{Kind: KindSub, Parent: finished, Src: "x"}, nil, nil, nil)
	wantRefused(t, resp, err, fmt.Sprintf("task %d is not running here", finished))
	resp, err = s.call(ctx, &Request{Kind: KindSub, Parent: 1 << 40, Src: "x"}, nil, nil, nil)
	wantRefused(t, resp, err, "is not running here")
	resp, err = m.Call(ctx, &Request{Kind: KindEval, Src: "wrong depth", Depth: 5})
	wantRefused(t, resp, err, "runs at depth 5, not 6")
	// Any other request from a slave, and a sub-task sent to a slave.
	resp, err = s.call(ctx, &Request{Kind: KindEval, Src: "x"}, nil, nil, nil)
	wantRefused(t, resp, err, "a master runs no tasks")
	resp, err = m.Call(ctx, &Request{Kind: KindSub, Parent: 1, Src: "x"})
	wantRefused(t, resp, err, "a slave runs no sub-tasks")
	if n := ran.Load(); n != 1 {
		t.Fatalf("the SubHandler ran %d times, want 1", n)
	}
	// Outside a task's context, Spawn sends nothing.
	if _, err := Spawn(ctx, &Request{Src: "x"}); err != ErrNoParent {
		t.Fatalf("got %v, want ErrNoParent", err)
	}
	// The session carried on through all of it.
	if resp, err := m.Call(ctx, &Request{Kind: KindEval, Src: "ok"}); err != nil || resp.Text != "ok" {
		t.Fatalf("got %+v, %v", resp, err)
	}
}

// When the master gives up on a parent, its sub-tasks' contexts end.
func TestSubTasksEndWithTheirParent(t *testing.T) {
	subStarted, subEnded := make(chan struct{}), make(chan struct{})
	h := handlerFunc(func(ctx context.Context, req *Request, _ io.ReadWriter) *Response {
		Spawn(ctx, &Request{Src: "child"})
		<-ctx.Done()
		return nil
	})
	m, _ := pair(t, h)
	m.HandleSubs(func(ctx context.Context, depth int, req *Request) *Response {
		close(subStarted)
		<-ctx.Done()
		close(subEnded)
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := m.Call(ctx, &Request{Kind: KindEval, Src: "parent"})
		done <- err
	}()
	<-subStarted
	cancel()
	<-subEnded
	if err := <-done; err != context.Canceled {
		t.Fatalf("got %v", err)
	}
}
