package session

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer is a log destination for several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestPortProbeIsQuiet: a TCP probe (connect, close) fails the handshake
// like any other silent peer, but is logged at debug level only, while a
// peer that sends garbage still earns a warning.
func TestPortProbeIsQuiet(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var logs lockedBuffer
	cfg := Config{Token: "t", Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	accept := func(send string) error {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		if send != "" {
			c.Write([]byte(send))
		}
		c.Close()
		sc, err := ln.Accept()
		if err != nil {
			t.Fatal(err)
		}
		_, err = New(context.Background(), sc, cfg, Identity{Role: RoleSlave})
		return err
	}
	if err := accept(""); !errors.Is(err, ErrHandshake) || !errors.Is(err, errSilentPeer) {
		t.Fatalf("probe: %v", err)
	}
	if logs.String() != "" {
		t.Fatalf("a port probe was logged above debug level: %s", logs.String())
	}
	if err := accept("GET / HTTP/1.0\r\n\r\n"); !errors.Is(err, ErrHandshake) || errors.Is(err, errSilentPeer) {
		t.Fatalf("garbage: %v", err)
	}
	if !strings.Contains(logs.String(), "level=WARN") {
		t.Fatalf("garbage was not logged as a warning: %q", logs.String())
	}
}
