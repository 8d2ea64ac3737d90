// Package demo starts what the examples need: slave servers on loopback
// in this process, and a master connected to them. A real deployment
// runs `slave serve` or `slave connect` on other machines instead.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log"
	"log/slog"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

// Cluster starts n one-engine slave servers and a master that dialed
// them. stop shuts everything down.
func Cluster(n int) (m *master.Master, stop func()) {
	var b [16]byte
	rand.Read(b[:])
	cfg := session.Config{Token: hex.EncodeToString(b[:])}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	m = master.New(master.Config{Session: cfg, Logger: quiet})
	var stops []func()
	for range n {
		s, err := slave.New(slave.Config{Engines: 1, Session: cfg, Logger: quiet})
		if err != nil {
			log.Fatal(err)
		}
		ln, err := session.Listen("127.0.0.1:0")
		if err != nil {
			log.Fatal(err)
		}
		go s.Serve(context.Background(), ln)
		stops = append(stops, func() { ln.Close(); s.Close() })
		if _, err := m.Dial(context.Background(), ln.Addr().String()); err != nil {
			log.Fatal(err)
		}
	}
	return m, func() {
		m.Close()
		for _, f := range stops {
			f()
		}
	}
}
