package master

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

// quietLog discards what the master and slave under test log.
var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// serveNode starts an in-process slave node of engines engines on a
// loopback port, dials it from m and stops it when the test ends.
func serveNode(t *testing.T, ctx context.Context, m *Master, scfg session.Config, engines int) {
	t.Helper()
	node, err := slave.New(slave.Config{Engines: engines, Session: scfg, Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := session.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() { node.Serve(context.Background(), ln); close(served) }()
	t.Cleanup(func() { ln.Close(); node.Close(); <-served })
	if _, err := m.Dial(ctx, ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
}
