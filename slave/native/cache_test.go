//go:build unix

package native

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestPruneKeepsTheNewest: beyond MaxCached, the least recently built
// entries go, except the one just built and one another process holds
// (which is skipped, not replaced by a newer one).
func TestPruneKeepsTheNewest(t *testing.T) {
	dir := t.TempDir()
	b, err := New(Config{Dir: dir, MaxCached: 2})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Now().Add(-time.Hour)
	for i, name := range []string{"old0", "old1", "held", "new3", "new4"} {
		entry := filepath.Join(dir, name)
		if err := os.MkdirAll(entry, 0o755); err != nil {
			t.Fatal(err)
		}
		plugin := filepath.Join(entry, pluginFile)
		if err := os.WriteFile(plugin, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
		when := base.Add(time.Duration(i) * time.Minute)
		if err := os.Chtimes(plugin, when, when); err != nil {
			t.Fatal(err)
		}
	}
	unlock, err := lockFile(context.Background(), filepath.Join(dir, "held.lock"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	b.prune("old0") // just built, though its time says otherwise
	for name, want := range map[string]bool{"old0": true, "old1": false, "held": true, "new3": false, "new4": true} {
		_, err := os.Stat(filepath.Join(dir, name, pluginFile))
		if got := err == nil; got != want {
			t.Errorf("%s kept = %v, want %v", name, got, want)
		}
	}
	// Once nothing holds it, the next build brings the cache back to
	// MaxCached, the oldest first.
	unlock()
	b.prune("new4")
	for name, want := range map[string]bool{"old0": false, "held": true, "new4": true} {
		_, err := os.Stat(filepath.Join(dir, name, pluginFile))
		if got := err == nil; got != want {
			t.Errorf("after the release: %s kept = %v, want %v", name, got, want)
		}
	}
}
