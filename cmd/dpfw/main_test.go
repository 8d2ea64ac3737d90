package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dpfw/dpfw/cmd/internal/buildinfo"
)

// The tests drive the real binaries: dpfw and slave are built once into
// a temporary directory, with -race when the tests run with it.
var dpfwBin, slaveBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "dpfw-test-")
	if err != nil {
		panic(err)
	}
	dpfwBin, slaveBin = filepath.Join(dir, "dpfw"), filepath.Join(dir, "slave")
	for bin, pkg := range map[string]string{dpfwBin: ".", slaveBin: "../slave"} {
		out, err := exec.Command("go", buildArgs(bin, pkg)...).CombinedOutput()
		if err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n%s", pkg, err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildArgs builds pkg into bin the way this test binary was built:
// with the race detector under make test, without under make test-short.
func buildArgs(bin, pkg string) []string {
	args := []string{"build", "-o", bin}
	if buildinfo.Read().Race {
		args = append(args, "-race")
	}
	return append(args, pkg)
}

const testToken = "cmd-test-token"

func env(token string) []string {
	return append(os.Environ(), "DPFW_TOKEN="+token, "XDG_CONFIG_HOME="+os.TempDir())
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// dpfw runs the dpfw binary to completion with stdin.
func dpfw(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.CommandContext(ctxT(t), dpfwBin, args...)
	cmd.Env = env(testToken)
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// startProc starts a long-running process and returns its stderr lines
// (drained at all times, so the process never blocks on logging); the
// process is killed at cleanup. Its last stderrKept lines are kept, and
// printed when the test fails: a process that nobody reads (a slave the
// test only dials) still says why it dropped a connection.
func startProc(t *testing.T, token, bin string, args ...string) (*exec.Cmd, <-chan string) {
	t.Helper()
	return startProcEnv(t, token, nil, bin, args...)
}

// startProcEnv is startProc with extra environment variables.
func startProcEnv(t *testing.T, token string, extra []string, bin string, args ...string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(env(token), extra...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1000)
	done := make(chan struct{})
	var kept []string // written by the reader below, read after done
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if kept = append(kept, sc.Text()); len(kept) > 2*stderrKept {
				kept = append(kept[:0], kept[len(kept)-stderrKept:]...)
			}
			select {
			case lines <- sc.Text():
			default: // nobody is reading: drop
			}
		}
		close(lines)
		cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("stderr of %s %s (pid %d), last %d lines:\n%s", filepath.Base(bin), strings.Join(args, " "),
				cmd.Process.Pid, min(len(kept), stderrKept), strings.Join(kept[max(len(kept)-stderrKept, 0):], "\n"))
		}
	})
	return cmd, lines
}

// stderrKept is how many of its last stderr lines startProc keeps.
const stderrKept = 200

var addrRE = regexp.MustCompile(`127\.0\.0\.1:\d+`)

// waitAddr reads stderr lines until one with a loopback address.
func waitAddr(t *testing.T, lines <-chan string) string {
	t.Helper()
	for l := range lines {
		if a := addrRE.FindString(l); a != "" {
			return a
		}
	}
	t.Fatal("process ended without printing its address")
	return ""
}

func slaveServer(t *testing.T, token string, engines int) string {
	_, lines := startProc(t, token, slaveBin, "-n", fmt.Sprint(engines), "serve", "127.0.0.1:0")
	return waitAddr(t, lines)
}

