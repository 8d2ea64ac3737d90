package master_test

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

// With no slave, the Master runs tasks on an in-process node after the
// grace period, and says so.
func TestLocalFallback(t *testing.T) {
	node, err := slave.New(slave.Config{Engines: 1, Session: session.Config{Token: token}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { node.Close() })
	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet,
		FallbackAfter: 50 * time.Millisecond,
		LocalFallback: master.PipeFallback(func(ctx context.Context, c net.Conn) error { return node.ServeConn(ctx, c) })})
	t.Cleanup(func() { m.Close() })
	ctx := ctxT(t)
	res, err := m.Run(ctx, "2 + 3") // queued until the fallback joins
	if err != nil || res.Value != int64(5) || res.Slave != "local1" {
		t.Fatalf("got %v from %q: %v", res.Value, res.Slave, err)
	}
	ss := m.Slaves()
	if len(ss) != 1 || ss[0].Info().Rejoin != master.Local || ss[0].Info().Rejoin.String() != "local" {
		t.Fatalf("slaves %v", ss)
	}
	// A real slave joining later adds to the pool.
	_, addr := startSlave(t, 1)
	if added, err := m.Dial(ctx, addr); err != nil || added[0].ID() != "s1" {
		t.Fatalf("dial after the fallback: %v %v", added, err)
	}
}

// The in-process node of a PipeFallback has stopped serving by the time
// Master.Close returns.
func TestCloseWaitsForPipeFallback(t *testing.T) {
	node, err := slave.New(slave.Config{Engines: 1, Session: session.Config{Token: token}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { node.Close() })
	var served atomic.Bool
	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet,
		FallbackAfter: time.Millisecond,
		LocalFallback: master.PipeFallback(func(ctx context.Context, c net.Conn) error {
			defer served.Store(true)
			return node.ServeConn(ctx, c)
		})})
	defer m.Close()
	ctx := ctxT(t)
	if _, err := m.Run(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	m.Close()
	if !served.Load() {
		t.Fatal("Close returned while the fallback node was still serving")
	}
}
