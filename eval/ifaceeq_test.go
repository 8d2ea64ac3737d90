package eval

import (
	"strings"
	"testing"
)

// == on interface values holding the program's types runs as Go's
// (eval/front/ifaceeq.go); the wants are go run's.
func TestInterfaceEquality(t *testing.T) {
	e := newEngine(t, Config{})
	r := run(t, e, `type T struct{ s string }
func (t *T) Error() string { return t.s }
var ErrT, ErrU = &T{"t"}, &T{"u"}
func find(err error) string {
	switch err {
	case nil:
		return "nil"
	case ErrU:
		return "u"
	case ErrT, io.EOF:
		return "t or eof"
	}
	return "other"
}
var err error = ErrT
var a any = err
type P struct{ E error }
fmt.Println(err == ErrT, err != ErrT, a == ErrT, a == err, err == io.EOF, P{err} == P{ErrT}, find(err), find(nil), find(io.EOF), find(ErrU))`)
	if got, want := string(r.Output), "true false true true false true t or eof nil t or eof u\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	_, ee := runErr(t, e, t.Context(), `type V struct{ n int }
func (V) String() string { return "v" }
var s fmt.Stringer = V{1}
fmt.Println(s == V{1})`)
	if ee.Kind != KindUnsupported || !strings.Contains(ee.Msg, "comparing a fmt.Stringer with a main.V is not supported") {
		t.Errorf("got %v, want the comparison refused", ee)
	}
}
