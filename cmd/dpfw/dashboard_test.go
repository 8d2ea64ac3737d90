package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds Debian's chromium, installing it with apt-get when it is
// missing and this is root (as .ci/run does); "" when neither works.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Geteuid() != 0 {
		return ""
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return ""
	}
	t.Log("installing chromium with apt-get")
	out, err := exec.Command("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium").CombinedOutput()
	if err != nil {
		t.Logf("apt-get install chromium: %v\n%s", err, out)
		return ""
	}
	p, _ := exec.LookPath("chromium")
	return p
}

var dashboardRE = regexp.MustCompile(`dashboard on (http://127\.0\.0\.1:\d+)/`)

// The dashboard in a real browser (headless Chromium) against dpfw with
// two real slave processes: both slaves appear, a running task appears
// with its progress and completes, a failure is listed, and a killed
// slave turns dead, all live, without reloading the page. The test
// saves a screenshot (DPFW_SCREENSHOT=FILE: there, else in a temporary
// directory).
func TestDashboardInABrowser(t *testing.T) {
	browser := chromium(t)
	if browser == "" {
		t.Skip("chromium is not installed and cannot be installed here (apt-get install chromium): the browser test cannot run")
	}
	ctx := ctxT(t)
	var pids []int
	var addrs []string
	for range 2 {
		cmd, lines := startProc(t, testToken, slaveBin, "-supervise=false", "-n", "1", "serve", "127.0.0.1:0")
		addrs = append(addrs, waitAddr(t, lines))
		pids = append(pids, cmd.Process.Pid)
	}
	gate := filepath.Join(t.TempDir(), "gate")

	dp := exec.CommandContext(ctx, dpfwBin, "-dial", strings.Join(addrs, ","), "-wait", "2", "-http", "127.0.0.1:0")
	dp.Env = env(testToken)
	stdin, _ := dp.StdinPipe()
	stderr, _ := dp.StderrPipe()
	dp.Stdout = io.Discard
	if err := dp.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); dp.Process.Kill(); dp.Wait() })
	var url string
	sc := bufio.NewScanner(stderr)
	for url == "" && sc.Scan() {
		if m := dashboardRE.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
	}
	if url == "" {
		t.Fatal("dpfw did not print the dashboard's address")
	}
	go io.Copy(io.Discard, stderr)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser), chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 900))
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancelB()
	page := func() string {
		html, _ := chromedp.Run(bctx, chromedp.OuterHTML(chromedp.CSS("main")))
		return html
	}
	// until waits for a JavaScript expression on the page to be truthy.
	until := func(what, expr string) {
		t.Helper()
		if _, err := chromedp.Run(bctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
			t.Fatalf("%s: %v\npage: %s", what, err, page())
		}
	}
	if err := chromedp.Do(bctx, chromedp.Navigate(url+"/")); err != nil {
		t.Fatal(err)
	}
	until("both slaves are shown, idle, live",
		`document.querySelector('tr[data-slave="s1"][data-state="idle"]') && document.querySelector('tr[data-slave="s2"][data-state="idle"]') && document.querySelector('#conn.on')`)

	send := func(line string) {
		if _, err := io.WriteString(stdin, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	send(`panic("the demo failure")`)
	until("a failure is listed", `[...document.querySelectorAll('#failures td')].some(td => td.textContent.includes('the demo failure'))`)

	// (A function: yaegi cannot compile err declared in a loop of top-level statements.)
	send(`func gateOpen() bool { _, err := os.Stat(` + "`" + gate + "`" + `); return err == nil }; for i := 0; !gateOpen(); i++ { p := i; if p > 90 { p = 90 }; dpfw.Progress(p, 100); time.Sleep(20*time.Millisecond) }; "done"`)
	until("a running task appears with its progress", `document.querySelector('tr[data-state="busy"] td.running progress')`)
	busy, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`(() => { const r = document.querySelector('tr[data-state="busy"]'); return [r.dataset.slave, r.children[2].textContent]; })()`))
	if err != nil || len(busy) != 2 {
		t.Fatal(busy, err)
	}
	runningID, runningPID := busy[0], busy[1]

	// Kill the other slave's process: it turns dead on the page.
	other := "s1"
	if runningID == "s1" {
		other = "s2"
	}
	killed := 0
	for _, pid := range pids {
		if strconv.Itoa(pid) != strings.TrimSpace(runningPID) {
			syscall.Kill(pid, syscall.SIGKILL)
			killed++
		}
	}
	if killed != 1 {
		t.Fatalf("running pid %q is none of %v", runningPID, pids)
	}
	until("the killed slave turns dead while the other runs",
		fmt.Sprintf(`document.querySelector('tr[data-slave=%q][data-state="dead"]') && document.querySelector('tr[data-slave=%q][data-state="busy"] progress')`, other, runningID))

	png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	shot := os.Getenv("DPFW_SCREENSHOT")
	if shot == "" {
		shot = filepath.Join(t.TempDir(), "dashboard.png")
	}
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", shot, len(png))

	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	until("the task completes", fmt.Sprintf(`(() => { const r = document.querySelector('tr[data-slave=%q][data-state="idle"]'); return r && r.querySelector('td.running').textContent === '' && r.children[4].textContent !== '0'; })()`, runningID))

	// A detached job submitted at the REPL is listed with its node, its
	// progress as the node reports it, and its state, which turns done.
	jobGate := filepath.Join(t.TempDir(), "job-gate")
	send(`:detach func jobGateOpen() bool { _, err := os.Stat(` + "`" + jobGate + "`" + `); return err == nil }; dpfw.Progress(3, 10); for !jobGateOpen() { time.Sleep(5*time.Millisecond) }; dpfw.Progress(10, 10); "job done"`)
	until("the detached job is listed, running, at 3/10",
		`(() => { const r = document.querySelector('#jobs tr[data-state="running"]'); return r && r.querySelector('progress') && r.textContent.includes('3/10 (30%)') && r.textContent.includes('127.0.0.1:') && document.querySelector('#no-jobs.hidden'); })()`)
	if err := os.WriteFile(jobGate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	until("the detached job turns done", `(() => { const r = document.querySelector('#jobs tr[data-state="done"]'); return r && r.textContent.includes('10/10 (100%)'); })()`)
}
