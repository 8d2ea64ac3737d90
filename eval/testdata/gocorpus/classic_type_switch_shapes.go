// type switches: interface cases, bindings, nil, labels, init, recover values.
package main

import (
	"errors"
	"fmt"
)

type name struct{ n string }

func (n name) String() string { return "<" + n.n + ">" }

type E struct{ code int }

func (e *E) Error() string { return fmt.Sprint("E", e.code) }

type P struct{ X int }

type V struct{ s string }

func (v V) Error() string { return v.s }

func kind(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case int, int64:
		return fmt.Sprintf("integer %v", x)
	case *E:
		if x == nil {
			return "*E nil"
		}
		return fmt.Sprint("*E ", x.code)
	case error:
		return "error " + x.Error()
	case fmt.Stringer:
		return "stringer " + x.String()
	case P:
		return fmt.Sprint("P ", x.X)
	case []int:
		return fmt.Sprint("slice ", len(x))
	default:
		return fmt.Sprintf("other %v", x)
	}
}

func errKind(err error) string {
	switch e := err.(type) {
	case nil:
		return "no error"
	case *E:
		return fmt.Sprint("E code ", e.code)
	}
	return "plain " + err.Error()
}

func loop(vs []any) (n int) {
L:
	for _, v := range vs {
		switch v.(type) {
		case string:
			break L
		case int:
			n++
			continue
		}
		n += 10
	}
	return n
}

func rec(f func()) (s string) {
	defer func() {
		switch r := recover().(type) {
		case nil:
			s = "ok"
		case error:
			s = "error " + r.Error()
		case string:
			s = "string " + r
		default:
			s = fmt.Sprint("other ", r)
		}
	}()
	f()
	return
}

func main() {
	var nilE *E
	for _, v := range []any{nil, 3, int64(4), &E{1}, V{"v"}, errors.New("e"), name{"n"}, P{2}, []int{1}, 2.5, nilE} {
		fmt.Println(kind(v))
	}
	var e error = &E{7}
	fmt.Println(errKind(nil), "|", errKind(e), "|", errKind(V{"w"}), "|", errKind(errors.New("x")))
	fmt.Println(loop([]any{1, 2.5, 3, "stop", 4}))
	switch s := fmt.Sprint(1); x := any(s).(type) {
	case string:
		fmt.Println("init", x)
	}
	fmt.Println(rec(func() {}), rec(func() { panic("p") }), rec(func() { panic(errors.New("q")) }), rec(func() { panic(42) }))
}
