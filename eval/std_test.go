package eval

import (
	"context"
	"crypto/sha3"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/traefik/yaegi/stdlib"
)

// APIs that Go added after yaegi's tables (Go 1.22) run in snippets,
// with the values compiled Go computes. Range-over-func syntax is the
// front end's business: the iterators are called here with a yield func.
func TestNewerStandardLibrary(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rng.IntN(10)
	sum := sha3.Sum256([]byte("dpfw"))
	tests := []struct {
		name, src string
		want      any
	}{
		{"strings.Lines", `var out []string
			strings.Lines("a\nb\n\nc")(func(l string) bool { out = append(out, l); return true })
			out`, []string{"a\n", "b\n", "\n", "c"}},
		{"strings.SplitSeq stops when yield says so", `var out []string
			strings.SplitSeq("x,y,z", ",")(func(s string) bool { out = append(out, s); return s != "y" })
			out`, []string{"x", "y"}},
		{"strings.FieldsSeq", `n := 0
			strings.FieldsSeq("  a bb  ccc ")(func(s string) bool { n += len(s); return true })
			n`, 6},
		{"strings.FieldsFuncSeq", `var out []string
			strings.FieldsFuncSeq("a1b22c", unicode.IsDigit)(func(s string) bool { out = append(out, s); return true })
			out`, []string{"a", "b", "c"}},
		{"bytes.Lines", `n := 0
			bytes.Lines([]byte("1\n2\n3"))(func(b []byte) bool { n++; return true })
			n`, 3},
		{"bytes.SplitSeq", `var out []string
			bytes.SplitSeq([]byte("k=v"), []byte("="))(func(b []byte) bool { out = append(out, string(b)); return true })
			out`, []string{"k", "v"}},
		{"sync.WaitGroup.Go (1.25)", `var wg sync.WaitGroup
			var total atomic.Int64
			adder := func(k int64) func() { return func() { total.Add(k) } } // a snippet's top-level variables are globals, shared by closures
			for _, n := range []int64{1, 2, 3, 4} { wg.Go(adder(n)) }
			wg.Wait()
			total.Load()`, int64(10)},
		{"sync/atomic.OrUint32 (1.23)", `var flags uint32 = 1
			old := atomic.OrUint32(&flags, 6)
			[]uint32{old, flags}`, []uint32{1, 7}},
		{"math/rand/v2 seeded", `import "math/rand/v2"
			r := rand.New(rand.NewPCG(1, 2)); r.IntN(10); r.Uint64()`, rng.Uint64()},
		{"math/rand/v2.Uint (1.23)", `import "math/rand/v2"
			rand.Uint() >= 0`, true},
		{"encoding/binary.Append (1.23)", `type hdr struct { A uint16; B uint8 }
			b, _ := binary.Append(nil, binary.BigEndian, hdr{0x0102, 3}); b`, []byte{1, 2, 3}},
		{"encoding/binary.Decode (1.23)", `var v uint32
			binary.Decode([]byte{0, 0, 1, 0}, binary.BigEndian, &v); v`, uint32(256)},
		{"crypto/sha3 (1.24, new package)", `import "crypto/sha3"
			s := sha3.Sum256([]byte("dpfw")); hex.EncodeToString(s[:])`, hex.EncodeToString(sum[:])},
		{"structs.HostLayout (1.23, new package)", `import "structs"
			type hdr struct { _ structs.HostLayout; N int32 }
			hdr{N: 5}.N`, int32(5)},
		{"log/slog.NewMultiHandler (1.26)", `var a, b bytes.Buffer
			o := &slog.HandlerOptions{ReplaceAttr: func(g []string, x slog.Attr) slog.Attr { if x.Key == "time" { return slog.Attr{} }; return x }}
			slog.New(slog.NewMultiHandler(slog.NewTextHandler(&a, o), slog.NewJSONHandler(&b, o))).Info("hi", "n", 1)
			a.String() + b.String()`, "level=INFO msg=hi n=1\n{\"level\":\"INFO\",\"msg\":\"hi\",\"n\":1}\n"},
		{"slog.DiscardHandler (1.24)", `slog.New(slog.DiscardHandler).Enabled(context.Background(), slog.LevelError)`, false},
		{"bytes.Buffer.Peek (1.26)", `b := bytes.NewBufferString("hello"); p, _ := b.Peek(2); string(p)`, "he"},
		{"a new interface's wrapper: io/fs.ReadLinkFS (1.25)", `import "io/fs"
			type links struct{}
			func (links) Open(name string) (fs.File, error) { return nil, fs.ErrNotExist }
			func (links) ReadLink(name string) (string, error) { return "to-" + name, nil }
			func (links) Lstat(name string) (fs.FileInfo, error) { return nil, fs.ErrNotExist }
			var l fs.ReadLinkFS = links{}
			fs.ReadLink(l, "x")`, "to-x"},
		{"encoding.TextAppender (1.24)", `type ip [2]byte
			func (a ip) AppendText(b []byte) ([]byte, error) { return fmt.Appendf(b, "%d.%d", a[0], a[1]), nil }
			var ta encoding.TextAppender = ip{10, 1}
			b, _ := ta.AppendText([]byte("ip ")); string(b)`, "ip 10.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEngine(t, Config{})
			r := run(t, e, tt.src)
			if !reflect.DeepEqual(r.Value, tt.want) {
				t.Errorf("got %#v, want %#v", r.Value, tt.want)
			}
		})
	}
}

