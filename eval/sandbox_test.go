package eval

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestSandboxRefusesTheOutsideWorld(t *testing.T) {
	scratch := t.TempDir()
	outside := filepath.Join(t.TempDir(), "escaped.txt")
	e := newEngine(t, Config{Sandbox: scratch})
	ctx := context.Background()
	cases := []struct {
		src  string
		kind Kind // "" means the snippet runs
	}{
		{`import "net"; net.Dial("tcp", "127.0.0.1:1")`, KindCompile},
		{`import "net/http"; http.Get("http://127.0.0.1:1")`, KindCompile},
		{`import "syscall"; syscall.Getpid()`, KindCompile},
		{`import "unsafe"; unsafe.Sizeof(1)`, KindCompile},
		{`import "os"; os.StartProcess("/bin/true", nil, nil)`, KindCompile},
		{`import "os"; os.Symlink("/", "root")`, KindCompile},
		{`import "os"; os.WriteFile("inside.txt", []byte("ok"), 0o600)`, ""},
		{`import "os"; f, err := os.Create("made.txt"); f.Close(); err == nil`, ""},
	}
	for _, c := range cases {
		_, err := e.Run(ctx, c.src)
		if c.kind == "" && err != nil {
			t.Errorf("%s: %v", c.src, err)
		}
		if c.kind != "" && (err == nil || err.(*Error).Kind != c.kind) {
			t.Errorf("%s: got %v, want a %s error", c.src, err, c.kind)
		}
	}
	res, err := e.Run(ctx, `import "os"; os.WriteFile(`+"`"+outside+"`"+`, []byte("x"), 0o600)`)
	if err != nil || res.Text == "<nil>" {
		t.Errorf("writing outside the scratch directory should return an error value: %v %v", res.Text, err)
	}
	if _, err := os.Stat(outside); err == nil {
		t.Fatal("a sandboxed snippet wrote outside its scratch directory")
	}
	if _, err := os.Stat(filepath.Join(scratch, "inside.txt")); err != nil {
		t.Fatalf("relative writes should land in the scratch directory: %v", err)
	}
}
