package slave_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

const token = "slave-test-token"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// syncBuffer is a log sink that tests can read while the slave writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// openFDs counts this process's open file descriptors, or -1 where
// /proc is not available.
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// waitBelow polls until count() <= limit, failing after 10 s.
func waitBelow(t *testing.T, what string, count func() int, limit int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for count() > limit {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d, want at most %d", what, count(), limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestHostileConnectionsCostOnlyThemselves throws garbage, protocol
// confusion, silence and a wrong token at a slave server while a good
// master uses it: every bad connection is closed with one log line, the
// master's tasks are unaffected, and no goroutine or descriptor leaks.
func TestHostileConnectionsCostOnlyThemselves(t *testing.T) {
	baseG, baseFD := runtime.NumGoroutine(), openFDs()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	cfg := session.Config{Token: token, HandshakeTimeout: 300 * time.Millisecond}
	s, err := slave.New(slave.Config{Engines: 1, Session: cfg, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := session.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan struct{})
	go func() { s.Serve(context.Background(), ln); close(served) }()
	addr := ln.Addr().String()

	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet, NoRedial: true})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := m.Dial(ctx, addr); err != nil {
		t.Fatal(err)
	}

	attacks := map[string][]byte{
		"garbage":   []byte("\x00\xff\x13\x37 not a protocol at all\n"),
		"http":      []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		"tls hello": {0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03},
		"truncated": []byte("DPFW\x02\x00\x00"),
		"silence":   nil,
	}
	var wg sync.WaitGroup
	for name, payload := range attacks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			defer c.Close()
			c.Write(payload)
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			io.Copy(io.Discard, c) // returns when the slave hangs up
		}()
	}
	wrong := master.New(master.Config{Session: session.Config{Token: "wrong"}, Logger: quiet, NoRedial: true})
	if _, err := wrong.Dial(ctx, addr); err == nil {
		t.Error("a wrong token was accepted")
	}
	wrong.Close()
	// The good master works throughout.
	for i := range 20 {
		res, err := m.Run(ctx, "1+1")
		if err != nil || res.Value != int64(2) {
			t.Fatalf("run %d during the attacks: %v, %v", i, res.Value, err)
		}
	}
	wg.Wait()

	// Every bad connection came from 127.0.0.1: one peer, whose failures
	// reach the log once a minute (a TCP probe, "silence", not at all at
	// this level). A connection may be closed a moment before its failure
	// is logged.
	failures := func() int { return strings.Count(logs.String(), `msg="handshake failed"`) }
	deadline := time.Now().Add(10 * time.Second)
	for failures() < 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := failures(); n != 1 {
		t.Errorf("%d handshake failures logged, want 1 (one a minute per peer):\n%s", n, logs)
	}
	m.Close()
	ln.Close()
	s.Close()
	<-served
	waitBelow(t, "goroutines", runtime.NumGoroutine, baseG+2)
	if baseFD >= 0 {
		waitBelow(t, "open descriptors", openFDs, baseFD)
	}
}

// listenMaster starts a master that accepts slaves on addr ("" for a
// free port), retrying while the port is still held by a closed one.
func listenMaster(t *testing.T, ctx context.Context, addr string) (*master.Master, string) {
	t.Helper()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var ln net.Listener
	var err error
	for deadline := time.Now().Add(10 * time.Second); ; {
		if ln, err = master.Listen(addr); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet})
	go m.Serve(ctx, ln)
	t.Cleanup(func() { m.Close() })
	return m, ln.Addr().String()
}