// State outlives a master's connection; -fresh and :reset forget it.
func TestFreshAndReset(t *testing.T) {
	a := slaveServer(t, testToken, 1)
	if out, errOut, code := dpfw(t, "", "-dial", a, "-e", "func f() int { return 1 }"); code != 0 {
		t.Fatalf("define: exit %d %s %s", code, out, errOut)
	}
	if out, errOut, code := dpfw(t, "", "-dial", a, "-e", "f()"); code != 0 || out != "1\n" {
		t.Fatalf("f() from a second master: exit %d %q %q", code, out, errOut)
	}
	if _, errOut, code := dpfw(t, "", "-dial", a, "-fresh", "-e", "f()"); code != 1 || !strings.Contains(errOut, "undefined: f") {
		t.Fatalf("-fresh: exit %d, stderr %q; want undefined: f", code, errOut)
	}
	out, errOut, _ := dpfw(t, "func g() int { return 2 }\ng()\n:reset s1\ng()\n", "-dial", a)
	if out != "2\n" || !strings.Contains(errOut, "# reset 1 slave(s)") || !strings.Contains(errOut, "undefined: g") {
		t.Fatalf(":reset: stdout %q, stderr %q", out, errOut)
	}
	if _, errOut, code := dpfw(t, "", "-dial", a, "-fresh"); code != 2 || !strings.Contains(errOut, "-fresh applies to -e or a file") {
		t.Fatalf("-fresh alone: exit %d, stderr %q", code, errOut)
	}
}

func TestEmbeddedDefaultRunsOnLocalSlaves(t *testing.T) {
	out, errOut, code := dpfw(t, "2 + 3\n:slaves\n", "-local", "2")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.HasPrefix(out, "5\n") || !regexp.MustCompile(`(?m)^# s[12] · \d`).MatchString(errOut) {
		t.Fatalf("no result, or no line with slave and time on stderr:\n%s\n%s", out, errOut)
	}
	if strings.Count(out, "idle") != 2 {
		t.Fatalf(":slaves should list 2 idle slaves:\n%s", out)
	}
}

