package master_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dpfw/dpfw/eval"
	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
	"github.com/dpfw/dpfw/slave/native"
)

// nativeSlave runs an in-process one-engine slave server whose native
// builds go to a cache of the test's own.
func nativeSlave(t *testing.T, cfg slave.Config) string {
	t.Helper()
	cfg.Engines, cfg.Native = 1, native.Config{Dir: filepath.Join(t.TempDir(), "native")}
	_, addr := startNode(t, cfg)
	return addr
}

func needGo(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds Go plugins")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
}

// scaleSrc is a package whose Scale multiplies by k; stamp makes the
// source, and so the build, this test's own.
func scaleSrc(k int, stamp string) map[string][]byte {
	return map[string][]byte{"scale.go": fmt.Appendf(nil, "package scale\n\n// %s\n\nfunc Scale(x int) int { return x * %d }\n", stamp, k)}
}

func TestCompile(t *testing.T) {
	needGo(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	m := newMaster(t)
	for range 2 {
		if _, err := m.Dial(ctx, nativeSlave(t, slave.Config{})); err != nil {
			t.Fatal(err)
		}
	}
	stamp := fmt.Sprint(time.Now().UnixNano())
	results, err := m.Compile(ctx, "scale", scaleSrc(10, stamp))
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || results[0].Path != "native/scale" || results[0].Slaves[0] != "s1" || results[1].Slaves[0] != "s2" ||
		results[0].Hash == "" || results[0].Hash != results[1].Hash || !strings.Contains(results[0].Node, "(s1)") {
		t.Fatalf("results %+v", results)
	}
	t.Logf("%s: build %v, load %v; %s: cached %v", results[0].Node, results[0].Build, results[0].Load, results[1].Node, results[1].Cached)
	all, err := m.Broadcast(ctx, "scale.Scale(4)")
	if err != nil || all[0].Value != int64(40) || all[1].Value != int64(40) {
		t.Fatalf("scale.Scale(4) on every slave: %+v, %v", all, err)
	}
	if got := m.Natives(); len(got) != 1 || got[0] != "native/scale" {
		t.Errorf("Natives() = %v", got)
	}

	// A version that does not compile is refused with Go's message,
	// naming the node; the good version stays, on the nodes and for
	// nodes that connect later.
	bad := map[string][]byte{"scale.go": []byte("package scale\n\nfunc Scale(x int) int { return x * k }\n")}
	results, err = m.Compile(ctx, "scale", bad)
	var re *master.RemoteError
	if !master.IsKind(err, master.KindCompile) || len(results) != 2 {
		t.Fatalf("broken version: %+v, %v", results, err)
	}
	if re, _ = results[0].Err.(*master.RemoteError); re == nil || re.Pos != "scale.go:3:36" ||
		!strings.Contains(re.Msg, "undefined: k") || !strings.Contains(re.Error(), results[0].Node) {
		t.Errorf("compile error: %v", results[0].Err)
	}

	// A node that connects later gets the package before its first task.
	ss, err := m.Dial(ctx, nativeSlave(t, slave.Config{}))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := ss[0].Run(ctx, "scale.Scale(5)"); err != nil || res.Value != int64(50) {
		t.Fatalf("on the node that joined: %v, %v", res.Value, err)
	}

	// A new version replaces the old one for the tasks that follow.
	if _, err := m.Compile(ctx, "scale", scaleSrc(100, stamp)); err != nil {
		t.Fatal(err)
	}
	all, err = m.Broadcast(ctx, "scale.Scale(4)")
	if err != nil || all[0].Value != int64(400) || all[2].Value != int64(400) || !all[0].Reset {
		t.Fatalf("after the new version: %+v, %v", all, err)
	}
}

func TestCompileRefused(t *testing.T) {
	ctx := ctxT(t)
	m := newMaster(t)
	if _, err := m.Dial(ctx, nativeSlave(t, slave.Config{NoNative: true})); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Dial(ctx, nativeSlave(t, slave.Config{Eval: eval.Config{Sandbox: t.TempDir()}})); err != nil {
		t.Fatal(err)
	}
	results, err := m.Compile(ctx, "scale", scaleSrc(1, "refused"))
	if !master.IsKind(err, master.KindUnsupported) || len(results) != 2 {
		t.Fatalf("got %+v, %v", results, err)
	}
	for i, want := range []string{"-native=false", "sandbox"} {
		if !master.IsKind(results[i].Err, master.KindUnsupported) || !strings.Contains(results[i].Err.Error(), want) ||
			!strings.Contains(results[i].Err.Error(), results[i].Node) {
			t.Errorf("node %d: %v, want unsupported mentioning %q and the node", i, results[i].Err, want)
		}
	}
	// Nothing compiled, but nothing in the source was wrong: the package
	// is kept for nodes that may be able to build it.
	if got := m.Natives(); len(got) != 1 {
		t.Errorf("Natives() = %v", got)
	}
	var many = map[string][]byte{}
	for i := range session.MaxNativeFiles + 1 {
		many[fmt.Sprintf("f%d.go", i)] = []byte("package scale\n")
	}
	if _, err := m.Compile(ctx, "scale", many); !master.IsKind(err, master.KindTooLarge) {
		t.Errorf("too many files: %v", err)
	}
}

func TestReadPackage(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.go", "package kern\n")
	write("b.go", "// Doc.\npackage kern\n")
	write("a_test.go", "package kern_test\n")
	write("gen.go", "//go:build ignore\n\npackage main\n")
	name, files, err := master.ReadPackage(dir)
	if err != nil || name != "kern" || len(files) != 2 || files["a.go"] == nil || files["b.go"] == nil {
		t.Fatalf("ReadPackage(dir) = %s %v, %v", name, files, err)
	}
	name, files, err = master.ReadPackage(filepath.Join(dir, "b.go"))
	if err != nil || name != "kern" || len(files) != 1 {
		t.Fatalf("ReadPackage(file) = %s %v, %v", name, files, err)
	}
	write("c.go", "package other\n")
	if _, _, err := master.ReadPackage(dir); err == nil || !strings.Contains(err.Error(), "other") {
		t.Errorf("two package names: %v", err)
	}
	if _, _, err := master.ReadPackage(filepath.Join(dir, "gen.go")); err == nil {
		t.Error("an ignored file alone was read as a package")
	}
	write("main.go", "package main\n")
	if _, _, err := master.ReadPackage(filepath.Join(dir, "main.go")); err == nil || !strings.Contains(err.Error(), "package main") {
		t.Errorf("package main: %v", err)
	}
}

// holdNode is a slave node that signals got on each request and holds
// it unanswered until the session or the node ends.
type holdNode struct{ got chan struct{} }

func (h holdNode) ServeTask(ctx context.Context, req *session.Request, _ io.ReadWriter) *session.Response {
	select {
	case h.got <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return &session.Response{Err: &session.RemoteError{Kind: master.KindCanceled, Msg: "canceled"}}
}

// startFake serves h as a slave node of engines engines on a loopback
// port until the test ends, and returns its address.
func startFake(t *testing.T, engines int, h session.Handler) string {
	t.Helper()
	ln, err := session.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		session.Accept(ctx, ln, session.Config{Token: token, Logger: quiet}, session.NewIdentity(session.RoleSlave, "fake", engines),
			func(f func()) bool { go f(); return true },
			func(s *session.Session) { s.Serve(ctx, h); s.Close() })
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return ln.Addr().String()
}

// Master.Close waits for CompileEach's goroutines: once it returns, the
// channel has every node's result and is closed.
func TestCloseWaitsForCompileEach(t *testing.T) {
	h := holdNode{got: make(chan struct{}, 1)}
	addr := startFake(t, 1, h)
	ctx := ctxT(t)
	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet})
	defer m.Close()
	if _, err := m.Dial(ctx, addr); err != nil {
		t.Fatal(err)
	}
	ch, err := m.CompileEach(ctx, "scale", scaleSrc(2, t.Name()))
	if err != nil {
		t.Fatal(err)
	}
	<-h.got
	m.Close()
	n := 0
	for open := true; open; {
		select {
		case r, ok := <-ch:
			if open = ok; ok {
				n++
				if r.Err == nil {
					t.Fatalf("the held compile succeeded: %+v", r)
				}
			}
		default:
			t.Fatal("Close returned before CompileEach's channel was closed")
		}
	}
	if n != 1 {
		t.Fatalf("%d results, want 1", n)
	}
	if _, err := m.CompileEach(ctx, "scale", scaleSrc(2, t.Name())); !errors.Is(err, master.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}
