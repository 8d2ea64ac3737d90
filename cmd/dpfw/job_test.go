package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
)

// blockingJob is a snippet that prints hello, then waits until the file
// at path exists (the test's signal, so the job is surely running while
// the test looks), then yields 42.
func blockingJob(path string) string {
	return fmt.Sprintf(`import ("os"; "time")
fmt.Println("hello")
for { if _, err := os.Stat(%q); err == nil { break }; time.Sleep(10 * time.Millisecond) }
6 * 7`, path)
}

// progressJob is blockingJob that first reports progress 3 of 10 and
// then creates the file at marker: once marker exists, the node has the
// report (a job's observer stores it before dpfw.Progress returns).
func progressJob(marker, release string) string {
	return fmt.Sprintf(`import ("os"; "time")
dpfw.Progress(3, 10)
if err := os.WriteFile(%q, nil, 0o600); err != nil { panic(err) }
fmt.Println("hello")
for { if _, err := os.Stat(%q); err == nil { break }; time.Sleep(10 * time.Millisecond) }
6 * 7`, marker, release)
}

// waitFile waits until the file at path exists, or fails the test after
// a minute.
func waitFile(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear within a minute", path)
		}
	}
}

// detach runs dpfw -detach in its own process (which has exited when it
// returns) and returns the handle it printed.
func detach(t *testing.T, addr, src string, flags ...string) string {
	t.Helper()
	out, errOut, code := dpfw(t, "", append([]string{"-dial", addr, "-e", src, "-detach"}, flags...)...)
	h := strings.TrimSpace(out)
	if code != 0 || !regexp.MustCompile(`^127\.0\.0\.1:\d+/[0-9a-f]+/[0-9a-f]+$`).MatchString(h) {
		t.Fatalf("dpfw -detach: exit %d, stdout %q\nstderr:\n%s", code, out, errOut)
	}
	return h
}

