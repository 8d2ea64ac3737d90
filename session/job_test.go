package session

import (
	"strings"
	"testing"

	"github.com/dpfw/dpfw/eval/failure"
)

// JobRef.Check answers with a RemoteError of the one vocabulary, ready
// for a Response, and nil (not a typed nil in an error) when the ref is
// fine.
func TestJobRefCheck(t *testing.T) {
	long := strings.Repeat("x", MaxJobID+1)
	for _, tt := range []struct {
		ref  *JobRef
		kind failure.Kind
	}{
		{&JobRef{Instance: "i", ID: "a1"}, ""},
		{nil, failure.KindNotFound},
		{&JobRef{Instance: "i"}, failure.KindNotFound},
		{&JobRef{Instance: "i", ID: long}, failure.KindTooLarge},
		{&JobRef{Instance: strings.Repeat("i", MaxJobInstance+1), ID: "a1"}, failure.KindTooLarge},
	} {
		re := tt.ref.Check()
		switch {
		case tt.kind == "" && re != nil:
			t.Errorf("%+v: %v", tt.ref, re)
		case tt.kind != "" && (re == nil || re.Kind != tt.kind):
			t.Errorf("%+v: got %v, want kind %s", tt.ref, re, tt.kind)
		}
	}
}
