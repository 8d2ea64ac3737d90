package master_test

import (
	"errors"
	"net"
	"testing"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

// A *Slave taken before a reconnect to the same process keeps working
// after it: same handle, same id, same state on the slave.
func TestHandleSurvivesReconnect(t *testing.T) {
	_, addr := startSlave(t, 1)
	px := newProxy(t, addr)
	m := newMaster(t)
	ctx := ctxT(t)
	ss, err := m.Dial(ctx, px.addr())
	if err != nil {
		t.Fatal(err)
	}
	h := ss[0]
	if _, err := h.Run(ctx, "kept := 41"); err != nil {
		t.Fatal(err)
	}
	px.cut()
	waitFor(t, func() bool {
		i := h.Info()
		return i.Rejoin == master.Reconnected && i.State == master.Idle
	})
	if res, err := h.Run(ctx, "kept + 1"); err != nil || res.Value != int64(42) {
		t.Fatalf("the old handle after reconnect: %v, %v", res.Value, err)
	}
	if now := m.Slaves(); len(now) != 1 || now[0] != h || h.ID() != "s1" {
		t.Fatalf("slaves after reconnect: %v", now)
	}
	if h.Info().Tasks != 2 {
		t.Fatalf("the handle's count: %d tasks, want 2", h.Info().Tasks)
	}
}

// Once its process is gone (a new one answers at the address), the
// handle fails with ErrGone, also kind lost.
func TestHandleFailsTypedWhenProcessGone(t *testing.T) {
	ctx := ctxT(t)
	serve := func(ln net.Listener) (stop func()) {
		s, err := slave.New(slave.Config{Engines: 1, Session: session.Config{Token: token}, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { s.Serve(ctx, ln); close(done) }()
		return func() { ln.Close(); s.Close(); <-done }
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	stop := serve(ln)
	m := newMaster(t)
	ss, err := m.Dial(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	h := ss[0]
	stop()
	if ln, err = net.Listen("tcp", addr); err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	t.Cleanup(serve(ln))
	waitFor(t, func() bool {
		now := m.Slaves()
		return len(now) == 1 && now[0].Info().Rejoin == master.Restarted
	})
	_, err = h.Run(ctx, "1")
	if !errors.Is(err, master.ErrGone) || !master.IsKind(err, master.KindLost) {
		t.Fatalf("the old process's handle: %v", err)
	}
	if h.Info().State != master.Gone || m.Slaves()[0] == h {
		t.Fatalf("old handle %v state %v", h, h.Info().State)
	}
}
