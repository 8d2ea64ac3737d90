package master_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

// A node whose in-flight limit is below engines × Pipeline (and, in one
// case, below its engine count) gets every task right: the master learns
// the limit in the handshake and never sends more, where it used to
// overrun it and fail tasks as busy.
func TestNeverOverrunsASlave(t *testing.T) {
	for _, c := range []struct{ engines, limit, pipeline int }{
		{4, 4, 8},  // 32 wanted in flight, 4 admitted
		{3, 2, 1},  // more engines than the limit
		{2, 16, 4}, // under the limit: pipelining intact
	} {
		t.Run(fmt.Sprintf("engines=%d,limit=%d,pipeline=%d", c.engines, c.limit, c.pipeline), func(t *testing.T) {
			n, err := slave.New(slave.Config{Engines: c.engines, Session: session.Config{Token: token, MaxStreams: c.limit}, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			if got := n.Identity().Engines; got != c.engines {
				t.Fatalf("identity says %d engines", got)
			}
			ln, err := session.Listen("127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			go func() { n.Serve(context.Background(), ln); close(done) }()
			t.Cleanup(func() { n.Close(); <-done })

			var log syncBuffer
			m := master.New(master.Config{Session: session.Config{Token: token}, Logger: slog.New(slog.NewTextHandler(&log, nil)), Pipeline: c.pipeline})
			defer m.Close()
			ctx := ctxT(t)
			slaves, err := m.Dial(ctx, ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			if got := slaves[0].Info().Peer.MaxInFlight; got != c.limit {
				t.Fatalf("the master learnt an in-flight limit of %d, want %d", got, c.limit)
			}
			tasks := make([]master.Task, 300)
			for i := range tasks {
				tasks[i] = master.Task{Src: fmt.Sprintf("s := 0; for k := 0; k < 200; k++ { s += k }; s + %d", i)}
			}
			// Table operations share the limit: they wait too.
			for _, s := range slaves {
				if err := s.TableSet(ctx, "k", 1); err != nil {
					t.Fatal(err)
				}
			}
			results, err := m.Parallel(ctx, tasks...)
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range results {
				if want := int64(19900 + i); r.Value != want {
					t.Fatalf("task %d gave %v, want %d", i, r.Value, want)
				}
			}
			// Not by luck or requeueing: the slave refused nothing.
			if strings.Contains(log.String(), "busy") {
				t.Fatalf("the slave refused tasks as busy:\n%s", log.String())
			}
		})
	}
}

// busyNode is a slave node whose handler refuses its first refusals
// tasks as busy, as a node that admits fewer tasks than it announced
// would, and answers the others with their engine number.
type busyNode struct{ refusals atomic.Int64 }

func (b *busyNode) ServeTask(ctx context.Context, req *session.Request, _ io.ReadWriter) *session.Response {
	if b.refusals.Add(-1) >= 0 {
		return &session.Response{Err: &session.RemoteError{Kind: master.KindBusy, Msg: "full"}}
	}
	raw, _ := session.EncodeValue(req.Src)
	return &session.Response{Value: raw}
}

// A busy answer is not the task's failure: the task goes back to the
// queue and runs.
func TestBusyAnswerRequeues(t *testing.T) {
	ln, err := session.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	node := &busyNode{}
	node.refusals.Store(40)
	ctx, cancel := context.WithCancel(ctxT(t))
	done := make(chan struct{})
	go func() {
		session.Accept(ctx, ln, session.Config{Token: token, Logger: quiet}, session.NewIdentity(session.RoleSlave, "busy", 2),
			func(f func()) bool { go f(); return true },
			func(s *session.Session) { s.Serve(ctx, node); s.Close() })
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })

	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet, Pipeline: 4})
	defer m.Close()
	if _, err := m.Dial(ctx, ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	tasks := make([]master.Task, 30)
	for i := range tasks {
		tasks[i] = master.Task{Src: fmt.Sprint(i)}
	}
	results, err := m.Parallel(ctx, tasks...)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		if r.Value != fmt.Sprint(i) {
			t.Fatalf("task %d gave %v", i, r.Value)
		}
	}
	// The slaves count the tasks they ran, not the ones they refused.
	if n := tasksRun(m); n != int64(len(tasks)) {
		t.Fatalf("the slaves count %d tasks, for %d run", n, len(tasks))
	}
	// A pinned task waits for room on its own slave.
	node.refusals.Store(3)
	s := m.Slaves()[0]
	if r, err := s.Run(ctx, "pinned"); err != nil || r.Value != "pinned" {
		t.Fatalf("pinned task: %v, %v", r.Value, err)
	}
}

// syncBuffer is a bytes.Buffer for a logger used from many goroutines.
type syncBuffer struct {
	mu sync.Mutex // protects b
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// muteNode takes every task and never answers it until the master gives
// up on it, as a stalled or badly overloaded slave node would.
type muteNode struct{}

func (muteNode) ServeTask(ctx context.Context, req *session.Request, _ io.ReadWriter) *session.Response {
	<-ctx.Done()
	return &session.Response{Err: &session.RemoteError{Kind: master.KindCanceled, Msg: "canceled"}}
}

// A task with a Timeout whose slave does not even answer that it timed
// out still fails with kind timeout, naming the slave, once the master's
// grace is over: not with a bare "context deadline exceeded" (which the
// REPL printed under load: a -timeout 100ms task answered after 1.1 s).
// A caller's own deadline stays the caller's.
func TestTimeoutWithoutTheSlavesAnswer(t *testing.T) {
	ln, err := session.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctxT(t))
	done := make(chan struct{})
	go func() {
		session.Accept(ctx, ln, session.Config{Token: token, Logger: quiet}, session.NewIdentity(session.RoleSlave, "mute", 1),
			func(f func()) bool { go f(); return true },
			func(s *session.Session) { s.Serve(ctx, muteNode{}); s.Close() })
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })

	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet})
	defer m.Close()
	if _, err := m.Dial(ctx, ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	_, err = m.Submit(ctx, master.Task{Src: "for {}", Timeout: 10 * time.Millisecond}).Wait(ctx)
	var re *master.RemoteError
	if !errors.As(err, &re) || re.Kind != master.KindTimeout || re.Slave != "s1" || !strings.Contains(re.Msg, "no answer from s1") {
		t.Fatalf("got %v, want a timeout error naming s1", err)
	}
	short, stop := context.WithTimeout(ctx, 50*time.Millisecond)
	defer stop()
	if _, err := m.Submit(short, master.Task{Src: "for {}", Timeout: time.Hour}).Wait(short); !errors.Is(err, context.DeadlineExceeded) || master.IsKind(err, master.KindTimeout) {
		t.Fatalf("the caller's deadline: %v, want context.DeadlineExceeded", err)
	}
}
