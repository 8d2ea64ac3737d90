package session

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dpfw/dpfw/eval/failure"
)

// A Call on a master's session that finds nobody reading the control
// stream reads its own Response (Session.readDirect). These tests hold a
// task on the slave while such a Call reads, and check every way the
// Call can end, and the Calls that come meanwhile.

// gateHandler answers "wait:NAME" when gate NAME opens (or its ctx is
// done: kind canceled), anything else at once with its Src.
type gateHandler struct {
	started chan string // NAME, when a wait task starts
	mu      sync.Mutex  // protects gates
	gates   map[string]chan struct{}
}

func newGateHandler() *gateHandler {
	return &gateHandler{started: make(chan string, 16), gates: map[string]chan struct{}{}}
}

func (h *gateHandler) gate(name string) chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.gates[name] == nil {
		h.gates[name] = make(chan struct{})
	}
	return h.gates[name]
}

func (h *gateHandler) ServeTask(ctx context.Context, req *Request, _ io.ReadWriter) *Response {
	name, ok := strings.CutPrefix(req.Src, "wait:")
	if !ok {
		return &Response{Text: req.Src}
	}
	h.started <- name
	select {
	case <-h.gate(name):
		return &Response{Text: "opened " + name}
	case <-ctx.Done():
		return &Response{Err: &RemoteError{Kind: failure.KindCanceled, Msg: name}}
	}
}

func readerOf(s *Session) turn {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reader
}

// direct runs call("wait:NAME'...") on its own goroutine until one such
// Call reads its own Response: an idle session's recvLoop may hold the
// turn when a Call starts (idleRead); those Calls are let finish. It
// returns the outcome of the Call that reads for itself, once its task
// waits on the slave, and the name of that task's gate.
func direct(t *testing.T, m *Session, h *gateHandler, name string, call func(src string) (*Response, error)) (chan result, string) {
	t.Helper()
	for range 50 {
		out := make(chan result, 1)
		src := "wait:" + name
		go func() {
			resp, err := call(src)
			out <- result{resp, err}
		}()
		if got := <-h.started; got != name {
			t.Fatalf("task %q started, want %q", got, name)
		}
		if readerOf(m) == turnCall {
			return out, name
		}
		close(h.gate(name))
		if r := <-out; r.err != nil || r.resp.Text != "opened "+name {
			t.Fatalf("a Call read by recvLoop: %+v, %v", r.resp, r.err)
		}
		name += "'"
	}
	t.Fatal("no Call read its own Response in 50 tries")
	return nil, ""
}

type result struct {
	resp *Response
	err  error
}

func TestCallReadsItsOwnResponse(t *testing.T) {
	h := newGateHandler()
	m, _ := pair(t, h)
	out, gate := direct(t, m, h, "a", func(src string) (*Response, error) {
		return m.Call(context.Background(), &Request{Kind: KindEval, Src: src})
	})
	close(h.gate(gate))
	if r := <-out; r.err != nil || r.resp.Text != "opened "+gate {
		t.Fatalf("got %+v, %v", r.resp, r.err)
	}
	if got := readerOf(m); got == turnCall {
		t.Fatalf("the reading turn is still a Call's after it returned")
	}
}

// A second Call while the first reads for itself: its Response is
// delivered by the first's goroutine, and when the first returns before
// a third, recvLoop takes over the reading.
func TestConcurrentCallsWhileOneReads(t *testing.T) {
	h := newGateHandler()
	m, _ := pair(t, h)
	ctx := context.Background()
	first, gate := direct(t, m, h, "first", func(src string) (*Response, error) {
		return m.Call(ctx, &Request{Kind: KindEval, Src: src})
	})
	// Answered while the first still waits: read on the first's goroutine.
	if resp, err := m.Call(ctx, &Request{Kind: KindEval, Src: "second"}); err != nil || resp.Text != "second" {
		t.Fatalf("second: %+v, %v", resp, err)
	}
	if readerOf(m) != turnCall {
		t.Fatal("the first Call no longer reads")
	}
	third := make(chan result, 1)
	go func() {
		resp, err := m.Call(ctx, &Request{Kind: KindEval, Src: "wait:third"})
		third <- result{resp, err}
	}()
	if got := <-h.started; got != "third" {
		t.Fatalf("started %q", got)
	}
	close(h.gate(gate))
	if r := <-first; r.err != nil || r.resp.Text != "opened "+gate {
		t.Fatalf("first: %+v, %v", r.resp, r.err)
	}
	if got := readerOf(m); got != turnLoop {
		t.Fatalf("with the third Call waiting, the turn is %d, want recvLoop's", got)
	}
	close(h.gate("third"))
	if r := <-third; r.err != nil || r.resp.Text != "opened third" {
		t.Fatalf("third: %+v, %v", r.resp, r.err)
	}
	if resp, err := m.Call(ctx, &Request{Kind: KindEval, Src: "after"}); err != nil || resp.Text != "after" {
		t.Fatalf("after: %+v, %v", resp, err)
	}
}

