package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// :native on a terminal draws a bar of the nodes that have answered
// while the others still build, and erases it before each node's line.
// One of the two slave nodes finds on its PATH a go command that waits
// for a file before it builds, which the test creates only once the bar
// shows the other node done: the bar is seen half way, whatever the
// build takes.
func TestREPLNativeProgressBar(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go plugins")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on $PATH: slave nodes cannot build native packages")
	}
	gocache, err := exec.Command(goBin, "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	gate := filepath.Join(t.TempDir(), "gate")
	held := t.TempDir()
	wrapper := "#!/bin/sh\nif [ \"$1\" = build ]; then while [ ! -e '" + gate + "' ]; do sleep 0.01; done; fi\nexec '" + goBin + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(held, "go"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	// Each node builds into a native cache of the test's own
	// (XDG_CACHE_HOME), with the Go build cache kept warm.
	var addrs []string
	for i := range 2 {
		extra := []string{"XDG_CACHE_HOME=" + t.TempDir(), "GOCACHE=" + strings.TrimSpace(string(gocache))}
		if i == 1 {
			extra = append(extra, "PATH="+held+string(os.PathListSeparator)+os.Getenv("PATH"))
		}
		_, lines := startProcEnv(t, testToken, extra, slaveBin, "serve", "127.0.0.1:0", "-n", "1", "-supervise=false")
		addrs = append(addrs, waitAddr(t, lines))
	}
	tm := startTerm(t, "-dial", strings.Join(addrs, ","), "-wait", "2")
	tm.waitFor(0, `dpfw> $`)
	m := tm.mark()
	tm.send(":native " + kernDir(t, "func Scale(x int) int { return 21 * x }") + "\r")
	tm.waitFor(m, `nodes +50% \[=+> *\] \(1/2, [^)]*\) \[\d+s:\d+s\]`)
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out := tm.waitFor(m, `native/kern ready in [\s\S]*dpfw> $`)
	// Each node's line comes on a line of its own: the bar is erased
	// (\r ESC[K) before the second.
	if !regexp.MustCompile(`\(1/2, [^\r\n]*\r\x1b\[K\S+ pid \d+ \(s\d\): built in`).MatchString(out) {
		t.Fatalf("the bar was not erased before the second node's line: %q", out)
	}
}

// cluster.Parallel at :local draws the bar of the tasks done, as :par
// does; one task waits for a file that the test creates only once the
// bar shows the other done.
func TestREPLClusterParallelProgressBar(t *testing.T) {
	a := slaveServer(t, testToken, 2)
	tm := startTerm(t, "-dial", a, "-wait", "1")
	tm.waitFor(0, `dpfw> $`)
	gate := filepath.Join(t.TempDir(), "gate")
	m := tm.mark()
	tm.send(":local cluster.Parallel(\"1\", `import \"os\"; for { if _, err := os.Stat(\"" + gate + "\"); err == nil { break }; time.Sleep(5*time.Millisecond) }; 2`)\r")
	tm.waitFor(m, `tasks +50% \[=+> *\] \(1/2, [^)]* tasks/s\) \[\d+s:\d+s\]`)
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out := tm.waitFor(m, `\[1 2\]\r\n[\s\S]*dpfw> $`)
	if !strings.Contains(out, "\r\x1b[K[1 2]\r\n") {
		t.Fatalf("the bar was not erased before the result: %q", out)
	}
}
