//go:build unix

package native

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// A lockFile that gives up on its context leaves nothing behind: no
// goroutine still waiting for the lock, which would take it later.
func TestLockFileGivesUpWithItsContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "held.lock")
	release, ok := tryLock(path)
	if !ok {
		t.Fatal("tryLock on a fresh file failed")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := lockFile(ctx, path, false)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("lockFile on a held lock, ctx cancelled: %v", err)
	}
	buf := make([]byte, 1<<20)
	if stacks := string(buf[:runtime.Stack(buf, true)]); strings.Contains(stacks, "native.lockFile") {
		t.Fatalf("a goroutine of lockFile outlived its context:\n%s", stacks)
	}
	release()
	// Once free, the lock is granted; and exclusively, so nothing else
	// holds it.
	unlock, err := lockFile(context.Background(), path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, ok := tryLock(path); ok {
		t.Fatal("an exclusive lock did not exclude")
	}
}