// A done ctx cuts the read short: the Call returns at once, the slave is
// told, and the late Response (read by recvLoop) frees the slot.
func TestCancelWhileCallReads(t *testing.T) {
	h := newGateHandler()
	m, _ := pair(t, h)
	var cancel context.CancelFunc
	var mu sync.Mutex
	out, _ := direct(t, m, h, "c", func(src string) (*Response, error) {
		ctx, c := context.WithCancel(context.Background())
		mu.Lock()
		cancel = c
		mu.Unlock()
		return m.Call(ctx, &Request{Kind: KindEval, Src: src})
	})
	mu.Lock()
	cancel()
	mu.Unlock()
	if r := <-out; !errors.Is(r.err, context.Canceled) {
		t.Fatalf("got %+v, %v; want context.Canceled", r.resp, r.err)
	}
	// The slave was told to cancel, answered, and that answer gave back
	// the slot: every slot can be taken again.
	ctx, stop := context.WithTimeout(context.Background(), 30*time.Second)
	defer stop()
	for i := range cap(m.slots) + 1 {
		if resp, err := m.Call(ctx, &Request{Kind: KindEval, Src: "x"}); err != nil || resp.Text != "x" {
			t.Fatalf("call %d after the cancel: %+v, %v", i, resp, err)
		}
	}
	waitFor(t, func() bool { return len(m.slots) == 0 })
}

// A done stop (CallStop) cuts the read short too; the Call goes on
// reading and returns the slave's answer.
func TestStopWhileCallReads(t *testing.T) {
	h := newGateHandler()
	m, _ := pair(t, h)
	stop, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	out, _ := direct(t, m, h, "s", func(src string) (*Response, error) {
		return m.CallStop(context.Background(), &Request{Kind: KindEval, Src: src}, stop)
	})
	interrupt()
	r := <-out
	if r.err != nil || r.resp.Err == nil || r.resp.Err.Kind != failure.KindCanceled {
		t.Fatalf("got %+v, %v; want the slave's canceled answer", r.resp, r.err)
	}
}

// The connection dies while a Call reads: the Call fails as lost.
func TestConnectionLostWhileCallReads(t *testing.T) {
	h := newGateHandler()
	m, s := pair(t, h)
	out, _ := direct(t, m, h, "l", func(src string) (*Response, error) {
		return m.Call(context.Background(), &Request{Kind: KindEval, Src: src})
	})
	s.conn.Close() // abruptly: no yamux goodbye
	if r := <-out; !errors.Is(r.err, ErrConnectionLost) {
		t.Fatalf("got %+v, %v; want ErrConnectionLost", r.resp, r.err)
	}
	<-m.Done()
}

// Close while a Call reads: the Call fails with ErrClosed.
func TestCloseWhileCallReads(t *testing.T) {
	h := newGateHandler()
	m, _ := pair(t, h)
	out, _ := direct(t, m, h, "x", func(src string) (*Response, error) {
		return m.Call(context.Background(), &Request{Kind: KindEval, Src: src})
	})
	m.Close()
	if r := <-out; !errors.Is(r.err, ErrClosed) {
		t.Fatalf("got %+v, %v; want ErrClosed", r.resp, r.err)
	}
}

// An idle master's session, whose control stream nobody reads between
// Calls, still sees its connection die.
func TestIdleMasterSeesLostConnection(t *testing.T) {
	m, s := pair(t, newTestHandler())
	if _, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: "x"}); err != nil {
		t.Fatal(err)
	}
	s.conn.Close()
	select {
	case <-m.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("the master's session did not notice its connection died")
	}
	if !errors.Is(m.Err(), ErrConnectionLost) {
		t.Fatal(m.Err())
	}
}

// waitFor polls cond (a state no event signals) until it holds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 30 s")
		}
		time.Sleep(time.Millisecond)
	}
}

// While a Call reads for itself, however long its task runs, recvLoop's
// idle timer stops once it has seen that (the Call sees every frame and
// a lost connection itself): before, it fired every idleRead for as long
// as the task ran, a wake-up per 10 ms per session. When the Call hands
// the turn back the timer runs again, so an idle session still reads.
func TestIdleTimerRestsWhileACallReads(t *testing.T) {
	h := newGateHandler()
	m, _ := pair(t, h)
	out, gate := direct(t, m, h, "long", func(src string) (*Response, error) {
		return m.Call(context.Background(), &Request{Kind: KindEval, Src: src})
	})
	waitFor(t, func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		return !m.idleArmed
	})
	if got := readerOf(m); got != turnCall {
		t.Fatalf("reader %d, want the Call's turn", got)
	}
	close(h.gate(gate))
	if r := <-out; r.err != nil || r.resp.Text != "opened "+gate {
		t.Fatalf("got %+v, %v", r.resp, r.err)
	}
	waitFor(t, func() bool { return readerOf(m) == turnLoop }) // the idle timer ran again
}

// A peer that hangs up is a hang-up (HungUp) however this side learns
// it: by reading the end of the stream, or by a write that finds yamux
// shut down by it first. The write used to record its own "session
// shutdown" as the cause, which a slave logged as a connection it ended
// (a warning at every exit of a REPL with local slaves, now and then).
func TestPeerHangUpSeenByAWrite(t *testing.T) {
	for i := range 40 {
		m, s := pair(t, nil)
		wrote := make(chan struct{})
		go func() {
			defer close(wrote)
			for s.writeCtrl(&envelope{ID: 1, Type: frameEvent, Event: &Event{}}) == nil {
			}
		}()
		m.Close()
		<-wrote
		if err := s.Err(); !HungUp(err) {
			t.Fatalf("run %d: the slave's session ended with %v, not a hang-up", i, err)
		}
	}
}
