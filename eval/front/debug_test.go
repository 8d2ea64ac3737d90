package front

import (
	"os"
	"strings"
	"testing"
)

// TestDebugLower prints the lowering of the snippets in $LOWER (separated
// by "\n----\n"); it is a tool, skipped unless LOWER is set.
func TestDebugLower(t *testing.T) {
	src := os.Getenv("LOWER")
	if src == "" {
		t.Skip("LOWER not set")
	}
	f := New(Config{})
	for _, s := range strings.Split(src, "\n----\n") {
		p, err := f.Lower(s)
		if err != nil {
			t.Logf("%q: error %+v", s, err)
			continue
		}
		t.Logf("imports %v\nDECLS:\n%s\nCELL:\n%s\nCALL: %s value=%v nil=%v", p.Imports, p.Decls, p.Cell, p.Call, p.Value, p.Nil)
		f.Commit(p)
	}
}
