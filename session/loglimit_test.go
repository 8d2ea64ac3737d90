package session

import (
	"context"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestLogLimit(t *testing.T) {
	l := newLogLimit()
	t0 := time.Unix(1000, 0)
	if ok, held := l.allow("a", t0); !ok || held != 0 {
		t.Fatal("first line held back")
	}
	for i := range 5 {
		if ok, _ := l.allow("a", t0.Add(time.Duration(i+1)*time.Second)); ok {
			t.Fatalf("line %d within the minute let through", i)
		}
	}
	if ok, _ := l.allow("b", t0.Add(time.Second)); !ok {
		t.Fatal("another peer's first line held back")
	}
	if ok, held := l.allow("a", t0.Add(logEvery)); !ok || held != 5 {
		t.Fatalf("after a minute: ok %v, held %d; want true, 5", ok, held)
	}
	if peerKey("10.1.2.3:4567") != "10.1.2.3" || peerKey("[::1]:5") != "::1" {
		t.Fatal("peerKey keeps the port")
	}
}

// TestRedialWrongTokenSlowly: a peer that refuses our token is redialed
// slowly (not every 50 ms to 5 s), and the dialer logs it once, as a
// wrong token.
func TestRedialWrongTokenSlowly(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var attempts atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	quietCfg := Config{Token: "the-right-one", Logger: quiet}
	go Accept(ctx, ln, quietCfg, Identity{Role: RoleSlave}, func(f func()) bool {
		attempts.Add(1)
		go f()
		return true
	}, func(s *Session) { s.Close() })

	var logs lockedBuffer
	dcfg := Config{Token: "a-wrong-one", Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	rctx, rcancel := context.WithTimeout(ctx, 3*time.Second)
	defer rcancel()
	Redial(rctx, ln.Addr().String(), dcfg, Identity{Role: RoleMaster}, func(s *Session) {
		t.Error("a session with the wrong token")
		s.Close()
	})
	if n := attempts.Load(); n < 1 || n > 2 {
		t.Errorf("%d dials in 3 s; want 1 or 2 (the second 2.5-5 s after the first)", n)
	}
	out := logs.String()
	if strings.Count(out, "\n") != 1 || !strings.Contains(out, "wrong token") || strings.Contains(out, "handshake failed") {
		t.Errorf("want exactly one line, saying wrong token:\n%s", out)
	}
}
