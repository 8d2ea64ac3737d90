//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
)

// A slave process started with -sandbox keeps its snippets inside the
// directory: the token (on its command line, in its environment, in a
// file next to the sandbox) and files outside are out of reach, writes
// land inside.
func TestSandboxedSlaveProcess(t *testing.T) {
	ctx := ctxT(t, 60*time.Second)
	box, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "token")
	if err := os.WriteFile(secret, []byte(testToken), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startSlave(t, "-n", "1", "-token", testToken, "-sandbox", box, "serve", "127.0.0.1:0")
	m := newMaster(t)
	ss, err := m.Dial(ctx, p.addr(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ src, want string }{
		{`_, err := os.ReadFile("` + secret + `"); fmt.Sprint(err)`, "outside the sandbox directory"},
		{`f, err := os.Open("` + secret + `"); fmt.Sprint(f == nil, err != nil)`, "true true"},
		{`fmt.Sprint(os.Chmod("` + secret + `", 0o666))`, "outside the sandbox directory"},
		{`_, err := os.ReadFile("/proc/self/environ"); fmt.Sprint(err)`, "outside the sandbox directory"},
		{`_, err := os.ReadFile("/proc/self/cmdline"); fmt.Sprint(err)`, "outside the sandbox directory"},
		{`os.Getenv("DPFW_TOKEN") + strings.Join(os.Args, " ")`, "snippet"},
		{`fmt.Sprint(os.WriteFile("out.txt", []byte("made inside"), 0o600))`, "<nil>"},
		{`import "net"; net.Dial("tcp", "127.0.0.1:1")`, "not available in the sandbox"},
	} {
		res, err := ss[0].Submit(ctx, master.Task{Src: c.src, Timeout: 10 * time.Second}).Wait(ctx)
		got := res.Text
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, c.want) || strings.Contains(got, testToken) {
			t.Errorf("%s\n  = %s; want %q and no token", c.src, got, c.want)
		}
	}
	if b, err := os.ReadFile(filepath.Join(box, "out.txt")); err != nil || string(b) != "made inside" {
		t.Errorf("the write did not land in the sandbox: %q %v", b, err)
	}
	if fi, err := os.Stat(secret); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the file outside changed mode: %v %v", fi.Mode(), err)
	}
}
