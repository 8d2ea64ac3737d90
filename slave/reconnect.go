package slave

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff bounds for Reconnect.
const (
	minBackoff = 50 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// Reconnect serves the master at addr like Connect, and dials it again
// whenever the connection fails or ends, waiting between attempts with
// exponential backoff and jitter (50 ms doubling to 5 s; a session that
// lasted a while resets it). It blocks until ctx is done (returning
// ctx.Err()) or n is closed (ErrClosed).
func (n *Node) Reconnect(ctx context.Context, addr string) error {
	wait := minBackoff
	for {
		start := time.Now()
		err := n.Connect(ctx, addr)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if n.isClosed() {
			return ErrClosed
		}
		if time.Since(start) > maxBackoff {
			wait = minBackoff
		}
		d := wait/2 + rand.N(wait/2+1)
		n.log.Info("master unreachable, retrying", "addr", addr, "in", d.Round(time.Millisecond), "err", err)
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
		wait = min(2*wait, maxBackoff)
	}
}
