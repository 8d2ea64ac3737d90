//go:build unix

package main

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

// nested is the source of a value of n nested []any around 7.
func nested(n int) string {
	return fmt.Sprintf("var v any = 7; for i := 0; i < %d; i++ { v = []any{v} }; v", n)
}

// bottom unwraps n levels of []any.
func bottom(v any, n int) any {
	for range n {
		s, ok := v.([]any)
		if !ok || len(s) != 1 {
			return fmt.Sprintf("not a 1-element []any: %#v", v)
		}
		v = s[0]
	}
	return v
}

// A value case is a task whose value or failure is checked exactly.
type valueCase struct {
	name  string
	task  master.Task
	check func(res master.Result, err error) error
}

// wantKind checks that err is a RemoteError of kind whose message holds
// every one of want.
func wantKind(kind master.Kind, want ...string) func(master.Result, error) error {
	return func(_ master.Result, err error) error {
		var re *master.RemoteError
		if !errors.As(err, &re) || re.Kind != kind {
			return fmt.Errorf("got %v, want a %s error", err, kind)
		}
		for _, w := range want {
			if !strings.Contains(re.Msg, w) {
				return fmt.Errorf("%s error %q does not say %q", kind, re.Msg, w)
			}
		}
		return nil
	}
}

// wantValue checks the decoded value.
func wantValue(want any) func(master.Result, error) error {
	return func(res master.Result, err error) error {
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(res.Value, want) {
			return fmt.Errorf("value %#v, want %#v", res.Value, want)
		}
		return nil
	}
}

// wantNested checks a value of n nested []any around 7.
func wantNested(n int) func(master.Result, error) error {
	return func(res master.Result, err error) error {
		if err != nil {
			return err
		}
		if b := bottom(res.Value, n); b != int64(7) {
			return fmt.Errorf("bottom of %d levels: %v", n, b)
		}
		return nil
	}
}

// TestOneBadValueCostsOnlyItsTask sends values that used to close the
// connection to the slave process (invalid UTF-8 both ways, deep
// nesting) or come back silently wrong (colliding map keys) to one
// engine of a real slave process, each while a task runs on the other
// engine of the same connection: every one fails alone, or arrives
// exactly, and the other task returns its result.
func TestOneBadValueCostsOnlyItsTask(t *testing.T) {
	ctx := ctxT(t, 120*time.Second)
	_, ss := twoEngines(t, ctx)
	if _, err := ss[0].Submit(ctx, master.Task{Src: "func echo(v any) any { return v }"}).Wait(ctx); err != nil {
		t.Fatal(err)
	}
	d := session.MaxValueDepth
	cases := []valueCase{
		// 1. Source: raw invalid bytes are Go's own compile error; the
		// same bytes written as escapes are valid Go, and exact.
		{"raw invalid UTF-8 in source", master.Task{Src: "s := \"a\xff\xfeb\"; s"}, wantKind(master.KindCompile, "illegal UTF-8 encoding")},
		{"escapes in source", master.Task{Src: `s := "\xff\xfe"; s + string(rune(0xe9))`}, wantValue("\xff\xfe\u00e9")},
		{"byte-level string ops", master.Task{Src: `s := "\xff\xfe\x00"; []any{len(s), s[0], []byte(s)}`}, wantValue([]any{int64(3), int64(255), []byte{0xff, 0xfe, 0}})},
		// 2. Results and panics carry their bytes.
		{"string result", master.Task{Src: `string([]byte{0xff, 0, 0xfe})`}, wantValue("\xff\x00\xfe")},
		{"[]string result", master.Task{Src: `[]string{"\xff", "ok", "\xc3\x28"}`}, wantValue([]any{"\xff", "ok", "\xc3\x28"})},
		{"panic message", master.Task{Src: `panic("bad \xff\xfe")`}, wantKind(master.KindPanic, "bad \xff\xfe")},
		{"error text", master.Task{Src: `import "errors"; errors.New("e\xff")`}, wantValue("e\xff")},
		// 3. Depth: the limit crosses, one more is refused, per task.
		{"nesting at the limit", master.Task{Src: nested(d)}, wantNested(d)},
		{"nesting past the limit", master.Task{Src: nested(d + 1)}, wantKind(master.KindTooLarge, "more than 1000 levels")},
		{"a cycle", master.Task{Src: `s := []any{nil}; s[0] = s; s`}, wantKind(master.KindTooLarge, "more than 1000 levels")},
		// 4. Map keys that are different in Go but equal on the wire.
		{"keys 1, int64(1), uint8(1)", master.Task{Src: `map[any]any{1: "a", int64(1): "b", uint8(1): "c"}`},
			wantKind(master.KindUnsendable, "different in Go but the same on the wire")},
		{"keys 1 and 1.0", master.Task{Src: `map[any]any{1: "int", 1.0: "float"}`}, wantValue(map[any]any{int64(1): "int", 1.0: "float"})},
		{"pointer keys", master.Task{Src: `a, b := 1, 1; map[*int]string{&a: "a", &b: "b"}`},
			wantKind(master.KindUnsendable, "different in Go but the same on the wire")},
		{"NaN keys", master.Task{Src: `import "math"; m := map[float64]int{}; m[math.NaN()] = 1; m[math.NaN()] = 2; m[0] = 3; len(m)`}, wantValue(int64(3))},
		{"two NaN keys cross", master.Task{Src: `import "math"; m := map[float64]int{}; m[math.NaN()] = 1; m[math.NaN()] = 2; m`}, func(res master.Result, err error) error {
			if m, ok := res.Value.(map[any]any); err != nil || !ok || len(m) != 2 {
				return fmt.Errorf("%v %#v", err, res.Value)
			}
			return nil
		}},
		// Master to slave: arguments and their limits.
		{"argument bytes", master.Task{Func: "echo", Args: []any{[]any{"\xff\xfe", map[string]any{"\x80": 1.5}}}},
			wantValue([]any{"\xff\xfe", map[string]any{"\x80": 1.5}})},
		{"argument keys collide", master.Task{Func: "echo", Args: []any{map[any]any{1: "a", int64(1): "b"}}},
			wantKind(master.KindUnsendable, "argument 0 of echo", "different in Go")},
		{"argument too deep", master.Task{Func: "echo", Args: []any{nest(d + 1)}}, wantKind(master.KindTooLarge, "argument 0 of echo", "more than 1000 levels")},
		{"argument at the limit", master.Task{Func: "echo", Args: []any{nest(d)}}, wantNested(d)},
	}
	for _, c := range cases {
		companion := ss[1].Submit(ctx, master.Task{Src: companionSrc, Timeout: 20 * time.Second})
		res, err := ss[0].Submit(ctx, c.task).Wait(ctx)
		if cerr := c.check(res, err); cerr != nil {
			t.Errorf("%s: %v", c.name, cerr)
		}
		if cres, cerr := companion.Wait(ctx); cerr != nil || cres.Value != int64(42) {
			t.Fatalf("%s: the task on the other engine got %v, %v", c.name, cres.Value, cerr)
		}
	}
}

