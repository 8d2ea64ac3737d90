package session

import (
	"reflect"
	"strings"
	"testing"
)

// Every message struct gives each field its own CBOR key: two fields on
// one key (two branches each adding "the next" field) would make one of
// them vanish on the wire without an error.
func TestWireKeysAreUnique(t *testing.T) {
	for _, v := range []any{Request{}, Response{}, RemoteError{}, Event{}, NodeStatus{}, JobInfo{}, JobRef{}, envelope{}} {
		typ := reflect.TypeOf(v)
		seen := map[string]string{}
		for i := range typ.NumField() {
			f := typ.Field(i)
			key, _, _ := strings.Cut(f.Tag.Get("cbor"), ",")
			if key == "" || key == "-" {
				continue
			}
			if other, ok := seen[key]; ok {
				t.Errorf("%s: %s and %s both use CBOR key %s", typ.Name(), other, f.Name, key)
			}
			seen[key] = f.Name
		}
	}
}
