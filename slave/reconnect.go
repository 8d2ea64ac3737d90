package slave

import (
	"context"

	"github.com/dpfw/dpfw/session"
)

// Reconnect serves the master at addr like Connect, and dials it again
// whenever the connection fails or ends, with session.Redial's waits
// (50 ms doubling to 5 s, with jitter; a session that lasted a while
// starts them over). It blocks until ctx is done (returning ctx.Err())
// or n is closed (ErrClosed).
func (n *Node) Reconnect(ctx context.Context, addr string) error {
	if n.isClosed() {
		return ErrClosed
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(n.ctx, cancel)
	defer stop()
	err := session.Redial(ctx, addr, n.cfg.Session, n.self, func(sess *session.Session) {
		n.serveSession(ctx, sess)
	})
	if n.isClosed() {
		return ErrClosed
	}
	return err
}