// Each added symbol is one yaegi's tables did not have, and packages
// keep yaegi's own symbols.
func TestStdSymbolsMerge(t *testing.T) {
	all := stdSymbols()
	for key, syms := range stdlib.Symbols {
		for name := range syms {
			if _, ok := all[key][name]; !ok {
				t.Errorf("%s: yaegi's %s is gone", key, name)
			}
		}
	}
	for _, want := range []string{"strings/strings.Lines", "bytes/bytes.Lines", "crypto/sha3/sha3.Sum256", "io/fs/fs._ReadLinkFS", "strings/strings.Cut"} {
		key, name, _ := strings.Cut(want, ".")
		if _, ok := all[key][name]; !ok {
			t.Errorf("%s missing from the merged tables", want)
		}
	}
	if len(stdlib.Symbols["strings/strings"]) == len(all["strings/strings"]) {
		t.Error("merging wrote into yaegi's own table")
	}
}

// A sandbox keeps yaegi's packages os and runtime: what Go added to them
// (CopyFS, OpenRoot, SetDefaultGOMAXPROCS) reaches past the confinement.
func TestSandboxLeavesOutNewOS(t *testing.T) {
	dir := t.TempDir()
	e := newEngine(t, Config{Sandbox: filepath.Join(dir, "jail")})
	for _, src := range []string{`os.CopyFS("/tmp/x", nil)`, `os.OpenRoot("/")`, `runtime.SetDefaultGOMAXPROCS()`} {
		if _, err := runErr(t, e, context.Background(), src); err.Kind != KindCompile {
			t.Errorf("%s in a sandbox: %v, want a compile error", src, err)
		}
	}
	if r := run(t, e, `sha3.Sum256(nil)[0]`); r.Value != uint8(0xa7) {
		t.Errorf("new non-os packages stay available: %v", r.Value)
	}
	free := newEngine(t, Config{})
	dst := filepath.Join(dir, "copy")
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "f"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, free, `err := os.CopyFS(`+strconvQuote(dst)+`, os.DirFS(`+strconvQuote(src)+`)); if err != nil { panic(err) }`)
	if b, err := os.ReadFile(filepath.Join(dst, "f")); err != nil || string(b) != "x" {
		t.Errorf("os.CopyFS outside a sandbox: %q, %v", b, err)
	}
}

func strconvQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// unique.Make and rand.N come from the prelude (prelude/unique.go,
// prelude/rand.go); the output is go run's.
func TestUniqueAndRandN(t *testing.T) {
	e := newEngine(t, Config{})
	res := run(t, e, `import ("fmt"; "math/rand/v2"; "time"; "unique")
type MyInt int
type A struct{ X int }
type B struct{ X int }
h1, h2, h3 := unique.Make(1), unique.Make(MyInt(1)), unique.Make(MyInt(1))
fmt.Println(h1.Value(), h2.Value(), h2 == h3, h2 == unique.Make(MyInt(2)))
a, b := unique.Make(A{1}), unique.Make(B{1})
fmt.Println(a.Value(), b.Value(), a == unique.Make(A{1}), b == unique.Make(B{2}))
p := unique.Make(&A{3})
fmt.Println(p == unique.Make(p.Value()), p == unique.Make(&A{3}), p.Value().X)
seen := map[unique.Handle[string]]int{}
for _, w := range []string{"a", "b", "a"} { seen[unique.Make(w)]++ }
fmt.Println(len(seen), seen[unique.Make("a")])
d := rand.N(10 * time.Second)
fmt.Println(d >= 0 && d < 10*time.Second, rand.N(uint8(3)) < 3, rand.New(rand.NewPCG(1, 2)).IntN(100))
defer func() { fmt.Println(recover()) }()
rand.N(0)`)
	want := "1 1 true false\n{1} {1} true false\ntrue false 3\n2 2\ntrue true 76\ninvalid argument to N\n"
	if got := string(res.Output); got != want {
		t.Errorf("output:\n%s\nwant (go run's):\n%s", got, want)
	}
}

// A const spec of several names that repeats the one before implicitly
// (yaegi: "constant definition loop") gets its values written out.
func TestConstImplicitRepeat(t *testing.T) {
	e := newEngine(t, Config{})
	res := run(t, e, `import "fmt"
type K uint8
const (
	a, b = iota, iota * 10
	c, d
	e, f K = iota + 1, 1 << iota
	g, h
)
func local() {
	const (
		x, y = "s", iota
		z, w
	)
	fmt.Println(x, y, z, w)
}
fmt.Println(a, b, c, d, e, f, g, h)
fmt.Printf("%T %T\n", c, g)
local()`)
	if got, want := string(res.Output), "0 0 1 10 3 4 4 8\nint main.K\ns 0 s 1\n"; got != want {
		t.Errorf("output %q; want go run's %q", got, want)
	}
}