// A detached job outlives the dpfw that submitted it: another dpfw
// process sees it running, then waits for it and gets its output and
// value; a failed or timed-out job fails dpfw job like -e fails. Its
// dpfw.Progress report shows in dpfw job -status while it runs.
func TestDetachedJobOutlivesItsMaster(t *testing.T) {
	addr := slaveServer(t, testToken, 1)
	dir := t.TempDir()
	marker, release := filepath.Join(dir, "marker"), filepath.Join(dir, "release")
	h := detach(t, addr, progressJob(marker, release))

	waitFile(t, marker)
	out, errOut, code := dpfw(t, "", "job", "-status", h)
	if code != 0 || !regexp.MustCompile(`^running on engine 0 for \S+; 3/10 \(30%\)\n$`).MatchString(out) {
		t.Fatalf("job -status while running: exit %d, %q %s", code, out, errOut)
	}
	if err := os.WriteFile(release, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = dpfw(t, "", "job", h)
	if code != 0 || out != "hello\n42\n" {
		t.Fatalf("job: exit %d, stdout %q\nstderr:\n%s", code, out, errOut)
	}
	// It is still there for another look, until it expires.
	out, _, code = dpfw(t, "", "job", "-status", h)
	if code != 0 || !strings.HasPrefix(out, "done after ") {
		t.Fatalf("job -status after the end: exit %d, %q", code, out)
	}
	if out, _, code = dpfw(t, "", "job", h, "-status"); code != 0 || !strings.HasPrefix(out, "done after ") {
		t.Fatalf("-status after the handle: exit %d, %q", code, out)
	}

	// The job's timeout holds with its master gone; the failure is the
	// job's, so dpfw job exits 1 like dpfw -e.
	h = detach(t, addr, "for {}", "-timeout", "300ms")
	out, errOut, code = dpfw(t, "", "job", h)
	if code != 1 || !strings.Contains(errOut, "timeout error on "+addr) {
		t.Fatalf("timed-out job: exit %d, %q\nstderr:\n%s", code, out, errOut)
	}
	out, _, _ = dpfw(t, "", "job", "-status", h)
	if !strings.HasPrefix(out, "failed (timeout) after ") {
		t.Fatalf("status of the timed-out job: %q", out)
	}

	// Unknown ids and bad handles are clear errors, never a hang.
	_, errOut, code = dpfw(t, "", "job", h[:strings.LastIndex(h, "/")]+"/0123456789abcdef")
	if code != 1 || !strings.Contains(errOut, "not-found error") || !strings.Contains(errOut, "no job 0123456789abcdef: unknown") {
		t.Fatalf("unknown job: exit %d\n%s", code, errOut)
	}
	if _, errOut, code = dpfw(t, "", "job", "nonsense"); code != 1 || !strings.Contains(errOut, "not a job handle") {
		t.Fatalf("bad handle: exit %d\n%s", code, errOut)
	}
	if _, errOut, code = dpfw(t, "", "-local", "1", "-e", "1", "-detach"); code != 2 || !strings.Contains(errOut, "-detach needs slaves that outlive") {
		t.Fatalf("-detach on local slaves: exit %d\n%s", code, errOut)
	}
}

// A slave node restart (its engine process killed, the supervisor
// starts another) loses its detached jobs: a dpfw job waiting at that
// moment fails with kind lost at once, and a later one says the node
// restarted.
func TestDetachedJobLostOnRestart(t *testing.T) {
	_, lines := startProc(t, testToken, slaveBin, "-n", "1", "serve", "127.0.0.1:0")
	addr := waitAddr(t, lines)
	child := childPID(t, lines)
	h := detach(t, addr, blockingJob(filepath.Join(t.TempDir(), "never")))

	waiting := exec.Command(dpfwBin, "job", h)
	waiting.Env = env(testToken)
	var wout, werr bytes.Buffer
	waiting.Stdout, waiting.Stderr = &wout, &werr
	if err := waiting.Start(); err != nil {
		t.Fatal(err)
	}
	// The wait is on: the node reports the job running to another asker
	// (it cannot see the waiter, so this is the best evidence at hand).
	if out, _, _ := dpfw(t, "", "job", "-status", h); !strings.HasPrefix(out, "running") {
		t.Fatalf("status: %q", out)
	}
	if err := syscall.Kill(child, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := waiting.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(werr.String(), "lost error on "+addr) {
		t.Fatalf("the waiting dpfw job: %v, stdout %q\nstderr:\n%s", err, wout.String(), werr.String())
	}
	childPID(t, lines) // the supervisor started another engine process
	_, errOut, code := dpfw(t, "", "job", h)
	if code != 1 || !strings.Contains(errOut, "lost error") || !strings.Contains(errOut, "restarted") {
		t.Fatalf("job after the restart: exit %d\n%s", code, errOut)
	}
}

// childPID reads stderr lines until the engine process says it is ready.
func childPID(t *testing.T, lines <-chan string) int {
	t.Helper()
	re := regexp.MustCompile(`msg="engines ready" pid=(\d+)`)
	for l := range lines {
		if m := re.FindStringSubmatch(l); m != nil {
			pid, _ := strconv.Atoi(m[1])
			return pid
		}
	}
	t.Fatal("the slave ended before its engines were ready")
	return 0
}

// A node keeps at most -jobs jobs and -jobs-bytes of outcomes, and
// forgets an ended job after -jobs-keep, each with a clear error.
func TestDetachedJobBoundsAndExpiry(t *testing.T) {
	_, lines := startProc(t, testToken, slaveBin, "-n", "2", "-jobs", "2", "-jobs-bytes", "1000", "serve", "127.0.0.1:0")
	addr := waitAddr(t, lines)
	release := filepath.Join(t.TempDir(), "release")
	h1 := detach(t, addr, blockingJob(release))
	h2 := detach(t, addr, blockingJob(release))
	_, errOut, code := dpfw(t, "", "-dial", addr, "-e", "1", "-detach")
	if code != 1 || !strings.Contains(errOut, "busy error") || !strings.Contains(errOut, "already runs 2 detached jobs") {
		t.Fatalf("a third job while two run: exit %d\n%s", code, errOut)
	}
	os.WriteFile(release, nil, 0o600)
	for _, h := range []string{h1, h2} {
		if out, errOut, code := dpfw(t, "", "job", h); code != 0 || out != "hello\n42\n" {
			t.Fatalf("job %s: exit %d %q\n%s", h, code, out, errOut)
		}
	}
	// A third job makes room by forgetting the oldest ended one.
	h3 := detach(t, addr, `fmt.Print(strings.Repeat("x", 2000)); 1`)
	_, errOut, code = dpfw(t, "", "job", h1)
	if code != 1 || !strings.Contains(errOut, "not-found error") || !strings.Contains(errOut, "forgotten to make room") {
		t.Fatalf("the evicted job: exit %d\n%s", code, errOut)
	}
	// Its 2000 bytes of output exceed -jobs-bytes: the outcome is a
	// too-large error instead.
	_, errOut, code = dpfw(t, "", "job", h3)
	if code != 1 || !strings.Contains(errOut, "too-large error") || !strings.Contains(errOut, "-jobs-bytes") {
		t.Fatalf("the oversized job: exit %d\n%s", code, errOut)
	}
	// Ended jobs expire after -jobs-keep; poll for it.
	_, lines = startProc(t, testToken, slaveBin, "-n", "1", "-jobs-keep", "300ms", "serve", "127.0.0.1:0")
	h := detach(t, waitAddr(t, lines), "1")
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, errOut, code = dpfw(t, "", "job", "-status", h)
		if code == 1 && strings.Contains(errOut, "not-found error") && strings.Contains(errOut, "expired: ended jobs are kept 300ms (slave -jobs-keep)") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s did not expire: exit %d\n%s", h, code, errOut)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The status line of a running job shows its progress, if any: a count
// and a percentage, or the count alone when the total is unknown.
func TestJobStatusLineProgress(t *testing.T) {
	start := time.Unix(1000, 0)
	now := start.Add(1500 * time.Millisecond)
	for _, c := range []struct {
		p    *master.Progress
		want string
	}{
		{nil, "running on engine 1 for 1.5s"},
		{&master.Progress{Done: 3, Total: 10}, "running on engine 1 for 1.5s; 3/10 (30%)"},
		{&master.Progress{Done: 7}, "running on engine 1 for 1.5s; 7 done"},
	} {
		st := master.JobStatus{State: master.JobRunning, Engine: 1, Started: start, Progress: c.p}
		if got := jobStatusLine(st, now); got != c.want {
			t.Errorf("progress %+v: %q, want %q", c.p, got, c.want)
		}
	}
}

// :detach at the REPL prints the job's handle; :job waits for it and
// prints its outcome, :job -status says where it is; on -local slaves
// :detach is refused (they exit with dpfw).
func TestREPLDetachAndJob(t *testing.T) {
	a := slaveServer(t, testToken, 1)
	tm := startTerm(t, "-dial", a)
	tm.waitFor(0, `dpfw> $`)
	m := tm.mark()
	tm.send(":detach fmt.Println(\"from the job\"); 6 * 7\r")
	out := tm.waitFor(m, `(127\.0\.0\.1:\d+/\w+/\w+)\r\n[\s\S]*dpfw> $`)
	handle := regexp.MustCompile(`127\.0\.0\.1:\d+/\w+/\w+`).FindString(out)
	m = tm.mark()
	tm.send(":job " + handle + "\r")
	tm.waitFor(m, `from the job\r\n42\r\n[\s\S]*dpfw> $`)
	m = tm.mark()
	tm.send(":job -status " + handle + "\r")
	tm.waitFor(m, `done after \S+; kept until [\s\S]*dpfw> $`)
	m = tm.mark()
	tm.send(":job nonsense\r")
	tm.waitFor(m, `not a job handle[\s\S]*dpfw> $`)

	_, errOut, _ := dpfw(t, ":detach 1\n", "-local", "1")
	if !strings.Contains(errOut, "-detach needs slaves that outlive this dpfw") {
		t.Fatalf("on local slaves: %q", errOut)
	}
}
