package main

import (
	"strings"
	"testing"
)

// With no slave, -fallback runs the snippet in dpfw's own process after
// the grace period, and :slaves says so.
func TestLocalFallback(t *testing.T) {
	out, errOut, code := dpfw(t, "", "-listen", "127.0.0.1:0", "-fallback", "200ms", "-e", `import "os"; os.Getpid()`)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "local fallback") {
		t.Fatalf("the fallback was not reported: %s", errOut)
	}
	if strings.TrimSpace(out) == "" {
		t.Fatalf("no value: %q", out)
	}
	out, errOut, code = dpfw(t, ":slaves\n1 + 1\n", "-listen", "127.0.0.1:0", "-fallback", "200ms", "-wait", "1")
	if code != 0 || !strings.Contains(out, "local1") || !strings.Contains(out, "local") || !strings.Contains(out, "2") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}
