package session

import (
	"context"
	"fmt"
	"io"
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

// The two ends of a session in one process order memory as net.Conn
// does: what the caller wrote before a Call, the handler may read, and
// what the handler wrote before its Response, the caller may read after
// it. Package syscall's reads and writes tell the race detector so; the
// raw ones must too (socket_race.go), or -race reports a race here.
func TestSocketOrdersMemoryLikeSyscalls(t *testing.T) {
	var note string
	m, _ := pair(t, HandlerFunc(func(ctx context.Context, req *Request, _ io.ReadWriter) *Response {
		note += " read"
		return &Response{Text: note}
	}))
	for i := range 3 {
		note = fmt.Sprint("call ", i)
		resp, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: "x"})
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprint("call ", i, " read"); resp.Text != want || note != want {
			t.Fatalf("the handler answered %q and left %q, want %q", resp.Text, note, want)
		}
	}
}
