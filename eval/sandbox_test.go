package eval

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// sandboxWorld is a sandbox directory and, outside it, the things a
// snippet must not reach: a secret (as the token file is), a directory,
// and links planted inside the sandbox that lead out.
type sandboxWorld struct {
	dir, outside, secret string
}

func newSandboxWorld(t *testing.T) sandboxWorld {
	t.Helper()
	w := sandboxWorld{dir: filepath.Join(t.TempDir(), "box"), outside: t.TempDir()}
	w.secret = filepath.Join(w.outside, "token")
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(w.dir, "sub"), 0o700))
	must(os.WriteFile(w.secret, []byte("SECRET"), 0o600))
	must(os.WriteFile(filepath.Join(w.dir, "inside.txt"), []byte("inside"), 0o600))
	must(os.Symlink(w.secret, filepath.Join(w.dir, "abs-link")))
	rel, err := filepath.Rel(w.dir, w.secret)
	must(err)
	must(os.Symlink(rel, filepath.Join(w.dir, "rel-link")))
	must(os.Symlink(w.outside, filepath.Join(w.dir, "dir-link")))
	must(os.Symlink("inside.txt", filepath.Join(w.dir, "good-link")))
	return w
}

// sub replaces SECRET, OUTSIDE and BOX in src by the world's paths.
func (w sandboxWorld) sub(src string) string {
	return strings.NewReplacer("SECRET", w.secret, "OUTSIDE", w.outside, "BOX", w.dir).Replace(src)
}

// sandboxCase is one attempt: a snippet and what must come of it. With
// compile set it must fail to compile, the message containing compile
// ("*" for any message); with panic set it must panic, the message
// containing panic; else the value's text must contain want (and must
// not contain not).
type sandboxCase struct {
	src, compile, panic, want, not string
}

func runSandboxCases(t *testing.T, w sandboxWorld, cases []sandboxCase) {
	t.Helper()
	e := newEngine(t, Config{Sandbox: w.dir})
	for _, c := range cases {
		src := w.sub(c.src)
		res, err := e.Run(context.Background(), src)
		var ee *Error
		switch {
		case c.compile != "":
			if !errors.As(err, &ee) || ee.Kind != KindCompile || (c.compile != "*" && !strings.Contains(ee.Msg, c.compile)) {
				t.Errorf("%s\n  got %v, %v; want a compile error containing %q", src, res.Text, err, c.compile)
			}
		case c.panic != "":
			if !errors.As(err, &ee) || ee.Kind != KindPanic || !strings.Contains(ee.Msg, c.panic) {
				t.Errorf("%s\n  got %v, %v; want a panic containing %q", src, res.Text, err, c.panic)
			}
		case err != nil:
			t.Errorf("%s\n  failed: %v", src, err)
		case !strings.Contains(res.Text, w.sub(c.want)):
			t.Errorf("%s\n  = %s; want it to contain %q", src, res.Text, w.sub(c.want))
		case c.not != "" && strings.Contains(res.Text, w.sub(c.not)):
			t.Errorf("%s\n  = %s; must not contain %q", src, res.Text, w.sub(c.not))
		}
	}
	if b, err := os.ReadFile(w.secret); err != nil || string(b) != "SECRET" {
		t.Errorf("the secret outside was changed: %q %v", b, err)
	}
	if fi, err := os.Stat(w.secret); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the secret's mode was changed: %v %v", fi.Mode(), err)
	}
	if ents, _ := os.ReadDir(w.outside); len(ents) != 1 {
		t.Errorf("something was created outside: %v", ents)
	}
}

const outsideErr = "outside the sandbox directory"

