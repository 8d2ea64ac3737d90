package session

import (
	"net"
	"testing"
)

// Connections that are not plain TCP (TLS, pipes) are read and written
// as net.Conn.
func TestSocketOnlyForTCP(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	if newSocket(a) != nil {
		t.Error("a raw socket for a pipe")
	}
	if c := newCoalescedConn(a); c.rw != net.Conn(a) {
		t.Error("a pipe is not read and written as itself")
	}
}
