package eval

import (
	"context"
	"testing"
	"time"
)

// A native variadic function whose parameter is a non-empty interface
// gets interpreted values: yaegi alone fails io.MultiWriter(&buf, cw)
// ("reflect: cannot use *struct {…} as type io.Writer in Call"); the
// front end passes them as an explicit slice (eval/front variadicIface).
// The expected output is go run's (Go 1.26).
func TestVariadicInterfaceArguments(t *testing.T) {
	e := newEngine(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := e.Run(ctx, variadicIfaceProgram)
	if err != nil {
		t.Fatal(err)
	}
	const want = "9 3 hello!\n"
	if got := string(r.Output); got != want {
		t.Errorf("output:\n%s\nwant (go run):\n%s", got, want)
	}
}

const variadicIfaceProgram = `import ("bytes"; "fmt"; "io")

type countWriter struct{ n, writes int }

func (c *countWriter) Write(p []byte) (int, error) { c.n += len(p); c.writes++; return len(p), nil }

var out bytes.Buffer
cw := &countWriter{}
fmt.Fprint(io.MultiWriter(&out, cw), "hello")
fmt.Fprint(io.MultiWriter(cw), "abc")
ws := []io.Writer{cw, &out}
fmt.Fprint(io.MultiWriter(ws...), "!")
fmt.Println(cw.n, cw.writes, out.String())
`
