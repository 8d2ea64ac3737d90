package session

import (
	"io"
	"net"
	"os"
	"syscall"
	"unsafe"
)

// socket reads and writes a TCP connection's file descriptor with raw
// system calls, for yamux's receive and send loops (Linux; elsewhere net.Conn's own).
//
// Why: every system call made through package syscall (which is how
// net.Conn reads and writes) tells the Go runtime that a thread enters
// the kernel, and the first such call after the process was idle wakes
// the runtime's monitor thread (sysmon) from its deep sleep; sysmon then
// polls every 20 µs for as long as the process stays busy, each poll a
// sleep and a wake-up in the kernel. A task round trip makes a process
// go from idle to busy once on each side, so that was one wake-up and a
// few polls per task on each side: a fifth of the CPU time of a one-task
// round trip on both master and slave (perf, 2-core VM), and part of its
// latency. A read or a write of a non-blocking socket never blocks, so
// the runtime need not know the thread is in the kernel: RawSyscall
// skips that bookkeeping. Waiting for the socket to become readable or
// writable still goes through the runtime's network poller
// (syscall.RawConn), with deadlines and Close working as for net.Conn.
//
// What sysmon must still do is preempt a goroutine that runs long
// without yielding (a snippet's loop), so that the others (the
// connection's reader, keepalives, an interrupt) get their turn on a
// one-P slave; asleep, it would not until the process's next timer (the
// keepalive: a second, or a minute). monitor keeps that: reads are raw
// only while its timer is due within monitorPeriod, which bounds
// sysmon's sleep; the first read after an idle spell is an ordinary one,
// which wakes sysmon as before.
type socket struct {
	raw  syscall.RawConn
	conn net.Conn // for the addresses in errors
}

// newSocket returns the raw reader and writer for conn, or nil when conn
// is not a plain TCP connection (TLS, a pipe in tests): those are read
// and written as net.Conn.
func newSocket(conn net.Conn) io.ReadWriter {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return nil
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	return &socket{raw: raw, conn: conn}
}

// Read reads as net.Conn.Read does: at least one byte, or an error; 0
// bytes from the kernel is io.EOF.
func (s *socket) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n int
	var errno syscall.Errno
	err := s.raw.Read(func(fd uintptr) bool {
		for {
			var r uintptr
			var e syscall.Errno
			if monitor.watching() {
				r, _, e = syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
			} else {
				// The first read after an idle spell wakes the monitor.
				r, _, e = syscall.Syscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
			}
			switch e {
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false // wait in the poller until readable
			}
			n, errno = int(r), e
			return true
		}
	})
	switch {
	case err != nil:
		return 0, s.opError("read", err)
	case errno != 0:
		return 0, s.opError("read", os.NewSyscallError("read", errno))
	case n == 0:
		return 0, io.EOF
	}
	monitor.touch()
	return n, nil
}

// Write writes all of p or returns an error, as net.Conn.Write does.
func (s *socket) Write(p []byte) (int, error) {
	done := 0
	var errno syscall.Errno
	err := s.raw.Write(func(fd uintptr) bool {
		for done < len(p) {
			r, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&p[done])), uintptr(len(p)-done))
			switch e {
			case 0:
				done += int(r)
			case syscall.EINTR:
			case syscall.EAGAIN:
				return false // wait in the poller until writable
			default:
				errno = e
				return true
			}
		}
		return true
	})
	switch {
	case err != nil:
		return done, s.opError("write", err)
	case errno != 0:
		return done, s.opError("write", os.NewSyscallError("write", errno))
	}
	return done, nil
}

// opError words err as net.Conn's own errors are (errors.Is still finds
// the errno, net.ErrClosed and os.ErrDeadlineExceeded in it).
func (s *socket) opError(op string, err error) error {
	if oe, ok := err.(*net.OpError); ok { // from RawConn: "raw-read"
		err = oe.Err
	}
	return &net.OpError{Op: op, Net: "tcp", Source: s.conn.LocalAddr(), Addr: s.conn.RemoteAddr(), Err: err}
}
