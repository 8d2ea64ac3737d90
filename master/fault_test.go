package master_test

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

// proxy forwards TCP connections to target. cut drops every connection
// it carries (like a crashed link with RST/FIN); freeze stops forwarding
// bytes without closing anything (a silent network loss).
type proxy struct {
	t      testing.TB
	ln     net.Listener
	target string

	mu     sync.Mutex
	conns  []net.Conn
	frozen chan struct{} // closed while traffic flows
	wg     sync.WaitGroup
}

func newProxy(t testing.TB, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{t: t, ln: ln, target: target, frozen: make(chan struct{})}
	close(p.frozen)
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() { ln.Close(); p.thaw(); p.cut(); p.wg.Wait() })
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		u, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, u)
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, u)
		go p.pipe(u, c)
	}
}

func (p *proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		p.mu.Lock()
		flowing := p.frozen
		p.mu.Unlock()
		<-flowing
		if n > 0 {
			if _, err := dst.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) freeze() {
	p.mu.Lock()
	p.frozen = make(chan struct{})
	p.mu.Unlock()
}

func (p *proxy) thaw() {
	p.mu.Lock()
	select {
	case <-p.frozen:
	default:
		close(p.frozen)
	}
	p.mu.Unlock()
}

func TestRedialKeepsStateOfSameProcess(t *testing.T) {
	_, addr := startSlave(t, 1)
	px := newProxy(t, addr)
	m := newMaster(t)
	ctx := ctxT(t)
	if _, err := m.Dial(ctx, px.addr()); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(ctx, "kept := 41"); err != nil {
		t.Fatal(err)
	}
	px.cut()
	// The master redials through the proxy on its own.
	waitFor(t, func() bool {
		ss := m.Slaves()
		return len(ss) == 1 && ss[0].Info().Rejoin == master.Reconnected
	})
	s, err := m.Slave("s1")
	if err != nil {
		t.Fatalf("the reconnected slave should keep its id: %v", err)
	}
	if res, err := s.Run(ctx, "kept + 1"); err != nil || res.Value != int64(42) {
		t.Fatalf("state after reconnect: %v, %v", res.Value, err)
	}
}

func TestRedialTellsRestartedProcess(t *testing.T) {
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
	if _, err := m.Dial(ctx, addr); err != nil {
		t.Fatal(err)
	}
	stop()
	// A new process on the same address: same listen port, new state.
	if ln, err = net.Listen("tcp", addr); err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	t.Cleanup(serve(ln))
	waitFor(t, func() bool {
		ss := m.Slaves()
		return len(ss) == 1 && ss[0].Info().Rejoin == master.Restarted
	})
}

func TestSilentNetworkLossIsDetected(t *testing.T) {
	for name, cfg := range map[string]session.Config{
		"defaults": {Token: token},
		"tuned":    {Token: token, KeepAlive: 100 * time.Millisecond, WriteTimeout: 300 * time.Millisecond},
	} {
		t.Run(name, func(t *testing.T) {
			_, addr := startSlave(t, 1)
			px := newProxy(t, addr)
			m := master.New(master.Config{Session: cfg, Logger: quiet, NoRedial: true})
			t.Cleanup(func() { m.Close() })
			ctx := ctxT(t)
			if _, err := m.Dial(ctx, px.addr()); err != nil {
				t.Fatal(err)
			}
			f := m.Slaves()[0].Submit(ctx, master.Task{Src: `import "time"; time.Sleep(time.Hour)`})
			px.freeze()
			start := time.Now()
			_, err := f.Wait(ctx)
			if !master.IsKind(err, master.KindLost) {
				t.Fatalf("got %v, want lost", err)
			}
			t.Logf("silent loss detected after %s", time.Since(start).Round(time.Millisecond))
		})
	}
}

func TestMasterGoneFreesTheEngine(t *testing.T) {
	_, addr := startSlave(t, 1)
	ctx := ctxT(t)
	a := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet, NoRedial: true})
	if _, err := a.Dial(ctx, addr); err != nil {
		t.Fatal(err)
	}
	b := newMaster(t)
	if _, err := b.Dial(ctx, addr); err != nil {
		t.Fatal(err)
	}
	spin := a.Submit(context.Background(), master.Task{Src: "for {}"})
	// Make sure the spin owns the engine before a goes away: b's task
	// queues behind it on the slave's only engine.
	waitFor(t, func() bool { return a.Slaves()[0].Info().State == master.Busy })
	a.Close()
	if _, err := spin.Wait(ctx); err == nil {
		t.Fatal("the spinning task should fail when its master closes")
	}
	if res, err := b.Run(ctx, "1+1"); err != nil || res.Value != int64(2) {
		t.Fatalf("other master after the first left: %v, %v", res.Value, err)
	}
}

// waitFor polls cond until it holds, failing the test after 20 s.
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 20s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
