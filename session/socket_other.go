//go:build !linux

package session

import (
	"io"
	"net"
)

// newSocket is nil where raw socket system calls are not built
// (socket_linux.go): connections are read and written as net.Conn.
func newSocket(net.Conn) io.ReadWriter { return nil }
