package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// dpfwNative runs dpfw with local slaves whose native builds go to a
// cache of the test's own.
func dpfwNative(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds Go plugins")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on $PATH")
	}
	// XDG_CACHE_HOME moves the native cache, and the Go build cache
	// with it unless GOCACHE says where that is: keep it, warm.
	gocache, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctxT(t), dpfwBin, args...)
	cmd.Env = append(env(testToken), "XDG_CACHE_HOME="+t.TempDir(), "GOCACHE="+strings.TrimSpace(string(gocache)))
	cmd.Stdin = strings.NewReader(stdin)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// kernDir writes a package kern whose Scale multiplies by 21.
func kernDir(t *testing.T, body string) string {
	dir := t.TempDir()
	src := fmt.Sprintf("package kern\n\n// Built for %s.\n\n%s\n", t.Name()+fmt.Sprint(time.Now().UnixNano()), body)
	if err := os.WriteFile(filepath.Join(dir, "kern.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestNativeCommand(t *testing.T) {
	dir := kernDir(t, "func Scale(x int) int { return 21 * x }")
	session := strings.Join([]string{":native " + dir, "kern.Scale(2)", ":native"}, "\n")
	out, errOut, code := dpfwNative(t, session, "-local", "2")
	lines := regexp.MustCompile(`(?m)^\S+ pid \d+ \(s\d\): (built in|found in its cache|had it loaded).*$`).FindAllString(out, -1)
	if code != 0 || len(lines) != 2 || !strings.Contains(out, "built in") || !strings.Contains(errOut, "# building native/kern (1 file(s)") ||
		!regexp.MustCompile(`(?m)^42$`).MatchString(out) || !regexp.MustCompile(`(?m)^native/kern$`).MatchString(out) {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	t.Logf("\n%s", strings.Join(lines, "\n"))
}

func TestNativeFlagReportsCompileErrors(t *testing.T) {
	dir := kernDir(t, "func Scale(x int) int { return k * x }")
	out, errOut, code := dpfwNative(t, "", "-local", "1", "-native", dir, "-e", "1")
	if code != 1 || !regexp.MustCompile(`compile error on \S+ pid \d+ \(s1\) at kern.go:5:32: undefined: k`).MatchString(errOut) {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

// TestNativeFlagBuildsFirst: dpfw -native DIR builds on every local
// slave before the -e snippet runs, which then calls the package.
func TestNativeFlagBuildsFirst(t *testing.T) {
	dir := kernDir(t, "func Scale(x int) int { return 21 * x }")
	out, errOut, code := dpfwNative(t, "", "-local", "2", "-native", dir, "-e", "kern.Scale(2)")
	if code != 0 || !regexp.MustCompile(`(?m)^42$`).MatchString(out) {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}