// Reading: nothing outside the directory, however it is named.
func TestSandboxConfinesReads(t *testing.T) {
	w := newSandboxWorld(t)
	runSandboxCases(t, w, []sandboxCase{
		{src: `_, err := os.ReadFile("SECRET"); fmt.Sprint(err)`, want: outsideErr},
		{src: `_, err := os.Open("SECRET"); fmt.Sprint(err)`, want: outsideErr},
		{src: `import "errors"; _, err := os.OpenFile("SECRET", os.O_RDONLY, 0); errors.Is(err, fs.ErrPermission)`, want: "true"},
		{src: `_, err := os.ReadFile("../" + filepath.Base("OUTSIDE") + "/token"); fmt.Sprint(err)`, want: "escapes"},
		{src: `_, err := os.ReadFile("sub/../../box/inside.txt"); fmt.Sprint(err)`, want: "escapes"},
		{src: `_, err := os.ReadFile("abs-link"); fmt.Sprint(err)`, want: "escapes"},
		{src: `_, err := os.ReadFile("rel-link"); fmt.Sprint(err)`, want: "escapes"},
		{src: `_, err := os.ReadDir("dir-link"); fmt.Sprint(err)`, want: "escapes"},
		{src: `_, err := os.ReadFile("/proc/self/environ"); fmt.Sprint(err)`, want: outsideErr},
		{src: `_, err := os.ReadFile("/etc/passwd"); fmt.Sprint(err)`, want: outsideErr},
		{src: `_, err := os.Stat("SECRET"); fmt.Sprint(err)`, want: outsideErr},
		{src: `_, err := os.Lstat("/"); fmt.Sprint(err)`, want: outsideErr},
		{src: `s, err := os.Readlink("abs-link"); s + fmt.Sprint(err)`, want: "<nil>"}, // a link's text is not its target's content
		// What is inside is readable, by any name that stays inside.
		{src: `b, _ := os.ReadFile("inside.txt"); string(b)`, want: "inside"},
		{src: `b, err := os.ReadFile("BOX/inside.txt"); string(b) + fmt.Sprint(err)`, want: "inside<nil>"},
		{src: `b, err := os.ReadFile("good-link"); string(b) + fmt.Sprint(err)`, want: "inside<nil>"},
		{src: `b, err := os.ReadFile("sub/../inside.txt"); string(b) + fmt.Sprint(err)`, want: "inside<nil>"},
		{src: `ents, _ := os.ReadDir("."); n := []string{}; for _, e := range ents { n = append(n, e.Name()) }; n`, want: `["abs-link" "dir-link" "good-link" "inside.txt" "rel-link" "sub"]`},
		// Other packages that read files by path.
		{src: `_, err := fs.ReadFile(os.DirFS("/"), "etc/passwd"); fmt.Sprint(err)`, want: outsideErr},
		{src: `_, err := fs.ReadFile(os.DirFS("OUTSIDE"), "token"); fmt.Sprint(err)`, want: outsideErr},
		{src: `_, err := fs.ReadFile(os.DirFS("sub/.."), "abs-link"); fmt.Sprint(err)`, want: "escapes"},
		{src: `_, err := fs.ReadFile(os.DirFS("sub/../.."), "box/inside.txt"); fmt.Sprint(err)`, want: "invalid"},
		{src: `b, err := fs.ReadFile(os.DirFS("."), "inside.txt"); string(b) + fmt.Sprint(err)`, want: "inside<nil>"},
		{src: `n := 0; err := fs.WalkDir(os.DirFS("/"), ".", func(string, fs.DirEntry, error) error { n++; return nil }); n`, want: "1"},
		{src: `var seen []string; filepath.Walk("/", func(p string, _ os.FileInfo, err error) error { seen = append(seen, p+" "+fmt.Sprint(err)); return nil }); seen`, want: `["/ lstat /: permission denied: ` + outsideErr + `"]`},
		{src: `var seen []string; filepath.WalkDir(".", func(p string, _ fs.DirEntry, err error) error { seen = append(seen, p); return err }); seen`, want: `["." "abs-link" "dir-link" "good-link" "inside.txt" "rel-link" "sub"]`},
		{src: `var seen []string; filepath.Walk("BOX/sub", func(p string, _ os.FileInfo, err error) error { seen = append(seen, p); return err }); seen`, want: `["BOX/sub"]`},
		{src: `m, err := filepath.Glob("OUTSIDE/*"); fmt.Sprint(len(m), err)`, want: "0 <nil>"},
		{src: `m, _ := filepath.Glob("/etc/*"); len(m)`, want: "0"},
		{src: `m, _ := filepath.Glob("*.txt"); m`, want: `["inside.txt"]`},
		{src: `m, _ := filepath.Glob("BOX/*.txt"); m`, want: `["BOX/inside.txt"]`},
		{src: `filepath.EvalSymlinks("abs-link")`, compile: "EvalSymlinks"},
		{src: `import "go/parser"; import "go/token"; _, err := parser.ParseFile(token.NewFileSet(), "SECRET", nil, 0); fmt.Sprint(err)`, want: outsideErr},
		{src: `import "go/parser"; import "go/token"; parser.ParseDir(token.NewFileSet(), "/", nil, 0)`, compile: "ParseDir"},
		{src: `import "archive/zip"; zip.OpenReader("SECRET")`, compile: "OpenReader"},
		{src: `import "io/ioutil"; ioutil.ReadFile("SECRET")`, compile: "not available in the sandbox"},
		{src: `import "text/template"; template.New("x").ParseFiles("SECRET")`, compile: "not available in the sandbox"},
		{src: `import "html/template"; template.ParseGlob("OUTSIDE/*")`, compile: "not available in the sandbox"},
		{src: `import "go/build"; build.ImportDir("/", 0)`, compile: "not available in the sandbox"},
		{src: `import "debug/elf"; elf.Open("/bin/sh")`, compile: "not available in the sandbox"},
		{src: `import "embed"; 1`, compile: "*"},
	})
}

