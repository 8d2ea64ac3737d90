package session

import (
	"sync"
	"testing"
)

// TestLoadTokenRace starts many first uses at once: they must all get
// the same complete token.
func TestLoadTokenRace(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	t.Setenv("DPFW_TOKEN", "")
	toks := make([]string, 16)
	errs := make([]error, 16)
	var wg sync.WaitGroup
	for i := range toks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			toks[i], _, errs[i] = LoadToken("")
		}()
	}
	wg.Wait()
	for i := range toks {
		if errs[i] != nil || toks[i] != toks[0] || len(toks[i]) != 64 {
			t.Fatalf("use %d: %q, %v (first got %q)", i, toks[i], errs[i], toks[0])
		}
	}
}
