package eval

import (
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// yaegi v0.16.1 internals read by voidCall. They are pinned by go.mod; the
// test TestNoValueCalls fails loudly if an upgrade moves them.
const (
	yaegiCallExpr = 10 // interp.nkind callExpr
	yaegiExprStmt = 26 // interp.nkind exprStmt
	yaegiFuncT    = 16 // interp.tcat funcT
	yaegiValueT   = 37 // interp.tcat valueT
)

// voidCall reports whether prog ends with a call of a function that has no
// results. yaegi returns a stale value for such calls when the callee is
// native (notes §7), and its API exposes no types, so we read the type of
// the callee from the compiled program. Any surprise yields false.
func voidCall(prog *interp.Program) (void bool) {
	defer func() {
		if recover() != nil {
			void = false
		}
	}()
	root := reflect.ValueOf(prog).Elem().FieldByName("root")
	if root.IsNil() {
		return false
	}
	kids := root.Elem().FieldByName("child")
	if kids.Len() == 0 {
		return false
	}
	last := kids.Index(kids.Len() - 1).Elem()
	if last.FieldByName("kind").Uint() == yaegiExprStmt {
		last = last.FieldByName("child").Index(0).Elem()
	}
	if last.FieldByName("kind").Uint() != yaegiCallExpr {
		return false
	}
	typ := last.FieldByName("child").Index(0).Elem().FieldByName("typ")
	if typ.IsNil() {
		return false
	}
	return noResults(typ.Elem())
}

// noResults reports whether the yaegi itype t is a func type without
// results.
func noResults(t reflect.Value) bool {
	switch t.FieldByName("cat").Uint() {
	case yaegiFuncT:
		return t.FieldByName("ret").Len() == 0
	case yaegiValueT:
		f := t.FieldByName("rtype")
		rt := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().(reflect.Type)
		return rt != nil && rt.Kind() == reflect.Func && rt.NumOut() == 0
	}
	return false
}

// stopper cancels interpreted code the way yaegi's ExecuteWithContext does,
// without its data race: on cancel, ExecuteWithContext writes its named
// results while the goroutine it started may still write them too, which
// the race detector reports. arm and stop mirror its bookkeeping (a fresh
// done channel per run, and a run id bump that every interpreted node
// checks). A run is stopped at most once, by whichever comes first of its
// context (interruptible) and os.Exit (exit.go).
type stopper struct {
	id         *uint64
	mu         *sync.RWMutex
	done       *chan struct{}
	cancelChan *bool
	fastChan   bool

	smu     sync.Mutex    // protects the two fields below
	cur     chan struct{} // the done channel of the run armed last
	stopped bool          // cur is closed
}

func newStopper(in *interp.Interpreter) *stopper {
	v := reflect.ValueOf(in).Elem()
	ptr := func(name string) unsafe.Pointer { return unsafe.Pointer(v.FieldByName(name).UnsafeAddr()) }
	return &stopper{
		id:         (*uint64)(ptr("id")),
		mu:         (*sync.RWMutex)(ptr("mutex")),
		done:       (*chan struct{})(ptr("done")),
		cancelChan: (*bool)(ptr("cancelChan")),
		fastChan:   v.FieldByName("opt").FieldByName("fastChan").Bool(),
	}
}

// arm prepares a run and returns the channel that stop closes.
func (s *stopper) arm() chan struct{} {
	done := make(chan struct{})
	s.mu.Lock()
	*s.done = done
	*s.cancelChan = !s.fastChan
	s.mu.Unlock()
	s.smu.Lock()
	s.cur, s.stopped = done, false
	s.smu.Unlock()
	return done
}

// stop makes the running code of the armed run whose channel is done
// return at its next node or channel operation. Native calls in flight
// are not interrupted. It returns the run id from before the stop, for
// revive; ok is false, and nothing happens, when that run was stopped
// already or is no longer the armed one.
func (s *stopper) stop(done chan struct{}) (old uint64, ok bool) {
	s.smu.Lock()
	defer s.smu.Unlock()
	if done != s.cur || s.stopped {
		return 0, false
	}
	s.stopped = true
	old = atomic.AddUint64(s.id, 1) - 1
	close(done)
	return old, true
}

// stopCurrent stops the run armed last, if it is not stopped yet.
func (s *stopper) stopCurrent() {
	s.smu.Lock()
	cur := s.cur
	s.smu.Unlock()
	if cur != nil {
		s.stop(cur)
	}
}

// revive lets func values of a stopped interpreter run again. stop bumps
// the interpreter's run id, and every interpreted func runs only while the
// frame it was created in carries the current id, so closures kept in the
// Table (such as generators) would return zero values forever after a
// timeout. revive restores the old id. Call it only once the stopped run
// has returned, or the run would resume.
func (s *stopper) revive(old uint64) {
	atomic.CompareAndSwapUint64(s.id, old+1, old)
}
