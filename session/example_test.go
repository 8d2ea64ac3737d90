package session_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/dpfw/dpfw/session"
)

type echo struct{}

func (echo) ServeTask(ctx context.Context, req *session.Request, stream io.ReadWriter) *session.Response {
	if stream != nil {
		b, _ := io.ReadAll(stream)
		stream.Write([]byte(strings.ToUpper(string(b))))
		return &session.Response{Text: "stream done"}
	}
	return &session.Response{Text: "you sent " + req.Src}
}

// A slave listens, a master dials, and the master runs a task and a
// streaming task on the slave.
func Example() {
	ctx := context.Background()
	cfg := session.Config{Token: "s3cret", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}

	ln, _ := session.Listen("") // 127.0.0.1, any free port
	defer ln.Close()
	go func() {
		conn, _ := ln.Accept()
		s, err := session.New(ctx, conn, cfg, session.Identity{Role: session.RoleSlave, Name: "slave1"})
		if err != nil {
			return
		}
		defer s.Close()
		s.Serve(ctx, echo{})
	}()

	m, err := session.Dial(ctx, ln.Addr().String(), cfg, session.Identity{Role: session.RoleMaster, Name: "master"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	fmt.Println("connected to", m.Peer().Name)

	resp, _ := m.Call(ctx, &session.Request{Kind: session.KindEval, Src: "1+1"})
	fmt.Println(resp.Text)

	ts, _ := m.OpenTask(ctx, &session.Request{Kind: session.KindStream})
	defer ts.Close()
	io.WriteString(ts, "hello")
	ts.CloseWrite()
	out, _ := io.ReadAll(ts)
	resp, _ = ts.Result(ctx)
	fmt.Println(string(out), resp.Text)
	// Output:
	// connected to slave1
	// you sent 1+1
	// HELLO stream done
}
