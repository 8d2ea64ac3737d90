package session

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// tcpPair is both ends of a loopback TCP connection.
func tcpPair(t *testing.T) (a, b *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	d := <-accepted
	if d == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close(); d.Close() })
	return c.(*net.TCPConn), d.(*net.TCPConn)
}

// The raw reader and writer move bytes exactly, including a write far
// larger than the socket buffers to a reader that takes small bites
// (both wait in the poller), and a read right after an idle spell.
func TestSocketMovesBytes(t *testing.T) {
	a, b := tcpPair(t)
	sa, sb := newSocket(a), newSocket(b)
	if sa == nil || sb == nil {
		t.Fatal("no raw socket for a TCP connection")
	}
	data := make([]byte, 8<<20)
	for i := range data {
		data[i] = byte(rand.IntN(256))
	}
	start := monoNow()
	werr := make(chan error, 1)
	go func() {
		n, err := sa.Write(data)
		if err == nil && n != len(data) {
			err = io.ErrShortWrite
		}
		werr <- err
	}()
	got := make([]byte, 0, len(data))
	buf := make([]byte, 1000)
	for len(got) < len(data) {
		n, err := sb.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, buf[:n]...)
	}
	if monitor.due.Load() <= start {
		t.Error("the reads and writes did not arm the monitor timer")
	}
	if err := <-werr; err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatal("the bytes read differ from the bytes written")
	}
	if n, err := sb.Read(nil); n != 0 || err != nil {
		t.Errorf("empty read: %d, %v", n, err)
	}
}

// Errors read as net.Conn's do: io.EOF when the peer closes, net.ErrClosed
// after our own Close, a timeout after a deadline, and a hang-up (EPIPE
// or ECONNRESET, which HungUp counts) when writing to a peer that has
// gone, each naming the operation and both addresses.
func TestSocketErrors(t *testing.T) {
	t.Run("EOF", func(t *testing.T) {
		a, b := tcpPair(t)
		b.Close()
		if _, err := newSocket(a).Read(make([]byte, 10)); err != io.EOF {
			t.Errorf("read after the peer closed: %v", err)
		}
	})
	t.Run("closed", func(t *testing.T) {
		a, _ := tcpPair(t)
		s := newSocket(a)
		done := make(chan error, 1)
		go func() {
			_, err := s.Read(make([]byte, 10))
			done <- err
		}()
		a.Close()
		err := <-done
		if !errors.Is(err, net.ErrClosed) || !strings.HasPrefix(err.Error(), "read tcp 127.0.0.1:") {
			t.Errorf("read while closed: %v", err)
		}
	})
	t.Run("deadline", func(t *testing.T) {
		a, _ := tcpPair(t)
		a.SetReadDeadline(time.Now().Add(time.Millisecond))
		_, err := newSocket(a).Read(make([]byte, 10))
		var ne net.Error
		if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("read past the deadline: %v", err)
		}
	})
	t.Run("hang-up", func(t *testing.T) {
		a, b := tcpPair(t)
		b.SetLinger(0) // close with a reset
		b.Close()
		s := newSocket(a)
		var err error
		for range 100 { // the reset arrives after the first write or two
			if _, err = s.Write([]byte("are you there?")); err != nil {
				break
			}
		}
		if !(errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)) {
			t.Fatalf("write to a reset peer: %v", err)
		}
		want := "write tcp " + a.LocalAddr().String() + "->" + a.RemoteAddr().String() + ": write: "
		if !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error %q, want it to start with %q", err, want)
		}
	})
}

// A write that filled the socket and waited in the poller for the peer
// (another process, slow to read) resumes an idle process without waking
// the runtime's monitor thread, so that write must be an ordinary system
// call (socket.go): the goroutine that wrote may then run long, and on
// one P nothing else runs until the monitor preempts it. Here the writer
// spins once its write is done, and a goroutine it made runnable records
// when it got its turn: within Go's preemption slice with the rule,
// never (until the next timer) without it.
func TestSocketWriteAfterIdleSpellWakesTheMonitor(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	reader := exec.Command(os.Args[0], "-test.run=^TestSocketWriteAfterIdleSpellWakesTheMonitor$")
	reader.Env = append(os.Environ(), "DPFW_SLOW_READER="+ln.Addr().String())
	reader.Stderr = os.Stderr
	if err := reader.Start(); err != nil {
		t.Fatal(err)
	}
	defer reader.Wait()
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var ran atomic.Bool
	turn := make(chan struct{})
	go func() {
		<-turn
		ran.Store(true)
	}()
	// Far more than the socket buffers: the write waits for the
	// reader, which reads after an idle spell of its own making.
	if _, err := newSocket(c).Write(make([]byte, 32<<20)); err != nil {
		t.Fatal(err)
	}
	close(turn)
	start := time.Now()
	for !ran.Load() && time.Since(start) < 3*time.Second {
	}
	if took := time.Since(start); !ran.Load() {
		t.Fatalf("the runnable goroutine did not run for %v", took)
	}
}

// The slow reader of TestSocketWriteAfterIdleSpellWakesTheMonitor, a
// process of its own (this test binary run again): connects, stays idle long enough for the writer's
// process to go idle too, then reads everything.
func init() {
	addr := os.Getenv("DPFW_SLOW_READER")
	if addr == "" {
		return
	}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		os.Exit(2)
	}
	time.Sleep(300 * time.Millisecond) // the idle spell under test
	io.Copy(io.Discard, c)
	os.Exit(0)
}