func TestSlaveServesMasterDials(t *testing.T) {
	a, b := slaveServer(t, testToken, 1), slaveServer(t, testToken, 1)
	out, errOut, code := dpfw(t, "", "-dial", a+","+b, "-wait", "2", "-e", "2+3")
	if code != 0 || out != "5\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestMasterListensSlaveConnects(t *testing.T) {
	cmd := exec.CommandContext(ctxT(t), dpfwBin, "-listen", "127.0.0.1:0", "-e", `import "os"; os.Getpid() > 0`)
	cmd.Env = env(testToken)
	var out bytes.Buffer
	cmd.Stdout = &out
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(pr)
	var join string
	for join == "" && sc.Scan() {
		if strings.Contains(sc.Text(), "slave connect") {
			join = sc.Text()
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	// A token from the environment (a secret store, a Kubernetes Secret)
	// is referred to, never printed: the printed command works where the
	// same variable is set.
	if !strings.Contains(join, `DPFW_TOKEN="$DPFW_TOKEN"`) || strings.Contains(join, testToken) {
		t.Fatalf("join command %q: want DPFW_TOKEN=\"$DPFW_TOKEN\" and not the token itself", join)
	}
	startProc(t, testToken, slaveBin, "connect", addrRE.FindString(join))
	err := cmd.Wait()
	pw.Close()
	if err != nil || out.String() != "true\n" {
		t.Fatalf("err %v, stdout %q", err, out.String())
	}
}

func TestOneShotCompileErrorExitsOne(t *testing.T) {
	a := slaveServer(t, testToken, 1)
	out, errOut, code := dpfw(t, "", "-dial", a, "-e", "x := 1\nx +")
	if code != 1 || !strings.Contains(errOut, "compile error") || !strings.Contains(errOut, " at 2:") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestWaitTimesOutClearly(t *testing.T) {
	_, errOut, code := dpfw(t, "", "-listen", "127.0.0.1:0", "-wait-timeout", "200ms", "-e", "1")
	if code != 1 || !strings.Contains(errOut, "no 1 slave(s) within 200ms") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestWrongTokenIsRefused(t *testing.T) {
	a := slaveServer(t, "another-token", 1)
	_, errOut, code := dpfw(t, "", "-dial", a, "-e", "1")
	if code != 1 || !strings.Contains(errOut, "token") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestScriptFileAndTimeout(t *testing.T) {
	a := slaveServer(t, testToken, 1)
	script := filepath.Join(t.TempDir(), "hello.go")
	os.WriteFile(script, []byte("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello from a file\")\n}\n"), 0o644)
	out, errOut, code := dpfw(t, "", "-dial", a, script)
	if code != 0 || out != "hello from a file\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// A file's main keeps its columns: the error is where the file has it.
	os.WriteFile(script, []byte("package main\n\nfunc main() { undefinedThing() }\n"), 0o644)
	if _, errOut, _ := dpfw(t, "", "-dial", a, script); !strings.Contains(errOut, "compile error on s1 at 3:15: undefined: undefinedThing") {
		t.Errorf("the error in main is not at 3:15: %q", errOut)
	}
	_, errOut, code = dpfw(t, "", "-dial", a, "-timeout", "100ms", "-e", "for {}")
	if code != 1 || !strings.Contains(errOut, "timeout error") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

// A file that calls os.Exit ends as the compiled program does: what it
// printed, no deferred calls, dpfw's own exit status the program's; the
// slave process lives on and its engine still runs the next task.
// log.Fatal's line goes to stderr; -e and dpfw job exit alike.
func TestScriptExitStatus(t *testing.T) {
	a := slaveServer(t, testToken, 1)
	script := filepath.Join(t.TempDir(), "exit.go")
	os.WriteFile(script, []byte("package main\n\nimport (\"fmt\"; \"os\")\n\nfunc main() {\n\tdefer fmt.Println(\"deferred\")\n\tfmt.Println(\"before\")\n\tos.Exit(3)\n}\n"), 0o644)
	out, errOut, code := dpfw(t, "", "-dial", a, script)
	if code != 3 || out != "before\n" || !strings.Contains(errOut, "error: exit error on s1: exit status 3") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, errOut, code = dpfw(t, "", "-dial", a, "-e", "import (\"fmt\"; \"os\")\nfmt.Println(\"ok\")\nos.Exit(0)\nfmt.Println(\"after\")")
	if code != 0 || out != "ok\n" || strings.Contains(errOut, "error") {
		t.Fatalf("os.Exit(0): exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	out, errOut, code = dpfw(t, "", "-dial", a, "-e", "import (\"fmt\"; \"log\")\nlog.SetFlags(0)\nfmt.Println(\"first\")\nlog.Fatalf(\"bad %d\", 7)")
	if code != 1 || out != "first\n" || !strings.Contains(errOut, "bad 7\n") || !strings.Contains(errOut, "exit status 1") {
		t.Fatalf("log.Fatalf: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	h := detach(t, a, "import \"os\"\nos.Exit(5)")
	if _, errOut, code = dpfw(t, "", "job", h); code != 5 || !strings.Contains(errOut, "exit status 5") {
		t.Fatalf("dpfw job: exit %d, stderr %q", code, errOut)
	}
	if out, errOut, code = dpfw(t, "", "-dial", a, "-e", "40 + 2"); code != 0 || out != "42\n" {
		t.Fatalf("after the exits: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestPipedSessionUsesCommands(t *testing.T) {
	a := slaveServer(t, testToken, 2)
	session := strings.Join([]string{
		"[]int{",
		"\t1,",
		"\t2,",
		"}",
		":all func double(x int) int { return 2 * x }",
		`:all dpfw.Table().Set("k", 7)`,
		":on s2 double(21)",
		":par 1 + 1 ;; 2 + 2",
		":table s1",
		`import "fmt"`,
		`fmt.Println("printed")`,
		":nonsense",
		":quit",
		"99",
	}, "\n")
	out, errOut, code := dpfw(t, session, "-dial", a)
	for _, want := range []string{"[1 2]\n", "42\n", "[0] ", ": 2\n", ": 4\n", "k  7", "printed\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	// From a pipe, the "# ..." lines go to stderr: stdout is the output.
	if strings.Contains(out, "# ") {
		t.Errorf("stdout has # lines")
	}
	for _, want := range []string{"# s", "# ran on 2 slave(s)", "# s2 · ", "# 2 tasks in ", "# 1 key(s) on s1"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if !strings.Contains(errOut, "unknown command :nonsense") || regexp.MustCompile(`(?m)^99$`).MatchString(out) || code != 1 {
		t.Errorf("exit %d; stderr %q", code, errOut)
	}
	if t.Failed() {
		t.Logf("stdout:\n%s", out)
	}
}

func TestBalanced(t *testing.T) {
	for src, want := range map[string]bool{
		"2+3":                  true,
		"func f() {":           false,
		"func f() {\n}":        true,
		`"{"`:                  true,
		"// {":                 true,
		"x := []int{1,\n2,":    false,
		"s := `raw\n":          false,
		"fmt.Println(\"a\")":   true,
		"if x { y() } else {":  false,
		"if x { y() } else {}": true,
		"y := x +":             false,
		"f(a,":                 false,
		"x++":                  true,
		"a.":                   false,
	} {
		if got := balanced(src); got != want {
			t.Errorf("balanced(%q) = %v", src, got)
		}
	}
}

func TestOnlyDecls(t *testing.T) {
	for src, want := range map[string]bool{
		`import "fmt"`:                     true,
		"import (\n\t\"fmt\"\n\t\"os\"\n)": true,
		`import "fmt"; fmt.Println(1)`:     false,
		`fmt.Println(1)`:                   false,
		`import "fmt"; func f() {}`:        true,
		"type P struct{ X int }":           true,
		"x := 1":                           false,
		"func() {}()":                      false,
	} {
		if got := onlyDecls(src); got != want {
			t.Errorf("onlyDecls(%q) = %v", src, got)
		}
	}
}

func TestLocalSlaveIsRestartedAfterCrash(t *testing.T) {
	in := "import \"time\"\ngo func() { panic(\"boom\") }(); time.Sleep(10 * time.Second)\n1+1\n"
	out, errOut, code := dpfw(t, in, "-local", "1")
	if code != 1 || !strings.Contains(errOut, "lost error on s1") || !strings.Contains(errOut, "starting another") {
		t.Fatalf("exit %d\nstderr:\n%s", code, errOut)
	}
	if out != "2\n" || !strings.Contains(errOut, "# s1 is gone") || !regexp.MustCompile(`(?m)^# s2 `).MatchString(errOut) {
		t.Fatalf("1+1 should run on the restarted slave, s2, saying so:\nstdout %q\nstderr:\n%s", out, errOut)
	}
}

func TestLocalRunsTheSeedExamples(t *testing.T) {
	in := strings.Join([]string{
		`:local t := cluster.MakeTask("2 + 3")`,
		`:local cluster.Force(t)`,
		`:local cluster.Parallel("2 + 1", "5 + 5")`,
		`:local s := cluster.GetSlave(true)`,
		":local cluster.Force(cluster.MakeTaskOn(s, `n := 0; dpfw.Table().Set(\"uniqID\", func() int { n++; return n })`))",
		":local cluster.Force(cluster.MakeTaskOn(s, `dpfw.Table().Get(\"uniqID\").(func() int)()`))",
		":local cluster.Force(cluster.MakeTaskOn(s, `dpfw.Table().Get(\"uniqID\").(func() int)()`))",
		`:local s.Release()`,
	}, "\n")
	out, errOut, code := dpfw(t, in, "-local", "2")
	if code != 0 || !strings.Contains(out, "5\n[3 10]\n") || !strings.Contains(out, "1\n2\n") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

func TestLoadDefinesOnEverySlave(t *testing.T) {
	file := filepath.Join(t.TempDir(), "defs.go")
	os.WriteFile(file, []byte("package main\n\nfunc shout(s string) string { return strings.ToUpper(s) + \"!\" }\n\nfunc main() { panic(\"main must not run\") }\n"), 0o644)
	out, errOut, code := dpfw(t, ":load "+file+"\n:on s1 shout(\"a\")\n:on s2 shout(\"b\")\n", "-local", "2")
	if code != 0 || !strings.Contains(errOut, "loaded "+file+" on 2 slave(s)") || !strings.Contains(out, `"A!"`) || !strings.Contains(out, `"B!"`) {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	// Its main did not run, and :load says so and how to run it; main
	// itself is no name for anything.
	if !strings.Contains(errOut, "# its func main did not run: it is defined as scriptMain; call scriptMain() to run it") {
		t.Errorf(":load did not say what became of main:\n%s", errOut)
	}
	_, errOut, _ = dpfw(t, ":load "+file+"\nmain()\nmain\nscriptMain()\n", "-local", "1")
	for _, want := range []string{
		"compile error on s1 at 1:1: undefined: main",
		"panic error on s1 at 5:", // yaegi's columns for panics are approximate
		"main must not run",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Count(errOut, "undefined: main") != 2 || strings.Contains(errOut, "reflect") {
		t.Errorf("main() and main:\n%s", errOut)
	}
}

// Values show their type where %v would hide it; Go's run-time errors
// read as Go's; commands without their argument say how to use them;
// :local shows futures and slaves.
func TestREPLShowsWhatGoWould(t *testing.T) {
	a := slaveServer(t, testToken, 1)
	in := strings.Join([]string{
		"3.0", "x := 2.5; x * 2", `[]any{1, 1.0, "1"}`, "1e21",
		"[]int{1, 2, 3}[5]", "s := []int{1}; s[0:3]",
		":table", ":load", ":on", ":all", ":reset",
		`:local t := cluster.MakeTask("2 + 3")`, ":local cluster.Force(t)", ":local t", ":local s := cluster.GetSlave(true)", ":local s", ":local s.Release()",
	}, "\n")
	out, errOut, _ := dpfw(t, in, "-dial", a)
	want := "3.0\n5.0\n[1 1.0 \"1\"]\n1e+21\n5\nfuture (done: 5)\ns1 (127.0.0.1:"
	if !strings.HasPrefix(out, want) {
		t.Errorf("stdout:\n%s\nwant it to start with:\n%s", out, want)
	}
	for _, want := range []string{
		"runtime error: index out of range\n",
		"runtime error: slice bounds out of range\n",
		"error: usage: :table ID (",
		"error: usage: :load FILE.go (",
		"error: usage: :on ID SRC (",
		"error: usage: :all SRC (",
		"# reset 1 slave(s)",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if strings.Contains(errOut, "reflect") || strings.Contains(errOut, "unsendable") || strings.Contains(errOut, "too-large") {
		t.Errorf("stderr:\n%s", errOut)
	}
	if t.Failed() {
		t.Logf("stderr:\n%s", errOut)
	}
}

// A declared var changed since keeps its value when a -timeout replaces
// the slave's interpreter (it read its initial value again); one whose
// type holds an interface is lost, and the REPL says so.
func TestREPLResetKeepsDeclaredVars(t *testing.T) {
	a := slaveServer(t, testToken, 1)
	in := "var total = 0\ntotal += 5\nvar v any = 1\nv = 2\ntime.Sleep(time.Hour)\ntotal\nv\n"
	stdout, errOut, _ := dpfw(t, in, "-dial", a, "-timeout", "300ms")
	if stdout != "5\n" || !strings.Contains(errOut, "timeout error on s1") ||
		!strings.Contains(errOut, "interpreter was reset: lost v (definitions replayed)") || !strings.Contains(errOut, "undefined: v") {
		t.Errorf("stdout %q\nstderr:\n%s", stdout, errOut)
	}
}

// After Ctrl-C or a -timeout stops a task in a native call, the slave
// replaces its interpreter; the REPL says so, the same way for both, and
// names the globals that went with it.
func TestREPLSaysWhatAResetLost(t *testing.T) {
	a := slaveServer(t, testToken, 1)
	marker := filepath.Join(t.TempDir(), "started")
	prelude := "y := 7\nfunc f() int { return y }\nfunc g() int { return 1 }\n"
	sleeper := fmt.Sprintf("import \"os\"; os.WriteFile(%q, nil, 0o600); time.Sleep(time.Hour)\n", marker)
	after := "g()\ny\n"
	const note = "interpreter was reset: lost f, y (definitions replayed)"

	// Ctrl-C: dpfw reads the entries from a pipe and gets SIGINT once
	// the sleeper runs.
	cmd := exec.CommandContext(ctxT(t), dpfwBin, "-dial", a)
	cmd.Env = env(testToken)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	io.WriteString(stdin, prelude+sleeper)
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		time.Sleep(5 * time.Millisecond) // polling a file: there is no event to wait on
	}
	cmd.Process.Signal(os.Interrupt)
	io.WriteString(stdin, after)
	stdin.Close()
	cmd.Wait()
	interrupted := errOut.String()
	if !strings.Contains(interrupted, "error: interrupted\n# s1 · ") || !strings.Contains(interrupted, note) ||
		!strings.Contains(interrupted, "undefined: y") || out.String() != "1\n" {
		t.Errorf("Ctrl-C:\nstdout %q\nstderr:\n%s", out.String(), interrupted)
	}

	// -timeout: the same words.
	os.Remove(marker)
	stdout, timedOut, _ := dpfw(t, prelude+sleeper+after, "-dial", a, "-timeout", "300ms")
	if !strings.Contains(timedOut, "timeout error on s1") || !strings.Contains(timedOut, note) ||
		!strings.Contains(timedOut, "undefined: y") || stdout != "1\n" {
		t.Errorf("-timeout:\nstdout %q\nstderr:\n%s", stdout, timedOut)
	}
}

func TestReadEntryJoinsLinesAndDecodesHistory(t *testing.T) {
	lines := []string{"func f() int {", "\treturn 1", "}", "x := `a" + histNewline + "b`"}
	var prompts []string
	read := func(p string) (string, error) {
		prompts = append(prompts, p)
		if len(lines) == 0 {
			return "", io.EOF
		}
		l := lines[0]
		lines = lines[1:]
		return l, nil
	}
	entry, err := readEntry(read)
	if err != nil || entry != "func f() int {\n\treturn 1\n}" {
		t.Fatalf("got %q, %v", entry, err)
	}
	if strings.Join(prompts, "|") != prompt+"|"+contPrompt+"|"+contPrompt {
		t.Fatalf("prompts %q", prompts)
	}
	// A history entry recalled with its encoded newline comes back whole.
	if entry, err := readEntry(read); err != nil || entry != "x := `a\nb`" {
		t.Fatalf("got %q, %v", entry, err)
	}
}

func TestCompletion(t *testing.T) {
	c := &cli{}
	got := c.complete(":ta")
	if len(got) != 1 || got[0] != ":table " {
		t.Fatalf("got %q", got)
	}
	if got := c.complete("fmt.Pr"); got != nil {
		t.Fatalf("Go code is not completed: %q", got)
	}
}

// Local slaves hold a lifeline to dpfw: when dpfw is killed outright
// (no chance to stop them), they exit by themselves. Their connection
// ending would not do it: they redial a master that went away.
func TestLocalSlavesDieWithAKilledDpfw(t *testing.T) {
	cmd := exec.Command(dpfwBin, "-local", "2")
	cmd.Env = env(testToken)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	io.WriteString(stdin, ":slaves\n")
	row := regexp.MustCompile(`^s\d+\s+\S+\s+\S+\s+(\d+)\s`)
	var pids []int
	sc := bufio.NewScanner(stdout)
	for len(pids) < 2 && sc.Scan() {
		if m := row.FindStringSubmatch(sc.Text()); m != nil {
			var pid int
			fmt.Sscan(m[1], &pid)
			pids = append(pids, pid)
		}
	}
	if len(pids) < 2 {
		t.Fatalf("no two slave rows in :slaves (%v)", sc.Err())
	}
	go io.Copy(io.Discard, stdout)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	for _, pid := range pids {
		for alive(pid) {
			if time.Since(killed) > 10*time.Second {
				t.Fatalf("local slave pid %d outlived a killed dpfw by 10s", pid)
			}
			time.Sleep(10 * time.Millisecond) // polling /proc: there is no event to wait on
		}
	}
	t.Logf("both local slaves gone %v after dpfw was killed", time.Since(killed))
}

// alive reports whether pid runs: it exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
}
