package eval

import (
	"context"
	"testing"
	"time"
)

// Funcs whose parameters have no names, which yaegi alone runs with a
// mixed-up frame ("reflect.Set: value of type int is not assignable to
// type func(string) error"), run once the front end names them _
// (eval/front nameParams): literals, declarations, methods and an
// interface's methods. The expected output is go run's (Go 1.26).
func TestUnnamedParameters(t *testing.T) {
	e := newEngine(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := e.Run(ctx, unnamedParamsProgram)
	if err != nil {
		t.Fatal(err)
	}
	const want = "0 down\n0.5 ignored 1\nfull 1\nabab\n"
	if got := string(r.Output); got != want {
		t.Errorf("output:\n%s\nwant (go run):\n%s", got, want)
	}
}

const unnamedParamsProgram = `import ("errors"; "fmt"; "strings")

type Saver interface{ Save(string, int) error }

type disk struct{ n int }

func (d *disk) Save(string, int) error { d.n++; return errors.New("full") }

func ignore(int, ...string) (float64, error) { return 0.5, fmt.Errorf("ignored %d", 1) }

func apply(f func(int) (float64, error)) string {
	v, err := f(7)
	return fmt.Sprint(v, " ", err)
}

fmt.Println(apply(func(int) (float64, error) { return 0, errors.New("down") }))
fmt.Println(ignore(1, "a", "b"))
var s Saver = &disk{}
fmt.Println(s.Save("x", 1), s.(*disk).n)
h := func(int, string) string { return strings.Repeat("ab", 2) }
fmt.Println(h(1, ""))
`
