package session

import (
	"testing"
)

// FuzzDecodeValue feeds arbitrary bytes to the value decoder, which reads
// task results, call arguments and table values off the network. It must
// return an error or a value, never panic, and what it decodes must
// encode again.
func FuzzDecodeValue(f *testing.F) {
	for _, v := range []any{int64(5), "x", []any{int64(1), "a"}, map[string]any{"k": 1.5}, []byte{1, 2}} {
		raw, err := EncodeValue(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(raw))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v any
		if err := DecodeValue(data, &v); err != nil {
			return
		}
		if _, err := EncodeValue(v); err != nil {
			t.Fatalf("decoded %#v does not encode: %v", v, err)
		}
	})
}
