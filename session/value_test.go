package session

import (
	"context"
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dpfw/dpfw/eval/failure"
)

// roundTrip encodes v and decodes it into an any.
func roundTrip(t *testing.T, v any) any {
	t.Helper()
	raw, err := EncodeValue(v)
	if err != nil {
		t.Fatalf("EncodeValue(%#v): %v", v, err)
	}
	var out any
	if err := DecodeValue(raw, &out); err != nil {
		t.Fatalf("DecodeValue(%#v): %v", v, err)
	}
	return out
}

// refused asserts that EncodeValue refuses v with a RemoteError of kind
// whose message contains want.
func refused(t *testing.T, v any, kind failure.Kind, want string) {
	t.Helper()
	_, err := EncodeValue(v)
	var re *RemoteError
	if !errors.As(err, &re) || re.Kind != kind || !strings.Contains(re.Msg, want) {
		t.Errorf("EncodeValue(%T): %v; want a %s error containing %q", v, err, kind, want)
	}
}

// Go strings are byte strings: whatever bytes a string holds arrive.
func TestValueStringsKeepTheirBytes(t *testing.T) {
	for _, v := range []any{
		"\xff\xfe",
		"ok \xc3\x28 bad continuation",
		[]string{"\xff", "fine", "\xed\xa0\x80"}, // the last one a UTF-16 surrogate
		map[string]any{"\xfe": "\x80"},
	} {
		got := roundTrip(t, v)
		want := v
		if ss, ok := v.([]string); ok {
			want = []any{ss[0], ss[1], ss[2]}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q came back as %q", v, got)
		}
	}
}

// Keys that are different in Go but the same in CBOR would arrive as
// one entry: refused, naming both keys.
func TestValueKeysThatCollideAreRefused(t *testing.T) {
	a, b := &struct{ N int }{1}, &struct{ N int }{1}
	utc := time.Unix(0, 0).UTC()
	other := utc.In(time.FixedZone("UTC", 0)) // same instant and offset, another *Location
	type K struct{ A any }
	cases := []struct {
		name string
		v    any
		want string
	}{
		{"int kinds", map[any]any{1: "a", int64(1): "b", uint8(1): "c"}, "1 ("},
		{"nested", []any{map[string]any{"m": map[any]string{int8(-1): "x", -1: "y"}}}, "-1 ("},
		{"pointers to equal values", map[*struct{ N int }]int{a: 1, b: 2}, "different in Go but the same on the wire"},
		{"times in different locations", map[time.Time]int{utc: 1, other: 2}, "different in Go"},
		{"struct keys with interface fields", map[K]int{{1}: 1, {uint(1)}: 2}, "different in Go"},
		{"array keys", map[[1]any]int{{1}: 1, {int32(1)}: 2}, "different in Go"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { refused(t, c.v, failure.KindUnsendable, c.want) })
	}
}

// Keys that stay distinct in CBOR cross unchanged; NaN keys, distinct in
// Go, stay distinct; a float keeps every bit.
func TestValueKeysThatDoNotCollide(t *testing.T) {
	got := roundTrip(t, map[any]any{1: "int", 1.0: "float", "1": "string", true: "bool"})
	m := got.(map[any]any)
	if len(m) != 4 || m[int64(1)] != "int" || m[1.0] != "float" || m["1"] != "string" || m[true] != "bool" {
		t.Errorf("map[any]any{1, 1.0, \"1\", true} came back as %#v", got)
	}
	nan := math.Float64frombits(0x7ff8000000000001)
	got = roundTrip(t, map[float64]int{nan: 1, math.NaN(): 2, 0: 3})
	if m := got.(map[any]any); len(m) != 3 {
		t.Errorf("a map with two NaN keys came back as %#v", got)
	}
	got = roundTrip(t, []any{nan, math.Copysign(0, -1), math.Inf(-1)})
	for i, want := range []uint64{0x7ff8000000000001, math.Float64bits(math.Copysign(0, -1)), math.Float64bits(math.Inf(-1))} {
		if bits := math.Float64bits(got.([]any)[i].(float64)); bits != want {
			t.Errorf("float %d came back as %#x, want %#x", i, bits, want)
		}
	}
}

// Maps whose keys are structs have no plain any form; they decode into
// their own type.
func TestValueStructKeys(t *testing.T) {
	type K struct{ A, B int }
	raw, err := EncodeValue(map[K]string{{1, 2}: "x", {3, 4}: "y"})
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := DecodeValue(raw, &v); err == nil {
		t.Errorf("a map with struct keys decoded into any as %#v", v)
	}
	var back map[K]string
	if err := DecodeValue(raw, &back); err != nil || len(back) != 2 || back[K{3, 4}] != "y" {
		t.Errorf("into map[K]string: %v %#v", err, back)
	}
}

// nest returns leaf inside n slices.
func nest(n int, leaf any) any {
	v := leaf
	for range n {
		v = []any{v}
	}
	return v
}

