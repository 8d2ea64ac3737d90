//go:build unix

package native

import (
	"context"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// lockFile takes a lock on path that the processes of a node see:
// exclusive (to build or remove a cache entry) or shared (to load one),
// waiting until it is granted or ctx is done. It polls, maxLockPoll apart
// at most: a blocking flock cannot be interrupted, and a goroutine left
// in one would outlive ctx (and take the lock after its caller left).
func lockFile(ctx context.Context, path string, exclusive bool) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, unsupported("native cache: %v", err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for wait := time.Millisecond; ; wait = min(2*wait, maxLockPoll) {
		switch err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err {
		case nil:
			return func() { f.Close() }, nil // closing releases the lock
		case syscall.EWOULDBLOCK, syscall.EINTR:
		default:
			f.Close()
			return nil, internal("locking %s: %v", path, err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			f.Close()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// maxLockPoll bounds the wait between two tries of lockFile: a lock is
// held for a build (seconds) or a load (milliseconds).
const maxLockPoll = 20 * time.Millisecond

// tryLock takes the lock on path if it is free now.
func tryLock(path string) (unlock func(), ok bool) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, false
	}
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		f.Close()
		return nil, false
	}
	return func() { f.Close() }, true
}

// inGroup makes cmd the leader of a process group that is killed with it
// when its context ends: the go command's compilers and linkers must not
// outlive a build that timed out.
func inGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