// A node's Connect ends with ErrClosed only when the node itself was
// closed; a master that goes away is ErrConnectionLost, which Reconnect
// redials, until the node is closed.
func TestConnectTellsOwnCloseFromLostMaster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := slave.New(slave.Config{Engines: 1, Session: session.Config{Token: token}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()

	m, addr := listenMaster(t, ctx, "")
	errc := make(chan error, 1)
	go func() { errc <- n.Connect(ctx, addr) }()
	if err := m.WaitSlaves(ctx, 1); err != nil {
		t.Fatal(err)
	}
	m.Close()
	if err := <-errc; !errors.Is(err, session.ErrConnectionLost) || errors.Is(err, slave.ErrClosed) {
		t.Fatalf("Connect after the master closed: %v, want ErrConnectionLost", err)
	}

	m, addr = listenMaster(t, ctx, "")
	go func() { errc <- n.Reconnect(ctx, addr) }()
	if err := m.WaitSlaves(ctx, 1); err != nil {
		t.Fatal(err)
	}
	m.Close()
	m, _ = listenMaster(t, ctx, addr) // the same address: Reconnect finds it
	if err := m.WaitSlaves(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if res, err := m.Run(ctx, "6 * 7"); err != nil || res.Value != int64(42) {
		t.Fatalf("after the redial: %v, %v", res.Value, err)
	}
	n.Close()
	if err := <-errc; !errors.Is(err, slave.ErrClosed) {
		t.Fatalf("Reconnect after Close: %v, want ErrClosed", err)
	}
	if err := n.Connect(ctx, addr); !errors.Is(err, slave.ErrClosed) {
		t.Fatalf("Connect after Close: %v, want ErrClosed", err)
	}
}

func TestNewRefusesABadSessionConfig(t *testing.T) {
	_, err := slave.New(slave.Config{Engines: 1, Session: session.Config{Token: token, MaxFrame: 10}, Logger: quiet})
	if !errors.Is(err, session.ErrConfig) || !strings.Contains(err.Error(), "MaxFrame") {
		t.Fatalf("got %v, want session.ErrConfig naming MaxFrame", err)
	}
}

// muteConn stops sending once muted: what is written after is dropped,
// as by a peer process that no longer runs.
type muteConn struct {
	net.Conn
	muted atomic.Bool
}

func (c *muteConn) Write(p []byte) (int, error) {
	if c.muted.Load() {
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// A node that ends a master's connection by itself (here its keepalive
// is not answered) says so as a warning, with the cause: the master sees
// only its connection lost, EOF.
func TestNodeWarnsWhyItDropsAMaster(t *testing.T) {
	logs := &syncBuffer{}
	cfg := session.Config{Token: token, KeepAlive: 20 * time.Millisecond, WriteTimeout: 200 * time.Millisecond}
	n, err := slave.New(slave.Config{Engines: 1, Session: cfg, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	ln, err := session.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go n.Serve(ctx, ln)
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	conn := &muteConn{Conn: c}
	mcfg := session.Config{Token: token, KeepAlive: time.Hour, WriteTimeout: time.Hour}
	sess, err := session.New(ctx, conn, mcfg, session.NewIdentity(session.RoleMaster, "mute", 0))
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if _, err := sess.Call(ctx, &session.Request{Kind: session.KindPing}); err != nil {
		t.Fatal(err) // the node serves this master
	}
	conn.muted.Store(true)
	select {
	case <-sess.Done(): // the node hung up
	case <-ctx.Done():
		t.Fatal("the node kept a master that answers nothing")
	}
	if !session.HungUp(sess.Err()) {
		t.Errorf("master's side: %v; want the peer's hang-up (EOF)", sess.Err())
	}
	// The node logs the end of the session once it has torn it down
	// (closing the node now would race it, and win as a plain Close).
	out := logs.String()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out, "master disconnected") && !strings.Contains(out, "ended by this node"); out = logs.String() {
		if time.Now().After(deadline) {
			t.Fatalf("the node logged no end of the session:\n%s", out)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !regexp.MustCompile(`level=WARN msg="master's connection ended by this node".* cause=".*keepalive timeout"`).MatchString(out) {
		t.Fatalf("no warning with the cause in the node's log:\n%s", out)
	}
}
