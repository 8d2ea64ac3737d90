package front_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dpfw/dpfw/eval"
)

// Generics run as monomorphized copies, across snippets, and the
// standard library's generic APIs as copies of their prelude/
// equivalents. The expected output is what go run printed for the same
// program (the snippets' declarations at the top level, their statements
// in main, in order).
func TestGenericsAcrossSnippets(t *testing.T) {
	e, err := eval.New(eval.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	snippets := []string{
		`type List[T any] struct {
	head *node[T]
	n    int
}
type node[T any] struct {
	v    T
	next *node[T]
}
func (l *List[T]) Push(v T) { l.head = &node[T]{v, l.head}; l.n++ }
func (l *List[T]) Items() []T {
	var out []T
	for e := l.head; e != nil; e = e.next {
		out = append(out, e.v)
	}
	return out
}
func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}`,
		`var l List[string]
l.Push("a")
l.Push("b")
fmt.Println(l.Items(), l.n, Map(l.Items(), func(s string) int { return len(s) + 1 }))`,
		`type Num interface{ ~int | ~float64 }
type Celsius float64
func Sum[T Num](xs ...T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}
fmt.Println(Sum(1, 2, 3), Sum[Celsius](1.5, 2))`,
		`xs := []int{3, 1, 2}
slices.Sort(xs)
i, ok := slices.BinarySearch(xs, 2)
fmt.Println(xs, i, ok, slices.Collect(maps.Keys(map[string]int{"k": 1})), cmp.Or("", "x"))`,
		`type Set[T comparable] = map[T]struct{}
s := Set[int]{1: {}}
fmt.Println(len(s))`,
		`next, stop := iter.Pull(slices.Values([]string{"p", "q"}))
v1, ok1 := next()
v2, _ := next()
_, ok3 := next()
stop()
fmt.Println(v1, ok1, v2, ok3)`,
		`n := 0
get := sync.OnceValue(func() int { n++; return 42 })
fmt.Println(get(), get(), n)`,
		`func Rev[T any](xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	return append(Rev(xs[1:]), xs[0])
}
func Twice[T any](xs []T) [][]T { return [][]T{Rev(xs), Rev(Rev(xs))} }
fmt.Println(Twice([]rune("ab")))`,
		`var seq iter.Seq[int] = slices.Values([]int{7, 8})
fmt.Println(slices.Sorted(seq), slices.Index([]string{"x", "y"}, "y"))`,
	}
	var out strings.Builder
	for _, src := range snippets {
		r, err := e.Run(context.Background(), src)
		if err != nil {
			t.Fatalf("%s\n: %v", src, err)
		}
		out.Write(r.Output)
	}
	want := `[b a] 2 [2 2]
6 3.5
[1 2 3] 1 true [k] x
1
p true q false
42 42 1
[[98 97] [97 98]]
[7 8] 1
`
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// A generic instantiated with a type local to a function has no name at
// the top level, where its copy goes: refused, naming the construct.
func TestGenericLocalTypeRefused(t *testing.T) {
	e, err := eval.New(eval.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	_, err = e.Run(context.Background(), "func Id[T any](v T) T { return v }\nfunc f() { type loc struct{}; _ = Id(loc{}) }")
	var ee *eval.Error
	if !errors.As(err, &ee) || ee.Kind != eval.KindUnsupported || !strings.Contains(ee.Msg, "cannot instantiate Id") {
		t.Fatalf("got %v, want an unsupported error naming Id", err)
	}
}
