package eval

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// recoverProgram recovers from each of f and prints what recover gave,
// whether it is a runtime.Error, and its type, as go run prints them.
const recoverProgram = `import ("fmt"; "runtime")
func try(name string, f func()) {
	defer func() {
		r := recover()
		_, rt := r.(runtime.Error)
		fmt.Printf("%s: %v %T %v\n", name, r, r, rt)
	}()
	f()
}
`

func TestRecoverRuntimeErrors(t *testing.T) {
	e := newEngine(t, Config{})
	src := recoverProgram + `type P struct{ X, Y int }
func get(s []int, i int) int { return s[i] }
arr := [4]int{1, 2, 3, 4}
grid := [][]int{{1, 2}, {3}}
str := "héllo"
try("slice", func() { fmt.Println(get([]int{1}, 3)) })
try("negative", func() { i := -1; fmt.Println(get([]int{1}, i)) })
try("array", func() { i := 7; fmt.Println(arr[i]) })
try("grid", func() { i, j := 1, 1; fmt.Println(grid[i][j]) })
try("string", func() { i := 9; fmt.Println(str[i]) })
try("assign", func() { s := make([]int, 2); i := 2; s[i]++ })
try("nil pointer", func() { var p *P; fmt.Println(p.Y) })
try("assertion", func() { var v any = 3.5; fmt.Println(v.(string)) })
try("string panic", func() { panic("boom") })
fmt.Println(get([]int{1, 2}, 1), arr[3], str[1])`
	// What go run prints (go1.26).
	want := `slice: runtime error: index out of range [3] with length 1 runtime.boundsError true
negative: runtime error: index out of range [-1] runtime.boundsError true
array: runtime error: index out of range [7] with length 4 runtime.boundsError true
grid: runtime error: index out of range [1] with length 1 runtime.boundsError true
string: runtime error: index out of range [9] with length 6 runtime.boundsError true
assign: runtime error: index out of range [2] with length 2 runtime.boundsError true
nil pointer: runtime error: invalid memory address or nil pointer dereference runtime.errorString true
assertion: interface conversion: interface {} is float64, not string *runtime.TypeAssertionError true
string panic: boom string false
2 4 195
`
	res := run(t, e, src)
	if got := string(res.Output); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}

// An interpreter panic whose Go value the front end cannot rebuild is
// refused while running, never recovered as something go run would not
// give: a slice expression out of range, an index checked nowhere (the
// code that panics came before any recover), an assertion to the
// program's own type.
func TestRecoverRefused(t *testing.T) {
	for name, src := range map[string]string{
		"slice expression": recoverProgram + `try("x", func() { s := []int{1}; i := 4; fmt.Println(s[1:i]) })`,
		"own type": recoverProgram + `type T struct{}
try("x", func() { var v any = 1; fmt.Println(v.(T)) })`,
	} {
		t.Run(name, func(t *testing.T) {
			e := newEngine(t, Config{})
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := e.Run(ctx, src)
			var ee *Error
			if !errors.As(err, &ee) || ee.Kind != KindUnsupported || !strings.Contains(ee.Msg, "recover of") {
				t.Fatalf("err %v (output %q); want kind unsupported naming the recover", err, res.Output)
			}
			if len(res.Output) != 0 {
				t.Errorf("output %q; want nothing recovered", res.Output)
			}
		})
	}
	t.Run("unchecked index", func(t *testing.T) {
		e := newEngine(t, Config{})
		run(t, e, "func get(s []int, i int) int { return s[i] }")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_, err := e.Run(ctx, recoverProgram+`try("x", func() { get(nil, 1) })`)
		var ee *Error
		if !errors.As(err, &ee) || ee.Kind != KindUnsupported || !strings.Contains(ee.Msg, "recover of an index") {
			t.Fatalf("err %v; want kind unsupported naming the recover of an index", err)
		}
	})
}

// A comma-ok assertion of an any to a non-empty interface type gives the
// zero value and false for nil (yaegi panicked: reflect: call of
// reflect.Value.Type on zero Value), and the program's types that
// implement it are found and usable; want is go run's output.
func TestCommaOkAssertionNil(t *testing.T) {
	e := newEngine(t, Config{})
	res := run(t, e, `import ("errors"; "fmt"; "runtime")
type MyErr struct{ msg string }
func (e *MyErr) Error() string { return e.msg }
type Name string
func (n Name) String() string { return "name:" + string(n) }
func check(x any) {
	e, ok := x.(error)
	var s, ok2 = x.(fmt.Stringer)
	fmt.Println(e != nil, ok, s != nil, ok2)
	if ok { fmt.Println(e.Error()) }
	if ok2 { fmt.Println(s.String()) }
}
check(nil)
check(&MyErr{"boom"})
check(Name("n"))
check(errors.New("plain"))
check(42)
func protect() (rt bool) {
	defer func() { r := recover(); _, rt = r.(runtime.Error) }()
	return
}
fmt.Println(protect())`)
	want := "false false false false\ntrue true false false\nboom\nfalse false true true\nname:n\ntrue true false false\nplain\nfalse false false false\nfalse\n"
	if got := string(res.Output); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
