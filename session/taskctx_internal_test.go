package session

import (
	"context"
	"testing"
)

// A task's context carries its reference for Spawn and its Live only
// when its kind has them, passes other keys to the context it extends,
// and ends with the task.
func TestTaskContextValues(t *testing.T) {
	type otherKey struct{}
	s := &Session{}
	base, cancel := context.WithCancel(context.WithValue(context.Background(), otherKey{}, "kept"))
	for _, c := range []struct {
		req       Request
		ref, live bool
	}{
		{Request{Kind: KindEval, Live: true}, true, true},
		{Request{Kind: KindEval}, true, false},
		{Request{Kind: KindCall, Live: true}, true, true},
		{Request{Kind: KindBatch, Live: true}, true, false},
		{Request{Kind: KindTable, Live: true}, false, true},
		{Request{Kind: KindTable}, false, false},
	} {
		ctx, live := s.taskContext(&task{ctx: base, id: 7, req: &c.req})
		ref, _ := ctx.Value(taskRefKey{}).(*taskRef)
		if (ref != nil) != c.ref || ref != nil && (ref.s != s || ref.id != 7) {
			t.Errorf("kind %d: task reference %+v, want one: %v", c.req.Kind, ref, c.ref)
		}
		if (live != nil) != c.live || LiveFrom(ctx) != live {
			t.Errorf("kind %d live %v: Live %v, LiveFrom %v", c.req.Kind, c.req.Live, live, LiveFrom(ctx))
		}
		if ctx.Value(otherKey{}) != "kept" {
			t.Errorf("kind %d: the extended context's value is lost", c.req.Kind)
		}
	}
	ctx, _ := s.taskContext(&task{ctx: base, id: 8, req: &Request{Kind: KindEval, Live: true}})
	after := make(chan struct{})
	stop := context.AfterFunc(ctx, func() { close(after) })
	defer stop()
	cancel()
	<-after
	if ctx.Err() != context.Canceled {
		t.Fatalf("Err after the task's cancel: %v", ctx.Err())
	}
}
