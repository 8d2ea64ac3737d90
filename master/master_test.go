package master_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

const token = "test-token"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// startSlave runs an in-process slave server on 127.0.0.1:0.
func startSlave(t testing.TB, engines int) (*slave.Node, string) {
	t.Helper()
	return startNode(t, slave.Config{Engines: engines})
}

// startNode runs an in-process slave server configured by cfg, with the
// test's token and logger.
func startNode(t testing.TB, cfg slave.Config) (*slave.Node, string) {
	t.Helper()
	cfg.Session, cfg.Logger = session.Config{Token: token}, quiet
	s, err := slave.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := session.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { s.Serve(context.Background(), ln); close(done) }()
	t.Cleanup(func() { ln.Close(); s.Close(); <-done })
	return s, ln.Addr().String()
}

func newMaster(t testing.TB) *master.Master {
	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet})
	t.Cleanup(func() { m.Close() })
	return m
}

// cluster is a master that dialed n one-engine slaves.
func cluster(t testing.TB, n int) *master.Master {
	t.Helper()
	m := newMaster(t)
	for range n {
		_, addr := startSlave(t, 1)
		if _, err := m.Dial(context.Background(), addr); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestRunValue(t *testing.T) {
	m := cluster(t, 1)
	res, err := m.Run(ctxT(t), "2 + 3")
	if err != nil {
		t.Fatal(err)
	}
	if res.Value != int64(5) || res.Text != "5" || res.Slave != "s1" {
		t.Fatalf("got %#v", res)
	}
}

func TestSlaveDialsMaster(t *testing.T) {
	ctx := ctxT(t)
	m := newMaster(t)
	ln, err := master.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go m.Serve(ctx, ln)
	s, err := slave.New(slave.Config{Engines: 2, Session: session.Config{Token: token}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Connect(ctx, ln.Addr().String()) }()
	if err := m.WaitSlaves(ctx, 2); err != nil {
		t.Fatal(err)
	}
	res, err := m.Run(ctx, `import "strings"; strings.Repeat("ab", 2)`)
	if err != nil || res.Value != "abab" {
		t.Fatalf("got %#v, %v", res, err)
	}
	s.Close()
	if err := <-done; !errors.Is(err, slave.ErrClosed) {
		t.Fatalf("Connect after the node's Close: %v, want ErrClosed", err)
	}
}

func TestParallelKeepsOrder(t *testing.T) {
	m := cluster(t, 2)
	var tasks []master.Task
	for i := range 8 {
		tasks = append(tasks, master.Task{Src: strings.Repeat("1+", i) + "0"})
	}
	results, err := m.Parallel(ctxT(t), tasks...)
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for i, r := range results {
		if r.Value != int64(i) {
			t.Errorf("task %d: got %v", i, r.Value)
		}
		used[r.Slave] = true
	}
	t.Logf("slaves used: %v", used)
}

func TestParallelSpreadsOverSlaves(t *testing.T) {
	m := cluster(t, 2)
	ctx := ctxT(t)
	// Each task says it started, then holds its slave until told to go:
	// the test only says go once both have started, which can only
	// happen if they run on different slaves at the same time.
	src := `import "time"
dpfw.Table().Set("started", true)
for i := 0; i < 20000 && dpfw.Table().Get("go") == nil; i++ {
	time.Sleep(time.Millisecond)
}
"ok"`
	f := m.Submit(ctx, master.Task{Src: src})
	g := m.Submit(ctx, master.Task{Src: src})
	started := func(s *master.Slave) bool {
		_, err := s.TableGet(ctx, "started")
		return err == nil
	}
	slaves := m.Slaves()
	waitFor(t, func() bool { return started(slaves[0]) && started(slaves[1]) })
	for _, s := range slaves {
		if err := s.TableSet(ctx, "go", true); err != nil {
			t.Fatal(err)
		}
	}
	a, errA := f.Wait(ctx)
	b, errB := g.Wait(ctx)
	if errA != nil || errB != nil || a.Slave == b.Slave {
		t.Fatalf("got %s/%v and %s/%v", a.Slave, errA, b.Slave, errB)
	}
}

func TestErrorsAreTypedAndSlaveSurvives(t *testing.T) {
	m := cluster(t, 1)
	ctx := ctxT(t)
	cases := []struct {
		src  string
		kind master.Kind
	}{
		{"x := 1\ny := undefinedName\n", master.KindCompile},
		{`panic("boom")`, master.KindPanic},
		{`make(chan int)`, master.KindUnsendable},
		{`func() {}`, master.KindUnsendable},
	}
	for _, c := range cases {
		_, err := m.Run(ctx, c.src)
		var re *master.RemoteError
		if !errors.As(err, &re) || re.Kind != c.kind || re.Slave != "s1" {
			t.Errorf("%q: got %v, want a %s error from s1", c.src, err, c.kind)
		}
		if c.kind == master.KindCompile && re != nil && !strings.HasPrefix(re.Pos, "2:") {
			t.Errorf("%q: position %q, want line 2", c.src, re.Pos)
		}
	}
	if res, err := m.Run(ctx, "1+1"); err != nil || res.Value != int64(2) {
		t.Fatalf("after errors: %v %v", res.Value, err)
	}
}

func TestTimeoutAndCancelFreeTheEngine(t *testing.T) {
	m := cluster(t, 1)
	ctx := ctxT(t)
	_, err := m.Submit(ctx, master.Task{Src: "for {}", Timeout: 100 * time.Millisecond}).Wait(ctx)
	if !master.IsKind(err, master.KindTimeout) {
		t.Fatalf("got %v, want timeout", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	f := m.Submit(cctx, master.Task{Src: `import "time"; time.Sleep(time.Hour)`})
	cancel()
	if _, err := f.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if res, err := m.Run(ctx, "1+1"); err != nil || res.Value != int64(2) {
		t.Fatalf("after cancel: %v %v", res.Value, err)
	}
}

func TestGeneratorOnReservedSlave(t *testing.T) {
	m := cluster(t, 2)
	ctx := ctxT(t)
	s, err := m.Reserve(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Release()
	_, err = s.Run(ctx, `n := 0
dpfw.Table().Set("uniqID", func() int { n++; return n })`)
	if err != nil {
		t.Fatal(err)
	}
	for want := int64(1); want <= 2; want++ {
		res, err := s.Run(ctx, `dpfw.Table().Get("uniqID").(func() int)()`)
		if err != nil || res.Value != want {
			t.Fatalf("call %d: got %v, %v", want, res.Value, err)
		}
	}
}

func TestReserveWithoutWaiting(t *testing.T) {
	m := cluster(t, 1)
	ctx := ctxT(t)
	s, err := m.Reserve(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Reserve(ctx, false); !errors.Is(err, master.ErrNoIdle) {
		t.Fatalf("got %v, want ErrNoIdle", err)
	}
	// A reserved slave takes no shared work: this task waits for Release,
	// even after a pinned task has gone through the same worker.
	f := m.Submit(ctx, master.Task{Src: "7"})
	if _, err := s.Run(ctx, "0"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-f.Done():
		t.Fatal("shared task ran on a reserved slave")
	default:
	}
	s.Release()
	if res, err := f.Wait(ctx); err != nil || res.Value != int64(7) {
		t.Fatalf("got %v, %v", res.Value, err)
	}
}

// Reserve(ctx, false) is exact: it returns a slave whenever one is idle
// at the moment of the call, and never more slaves than are idle; a task's
// Future resolves only once its slave is idle again, and Release with
// nothing pending frees the slave at once.
func TestReserveWithoutWaitingIsExact(t *testing.T) {
	m := cluster(t, 3)
	ctx := ctxT(t)
	got := make(chan *master.Slave, 10)
	errc := make(chan error, 10)
	for range 10 {
		go func() {
			s, err := m.Reserve(ctx, false)
			if err != nil {
				errc <- err
				return
			}
			got <- s
		}()
	}
	ids := map[string]bool{}
	for range 10 {
		select {
		case s := <-got:
			ids[s.ID()] = true
		case err := <-errc:
			if !errors.Is(err, master.ErrNoIdle) {
				t.Fatal(err)
			}
		}
	}
	if len(ids) != 3 {
		t.Fatalf("10 concurrent Reserve(ctx, false) on 3 idle slaves reserved %v, want all 3 once", ids)
	}
	for _, s := range m.Slaves() {
		s.Release()
	}
	for i := range 20 {
		if _, err := m.Run(ctx, "1"); err != nil {
			t.Fatal(err)
		}
		s, err := m.Reserve(ctx, false)
		if err != nil {
			t.Fatalf("round %d, after a shared task: %v", i, err)
		}
		if _, err := s.Run(ctx, "2"); err != nil {
			t.Fatal(err)
		}
		s.Release()
	}
}

// A Slave's State follows what it does: idle, reserved, busy while its
// task runs, reserved again, idle on Release, gone with its connection.
func TestSlaveStateMachine(t *testing.T) {
	m := newMaster(t)
	n, addr := startSlave(t, 1)
	ctx := ctxT(t)
	if _, err := m.Dial(ctx, addr); err != nil {
		t.Fatal(err)
	}
	s := m.Slaves()[0]
	state := func(want master.State) {
		t.Helper()
		if got := s.Info().State; got != want {
			t.Fatalf("state %v, want %v", got, want)
		}
	}
	state(master.Idle)
	if r, err := m.Reserve(ctx, false); err != nil || r != s {
		t.Fatal(r, err)
	}
	state(master.Reserved)
	running, finish := make(chan struct{}), make(chan struct{})
	f := s.Submit(ctx, master.Task{
		Src: `import "io"; func(r io.Reader, w io.Writer) error { _, err := io.Copy(w, r); return err }`,
		Local: func(ctx context.Context, r io.Reader, w io.WriteCloser) (any, error) {
			close(running)
			<-finish
			return nil, w.Close()
		},
	})
	<-running
	state(master.Busy)
	if _, err := m.Reserve(ctx, false); !errors.Is(err, master.ErrNoIdle) {
		t.Fatalf("Reserve while the only slave is busy: %v", err)
	}
	close(finish)
	if _, err := f.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	state(master.Reserved)
	s.Release()
	state(master.Idle)
	if info := s.Info(); info.Tasks != 1 || info.Rejoin != master.Joined {
		t.Fatalf("tasks %d, rejoin %v", info.Tasks, info.Rejoin)
	}
	n.Close()
	deadline := time.Now().Add(10 * time.Second)
	for s.Info().State != master.Gone {
		if time.Now().After(deadline) {
			t.Fatalf("state %v 10s after the node closed, want gone", s.Info().State)
		}
		time.Sleep(5 * time.Millisecond) // the connection's end has no event a test can wait on
	}
	if _, err := s.Run(ctx, "1"); !errors.Is(err, master.ErrGone) || !master.IsKind(err, master.KindLost) {
		t.Fatalf("a task pinned to a gone slave: %v", err)
	}
}

func TestRejoinString(t *testing.T) {
	for r, want := range map[master.Rejoin]string{master.Joined: "joined", master.Reconnected: "reconnected", master.Restarted: "restarted", 7: "Rejoin(7)", -1: "Rejoin(-1)"} {
		if got := r.String(); got != want {
			t.Errorf("%d: %q, want %q", int(r), got, want)
		}
	}
}

func TestBroadcastDefinesEverywhere(t *testing.T) {
	m := cluster(t, 2)
	ctx := ctxT(t)
	if _, err := m.Broadcast(ctx, "func sq(x int) int { return x * x }"); err != nil {
		t.Fatal(err)
	}
	results, err := m.Parallel(ctx, master.Task{Src: "sq(3)"}, master.Task{Src: "sq(4)"}, master.Task{Func: "sq", Args: []any{5}})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int64{9, 16, 25} {
		if results[i].Value != want {
			t.Errorf("task %d: got %v want %d", i, results[i].Value, want)
		}
	}
}

func TestDecodeIntoTypedValue(t *testing.T) {
	m := cluster(t, 1)
	ctx := ctxT(t)
	var got []string
	err := m.Submit(ctx, master.Task{Src: `[]string{"a", "b"}`}).Decode(ctx, &got)
	if err != nil || len(got) != 2 || got[1] != "b" {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestOutputIsCapturedPerTask(t *testing.T) {
	m := cluster(t, 1)
	res, err := m.Run(ctxT(t), `import "fmt"; fmt.Println("hello"); 1`)
	if err != nil || string(res.Output) != "hello\n" || res.Value != int64(1) {
		t.Fatalf("got %q %v %v", res.Output, res.Value, err)
	}
}

func TestStreamTaskUpperCases(t *testing.T) {
	m := cluster(t, 1)
	ctx := ctxT(t)
	remote := `import ("bufio"; "io"; "strings")
func(r io.Reader, w io.Writer) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if _, err := io.WriteString(w, strings.ToUpper(sc.Text())+"\n"); err != nil {
			return err
		}
	}
	return sc.Err()
}`
	local := func(ctx context.Context, r io.Reader, w io.WriteCloser) (any, error) {
		go func() {
			io.WriteString(w, "hello\nworld\n")
			w.Close()
		}()
		var lines []string
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		return lines, sc.Err()
	}
	res, err := m.Submit(ctx, master.Task{Src: remote, Local: local}).Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(res.Value.([]string), ","); got != "HELLO,WORLD" {
		t.Fatalf("got %q", got)
	}
}

// A stream function's or a called function's own error is kind "error",
// not a panic: the task failed the way the user's code said.
func TestUserErrorIsKindError(t *testing.T) {
	m := cluster(t, 1)
	ctx := ctxT(t)
	remote := `import ("errors"; "io")
func(r io.Reader, w io.Writer) error { return errors.New("no input wanted") }`
	local := func(ctx context.Context, r io.Reader, w io.WriteCloser) (any, error) {
		w.Close()
		_, err := io.Copy(io.Discard, r)
		return nil, err
	}
	_, err := m.Submit(ctx, master.Task{Src: remote, Local: local}).Wait(ctx)
	var re *master.RemoteError
	if !errors.As(err, &re) || re.Kind != master.KindError || re.Msg != "no input wanted" || re.Slave != "s1" {
		t.Fatalf("got %#v (%v), want kind error", re, err)
	}
	if _, err := m.Run(ctx, `import "errors"; func half(n int) (int, error) { if n%2 != 0 { return 0, errors.New("odd") }; return n / 2, nil }`); err != nil {
		t.Fatal(err)
	}
	_, err = m.Submit(ctx, master.Task{Func: "half", Args: []any{3}}).Wait(ctx)
	if !errors.As(err, &re) || re.Kind != master.KindError || re.Msg != "odd" {
		t.Fatalf("got %v, want kind error", err)
	}
}

func TestTableOps(t *testing.T) {
	m := cluster(t, 1)
	ctx := ctxT(t)
	s := m.Slaves()[0]
	if err := s.TableSet(ctx, "k", 42); err != nil {
		t.Fatal(err)
	}
	if res, err := s.Run(ctx, `dpfw.Table().Get("k")`); err != nil || res.Value != int64(42) {
		t.Fatalf("snippet sees %v, %v", res.Value, err)
	}
	s.Run(ctx, `dpfw.Table().Set("j", "x")`)
	keys, err := s.TableKeys(ctx)
	if err != nil || strings.Join(keys, ",") != "j,k" {
		t.Fatalf("keys %v, %v", keys, err)
	}
	if err := s.TableDelete(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TableGet(ctx, "k"); !master.IsKind(err, master.KindNotFound) {
		t.Fatalf("deleted key: %v", err)
	}
}

func TestSlaveLostFailsPendingAtOnce(t *testing.T) {
	m := newMaster(t)
	s, addr := startSlave(t, 1)
	ctx := ctxT(t)
	if _, err := m.Dial(ctx, addr); err != nil {
		t.Fatal(err)
	}
	running := m.Slaves()[0].Submit(ctx, master.Task{Src: `import "time"; time.Sleep(time.Hour)`})
	queued := m.Slaves()[0].Submit(ctx, master.Task{Src: "1"})
	s.Close()
	for _, f := range []*master.Future{running, queued} {
		_, err := f.Wait(ctx)
		if !master.IsKind(err, master.KindLost) {
			t.Errorf("got %v, want lost", err)
		}
	}
}

func TestWrongTokenIsRefused(t *testing.T) {
	_, addr := startSlave(t, 1)
	m := master.New(master.Config{Session: session.Config{Token: "wrong"}, Logger: quiet})
	defer m.Close()
	_, err := m.Dial(ctxT(t), addr)
	if !errors.Is(err, session.ErrAuth) {
		t.Fatalf("got %v, want ErrAuth", err)
	}
}

func TestCloseFailsWaitingTasks(t *testing.T) {
	m := newMaster(t) // no slaves: the task waits for one
	f := m.Submit(context.Background(), master.Task{Src: "1"})
	m.Close()
	if _, err := f.Wait(ctxT(t)); !errors.Is(err, master.ErrClosed) {
		t.Fatalf("got %v", err)
	}
	m.Close()
}

func TestBatchKeepsOrderAndErrors(t *testing.T) {
	m := cluster(t, 2)
	ctx := ctxT(t)
	var tasks []master.Task
	for i := range 25 {
		tasks = append(tasks, master.Task{Src: strings.Repeat("1+", i) + "0"})
	}
	tasks[7] = master.Task{Src: `panic("seven")`}
	results, err := m.Batch(ctx, 10, tasks...)
	if !master.IsKind(err, master.KindPanic) || !strings.Contains(err.Error(), "task 7:") {
		t.Fatalf("got %v, want task 7's panic", err)
	}
	for i, r := range results {
		if i != 7 && r.Value != int64(i) {
			t.Errorf("task %d: got %v", i, r.Value)
		}
	}
}

// A Fresh task runs on a reset engine: earlier declarations and globals
// are gone, the table is not; in a batch too.
func TestFreshTaskSeesNothingEarlier(t *testing.T) {
	m := cluster(t, 1)
	ctx := ctxT(t)
	for _, src := range []string{"func f() int { return 1 }", "x := 2", `dpfw.Table().Set("k", 3)`} {
		if _, err := m.Run(ctx, src); err != nil {
			t.Fatal(err)
		}
	}
	for _, src := range []string{"f()", "x"} {
		if _, err := m.Submit(ctx, master.Task{Src: src, Fresh: true}).Wait(ctx); !master.IsKind(err, master.KindCompile) {
			t.Errorf("fresh %s: got %v, want a compile error", src, err)
		}
	}
	res, err := m.Submit(ctx, master.Task{Src: `func f() string { return "mine" }; f() + fmt.Sprint(dpfw.Table().Get("k"))`, Fresh: true}).Wait(ctx)
	if err != nil || res.Value != "mine3" {
		t.Fatalf("fresh redefinition: %v, %v", res.Value, err)
	}
	results, err := m.Batch(ctx, 2, master.Task{Src: "y := 4"}, master.Task{Src: "y", Fresh: true})
	if !master.IsKind(err, master.KindCompile) || results[0].Slave == "" {
		t.Errorf("batch: %v (%v)", err, results)
	}
}

// pipelinedPair is a master at Pipeline 4 that dialed one one-engine
// slave, and that slave.
func pipelinedPair(t *testing.T) (*master.Master, *master.Slave) {
	t.Helper()
	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet, Pipeline: 4})
	t.Cleanup(func() { m.Close() })
	_, addr := startSlave(t, 1)
	if _, err := m.Dial(ctxT(t), addr); err != nil {
		t.Fatal(err)
	}
	return m, m.Slaves()[0]
}

func TestPipelinedMasterKeepsPinnedOrder(t *testing.T) {
	m, s := pipelinedPair(t)
	ctx := ctxT(t)
	s.Run(ctx, "var seq []int")
	var futs []*master.Future
	for i := range 20 {
		futs = append(futs, s.Submit(ctx, master.Task{Src: "seq = append(seq, " + strings.Repeat("1+", i) + "0)"}))
		futs = append(futs, m.Submit(ctx, master.Task{Src: "1"}))
	}
	for _, f := range futs {
		if _, err := f.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var seq []int
	if err := s.Submit(ctx, master.Task{Src: "seq"}).Decode(ctx, &seq); err != nil {
		t.Fatal(err)
	}
	for i, v := range seq {
		if v != i {
			t.Fatalf("pinned tasks ran out of order: %v", seq)
		}
	}
}

// At Pipeline > 1 a pinned task waits only for the tasks in flight on
// its slave, not for the shared queue to drain: runners that take the
// next shared job themselves (with the slot they hold) stop once a
// pinned job is on its way.
func TestPinnedTaskDoesNotWaitForTheSharedQueue(t *testing.T) {
	m, s := pipelinedPair(t)
	ctx := ctxT(t)
	if _, err := s.Run(ctx, "var n int"); err != nil {
		t.Fatal(err)
	}
	const shared = 3000
	futs := make([]*master.Future, shared)
	for i := range futs {
		futs[i] = m.Submit(ctx, master.Task{Src: "n++; n"})
	}
	var seen int
	if err := s.Submit(ctx, master.Task{Src: "n"}).Decode(ctx, &seen); err != nil {
		t.Fatal(err)
	}
	for _, f := range futs {
		if _, err := f.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("the pinned task ran after %d of %d shared tasks", seen, shared)
	if seen >= shared {
		t.Fatalf("the pinned task ran after all %d shared tasks: it waited for the queue to drain", shared)
	}
}

// waitKey polls the slave's table until key appears: the task that sets
// it has started.
func waitKey(t *testing.T, ctx context.Context, s *master.Slave, key string) {
	t.Helper()
	for {
		if _, err := s.TableGet(ctx, key); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s never appeared: %v", key, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// Interrupt stops a running task and still delivers the slave's answer:
// kind canceled, the output so far, the reset and what it lost.
func TestInterruptDeliversTheAnswer(t *testing.T) {
	ctx := ctxT(t)
	m := cluster(t, 1)
	s, err := m.Reserve(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{"y := 7", "func f() int { return y }", "func g() int { return 1 }", "f() + g()"} {
		if _, err := s.Submit(ctx, master.Task{Src: src}).Wait(ctx); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
	}
	for i, src := range []string{
		`fmt.Println("before"); dpfw.Table().Set("started0", 1); time.Sleep(time.Hour)`, // a native call: the interpreter is replaced
		`fmt.Println("before"); dpfw.Table().Set("started1", 1); for {}`,
	} {
		f := s.Submit(ctx, master.Task{Src: src})
		waitKey(t, ctx, s, fmt.Sprint("started", i))
		f.Interrupt()
		f.Interrupt() // idempotent
		res, err := f.Wait(ctx)
		if !master.IsKind(err, master.KindCanceled) || string(res.Output) != "before\n" || !res.Reset || res.Slave != "s1" {
			t.Errorf("%s: %v %q reset=%v", src, err, res.Output, res.Reset)
		}
		if want := []string{"f", "y"}; i == 0 && !slices.Equal(res.Lost, want) {
			t.Errorf("lost %q, want %q", res.Lost, want)
		}
	}
	if res, err := s.Submit(ctx, master.Task{Src: "g()"}).Wait(ctx); err != nil || res.Value != int64(1) {
		t.Errorf("after the interrupts, g() = %v, %v", res.Value, err)
	}
	// A task still queued behind another is failed at once, never sent.
	busy := s.Submit(ctx, master.Task{Src: `dpfw.Table().Set("started2", 1); time.Sleep(time.Hour)`})
	queued := s.Submit(ctx, master.Task{Src: `dpfw.Table().Set("ran", 1)`})
	waitKey(t, ctx, s, "started2")
	queued.Interrupt()
	if _, err := queued.Wait(ctx); !master.IsKind(err, master.KindCanceled) || !strings.Contains(err.Error(), "before it was sent") {
		t.Errorf("interrupting a queued task: %v", err)
	}
	busy.Interrupt()
	busy.Wait(ctx)
	if _, err := s.TableGet(ctx, "ran"); !master.IsKind(err, master.KindNotFound) {
		t.Errorf("the interrupted queued task ran: %v", err)
	}
}

// Interrupting a stream task cancels it on the slave and the future
// still gets the answer.
func TestInterruptStreamTask(t *testing.T) {
	ctx := ctxT(t)
	m := cluster(t, 1)
	started := make(chan struct{})
	f := m.Submit(ctx, master.Task{
		Src: `func(r io.Reader, w io.Writer) error { fmt.Fprintln(w, "hi"); _, err := io.ReadAll(r); return err }`,
		Local: func(ctx context.Context, r io.Reader, w io.WriteCloser) (any, error) {
			line, err := bufio.NewReader(r).ReadString('\n')
			close(started)
			io.Copy(io.Discard, r)
			return line, err
		},
	})
	<-started
	f.Interrupt()
	if _, err := f.Wait(ctx); !master.IsKind(err, master.KindCanceled) {
		t.Errorf("interrupted stream task: %v", err)
	}
}
