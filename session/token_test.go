package session

import (
	"errors"
	"os"
	"strings"
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

// TestFindTokenNeverCreates: FindToken reports a missing token with
// ErrNoToken and the way to get one, and creates nothing; WriteToken
// replaces the file, which FindToken then reads.
func TestFindTokenNeverCreates(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("DPFW_TOKEN", "")
	_, _, err := FindToken("")
	if !errors.Is(err, ErrNoToken) || !strings.Contains(err.Error(), "DPFW_TOKEN") {
		t.Fatalf("FindToken with no token: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("FindToken created %v", entries)
	}
	path, err := WriteToken("abc\n")
	if err != nil {
		t.Fatal(err)
	}
	if tok, src, err := FindToken(""); tok != "abc" || src != "file "+path || err != nil {
		t.Fatalf("after WriteToken: %q %q %v", tok, src, err)
	}
	if _, err := WriteToken(NewToken()); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("rewritten token file: %v %v", fi.Mode(), err)
	}
	if tok, _, _ := LoadToken(""); tok == "abc" || len(tok) != 64 {
		t.Fatalf("the token was not replaced: %q", tok)
	}
	if _, err := WriteToken("two words"); err == nil {
		t.Fatal("WriteToken accepted a token with a space")
	}
}
