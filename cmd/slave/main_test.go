//go:build unix

package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dpfw/dpfw/cmd/internal/buildinfo"
	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

// The tests drive the real binary, built once, with the race detector
// when the tests run with it.
var slaveBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dpfw-slave-test-")
	if err != nil {
		panic(err)
	}
	slaveBin = filepath.Join(dir, "slave")
	args := []string{"build", "-o", slaveBin}
	if buildinfo.Read().Race {
		args = append(args, "-race")
	}
	if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the slave: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const testToken = "slave-test-token"

// proc is a slave process started by a test, its stderr drained into
// lines at all times so that it never blocks on logging.
type proc struct {
	cmd   *exec.Cmd
	lines chan string
	done  chan struct{}
}

func startSlave(t *testing.T, args ...string) *proc {
	t.Helper()
	return startSlaveEnv(t, nil, args...)
}

// startSlaveEnv starts a slave with env added to the test's environment.
func startSlaveEnv(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(slaveBin, args...)
	cmd.Env = append(append(os.Environ(), "DPFW_TOKEN="+testToken), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, lines: make(chan string, 10000), done: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			select {
			case p.lines <- sc.Text():
			default: // nobody is reading: drop
			}
		}
		close(p.lines)
		cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop asks the process to exit as an operator would (SIGTERM), and
// fails the test if it, and the supervised child that shares its stderr,
// do not within a few seconds.
func (p *proc) stop(t *testing.T) {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		t.Errorf("slave pid %d did not stop within 10s of SIGTERM", p.cmd.Process.Pid)
	}
}

// waitLine returns the first submatch of re in the next line of stderr
// that matches it.
func (p *proc) waitLine(t *testing.T, re *regexp.Regexp, within time.Duration) string {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				t.Fatalf("slave ended while waiting for %v", re)
			}
			if m := re.FindStringSubmatch(l); m != nil {
				return m[1]
			}
		case <-deadline:
			t.Fatalf("no line matching %v within %v", re, within)
		}
	}
}

var (
	addrRE  = regexp.MustCompile(`msg="serving masters" addr=(127\.0\.0\.1:\d+)`)
	readyRE = regexp.MustCompile(`msg="engines ready" pid=(\d+)`)
)

func (p *proc) addr(t *testing.T) string { return p.waitLine(t, addrRE, 30*time.Second) }

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// newMaster returns a master that does not redial on its own: the tests
// redial when they mean to.
func newMaster(t *testing.T) *master.Master {
	m := master.New(master.Config{NoRedial: true, Session: session.Config{Token: testToken}})
	t.Cleanup(func() { m.Close() })
	return m
}

// waitPID waits for path to hold a pid.
func waitPID(t *testing.T, path string, within time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		b, err := os.ReadFile(path)
		var pid int
		if err == nil {
			if _, err := fmt.Sscan(string(b), &pid); err == nil && pid > 0 {
				return pid
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no pid in %s within %v", path, within)
		}
		time.Sleep(5 * time.Millisecond) // polling a file: there is no event to wait on
	}
}

// markerSrc is a snippet that writes its process id to path, then
// sleeps for d and yields v.
func markerSrc(path string, d time.Duration, v string) string {
	return fmt.Sprintf("import (\"os\"; \"strconv\"; \"time\")\nos.WriteFile(%q, []byte(strconv.Itoa(os.Getpid())), 0o644)\ntime.Sleep(%d)\n%s",
		path, d, v)
}

func kill(t *testing.T, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
}

