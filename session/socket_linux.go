package session

import (
	"io"
	"net"
	"os"
	"sync/atomic"
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
// keepalive: a second, or a minute). monitor keeps that: reads and
// writes are raw only while its timer is due within monitorPeriod, which
// bounds sysmon's sleep; the first read or write after an idle spell is
// an ordinary one, which wakes sysmon as before. That includes a write
// that waited in the poller for the socket to drain: the poller wakes an
// idle process without waking sysmon, and the writer's goroutine (a
// snippet printing) may then run long.
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
			r, e := sysIO(syscall.SYS_READ, fd, p)
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
	raceRead(p[:n])
	return n, nil
}

// Write writes all of p or returns an error, as net.Conn.Write does.
func (s *socket) Write(p []byte) (int, error) {
	raceWriting()
	done := 0
	var werr error
	err := s.raw.Write(func(fd uintptr) bool {
		for done < len(p) {
			r, e := sysIO(syscall.SYS_WRITE, fd, p[done:])
			switch {
			case e == syscall.EINTR:
			case e == syscall.EAGAIN:
				return false // wait in the poller until writable
			case e != 0:
				werr = os.NewSyscallError("write", e)
				return true
			case r == 0: // no progress and no error: as internal/poll says it
				werr = io.ErrUnexpectedEOF
				return true
			default:
				done += int(r)
			}
		}
		return true
	})
	if done > 0 {
		monitor.touch()
		raceWritten(p[:done])
	}
	switch {
	case err != nil:
		return done, s.opError("write", err)
	case werr != nil:
		return done, s.opError("write", werr)
	}
	return done, nil
}

// sysIO reads or writes p on fd: a raw system call while the monitor
// timer is due, else an ordinary one, which wakes the monitor thread
// (the first read or write after an idle spell, and one the poller woke
// after the spell: see monitor).
func sysIO(trap, fd uintptr, p []byte) (uintptr, syscall.Errno) {
	if monitor.watching() {
		r, _, e := syscall.RawSyscall(trap, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
		return r, e
	}
	r, _, e := syscall.Syscall(trap, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	return r, e
}

// kernelOrder stands, for the race detector, for the kernel between a
// write and the read of what it wrote. Package syscall's Read and Write
// tell the race detector that the kernel writes what a read returns,
// reads what a write sends, and orders a write before a later read (its
// ioSync); raw system calls tell it nothing, so under -race the socket
// says the same itself (an atomic counts as synchronisation there, and a
// copy as an access). Without it, -race saw the two ends of a session in
// one process race (TestSocketOrdersMemoryLikeSyscalls).
var kernelOrder atomic.Int64

// raceWriting comes before a write.
func raceWriting() {
	if raceEnabled {
		kernelOrder.Add(1)
	}
}

// raceWritten comes after a write that sent p.
func raceWritten(p []byte) {
	if raceEnabled {
		var buf [512]byte
		for len(p) > 0 {
			p = p[copy(buf[:], p):]
		}
	}
}

// raceRead comes after a read that filled p.
func raceRead(p []byte) {
	if raceEnabled {
		copy(p, p)
		kernelOrder.Load()
	}
}

// opError words err as net.Conn's own errors are (errors.Is still finds
// the errno, net.ErrClosed and os.ErrDeadlineExceeded in it).
func (s *socket) opError(op string, err error) error {
	if oe, ok := err.(*net.OpError); ok { // from RawConn: "raw-read"
		err = oe.Err
	}
	return &net.OpError{Op: op, Net: "tcp", Source: s.conn.LocalAddr(), Addr: s.conn.RemoteAddr(), Err: err}
}