// The encoder refuses exactly what the decoder would: at the depth
// limit a value crosses, one level more is a too-large error.
func TestValueDepthLimit(t *testing.T) {
	got := roundTrip(t, nest(MaxValueDepth, "bottom"))
	for range MaxValueDepth {
		got = got.([]any)[0]
	}
	if got != "bottom" {
		t.Errorf("the bottom of %d levels is %#v", MaxValueDepth, got)
	}
	refused(t, nest(MaxValueDepth+1, 1), failure.KindTooLarge, "more than 1000 levels")
	type S struct{ Next any }
	refused(t, &S{Next: nest(MaxValueDepth, 1)}, failure.KindTooLarge, "more than 1000 levels")
	// An embedded struct's fields are its parent's: no level of its own.
	type E struct{ In any }
	type P struct{ *E }
	roundTrip(t, P{&E{In: nest(MaxValueDepth-1, 1)}})
	refused(t, P{&E{In: nest(MaxValueDepth, 1)}}, failure.KindTooLarge, "more than 1000 levels")
	// Cycles are too deep, or pointer cycles, never a crash.
	cyc := []any{nil}
	cyc[0] = cyc
	refused(t, cyc, failure.KindTooLarge, "more than 1000 levels")
	var p any
	p = &p
	refused(t, p, failure.KindUnsendable, "cycle of pointers")
	// A hostile encoder's deeper value fails to decode, as a value.
	deep := append([]byte(strings.Repeat("\x81", MaxValueDepth+1)), 0x01)
	var v any
	if err := DecodeValue(deep, &v); err == nil {
		t.Error("a value 1001 levels deep decoded")
	}
}

// A map with duplicate keys from a foreign encoder is an error, never a
// smaller map.
func TestValueDuplicateKeysDoNotDecode(t *testing.T) {
	for _, raw := range [][]byte{
		{0xa2, 0x01, 0x61, 'a', 0x01, 0x61, 'b'}, // {1: "a", 1: "b"}
		{0xa2, 0x61, 'k', 0x01, 0x61, 'k', 0x02}, // {"k": 1, "k": 2}
	} {
		var v any
		if err := DecodeValue(raw, &v); err == nil {
			t.Errorf("% x decoded as %#v", raw, v)
		}
	}
}

// Funcs and chans are unsendable, as before.
func TestValueUnsendable(t *testing.T) {
	refused(t, []any{func() {}}, failure.KindUnsendable, "func")
	refused(t, map[string]any{"c": make(chan int)}, failure.KindUnsendable, "chan")
}

// A frame that would break the peer's envelope limits fails locally
// with ErrFrameTooLarge and the session stays up.
func TestEnvelopeLimitsAreCheckedBeforeSending(t *testing.T) {
	m, _ := pair(t, HandlerFunc(func(ctx context.Context, req *Request, _ io.ReadWriter) *Response {
		if req.Kind == KindPing {
			return &Response{}
		}
		return &Response{Keys: make([]string, 1<<20+1)} // one more than the peer takes
	}))
	ctx := context.Background()
	resp, err := m.Call(ctx, &Request{Kind: KindTable, Op: TableKeys})
	if err != nil || resp.Err == nil || resp.Err.Kind != failure.KindTooLarge {
		t.Fatalf("a response over the envelope limits: %v %+v", err, resp)
	}
	_, err = m.Call(ctx, &Request{Kind: KindBatch, Batch: make([]Request, 1<<20+1)})
	if !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("a request over the envelope limits: %v", err)
	}
	if _, err := m.Call(ctx, &Request{Kind: KindPing}); err != nil {
		t.Fatalf("the session did not survive: %v", err)
	}
}

// Values are opaque to the envelope: a value the decoder refuses (a
// foreign encoder's) costs its task only, in both directions.
func TestUndecodableValueCostsItsTaskOnly(t *testing.T) {
	bad := []byte{0xa2, 0x01, 0x61, 'a', 0x01, 0x61, 'b'} // duplicate keys
	deep := append([]byte(strings.Repeat("\x81", MaxValueDepth+1)), 0x01)
	m, _ := pair(t, HandlerFunc(func(ctx context.Context, req *Request, _ io.ReadWriter) *Response {
		if req.Kind == KindPing {
			return &Response{}
		}
		var v any
		if err := DecodeValue(req.Args[0], &v); err != nil {
			return &Response{Err: &RemoteError{Kind: failure.KindUnsendable, Msg: err.Error()}}
		}
		return &Response{Value: deep}
	}))
	ctx := context.Background()
	resp, err := m.Call(ctx, &Request{Kind: KindCall, Func: "f", Args: [][]byte{bad}})
	if err != nil || resp.Err == nil {
		t.Fatalf("an argument with duplicate keys: %v %+v", err, resp)
	}
	ok, _ := EncodeValue(1)
	resp, err = m.Call(ctx, &Request{Kind: KindCall, Func: "f", Args: [][]byte{ok}})
	if err != nil || !reflect.DeepEqual(resp.Value, deep) {
		t.Fatalf("a too-deep result did not arrive as bytes: %v", err)
	}
	var v any
	if DecodeValue(resp.Value, &v) == nil {
		t.Fatal("the too-deep result decoded")
	}
	if _, err := m.Call(ctx, &Request{Kind: KindPing}); err != nil {
		t.Fatalf("the session did not survive: %v", err)
	}
}

// BenchmarkEncodeValueKeys measures the key check on the common shapes.
func BenchmarkEncodeValueKeys(b *testing.B) {
	ints := make([]int, 1000)
	anys := make([]any, 1000)
	strs := map[string]any{}
	for i := range anys {
		anys[i] = i
		strs[string(rune('a'+i%26))+string(rune(i))] = i
	}
	for _, c := range []struct {
		name string
		v    any
	}{{"[]int", ints}, {"[]any", anys}, {"map[string]any", strs}, {"map[any]any", map[any]any{1: 2, "x": 3.5}}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := EncodeValue(c.v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