// twoSlaves is a master that dialed two unsupervised one-engine slave
// processes: killing one kills its engine.
func twoSlaves(t *testing.T, ctx context.Context) *master.Master {
	t.Helper()
	m := newMaster(t)
	for range 2 {
		if _, err := m.Dial(ctx, startSlave(t, "-supervise=false", "-n", "1", "serve", "127.0.0.1:0").addr(t)); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func TestKilledMidTaskFailsFutureAsLost(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	ctx := ctxT(t, 60*time.Second)
	m := twoSlaves(t, ctx)
	marker := filepath.Join(t.TempDir(), "pid")
	f := m.Submit(ctx, master.Task{Src: markerSrc(marker, 10*time.Second, "1")})
	kill(t, waitPID(t, marker, 20*time.Second))
	killed := time.Now()
	wctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	res, err := f.Wait(wctx)
	t.Logf("kill -> future failed in %v", time.Since(killed))
	if !master.IsKind(err, master.KindLost) {
		t.Fatalf("want a lost error within 1s of the kill, got %v", err)
	}
	if res.Slave == "" || !strings.Contains(err.Error(), res.Slave) {
		t.Fatalf("the error %q does not name the slave %q", err, res.Slave)
	}
}

func TestIdempotentTasksSurviveAKilledSlave(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	ctx := ctxT(t, 60*time.Second)
	m := twoSlaves(t, ctx)
	dir := t.TempDir()
	tasks := make([]master.Task, 6)
	for i := range tasks {
		tasks[i] = master.Task{Idempotent: true, Src: markerSrc(filepath.Join(dir, fmt.Sprint(i)), 300*time.Millisecond, fmt.Sprint(i*i))}
	}
	done := make(chan struct{})
	var results []master.Result
	var err error
	go func() {
		results, err = m.Parallel(ctx, tasks...)
		close(done)
	}()
	kill(t, waitPID(t, filepath.Join(dir, "0"), 20*time.Second))
	<-done
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range results {
		if r.Value != int64(i*i) {
			t.Errorf("task %d: got %v, want %d", i, r.Value, i*i)
		}
	}
}

// redial dials addr again, after the slave there died or was dropped;
// the handshake waits for a restarted child to accept.
func redial(t *testing.T, ctx context.Context, m *master.Master, addr string) []*master.Slave {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ss, err := m.Dial(ctx, addr)
	if err != nil {
		t.Fatalf("redialing %s: %v", addr, err)
	}
	return ss
}

func TestSupervisorRestartsDeadChild(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	ctx := ctxT(t, 60*time.Second)
	p := startSlave(t, "-n", "1", "serve", "127.0.0.1:0")
	addr := p.addr(t)
	p.waitLine(t, readyRE, 30*time.Second)
	m := newMaster(t)
	before, err := m.Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	_, err = before[0].Submit(ctx, master.Task{Src: `go func() { panic("x") }(); select {}`, Timeout: 10 * time.Second}).Wait(ctx)
	died := time.Now()
	if !master.IsKind(err, master.KindLost) {
		t.Fatalf("want lost, got %v", err)
	}
	p.waitLine(t, readyRE, 10*time.Second)
	t.Logf("child death -> new child ready in %v", time.Since(died))
	after := redial(t, ctx, m, addr)
	var n int
	if err := after[0].Submit(ctx, master.Task{Src: "1+1"}).Decode(ctx, &n); err != nil || n != 2 {
		t.Fatalf("1+1 after the restart: %v, %v", n, err)
	}
	t.Logf("child death -> 1+1 answered in %v", time.Since(died))
	if old, cur := before[0].Info().Peer.Instance, after[0].Info().Peer.Instance; old == cur {
		t.Fatalf("the restarted child has the old instance %s", old)
	}
	if r := after[0].Info().Rejoin; r != master.Restarted {
		t.Errorf("rejoin = %v, want restarted", r)
	}
}

func TestConnectRedialsARestartedMaster(t *testing.T) {
	ctx := ctxT(t, 60*time.Second)
	ln, err := master.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	m1 := master.New(master.Config{Session: session.Config{Token: testToken}})
	go m1.Serve(ctx, ln)
	startSlave(t, "-supervise=false", "connect", addr)
	if err := m1.WaitSlaves(ctxT(t, 30*time.Second), 1); err != nil {
		t.Fatal(err)
	}
	m1.Close()
	ln.Close()
	// The port may stay busy for a moment while the old connection's
	// sockets close; the test is about the slave, not the kernel.
	ln2, err := master.Listen(addr)
	for deadline := time.Now().Add(5 * time.Second); err != nil && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		ln2, err = master.Listen(addr)
	}
	if err != nil {
		t.Fatal(err)
	}
	m2 := newMaster(t)
	go m2.Serve(ctx, ln2)
	start := time.Now()
	if err := m2.WaitSlaves(ctxT(t, 15*time.Second), 1); err != nil {
		t.Fatal(err)
	}
	t.Logf("slave back on the new master in %v", time.Since(start))
	var n int
	if err := m2.Submit(ctx, master.Task{Src: "1+1"}).Decode(ctx, &n); err != nil || n != 2 {
		t.Fatalf("1+1 on the new master: %v, %v", n, err)
	}
}

func TestKilledSupervisorTakesItsChildAlong(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	p := startSlave(t, "-n", "1", "serve", "127.0.0.1:0")
	p.addr(t)
	var child int
	fmt.Sscan(p.waitLine(t, readyRE, 30*time.Second), &child)
	kill(t, p.cmd.Process.Pid)
	select {
	case <-p.done: // stderr closed: the child, which shares it, is gone too
	case <-time.After(5 * time.Second):
		t.Fatalf("child pid %d outlived its supervisor by 5s", child)
	}
	// Its descriptors close a moment before it becomes a zombie.
	deadline := time.Now().Add(5 * time.Second)
	for alive(child) {
		if time.Now().After(deadline) {
			t.Fatalf("child pid %d still runs", child)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// alive reports whether pid runs: it exists and is not a zombie waiting
// for init to reap it.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
}

// A limit that can never work is refused once, by the supervisor, with
// the field it is about: no child is started to die over and over.
func TestBadLimitExitsInsteadOfRestarting(t *testing.T) {
	cmd := exec.CommandContext(ctxT(t, 30*time.Second), slaveBin, "-max-frame", "100", "serve", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "DPFW_TOKEN="+testToken)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "MaxFrame is 100 bytes") || strings.Contains(string(out), "starting another") {
		t.Fatalf("want one error naming MaxFrame and no restarts:\n%s", out)
	}
}

// The slave binary the tests run has the race detector exactly when the
// tests do: make test runs race-detecting processes, make test-short
// builds no race binary.
func TestBinaryBuiltLikeTheTests(t *testing.T) {
	out, err := exec.Command("go", "version", "-m", slaveBin).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got, want := strings.Contains(string(out), "-race=true"), buildinfo.Read().Race; got != want {
		t.Fatalf("slave binary built with -race: %v, tests: %v\n%s", got, want, out)
	}
}