// twoEngines is a master connected to one slave process with two
// engines: two slaves on one connection.
func twoEngines(t *testing.T, ctx context.Context) (*master.Master, []*master.Slave) {
	t.Helper()
	p := startSlave(t, "-n", "2", "-supervise=false", "serve", "127.0.0.1:0")
	m := newMaster(t)
	ss, err := m.Dial(ctx, p.addr(t))
	if err != nil {
		t.Fatal(err)
	}
	return m, ss
}

// nest returns 7 inside n []any.
func nest(n int) any {
	var v any = int64(7)
	for range n {
		v = []any{v}
	}
	return v
}

// A map with struct keys has no plain any form: Wait says so with a
// typed error, Decode into the matching Go type gets it, and the task
// next to it is unharmed. In a Batch, one bad argument fails its own
// task only.
func TestStructKeysAndBatchesOfBadValues(t *testing.T) {
	ctx := ctxT(t, 60*time.Second)
	m, ss := twoEngines(t, ctx)
	src := `type K struct{ A, B int }; map[K]string{{1, 2}: "x", {3, 4}: "y"}`
	companion := ss[1].Submit(ctx, master.Task{Src: companionSrc, Timeout: 20 * time.Second})
	f := ss[0].Submit(ctx, master.Task{Src: src})
	if _, err := f.Wait(ctx); !master.IsKind(err, master.KindUnsendable) || !strings.Contains(err.Error(), "Future.Decode") {
		t.Errorf("Wait on a map with struct keys: %v", err)
	}
	type K struct{ A, B int }
	var got map[K]string
	if err := f.Decode(ctx, &got); err != nil || !reflect.DeepEqual(got, map[K]string{{1, 2}: "x", {3, 4}: "y"}) {
		t.Errorf("Decode into map[K]string: %v %#v", err, got)
	}
	if res, err := companion.Wait(ctx); err != nil || res.Value != int64(42) {
		t.Fatalf("the task on the other engine got %v, %v", res.Value, err)
	}

	for _, s := range ss {
		if _, err := s.Submit(ctx, master.Task{Src: "func id(v any) any { return v }"}).Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	results, err := m.Batch(ctx, 10,
		master.Task{Func: "id", Args: []any{"\xff"}},
		master.Task{Func: "id", Args: []any{map[any]any{1: "a", uint8(1): "b"}}},
		master.Task{Func: "id", Args: []any{nest(session.MaxValueDepth + 1)}},
		master.Task{Src: `"ok \xfe"`},
	)
	if err == nil || !strings.Contains(err.Error(), "task 1: unsendable error") || !strings.Contains(err.Error(), "task 2: too-large error") ||
		strings.Contains(err.Error(), "task 0") || strings.Contains(err.Error(), "task 3") {
		t.Errorf("Batch with two bad arguments: %v", err)
	}
	if len(results) != 4 || results[0].Value != "\xff" || results[3].Value != "ok \xfe" {
		t.Errorf("the good tasks of the batch: %+v", results)
	}
}
