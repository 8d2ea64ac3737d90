package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// `dpfw -e` prints what the snippet prints while it runs: the first line
// arrives while the task still waits for a file that the test creates
// only after reading it. Without a terminal nothing else is drawn.
func TestOneShotPrintsOutputAsItComes(t *testing.T) {
	addr := slaveServer(t, testToken, 1)
	gate := filepath.Join(t.TempDir(), "gate")
	src := `func gateOpen() bool { _, err := os.Stat(` + "`" + gate + "`" + `); return err == nil }; fmt.Println("step 0"); for !gateOpen() { time.Sleep(5*time.Millisecond) }; fmt.Println("step 1"); 42`
	cmd := exec.CommandContext(ctxT(t), dpfwBin, "-dial", addr, "-e", src)
	cmd.Env = env(testToken)
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(stdout)
	first, err := r.ReadString('\n')
	if err != nil || first != "step 0\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("%q %v (stderr %s)", first, err, stderr.String())
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(r)
	if err := cmd.Wait(); err != nil {
		t.Fatal(err, stderr.String())
	}
	if string(rest) != "step 1\n42\n" {
		t.Fatalf("then %q: output repeated, lost or decorated", rest)
	}
}

// term is dpfw's REPL on a pseudo-terminal.
type term struct {
	t    *testing.T
	f    *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	seen bytes.Buffer
	done chan struct{}
}

func startTerm(t *testing.T, args ...string) *term {
	t.Helper()
	cmd := exec.Command(dpfwBin, args...)
	cmd.Env = append(env(testToken), "TERM=xterm")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 160})
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, f: f, cmd: cmd, done: make(chan struct{})}
	go func() {
		defer close(tm.done)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			tm.mu.Lock()
			tm.seen.Write(buf[:n])
			tm.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill() // its local slaves follow it
		f.Close()
		cmd.Wait()
		<-tm.done
	})
	return tm
}

// mark returns the length of what the terminal got so far.
func (tm *term) mark() int {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.seen.Len()
}

// since returns what the terminal got after mark.
func (tm *term) since(mark int) string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.seen.String()[mark:]
}

// waitFor waits until what arrived after mark matches re.
func (tm *term) waitFor(mark int, re string) string {
	tm.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if s := tm.since(mark); rx.MatchString(s) {
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
	tm.t.Fatalf("no %q on the terminal; it shows:\n%q", re, tm.since(mark))
	return ""
}

func (tm *term) send(s string) {
	if _, err := tm.f.WriteString(s); err != nil {
		tm.t.Fatal(err)
	}
}

// On a terminal, a task that reports progress gets a bar (done/total,
// rate, elapsed and time left) under its live output; the bar is erased
// before the result and the prompt. A log line that arrives while the
// prompt waits (a slave dying) is held until the prompt returns, so the
// line being typed is never written over.
func TestREPLProgressBarAndPrompt(t *testing.T) {
	tm := startTerm(t, "-local", "1")
	tm.waitFor(0, `dpfw> $`)
	m := tm.mark()
	tm.send(`for i := 0; i < 30; i++ { time.Sleep(100*time.Millisecond); dpfw.Progress(i+1, 30); if i == 2 { fmt.Println("early") } }; "over"` + "\r")
	out := tm.waitFor(m, `"over"[\s\S]*dpfw> $`)
	for _, want := range []string{`early\r\n`, `progress`, `/30`, ` it/s`, `\[\d+s:\d+s\]`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("no %s in %q", want, out)
		}
	}
	// The bar is erased (\r ESC[K) before the result is written.
	if !regexp.MustCompile("\r\x1b\\[K\"over\"").MatchString(out) {
		t.Errorf("the bar was not erased before the result: %q", out)
	}

	// Half a line typed, then a slave dies: nothing is written until
	// Enter.
	m = tm.mark()
	tm.send("1 +")
	tm.waitFor(m, `1 \+$`)
	pid := childOf(t, tm.cmd.Process.Pid)
	syscall.Kill(pid, syscall.SIGKILL)
	// The supervisor writes its "died" line before it starts the next
	// child: once that child exists, the line has been written (held, or
	// on the terminal). A key typed after that is echoed after anything
	// the line put on the terminal, which is a FIFO.
	for childOf(t, tm.cmd.Process.Pid) == pid {
		time.Sleep(20 * time.Millisecond) // polling /proc: there is no event to wait on
	}
	tm.send(" 2")
	if s := tm.waitFor(m, `1 \+ 2$`); strings.Contains(s, "died") || strings.Contains(s, "disconnected") {
		t.Fatalf("a log line was written over the prompt: %q", s)
	}
	tm.send("\r")
	out = tm.waitFor(m, `3\r\n# s\d[\s\S]*dpfw> $`)
	if !strings.Contains(out, "local slave died") || strings.Index(out, "local slave died") > strings.Index(out, "3\r\n") {
		t.Fatalf("the held log line did not come after the prompt, before the result: %q", out)
	}
}

// childOf is a child process of pid (a local slave of dpfw).
func childOf(t *testing.T, pid int) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		// Each thread lists the children it started.
		files, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
		var all []byte
		for _, name := range files {
			b, _ := os.ReadFile(name)
			all = append(all, b...)
			all = append(all, ' ')
		}
		if f := strings.Fields(string(all)); len(f) > 0 {
			n, _ := strconv.Atoi(f[0])
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no child process")
	return 0
}

// With no slave joined, a task on a terminal says it waits for one
// instead of hanging silently; it runs when a slave connects. Then
// :par over several tasks draws a bar counting them, erased before the
// results.
func TestREPLWaitsForASlaveThenParProgress(t *testing.T) {
	tm := startTerm(t, "-listen", "127.0.0.1:0")
	out := tm.waitFor(0, `listening on (127\.0\.0\.1:\d+)[\s\S]*dpfw> $`)
	addr := regexp.MustCompile(`listening on (127\.0\.0\.1:\d+)`).FindStringSubmatch(out)[1]
	m := tm.mark()
	tm.send("40 + 2\r")
	tm.waitFor(m, `waiting for a slave \(0 joined\)…`)
	startProc(t, testToken, slaveBin, "-n", "2", "connect", addr)
	out = tm.waitFor(m, `\r\x1b\[K42\r\n[\s\S]*dpfw> $`)
	if strings.Count(out, "\n42\r\n")+strings.Count(out, "\x1b[K42\r\n") != 1 {
		t.Fatalf("the result is not written once: %q", out)
	}

	m = tm.mark()
	tm.send(":par time.Sleep(300*time.Millisecond); 1 ;; time.Sleep(300*time.Millisecond); 2 ;; time.Sleep(300*time.Millisecond); 3 ;; time.Sleep(300*time.Millisecond); 4 ;; time.Sleep(300*time.Millisecond); 5 ;; time.Sleep(300*time.Millisecond); 6\r")
	out = tm.waitFor(m, `6\r\n[\s\S]*dpfw> $`)
	for _, want := range []string{`tasks +\d+% \[`, `\([0-5]/6, `, ` tasks/s\) \[\d+s:\d+s\]`, "\r\x1b\\[K\\[0\\] s\\d: 1\r\n"} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("no %q in %q", want, out)
		}
	}
}
