// The assertion matrix of typeswitch.go: each row a dynamic value (label), each
// column a comma-ok assertion (1 true, . false, PANIC). matrix.go.txt is what
// go run prints, matrix.yaegi.txt what bare yaegi v0.16.1 prints
// (TestYaegiAssertionMatrix keeps it measured).
package main

import (
	"errors"
	"fmt"
)

type name string

func (n name) String() string { return "<" + string(n) + ">" }

type cnt int

type E struct{ code int }

func (e *E) Error() string { return fmt.Sprint("E", e.code) }

type P struct{ X int }
type Q struct{ X int }

type V struct{ s string }

func (v V) Error() string { return v.s }

type I interface{ M() int }
type R struct{ n int }

func (r R) M() int { return r.n }

type holder struct{ v any }

func ret() error { return &E{9} }

func row(label string, v any) {
	tests := []struct {
		n string
		f func() bool
	}{
		{"error", func() bool { _, ok := v.(error); return ok }},
		{"Str", func() bool { _, ok := v.(fmt.Stringer); return ok }},
		{"I", func() bool { _, ok := v.(I); return ok }},
		{"*E", func() bool { _, ok := v.(*E); return ok }},
		{"V", func() bool { _, ok := v.(V); return ok }},
		{"name", func() bool { _, ok := v.(name); return ok }},
		{"string", func() bool { _, ok := v.(string); return ok }},
		{"cnt", func() bool { _, ok := v.(cnt); return ok }},
		{"int", func() bool { _, ok := v.(int); return ok }},
		{"P", func() bool { _, ok := v.(P); return ok }},
		{"Q", func() bool { _, ok := v.(Q); return ok }},
		{"*P", func() bool { _, ok := v.(*P); return ok }},
		{"*Q", func() bool { _, ok := v.(*Q); return ok }},
		{"R", func() bool { _, ok := v.(R); return ok }},
		{"[]P", func() bool { _, ok := v.([]P); return ok }},
		{"[]Q", func() bool { _, ok := v.([]Q); return ok }},
		{"nil", func() bool { return v == nil }},
	}
	fmt.Printf("%-10s", label)
	for _, t := range tests {
		r := "PANIC"
		func() {
			defer func() { recover() }()
			if t.f() {
				r = "1"
			} else {
				r = "."
			}
		}()
		fmt.Printf(" %s=%s", t.n, r)
	}
	fmt.Println()
}

func main() {
	var nilE *E
	var e error = &E{4}
	var st fmt.Stringer = name("x")
	var ii I = R{2}
	vals := []any{errors.New("e"), &E{3}, V{"v"}, name("n"), "s", cnt(1), 1, P{1}, Q{1}, &P{1}, &Q{1}, R{1}, []P{{1}}, []Q{{1}}, nil, nilE}
	labels := []string{"errNew", "&E", "V", "name", "str", "cnt", "int", "P", "Q", "&P", "&Q", "R", "[]P", "[]Q", "nil", "nil*E"}
	for i, v := range vals {
		row(labels[i], v)
	}
	row("err(&E)", e)
	row("str(nm)", st)
	row("I(R)", ii)
	row("ret()", ret())
	m := map[string]any{"n": name("m"), "p": P{1}, "s": "s"}
	row("map:name", m["n"])
	row("map:P", m["p"])
	row("map:str", m["s"])
	h := holder{name("h")}
	row("fld:name", h.v)
	ch := make(chan any, 1)
	ch <- Q{1}
	row("chan:Q", <-ch)
	var err2 error = V{"w"}
	row("err(V)", err2)
}
