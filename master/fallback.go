package master

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/dpfw/dpfw/session"
)

// Local fallback (simple-dist, seed 000: "if the connection dies or the
// worker doesn't implement the function, the local function is used
// instead"). The master package runs no code itself and imports no
// engine: Config.LocalFallback hands it one end of a connection whose
// other end an in-process slave node serves (cmd/dpfw: slave.New and
// Node.ServeConn over net.Pipe). The Master handshakes over it like over
// any connection, so the node's engines are ordinary Slaves, with ids
// local1, local2… and Rejoin Local.

// localOrigin is the origin of the fallback node's session in add.
const localOrigin = "local fallback"

// fallback waits Config.FallbackAfter for a slave to join and, if none
// has, connects the in-process node that Config.LocalFallback provides.
// Its engines then stay in the pool, also after real slaves join.
func (m *Master) fallback() {
	t := time.NewTimer(m.cfg.FallbackAfter)
	defer t.Stop()
	for {
		m.mu.Lock()
		joined, changed := len(m.handles) > 0, m.changed
		m.mu.Unlock()
		if joined {
			return
		}
		select {
		case <-t.C:
			m.connectLocal()
			return
		case <-changed:
		case <-m.done:
			return
		}
	}
}

func (m *Master) connectLocal() {
	conn, err := m.cfg.LocalFallback(m.ctx)
	if err != nil {
		m.log.Error("local fallback: no in-process slave node", "err", err)
		return
	}
	sess, err := session.New(m.ctx, conn, m.cfg.Session, m.self)
	if err != nil {
		conn.Close()
		m.log.Error("local fallback: handshake with the in-process slave node", "err", err)
		return
	}
	if _, err := m.add(sess, localOrigin); err == nil {
		m.log.Warn("no slave joined: tasks run in this process (local fallback)", "after", m.cfg.FallbackAfter)
		m.watch(sess)
	}
}

// PipeFallback is a Config.LocalFallback for a caller that serves a
// slave node in its own process: it returns one end of a net.Pipe and
// runs serve on the other end, on its own goroutine, which ends when the
// connection does. Closing the returned end (the Master does when it
// closes) waits for serve to return, so Master.Close waits for it too.
func PipeFallback(serve func(ctx context.Context, conn net.Conn) error) func(context.Context) (net.Conn, error) {
	return func(ctx context.Context) (net.Conn, error) {
		if serve == nil {
			return nil, fmt.Errorf("master: PipeFallback without a serve function")
		}
		a, b := net.Pipe()
		done := make(chan struct{})
		go func() { // ends with the connection; pipeEnd.Close waits for it
			defer close(done)
			serve(ctx, b)
			b.Close()
		}()
		return &pipeEnd{Conn: a, served: done}, nil
	}
}

// pipeEnd is the Master's end of a PipeFallback connection.
type pipeEnd struct {
	net.Conn
	served <-chan struct{} // closed when serve has returned
}

// Close closes the connection, which ends serve, and waits for it. It
// may be called any number of times.
func (p *pipeEnd) Close() error {
	err := p.Conn.Close()
	<-p.served
	return err
}
