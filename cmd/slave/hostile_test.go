//go:build unix

package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
)

// A hostile snippet is a file in testdata/hostile whose first line says
// what it must do: "// want: KIND", KIND being an error kind, "ok",
// "lost" for snippets that kill the process that runs them (or make the
// master drop it), "deadline" when the master gives up waiting for an
// answer, or several of these joined by "|" where the outcome depends on
// the machine's speed; "skip" leaves the snippet out. The comment lines
// after it record what the snippet really does.
type hostile struct {
	name, src, want string
}

func loadHostile(t *testing.T) []hostile {
	files, err := filepath.Glob("testdata/hostile/*.snippet")
	if err != nil || len(files) == 0 {
		t.Fatalf("no hostile corpus: %v", err)
	}
	var hs []hostile
	for _, f := range files { // Glob sorts: the corpus runs in file order
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(b), "\n")
		want, ok := strings.CutPrefix(first, "// want: ")
		if !ok {
			t.Fatalf("%s: the first line must be // want: KIND", f)
		}
		hs = append(hs, hostile{name: filepath.Base(f), src: string(b), want: strings.TrimSpace(want)})
	}
	return hs
}

// kindOf names the outcome of a task the way the corpus does.
func kindOf(err error) string {
	var re *master.RemoteError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline"
	case errors.As(err, &re):
		return string(re.Kind)
	}
	return "error: " + err.Error()
}

// companionSrc runs on the other engine while a hostile snippet runs:
// it must not suffer unless the whole process dies.
const companionSrc = `import "time"; time.Sleep(500 * time.Millisecond); 42`

// TestHostileCorpus runs the corpus in order against one supervised slave
// process with two engines: each snippet on the first engine while a
// companion task runs on the second.
func TestHostileCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes")
	}
	ctx := ctxT(t, 120*time.Second)
	p := startSlave(t, "-n", "2", "serve", "127.0.0.1:0")
	addr := p.addr(t)
	m := newMaster(t)
	ss, err := m.Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range loadHostile(t) {
		if h.want == "skip" {
			t.Logf("%-26s skipped (see the file)", h.name)
			continue
		}
		if !runHostile(t, ctx, ss, h) {
			ss = redial(t, ctx, m, addr)
		}
	}
	for _, s := range ss {
		var n int
		if err := s.Submit(ctx, master.Task{Src: "1+1", Timeout: 5 * time.Second}).Decode(ctx, &n); err != nil || n != 2 {
			t.Errorf("%s after the corpus: 1+1 = %v, %v", s.ID(), n, err)
		}
	}
}

// runHostile runs h on ss[0] next to a companion on ss[1], and reports
// whether the connection survived: when it did not, both tasks are lost.
func runHostile(t *testing.T, ctx context.Context, ss []*master.Slave, h hostile) bool {
	t.Helper()
	companion := ss[1].Submit(ctx, master.Task{Src: companionSrc, Timeout: 10 * time.Second})
	start := time.Now()
	res, err := ss[0].Submit(ctx, master.Task{Src: h.src, Timeout: 2 * time.Second}).Wait(ctx)
	got := kindOf(err)
	t.Logf("%-26s %-12s %8v output %d bytes  %.120v", h.name, got, time.Since(start).Round(time.Millisecond), len(res.Output), err)
	if !slices.Contains(strings.Split(h.want, "|"), got) {
		t.Errorf("%s: got %s (%v), want %s", h.name, got, err, h.want)
	}
	cres, cerr := companion.Wait(ctx)
	lost := got == string(master.KindLost)
	switch {
	case lost && master.IsKind(cerr, master.KindLost):
	case cerr != nil:
		t.Errorf("%s: the companion task on the other engine failed: %v", h.name, cerr)
	case cres.Value != int64(42):
		t.Errorf("%s: the companion task returned %v", h.name, cres.Value)
	}
	return !lost
}
