package session

import (
	"encoding/binary"
	"net"
	"sync/atomic"
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
// It also counts the bytes that cross it (Session.Traffic).
type coalescedConn struct {
	net.Conn
	buf     []byte
	pending bool // buf holds a header whose body comes next
	traffic *traffic
}

// traffic counts a connection's bytes.
type traffic struct{ in, out atomic.Int64 }

func (c *coalescedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.traffic.in.Add(int64(n))
	return n, err
}

func (c *coalescedConn) Write(p []byte) (int, error) {
	if c.pending {
		c.pending = false
		c.buf = append(c.buf[:yamuxHeaderSize], p...)
		n, err := c.Conn.Write(c.buf)
		c.traffic.out.Add(int64(n))
		return max(n-yamuxHeaderSize, 0), err
	}
	if len(p) == yamuxHeaderSize && p[1] == yamuxTypeData && binary.BigEndian.Uint32(p[8:]) > 0 {
		c.buf = append(c.buf[:0], p...)
		c.pending = true
		return len(p), nil
	}
	n, err := c.Conn.Write(p)
	c.traffic.out.Add(int64(n))
	return n, err
}
