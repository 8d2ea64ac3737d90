package eval

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// %#v of the program's types prints Go syntax with go run's names
// (shim.GoSyntax, described by the front end); want is go run's output.
func TestGoSyntax(t *testing.T) {
	e := newEngine(t, Config{})
	src := strings.Replace(`import (
	"fmt"
	"time"
)

type Inner struct {
	n    int
	Tags []string
}

type Celsius float32
type Flags uint8
type Name string

func (n Name) String() string { return "NAME" }

type Outer struct {
	Inner
	ID     uint16
	T      Celsius
	F      Flags
	N      Name
	M      map[string]Inner
	K      map[int]bool
	S      []Inner
	Nil    []int
	A      [2]Name
	P      *Inner
	D      time.Duration
	B      []byte
	C      complex128
	ok     bool
	Ratio  float64
}

func main() {
	o := Outer{Inner: Inner{n: 1, Tags: []string{"x", `+"`"+`q"`+"`"+`}}, ID: 7, T: 1.5, F: 3, N: "bob",
		M: map[string]Inner{"b": {2, nil}, "a": {3, []string{}}}, K: map[int]bool{3: true, -1: false},
		S: []Inner{{4, nil}}, A: [2]Name{"p", "q"}, D: time.Second, B: []byte{1, 2}, C: 1 + 2i, Ratio: 2}
	fmt.Printf("%#v\n", o)
	fmt.Printf("%#v\n", &o.Inner)
	fmt.Printf("%#v %#v %#v\n", o.T, o.N, o.F)
	fmt.Printf("[%30s]\n", fmt.Sprintf("%#v", o.A))
	var np *Inner
	fmt.Printf("%#v\n", np)
	var m map[Name]int
	fmt.Printf("%#v %#v\n", m, map[Name]int{"z": 1, "a": 2})
	fmt.Println(fmt.Sprintf("%v %#v", o.N, o.N))
}
`, "func main() {", "func main2() {", 1) + "\nmain2()"
	want := `main.Outer{Inner:main.Inner{n:1, Tags:[]string{"x", "q\""}}, ID:0x7, T:1.5, F:0x3, N:"bob", M:map[string]main.Inner{"a":main.Inner{n:3, Tags:[]string{}}, "b":main.Inner{n:2, Tags:[]string(nil)}}, K:map[int]bool{-1:false, 3:true}, S:[]main.Inner{main.Inner{n:4, Tags:[]string(nil)}}, Nil:[]int(nil), A:[2]main.Name{"p", "q"}, P:(*main.Inner)(nil), D:1000000000, B:[]uint8{0x1, 0x2}, C:(1+2i), ok:false, Ratio:2}
&main.Inner{n:1, Tags:[]string{"x", "q\""}}
1.5 "bob" 0x3
[        [2]main.Name{"p", "q"}]
(*main.Inner)(nil)
map[main.Name]int(nil) map[main.Name]int{"a":2, "z":1}
NAME "bob"
`
	if got := string(run(t, e, src).Output); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

// %T and %#v see through an alias to the program's types: go run names
// them ([]main.P), the interpreter alone would not.
func TestGoSyntaxAlias(t *testing.T) {
	e := newEngine(t, Config{})
	src := "import \"fmt\"\ntype P struct{ X int }\ntype A = []P\nvar a A = A{{1}}\nfmt.Printf(\"%T %#v\\n\", a, a)"
	want := "[]main.P []main.P{main.P{X:1}}\n"
	if got := string(run(t, e, src).Output); got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}

// %T of an instance of a generic type prints go run's name where the
// static type says it (iter.Seq[int], main.List[int]: the front end
// runs copies under hidden names). Refused: one the interpreter has no
// name for (atomic.Pointer[int]), and an interface that may hold a
// stand-in such as iter.Seq[int], which the interpreter runs as its
// func type and would print as func(func(int) bool).
func TestTypeNameGeneric(t *testing.T) {
	e := newEngine(t, Config{})
	src := "import (\"fmt\"; \"iter\")\ntype List[T any] struct{ xs []T }\nvar s iter.Seq[int] = func(yield func(int) bool) {}\nfmt.Printf(\"%T %T %T\\n\", s, List[iter.Seq[int]]{}, &List[int]{})"
	if got, want := string(run(t, e, src).Output), "iter.Seq[int] main.List[iter.Seq[int]] *main.List[int]\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	for name, src := range map[string]string{
		"any":            "import (\"fmt\"; \"iter\")\nvar s iter.Seq[int] = func(yield func(int) bool) {}\nvar a any = s\nfmt.Printf(\"%T\\n\", a)",
		"atomic.Pointer": "import (\"fmt\"; \"sync/atomic\")\nvar p atomic.Pointer[int]\nfmt.Printf(\"%T\\n\", &p)",
	} {
		t.Run(name, func(t *testing.T) {
			e := newEngine(t, Config{})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := e.Run(ctx, src)
			var ee *Error
			if !errors.As(err, &ee) || ee.Kind != KindUnsupported || !strings.Contains(ee.Msg, "%T") || strings.Contains(ee.Msg, "ᐸ") {
				t.Fatalf("err %v (output %q); want kind unsupported naming %%T, without hidden names", err, res.Output)
			}
		})
	}
}

// What fmt would print through a method, or a value that may hold a type
// the interpreter cannot name, is refused before it runs.
func TestGoSyntaxRefused(t *testing.T) {
	for name, src := range map[string]string{
		"GoString":            "import \"fmt\"\ntype T struct{ A int }\nfunc (T) GoString() string { return \"T!\" }\nfmt.Printf(\"%#v\\n\", T{1})",
		"any field":           "import \"fmt\"\ntype T struct{ A any }\nfmt.Printf(\"%#v\\n\", T{1})",
		"field with GoString": "import (\"fmt\"; \"time\")\ntype T struct{ At time.Time }\nfmt.Printf(\"%#v\\n\", T{})",
	} {
		t.Run(name, func(t *testing.T) {
			e := newEngine(t, Config{})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := e.Run(ctx, src)
			var ee *Error
			if !errors.As(err, &ee) || ee.Kind != KindUnsupported || !strings.Contains(ee.Msg, "%#v") {
				t.Fatalf("err %v (output %q); want kind unsupported naming %%#v", err, res.Output)
			}
		})
	}
}
