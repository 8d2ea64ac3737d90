package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"
)

// liveHandler prints n numbered lines through the task's Live, with a
// progress report after each, and returns everything it printed as the
// Response's Output, as the slave does.
func liveHandler(n int, pause time.Duration) Handler {
	return HandlerFunc(func(ctx context.Context, req *Request, stream io.ReadWriter) *Response {
		live := LiveFrom(ctx)
		var out bytes.Buffer
		for i := range n {
			line := fmt.Appendf(nil, "line %d\n", i)
			out.Write(line)
			live.Output(line)
			live.Progress(int64(i+1), int64(n))
			if pause > 0 {
				time.Sleep(pause)
			}
		}
		if stream != nil {
			stream.Write([]byte("data"))
		}
		return &Response{Output: out.Bytes()}
	})
}

// eventLog collects what onEvent receives.
type eventLog struct {
	mu     sync.Mutex
	events []Event
}

func (l *eventLog) add(ev *Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, *ev)
}

// check verifies that the events are in order, each Output the bytes of
// full at its Offset, never overlapping, and returns the live bytes and
// the last progress.
func (l *eventLog) check(t *testing.T, full []byte) (live int, last *Progress) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	end := uint64(0)
	for i, ev := range l.events {
		if len(ev.Output) > 0 {
			if ev.Offset < end {
				t.Fatalf("event %d: offset %d goes back (previous end %d)", i, ev.Offset, end)
			}
			if got, want := ev.Output, full[ev.Offset:ev.Offset+uint64(len(ev.Output))]; !bytes.Equal(got, want) {
				t.Fatalf("event %d: output %q, the result has %q there", i, got, want)
			}
			end = ev.Offset + uint64(len(ev.Output))
			live += len(ev.Output)
		}
		if ev.Progress != nil {
			if last != nil && ev.Progress.Done < last.Done {
				t.Fatalf("progress went back: %v after %v", ev.Progress, last)
			}
			last = ev.Progress
		}
	}
	return live, last
}

func TestLiveEventsReachTheMasterInOrder(t *testing.T) {
	m, _ := pair(t, liveHandler(20, 5*time.Millisecond))
	var log eventLog
	resp, err := m.CallLive(context.Background(), &Request{Kind: KindEval}, nil, log.add, nil)
	if err != nil {
		t.Fatal(err)
	}
	live, last := log.check(t, resp.Output)
	if live == 0 || last == nil || last.Total != 20 {
		t.Fatalf("live %d bytes, last progress %+v, from %d events", live, last, len(log.events))
	}
	if last.Done != 20 {
		t.Fatalf("the last progress report %+v did not arrive before the response", last)
	}
	// Printing 20 lines 5 ms apart in 20 ms steps makes a handful of
	// frames, not one per line.
	if len(log.events) >= 20 {
		t.Fatalf("%d events for 20 lines: not coalesced", len(log.events))
	}
}

func TestLiveEventsOnATaskStream(t *testing.T) {
	m, _ := pair(t, liveHandler(5, time.Millisecond))
	var log eventLog
	ts, err := m.OpenTaskLive(context.Background(), &Request{Kind: KindStream}, log.add)
	if err != nil {
		t.Fatal(err)
	}
	defer ts.Close()
	data, _ := io.ReadAll(ts)
	resp, err := ts.Result(context.Background())
	if err != nil || string(data) != "data" {
		t.Fatal(err, string(data))
	}
	if live, last := log.check(t, resp.Output); live == 0 || last == nil || last.Done != 5 {
		t.Fatalf("live %d, last %+v", live, last)
	}
}

// Without CallLive the slave gets no Live: nothing is sent.
func TestNoLiveWithoutAsking(t *testing.T) {
	got := make(chan bool, 1)
	m, _ := pair(t, HandlerFunc(func(ctx context.Context, req *Request, stream io.ReadWriter) *Response {
		got <- LiveFrom(ctx) != nil
		LiveFrom(ctx).Output([]byte("ignored")) // a nil Live ignores it
		return &Response{}
	}))
	if _, err := m.Call(context.Background(), &Request{Kind: KindEval}); err != nil {
		t.Fatal(err)
	}
	if <-got {
		t.Fatal("a task the master did not ask live events for has a Live")
	}
}

