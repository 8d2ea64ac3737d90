//go:build unix

package supervise

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The children in these tests are this test binary again: TestMain runs
// the child's part when it is one, as a real user of the package would.
const modeEnv = "SUPERVISE_TEST_MODE"

func TestMain(m *testing.M) {
	if IsChild() {
		os.Exit(childMain(os.Getenv(modeEnv)))
	}
	os.Exit(m.Run())
}

// childMain prints its pid and then, in mode "exit", exits at once with
// status 3; in mode "serve", runs until SIGTERM or its supervisor is
// gone, and exits 0.
func childMain(mode string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	ctx, _, err := Child(ctx, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if IsChild() {
		fmt.Fprintln(os.Stderr, "the marker is still set")
		return 2
	}
	fmt.Printf("pid %d\n", os.Getpid())
	if mode == "exit" {
		return 3
	}
	<-ctx.Done()
	return 0
}

// lines collects what children print and what the supervisor logs.
type lines struct{ ch chan string }

func newLines() *lines { return &lines{ch: make(chan string, 1000)} }

// writer returns a writer whose lines go to l.ch.
func (l *lines) writer(t *testing.T) io.Writer {
	r, w := io.Pipe()
	t.Cleanup(func() { w.Close() })
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			l.ch <- sc.Text()
		}
	}()
	return w
}

// next returns the next line that contains substr.
func (l *lines) next(t *testing.T, substr string) string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case s := <-l.ch:
			if strings.Contains(s, substr) {
				return s
			}
		case <-deadline:
			t.Fatalf("no line with %q within 30s", substr)
		}
	}
}

func start(t *testing.T, mode string, out *lines) *Supervisor {
	t.Helper()
	w := out.writer(t)
	sv, err := Start(Config{
		Env:    append(os.Environ(), modeEnv+"="+mode),
		Stdout: w, Stderr: w, Name: "test child",
		Logger: slog.New(slog.NewTextHandler(w, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sv.Stop)
	return sv
}

func pidOf(t *testing.T, line string) int {
	t.Helper()
	var pid int
	if _, err := fmt.Sscanf(line, "pid %d", &pid); err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	return pid
}

func TestKilledChildIsReplacedAtOnceAndStopEndsIt(t *testing.T) {
	out := newLines()
	sv := start(t, "serve", out)
	first := pidOf(t, out.next(t, "pid "))
	if err := syscall.Kill(first, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	logged := out.next(t, "test child died; starting another")
	for _, want := range []string{fmt.Sprintf("pid=%d", first), `status="signal: killed"`, "in=0s"} {
		if !strings.Contains(logged, want) {
			t.Errorf("log line %q lacks %s", logged, want)
		}
	}
	second := pidOf(t, out.next(t, "pid "))
	t.Logf("kill -> new child running in %v", time.Since(killed))
	if second == first {
		t.Fatal("the same pid twice")
	}
	stopping := time.Now()
	sv.Stop()
	t.Logf("Stop took %v", time.Since(stopping))
	if err := syscall.Kill(second, 0); err != syscall.ESRCH { // Stop reaped it
		t.Fatalf("child %d still exists after Stop: %v", second, err)
	}
	if err := sv.Err(); err != nil {
		t.Fatalf("Err after Stop: %v", err)
	}
	select {
	case <-sv.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
}

// The sixth quick death in a row waits 500 ms, the seventh 1 s.
func TestCrashLoopBacksOff(t *testing.T) {
	out := newLines()
	start(t, "exit", out)
	for i := range quickDeaths {
		if l := out.next(t, "died; starting another"); !strings.Contains(l, "in=0s") || !strings.Contains(l, "exit status 3") {
			t.Fatalf("quick death %d: %s", i+1, l)
		}
	}
	for _, want := range []string{"in=500ms", "in=1s"} {
		if l := out.next(t, "died; starting another"); !strings.Contains(l, want) {
			t.Fatalf("want %s: %s", want, l)
		}
	}
}
