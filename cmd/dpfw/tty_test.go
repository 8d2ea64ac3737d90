package main

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// tmux drives a terminal for the REPL tests. capture-pane drops trailing
// spaces: the prompt "dpfw> " reads "dpfw>".
type tmux struct {
	t    *testing.T
	name string
}

func newTmux(t *testing.T, command string) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("no tmux: apt-get install tmux")
	}
	tm := &tmux{t: t, name: strings.ReplaceAll(t.Name(), "/", "_")}
	if out, err := exec.Command("tmux", "new-session", "-d", "-s", tm.name, "-x", "160", "-y", "40", command).CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("tmux", "kill-session", "-t", tm.name).Run() })
	return tm
}

func (tm *tmux) screen() string {
	out, _ := exec.Command("tmux", "capture-pane", "-p", "-t", tm.name).Output()
	return string(out)
}

func (tm *tmux) keys(keys ...string) {
	exec.Command("tmux", append([]string{"send-keys", "-t", tm.name}, keys...)...).Run()
}

// waitFor waits until the screen satisfies ok.
func (tm *tmux) waitFor(what string, ok func(string) bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		s := tm.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("no %s on the screen within 60s:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestLogNeverOverThePrompt: a slave that goes away while the user types
// at the prompt is reported, but not on the line being typed: the
// warning waits until the entry is entered, and comes before its output.
func TestLogNeverOverThePrompt(t *testing.T) {
	slaveCmd, lines := startProc(t, testToken, slaveBin, "serve", "127.0.0.1:0", "-n", "1", "-supervise=false")
	addr := waitAddr(t, lines)
	tm := newTmux(t, "env DPFW_TOKEN="+testToken+" XDG_CONFIG_HOME="+t.TempDir()+" "+dpfwBin+" -dial "+addr+" -http 127.0.0.1:0")
	screen := tm.waitFor("prompt", func(s string) bool { return strings.Contains(s, "dpfw>") && dashboardRE.MatchString(s) })
	web := dashboardRE.FindStringSubmatch(screen)[1]
	tm.keys("-l", "1 + ")
	tm.waitFor("typed text", func(s string) bool { return strings.Contains(s, "dpfw> 1 +") })
	slaveCmd.Process.Kill()
	for range lines { // closed once the slave has exited
	}
	// The master logs "slave disconnected" before it lists the slave as
	// dead: once /api/slaves says dead, the line has been written (held,
	// or on the terminal), and a key typed after that is echoed after it.
	waitSlaveDead(t, web)
	tm.keys("-l", "2")
	if s := tm.waitFor("the typed 2", func(s string) bool { return strings.Contains(s, "dpfw> 1 + 2") }); strings.Contains(s, "slave disconnected") || !strings.Contains(lastLine(s), "dpfw> 1 + 2") {
		t.Fatalf("a log line was printed while at the prompt:\n%s", s)
	}
	tm.keys("Enter")
	s := tm.waitFor("the held warning", func(s string) bool { return strings.Contains(s, "slave disconnected") })
	entry := strings.Index(s, "dpfw> 1 + 2")
	warn := strings.Index(s, "slave disconnected")
	if entry < 0 || warn < entry {
		t.Fatalf("the warning should follow the entered line:\n%s", s)
	}
}

// waitSlaveDead polls the master's /api/slaves at web until a slave is
// listed dead.
func waitSlaveDead(t *testing.T, web string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(web + "/api/slaves")
		if err != nil {
			t.Fatal(err)
		}
		var slaves []struct{ State string }
		err = json.NewDecoder(resp.Body).Decode(&slaves)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range slaves {
			if s.State == "dead" {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no dead slave in /api/slaves within 60s: %+v", slaves)
		}
		time.Sleep(20 * time.Millisecond) // polling the API: there is no event to wait on
	}
}

func lastLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n "), "\n")
	return lines[len(lines)-1]
}