// A task that prints far more than the connection carries is never held
// back: what does not fit is left out of the live view (an offset gap),
// the result still has it all, and other tasks carry on.
func TestLiveNeverBlocksTheTask(t *testing.T) {
	const total = 8 << 20
	chunk := bytes.Repeat([]byte("x"), 4096)
	m, _ := pair(t, HandlerFunc(func(ctx context.Context, req *Request, stream io.ReadWriter) *Response {
		if req.Src == "ping" {
			return &Response{Text: "pong"}
		}
		live := LiveFrom(ctx)
		start := time.Now()
		for range total / len(chunk) {
			live.Output(chunk)
		}
		return &Response{Output: bytes.Repeat([]byte("x"), total), Text: time.Since(start).String()}
	}))
	var log eventLog
	slow := func(ev *Event) { log.add(ev) }
	resp, err := m.CallLive(context.Background(), &Request{Kind: KindEval}, nil, slow, nil)
	if err != nil {
		t.Fatal(err)
	}
	live, _ := log.check(t, resp.Output)
	if live >= total {
		t.Fatalf("all %d bytes went live; the bound did not apply", live)
	}
	if d, _ := time.ParseDuration(resp.Text); d > 2*time.Second {
		t.Fatalf("printing 8 MiB into the live view took %s: the task was held back", d)
	}
	if r, err := m.Call(context.Background(), &Request{Src: "ping"}); err != nil || r.Text != "pong" {
		t.Fatal(r, err)
	}
}

// A slave that breaks the event bounds, or an event sent to a slave,
// ends the session as any protocol violation does.
func TestBadEventsCloseTheSession(t *testing.T) {
	for name, ev := range map[string]*Event{
		"too much output":   {Output: make([]byte, MaxEventOutput+1)},
		"negative progress": {Progress: &Progress{Done: -1}},
		"negative total":    {Progress: &Progress{Done: 1, Total: -5}},
	} {
		t.Run(name, func(t *testing.T) {
			m, s := pair(t, newTestHandler())
			s.wmu.Lock()
			b, _ := wireEnc.Marshal(&envelope{ID: 1, Type: frameEvent, Event: ev})
			writeFrame(s.ctrl, b)
			s.wmu.Unlock()
			select {
			case <-m.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("the master did not close")
			}
			if !errors.Is(m.Err(), errMalformed) {
				t.Fatal(m.Err())
			}
		})
	}
	t.Run("event to a slave", func(t *testing.T) {
		m, s := pair(t, newTestHandler())
		m.writeCtrl(&envelope{ID: 1, Type: frameEvent, Event: &Event{Output: []byte("hi")}})
		select {
		case <-s.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("the slave did not close")
		}
		if !errors.Is(s.Err(), errMalformed) {
			t.Fatal(s.Err())
		}
	})
}

// Events for a task the master gave up on, or never asked for, are
// dropped; the session carries on.
func TestStrayEventsAreDropped(t *testing.T) {
	m, s := pair(t, newTestHandler())
	s.writeCtrl(&envelope{ID: 999, Type: frameEvent, Event: &Event{Output: []byte("stray")}})
	resp, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: "x"})
	if err != nil || resp == nil {
		t.Fatal(err)
	}
}

func TestTraffic(t *testing.T) {
	m, s := pair(t, newTestHandler())
	if _, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: string(make([]byte, 10000))}); err != nil {
		t.Fatal(err)
	}
	_, out := m.Traffic()
	in, _ := s.Traffic()
	if out < 10000 || in < 10000 {
		t.Fatalf("master sent %d, slave received %d bytes of a 10 kB request", out, in)
	}
}
