package eval

import (
	"strings"
	"testing"
)

// A map whose key type is or holds an interface, keyed by the program's
// values (eval/front/mapkey.go): yaegi keyed it by its wrappers of them
// (two entries for one pointer, or a panic hashing interp._error). The
// wants are go run's of the same program.
func TestMapInterfaceKeys(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, `type MyErr struct{ code int }
func (e *MyErr) Error() string { return fmt.Sprintf("myerr %d", e.code) }
type Pair struct {
	A any
	N int
}
type E interface{ Error() string }
type K struct{ e error }`)
	r := run(t, e, `func f() {
eof, bad := errors.New("eof"), errors.New("bad")
m := map[error]int{eof: 1}
m[bad] = 2
var err error = eof
m[err] += 10
v, ok := m[errors.New("eof")]
fmt.Println(len(m), m[eof], m[bad], v, ok)
delete(m, bad)
fmt.Println(len(m))
p := &MyErr{1}
var a, b any = p, p
var e error = p
n := map[any]int{p: 1, "s": 2}
n[a]++
n[b]++
n[e]++
delete(n, "s")
fmt.Println(len(n), n[p], n[a])
s := map[Pair]int{}
s[Pair{a, 1}]++
s[Pair{b, 1}]++
s[Pair{p, 2}]++
var keys []string
for k, v := range s {
	keys = append(keys, fmt.Sprintf("%v:%d", k.A.(*MyErr).code+k.N, v))
}
sort.Strings(keys)
fmt.Println(len(s), keys)
for k := range n {
	fmt.Println(k.(error).Error())
}
}
f()`)
	if got, want := string(r.Output), "2 11 2 0 false\n1\n1 4 4\n2 [2:2 3:1]\nmyerr 1\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Keys written without their type ({a, 1}); go run: "1 3\n1\n".
	r = run(t, e, `func g() {
p := &MyErr{1}
var a any = p
m := map[Pair]int{{a, 1}: 2, {p, 1}: 3}
fmt.Println(len(m), m[Pair{p, 1}])
ms := map[[2]any]int{{1, 2}: 1}
fmt.Println(ms[[2]any{1, 2}])
}
g()`)
	if got, want := string(r.Output), "1 3\n1\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, c := range []struct{ src, want string }{
		// go run: "3 1 2 3 0", then lookups, delete and range.
		{`e1, e2, eof := &MyErr{1}, &MyErr{2}, errors.New("eof")
m := map[error]int{e1: 1, eof: 3}
m[e2] = 2
fmt.Println(len(m), m[e1], m[e2], m[eof], m[&MyErr{1}])`, "a value of a type the interpreter runs (declared in the program, or an error of fmt.Errorf with %w or errors.Join where the program declares error types) as a key of map[error]int is not supported"},
		{`m := map[error]int{}
delete(m, &MyErr{1})`, "as a key of map[error]int is not supported"},
		{`m := map[K]int{}
m[K{&MyErr{1}}]++`, "held in error as a key of map[main.K]int is not supported"},
		// go run: "1 2"
		{`e1 := &MyErr{1}
var x, y E = e1, e1
m := map[E]int{}
m[x]++
m[y]++
fmt.Println(len(m), m[x])`, "a key of map[main.E]int is not supported"},
	} {
		_, ee := runErr(t, e, t.Context(), "func f() {\n"+c.src+"\n}\nf()")
		if ee.Kind != KindUnsupported || !strings.Contains(ee.Msg, c.want) {
			t.Errorf("%s:\ngot %v, want kind unsupported with %q", c.src, ee, c.want)
		}
	}
	// fmt.Errorf with %w runs interpreted where the program declares
	// error types (a fresh engine: an earlier snippet's assertion would
	// refuse it first).
	e2 := newEngine(t, Config{})
	run(t, e2, `type MyErr struct{}
func (*MyErr) Error() string { return "" }`)
	_, ee := runErr(t, e2, t.Context(), "func f() {\nm := map[error]int{}\nm[fmt.Errorf(\"w: %w\", io.EOF)]++\n}\nf()")
	if want := "an error of fmt.Errorf with %w or errors.Join where the program declares error types) as a key of map[error]int is not supported"; ee.Kind != KindUnsupported || !strings.Contains(ee.Msg, want) {
		t.Errorf("got %v, want kind unsupported with %q", ee, want)
	}
}
