// Package slavetest provides light slave nodes for tests and benchmarks
// of many connections: real sessions over real TCP, redialing like a
// slave node does (session.Redial, as slave.Node.Reconnect), but with an
// engine that only adds two integers instead of a yaegi interpreter, so
// a thousand of them fit in one process on a small machine.
package slavetest

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/dpfw/dpfw/eval/failure"
	"github.com/dpfw/dpfw/session"
)

// Light is a session.Handler that evaluates sources of the form "A + B"
// (two integers) to their sum, as a real engine would, and answers every
// other task with an error of kind unsupported. It is safe for
// concurrent use; Tasks counts the tasks it answered.
type Light struct {
	Tasks atomic.Int64
}

// ServeTask implements session.Handler.
func (l *Light) ServeTask(ctx context.Context, req *session.Request, _ io.ReadWriter) *session.Response {
	l.Tasks.Add(1)
	switch req.Kind {
	case session.KindPing:
		return &session.Response{}
	case session.KindEval:
		var a, b int64
		if _, err := fmt.Sscanf(req.Src, "%d + %d", &a, &b); err == nil {
			raw, err := session.EncodeValue(a + b)
			if err == nil {
				return &session.Response{Value: raw, Text: fmt.Sprint(a + b)}
			}
		}
	}
	return &session.Response{Err: &session.RemoteError{Kind: failure.KindUnsupported,
		Msg: fmt.Sprintf("slavetest.Light runs only \"A + B\" evaluations, not %q (kind %d)", req.Src, req.Kind)}}
}

// Swarm is n light slave nodes of one engine each, every one with its
// own Identity and its own redial loop to one master address. Close
// stops them and waits.
type Swarm struct {
	Light  Light
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// Sessions counts sessions established, over the swarm's life.
	Sessions atomic.Int64
}

// StartSwarm starts n light nodes that keep dialing addr with cfg, each
// with session.Redial's waits, until Close. Each serves its session with
// s.Light.
func StartSwarm(addr string, n int, cfg session.Config) *Swarm {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Swarm{cancel: cancel}
	for i := range n {
		self := session.NewIdentity(session.RoleSlave, fmt.Sprintf("light%d", i), 1)
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			session.Redial(ctx, addr, cfg, self, func(sess *session.Session) {
				s.Sessions.Add(1)
				sess.Serve(ctx, &s.Light)
				sess.Close()
			})
		}()
	}
	return s
}

// Close stops every node's redial loop and session, and waits for them.
func (s *Swarm) Close() {
	s.cancel()
	s.wg.Wait()
}