// Writing, and every other change: only inside the directory.
func TestSandboxConfinesWrites(t *testing.T) {
	w := newSandboxWorld(t)
	runSandboxCases(t, w, []sandboxCase{
		{src: `fmt.Sprint(os.WriteFile("OUTSIDE/new", []byte("x"), 0o600))`, want: outsideErr},
		{src: `_, err := os.Create("../new"); fmt.Sprint(err)`, want: "escapes"},
		{src: `_, err := os.OpenFile("SECRET", os.O_WRONLY|os.O_TRUNC, 0); fmt.Sprint(err)`, want: outsideErr},
		{src: `fmt.Sprint(os.WriteFile("abs-link", []byte("x"), 0o600))`, want: "escapes"},
		{src: `fmt.Sprint(os.WriteFile("dir-link/new", []byte("x"), 0o600))`, want: "escapes"},
		{src: `fmt.Sprint(os.Chmod("SECRET", 0o666))`, want: outsideErr},
		{src: `fmt.Sprint(os.Chmod("abs-link", 0o666))`, want: "escapes"},
		{src: `fmt.Sprint(os.Chown("SECRET", os.Getuid(), os.Getgid()))`, want: outsideErr},
		{src: `fmt.Sprint(os.Lchown("SECRET", os.Getuid(), os.Getgid()))`, want: outsideErr},
		{src: `fmt.Sprint(os.Chtimes("SECRET", time.Now(), time.Now()))`, want: outsideErr},
		{src: `fmt.Sprint(os.Truncate("SECRET", 0))`, want: outsideErr},
		{src: `fmt.Sprint(os.Truncate("abs-link", 0))`, want: "escapes"},
		{src: `fmt.Sprint(os.Remove("SECRET"))`, want: outsideErr},
		{src: `fmt.Sprint(os.RemoveAll("OUTSIDE"))`, want: outsideErr},
		{src: `fmt.Sprint(os.RemoveAll("dir-link/token"))`, want: "escapes"},
		{src: `fmt.Sprint(os.Rename("SECRET", "stolen"))`, want: outsideErr},
		{src: `fmt.Sprint(os.Rename("inside.txt", "OUTSIDE/moved"))`, want: outsideErr},
		{src: `fmt.Sprint(os.Link("SECRET", "hard"))`, want: outsideErr},
		// A hard link to a link is a link: to the same outside target, which
		// stays out of reach.
		{src: `os.Link("abs-link", "hard2"); _, err := os.ReadFile("hard2"); fmt.Sprint(err)`, want: "escapes"},
		{src: `fmt.Sprint(os.Symlink("SECRET", "new-link"))`, want: outsideErr},
		{src: `fmt.Sprint(os.Symlink("../../x", "new-link"))`, want: outsideErr},
		{src: `fmt.Sprint(os.Mkdir("OUTSIDE/d", 0o700))`, want: outsideErr},
		{src: `fmt.Sprint(os.MkdirAll("dir-link/d", 0o700))`, want: "escapes"},
		{src: `_, err := os.CreateTemp("OUTSIDE", "x"); fmt.Sprint(err)`, want: outsideErr},
		{src: `_, err := os.MkdirTemp("/tmp", "x"); fmt.Sprint(err)`, want: outsideErr},
		// The sandbox is the working and the temporary directory.
		{src: `f, err := os.CreateTemp("", "t*.txt"); strings.HasPrefix(f.Name(), "BOX/t") && strings.HasSuffix(f.Name(), ".txt") && err == nil`, want: "true"},
		{src: `d, err := os.MkdirTemp("", "d"); _, serr := os.Stat(d); strings.HasPrefix(d, "BOX/d") && err == nil && serr == nil`, want: "true"},
		{src: `os.TempDir()`, want: `"BOX"`},
		{src: `d, err := os.Getwd(); d + fmt.Sprint(err)`, want: "BOX<nil>"},
		{src: `fmt.Sprint(os.Chdir("/"))`, want: "not allowed in the sandbox"},
		{src: `p, _ := filepath.Abs("x"); p`, want: "BOX/x"},
		// Inside, everything works.
		{src: `fmt.Sprint(os.WriteFile("new.txt", []byte("new"), 0o600))`, want: "<nil>"},
		{src: `fmt.Sprint(os.Symlink("new.txt", "sub/../new-link"), os.Symlink("BOX/new.txt", "abs-inside"))`, want: "<nil> <nil>"},
		{src: `b, _ := os.ReadFile("abs-inside"); string(b)`, want: "new"},
		{src: `fmt.Sprint(os.Rename("new.txt", "sub/moved.txt"), os.Link("sub/moved.txt", "hard.txt"), os.Chmod("hard.txt", 0o640), os.Truncate("hard.txt", 1))`, want: "<nil> <nil> <nil> <nil>"},
		{src: `b, _ := os.ReadFile("sub/moved.txt"); fi, _ := os.Stat("sub/moved.txt"); string(b) + fi.Mode().String()`, want: "n-rw-r-----"},
		{src: `fmt.Sprint(os.MkdirAll("a/b/c", 0o700), os.RemoveAll("a"))`, want: "<nil> <nil>"},
	})
	if b, err := os.ReadFile(filepath.Join(w.dir, "sub", "moved.txt")); err != nil || string(b) != "n" {
		t.Errorf("writes inside the sandbox did not land there: %q %v", b, err)
	}
}

