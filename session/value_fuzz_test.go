package session

import (
	"math"
	"strings"
	"testing"
)

// FuzzDecodeValue feeds arbitrary bytes to the value decoder, which reads
// task results, call arguments and table values off the network. It must
// return an error or a value, never panic; what it decodes must encode
// again (the encoder refuses nothing the decoder takes), and that
// encoding must decode.
func FuzzDecodeValue(f *testing.F) {
	type K struct{ A, B int }
	for _, v := range []any{
		int64(5), "x", []any{int64(1), "a"}, map[string]any{"k": 1.5}, []byte{1, 2},
		"\xff\xfe", []string{"\xff", "ok"}, // strings of any bytes
		map[any]any{1: "int", 1.0: "float", "1": "text"},
		map[float64]int{math.NaN(): 1, math.NaN(): 2},
		map[K]string{{1, 2}: "struct key"},
		nest(MaxValueDepth, 1),
	} {
		raw, err := EncodeValue(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Add([]byte{0xa2, 0x01, 0x61, 'a', 0x01, 0x61, 'b'})                // duplicate keys
	f.Add(append([]byte(strings.Repeat("\x81", MaxValueDepth+1)), 0x01)) // one level too deep
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		if err := DecodeValue(data, &v); err != nil {
			return
		}
		raw, err := EncodeValue(v)
		if err != nil {
			t.Fatalf("decoded %#v does not encode: %v", v, err)
		}
		if err := DecodeValue(raw, &v); err != nil {
			t.Fatalf("the encoding of a decoded value does not decode: %v", err)
		}
	})
}
