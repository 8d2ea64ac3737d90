package session

import (
	"encoding/binary"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// yamux frame header layout (hashicorp/yamux spec.md): version, type,
// flags (2 bytes), stream id (4), length (4).
const (
	yamuxHeaderSize = 12
	yamuxTypeData   = 0
)

// coalescedConn is the conn yamux writes to. yamux's single send loop
// writes every frame as two Writes, header then body; on loopback that
// is two segments, two syscalls and often two wake-ups of the peer. This
// wrapper holds back the header of a data frame that has a body and
// sends it together with that body in one Write. It relies on yamux
// writing from one goroutine only, which v0.1.2 does (sendLoop).
// It also counts the bytes that cross it (Session.Traffic), and reads
// and writes a TCP connection through socket (raw system calls).
type coalescedConn struct {
	net.Conn
	rw      io.ReadWriter // socket, or Conn itself when it is not TCP
	buf     []byte
	pending bool // buf holds a header whose body comes next
	traffic *traffic
}

// traffic counts a connection's bytes.
type traffic struct{ in, out atomic.Int64 }

func (c *coalescedConn) Read(p []byte) (int, error) {
	n, err := c.rw.Read(p)
	c.traffic.in.Add(int64(n))
	return n, err
}

func (c *coalescedConn) Write(p []byte) (int, error) {
	if c.pending {
		c.pending = false
		c.buf = append(c.buf[:yamuxHeaderSize], p...)
		n, err := c.rw.Write(c.buf)
		c.traffic.out.Add(int64(n))
		return max(n-yamuxHeaderSize, 0), err
	}
	if len(p) == yamuxHeaderSize && p[1] == yamuxTypeData && binary.BigEndian.Uint32(p[8:]) > 0 {
		c.buf = append(c.buf[:0], p...)
		c.pending = true
		return len(p), nil
	}
	n, err := c.rw.Write(p)
	c.traffic.out.Add(int64(n))
	return n, err
}

// newCoalescedConn wraps conn for yamux.
func newCoalescedConn(conn net.Conn) *coalescedConn {
	c := &coalescedConn{Conn: conn, rw: conn, traffic: new(traffic)}
	if s := newSocket(conn); s != nil {
		c.rw = s
	}
	return c
}

// frameQueue gathers the frames written on the control stream at once
// into one yamux Write. A writer that finds no Write in progress writes
// its frame itself, at once (so a lone frame waits for nothing); frames
// that other goroutines hand in while that Write runs are appended to
// buf, and the same writer sends them all in its next Write, in the
// order they were handed in. With many tasks in flight on a connection
// (Config.Pipeline on the master, a slave answering a queue of them)
// that is one yamux frame, one send-loop hand-off and one syscall for
// many frames instead of one each. The control stream is a byte stream
// of frames, so the peer reads them as it would one by one.
//
// A frame may also be held back (hold) for a little while, to go out with
// the next: a slave holds the response of a task while others are in
// flight behind it on the same connection, so that a queue of short
// tasks is answered in a few Writes; the next write, a full buffer, or
// the timer (at most maxHold after the first frame held) sends it.
type frameQueue struct {
	mu sync.Mutex // protects the fields below
	// drained is signalled (on mu) when the writer takes buf or stops:
	// a sender whose frame made buf longer than maxQueued waits for it,
	// so that senders faster than the connection are held back as they
	// were when each waited for its own Write.
	drained sync.Cond
	buf     []byte      // frames handed in while a Write runs, or held
	spare   []byte      // the last Write's buffer, for reuse
	writing bool        // a writer is in its loop: it sends buf
	timer   *time.Timer // sends held frames; armed while some are held
	armed   bool
	closed  bool // no more timers (the session ended)
}

// maxKeptBuffer bounds the buffer a frameQueue keeps for reuse: the
// rare huge frame does not pin its memory.
const maxKeptBuffer = 1 << 20

// maxQueued bounds the frames waiting behind a Write in progress
// before their senders wait for it (frameQueue.drained).
const maxQueued = 1 << 20

// drainedCond is q.drained, bound to q.mu on first use; q.mu is held.
func (q *frameQueue) drainedCond() *sync.Cond {
	if q.drained.L == nil {
		q.drained.L = &q.mu
	}
	return &q.drained
}

// maxHold is how long a held frame waits at most for others to join it,
// and maxHeld how many bytes of frames may be held before they are sent.
const (
	maxHold = 200 * time.Microsecond
	maxHeld = 32 << 10
)

// write sends frame (nil: only what was held) with write, together with
// the frames held before it, or hands it to the writer in progress,
// which sends it after the frames before it. It returns write's error
// for what this call sent itself, nil for a frame handed on: a Write
// that fails ends the session (write's job), which every frame's sender
// learns from the session.
func (q *frameQueue) write(frame []byte, write func([]byte) error) error {
	q.mu.Lock()
	if q.writing {
		q.buf = append(q.buf, frame...)
		for len(q.buf) > maxQueued && q.writing {
			q.drainedCond().Wait()
		}
		q.mu.Unlock()
		return nil
	}
	out, owned := frame, false // the caller's own buffer: no copy
	if len(q.buf) > 0 {        // held frames go first
		q.disarm()
		q.buf = append(q.buf, frame...)
		out, q.buf, q.spare, owned = q.buf, q.spare[:0], nil, true
	}
	if len(out) == 0 {
		q.mu.Unlock()
		return nil
	}
	q.writing = true
	q.mu.Unlock()
	for {
		err := write(out)
		q.mu.Lock()
		if owned && cap(out) <= maxKeptBuffer {
			q.spare = out[:0]
		}
		if len(q.buf) == 0 || err != nil {
			q.buf = q.buf[:0]
			q.writing = false
			q.drainedCond().Broadcast()
			q.mu.Unlock()
			return err
		}
		out, q.buf, q.spare, owned = q.buf, q.spare[:0], nil, true
		q.drainedCond().Broadcast()
		q.mu.Unlock()
	}
}

// hold keeps frame back to go out with the next write, or at the
// latest maxHold from now; a full buffer goes out at once.
func (q *frameQueue) hold(frame []byte, write func([]byte) error) error {
	q.mu.Lock()
	if q.writing || q.closed || len(q.buf)+len(frame) > maxHeld {
		q.mu.Unlock()
		return q.write(frame, write)
	}
	q.buf = append(q.buf, frame...)
	if !q.armed {
		q.armed = true
		if q.timer == nil {
			q.timer = time.AfterFunc(maxHold, func() { q.flush(write) })
		} else {
			q.timer.Reset(maxHold)
		}
	}
	q.mu.Unlock()
	return nil
}

// disarm stops the timer of held frames that go out now: it would
// start a goroutine, and wake an idle process, for nothing. (A timer that
// fired already finds nothing held, or frames held since, which it
// sends.) q.mu is held.
func (q *frameQueue) disarm() {
	if q.armed {
		q.armed = false
		q.timer.Stop()
	}
}

// flush sends the frames held, if any (the timer's function).
func (q *frameQueue) flush(write func([]byte) error) {
	q.mu.Lock()
	q.armed = false
	q.mu.Unlock()
	q.write(nil, write)
}

// close stops the timer: the session has ended and frames still held
// are dropped with it.
func (q *frameQueue) close() {
	q.mu.Lock()
	q.closed = true
	if q.timer != nil {
		q.timer.Stop()
	}
	q.mu.Unlock()
}