// Files are *os.File in name only: what acts beyond the open file is not
// there.
func TestSandboxFiles(t *testing.T) {
	w := newSandboxWorld(t)
	runSandboxCases(t, w, []sandboxCase{
		{src: `f, _ := os.Open("inside.txt"); f.Fd()`, compile: "Fd"},
		{src: `f, _ := os.Open("sub"); f.Chdir()`, compile: "Chdir"},
		{src: `f, _ := os.Open("inside.txt"); f.SyscallConn()`, compile: "SyscallConn"},
		{src: `var f *os.File; f, _ = os.Open("inside.txt"); defer f.Close(); b, _ := io.ReadAll(f); f.Name() + " " + string(b)`, want: "inside.txt inside"},
		{src: `import "bufio"; f, _ := os.Open("inside.txt"); sc := bufio.NewScanner(f); sc.Scan(); sc.Text()`, want: "inside"},
		{src: `f, _ := os.Open("."); names, _ := f.Readdirnames(-1); sort.Strings(names); names`, want: `["abs-link" "dir-link" "good-link" "inside.txt" "rel-link" "sub"]`},
		{src: `f, _ := os.OpenFile("w.txt", os.O_CREATE|os.O_RDWR, 0o600); f.WriteString("abc"); f.Chmod(0o604); f.Truncate(2); f.Seek(0, 0); b, _ := io.ReadAll(f); fi, _ := f.Stat(); string(b) + fi.Mode().String()`, want: "ab-rw----r--"},
		{src: `f, _ := os.Create("c.txt"); io.Copy(f, strings.NewReader("copied")); f.Close(); g, _ := os.Open("c.txt"); var sb strings.Builder; io.Copy(&sb, g); sb.String()`, want: "copied"},
		{src: `var f *os.File; fmt.Sprint(f.Close())`, want: "invalid argument"},
		{src: "func isFile(w any) bool { _, ok := w.(*os.File); return ok }\nisFile(os.Stdout)", want: "false"},
		{src: `os.Pipe()`, compile: "Pipe"},
		{src: `os.NewFile(3, "fd")`, compile: "NewFile"},
	})
}

