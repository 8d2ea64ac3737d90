package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// userEnv is the environment of a user with its own HOME and nothing of
// dpfw's set: no $DPFW_TOKEN, no XDG_CONFIG_HOME, as on another machine.
func userEnv(home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DPFW_") && !strings.HasPrefix(kv, "XDG_CONFIG_HOME=") && !strings.HasPrefix(kv, "HOME=") {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+home)
}

// printed runs bin with args as the user of home and returns it with its
// stderr lines, drained at all times and kept for the failure message.
func printed(t *testing.T, home, bin string, args ...string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = userEnv(home)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		close(lines)
	}()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, lines
}

// hint returns the indented command line that follows a line containing
// intro.
func hint(t *testing.T, lines <-chan string, intro string) string {
	t.Helper()
	deadline := time.After(60 * time.Second)
	seen := false
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("ended before printing %q", intro)
			}
			if seen {
				return strings.TrimSpace(l)
			}
			seen = strings.Contains(l, intro)
		case <-deadline:
			t.Fatalf("no %q within 60s", intro)
		}
	}
}

// runHint runs a printed "DPFW_TOKEN=T prog args…" as the user of home,
// with prog replaced by the test's binary of that name and extra
// arguments after it.
func runHint(t *testing.T, home, line string, extra ...string) *exec.Cmd {
	t.Helper()
	f := strings.Fields(line)
	if len(f) < 3 || !strings.HasPrefix(f[0], "DPFW_TOKEN=") {
		t.Fatalf("printed command %q is not DPFW_TOKEN=… PROG ARGS", line)
	}
	bins := map[string]string{"dpfw": dpfwBin, "slave": slaveBin}
	cmd := exec.Command(bins[f[1]], append(f[2:], extra...)...)
	cmd.Env = append(userEnv(home), f[0])
	return cmd
}

// TestTwoHomesFollowTheHint plays two machines by two HOME directories
// with nothing set up: whichever side starts first creates a token and
// prints the exact command for the other, which connects with it on the
// first try; the other side creates no token file of its own.
func TestTwoHomesFollowTheHint(t *testing.T) {
	t.Run("slave serves, master dials", func(t *testing.T) {
		nodeHome, masterHome := t.TempDir(), t.TempDir()
		_, slaveLines := printed(t, nodeHome, slaveBin, "serve", "127.0.0.1:0", "-n", "1")
		line := hint(t, slaveLines, "a master uses this slave with:")
		if !strings.Contains(line, " dpfw -dial 127.0.0.1:") {
			t.Fatalf("hint %q", line)
		}
		out, err := runHint(t, masterHome, line, "-e", "20 + 22").CombinedOutput()
		if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "42") {
			t.Fatalf("following the hint: %v\n%s", err, out)
		}
		if strings.Contains(string(out), "wrong token") {
			t.Fatalf("wrong token:\n%s", out)
		}
		noTokenFile(t, masterHome)
	})
	t.Run("master listens, slave connects", func(t *testing.T) {
		masterHome, nodeHome := t.TempDir(), t.TempDir()
		master, masterLines := printed(t, masterHome, dpfwBin, "-listen", "127.0.0.1:0", "-v", "-e", "20 + 22")
		var out strings.Builder
		line := hint(t, masterLines, "on each slave node run:")
		node := runHint(t, nodeHome, line, "-n", "1")
		nodeErr, err := node.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := node.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { node.Process.Kill(); node.Wait() })
		// The master runs the snippet on the first slave that joins, and
		// exits 0; a slave with the wrong token would never join.
		done := make(chan error, 1)
		go func() { done <- master.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("master: %v", err)
			}
		case <-time.After(60 * time.Second):
			t.Fatal("the slave that followed the hint did not join within 60s")
		}
		node.Process.Kill()
		b, _ := io.ReadAll(nodeErr)
		if i := strings.Index(string(b), "master connected"); i < 0 || strings.Contains(string(b[:i]), "retrying") {
			t.Fatalf("the slave did not connect on the first try:\n%s", b)
		}
		for l := range masterLines {
			out.WriteString(l + "\n")
		}
		if strings.Contains(out.String(), "handshake failed") {
			t.Fatalf("master logged a failed handshake:\n%s", out.String())
		}
		noTokenFile(t, nodeHome)
	})
}

func noTokenFile(t *testing.T, home string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(home, ".config", "dpfw", "token")); err == nil {
		t.Errorf("the side that was given the token created a token file of its own")
	}
}

// TestConnectNeverCreatesAToken: slave connect with no token anywhere
// fails at once, says how to get the token, and creates no file.
func TestConnectNeverCreatesAToken(t *testing.T) {
	home := t.TempDir()
	cmd := exec.Command(slaveBin, "connect", "127.0.0.1:1")
	cmd.Env = userEnv(home)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "DPFW_TOKEN") {
		t.Fatalf("slave connect without a token: %v\n%s", err, out)
	}
	noTokenFile(t, home)
}
