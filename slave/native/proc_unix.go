//go:build unix

package native

import (
	"context"
	"os"
	"os/exec"
	"syscall"
)

// lockFile takes a lock on path that the processes of a node see:
// exclusive (to build or remove a cache entry) or shared (to load one),
// waiting until it is granted or ctx is done.
func lockFile(ctx context.Context, path string, exclusive bool) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, unsupported("native cache: %v", err)
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	got := make(chan error, 1)
	go func() { got <- syscall.Flock(int(f.Fd()), how) }()
	select {
	case err := <-got:
		if err != nil {
			f.Close()
			return nil, internal("locking %s: %v", path, err)
		}
		return func() { f.Close() }, nil // closing releases the lock
	case <-ctx.Done():
		go func() { // the lock may still be granted: give it back
			<-got
			f.Close()
		}()
		return nil, ctx.Err()
	}
}

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