// Everything that reaches beyond the process, or the process itself.
func TestSandboxRefusesTheOutsideWorld(t *testing.T) {
	w := newSandboxWorld(t)
	for _, v := range []string{"HOME", "DPFW_TOKEN"} {
		t.Setenv(v, "from-the-host")
	}
	runSandboxCases(t, w, []sandboxCase{
		{src: `import "net"; net.Dial("tcp", "127.0.0.1:1")`, compile: "not available in the sandbox: it reaches the network"},
		{src: `import "net/http"; http.Get("http://127.0.0.1:1")`, compile: "not available in the sandbox"},
		{src: `import "crypto/tls"; tls.Dial("tcp", "x:1", nil)`, compile: "not available in the sandbox"},
		{src: `import "net/url"; u, _ := url.Parse("http://h/p?q=1"); u.Host`, want: `"h"`},
		{src: `import "os/exec"; exec.Command("true").Run()`, compile: "*"},
		{src: `os.StartProcess("/bin/true", nil, nil)`, compile: "StartProcess"},
		{src: `os.FindProcess(1)`, compile: "FindProcess"},
		{src: `import "syscall"; syscall.Getpid()`, compile: "not available in the sandbox"},
		{src: `import "unsafe"; unsafe.Sizeof(1)`, compile: "not available in the sandbox"},
		{src: `import "reflect"; reflect.ValueOf(1)`, compile: "not available in the sandbox"},
		{src: `import "plugin"; plugin.Open("x.so")`, compile: "not available in the sandbox"},
		{src: `import "os/user"; user.Current()`, compile: "not available in the sandbox"},
		{src: `import "os/signal"; signal.Ignore()`, compile: "not available in the sandbox"},
		{src: `import "runtime/debug"; debug.SetMaxStack(1)`, compile: "not available in the sandbox"},
		{src: `import "runtime/pprof"; pprof.Profiles()`, compile: "not available in the sandbox"},
		{src: `import "testing"; testing.Short()`, compile: "not available in the sandbox"},
		{src: `import "mime/multipart"; multipart.ErrMessageTooLarge`, compile: "not available in the sandbox"},
		{src: `import "github.com/traefik/yaegi/interp"; interp.New(interp.Options{})`, compile: "*"},
		{src: `runtime.Goexit()`, compile: "Goexit"},
		{src: `runtime.Breakpoint()`, compile: "Breakpoint"},
		{src: `runtime.GOMAXPROCS(1)`, compile: "GOMAXPROCS"},
		{src: `runtime.LockOSThread()`, compile: "LockOSThread"},
		{src: `runtime.Stack(make([]byte, 100), true)`, compile: "Stack"},
		{src: `runtime.NumCPU() > 0`, want: "true"},
		{src: `os.UserHomeDir()`, compile: "UserHomeDir"},
		{src: `os.Executable()`, compile: "Executable"},
		{src: `len(os.Environ())`, want: "0"},
		{src: `os.Getenv("HOME") + os.Getenv("DPFW_TOKEN")`, want: `""`},
		{src: `os.Args`, want: `["snippet"]`},
		{src: `dpfw.Table().Set("k", 1); dpfw.Table().Get("k")`, want: "1"},
	})
	e := newEngine(t, Config{Sandbox: w.dir})
	if err := e.Register(Package{Path: "native/x", Symbols: map[string]reflect.Value{"F": reflect.ValueOf(func() {})}}); err == nil {
		t.Error("a sandboxed engine registered run-time native code")
	}
}

// Which packages a sandboxed snippet may import, and why not the others.
func ExampleConfig_sandbox() {
	dir, _ := os.MkdirTemp("", "sandbox")
	defer os.RemoveAll(dir)
	e, _ := New(Config{Sandbox: dir})
	defer e.Close()
	_, err := e.Run(context.Background(), `import "net/http"; http.Get("http://example.com")`)
	fmt.Println(err)
	res, _ := e.Run(context.Background(), `_, err := os.ReadFile("/etc/passwd"); err`)
	fmt.Println(res.Text)
	// Output:
	// compile at 1:1: package net/http is not available in the sandbox: it reaches the network
	// "open /etc/passwd: permission denied: outside the sandbox directory"
}
