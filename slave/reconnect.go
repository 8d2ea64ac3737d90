package slave

import (
	"context"
	"errors"
	"log/slog"
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
// lasted a while resets it). It blocks until ctx is done or s is closed.
func Reconnect(ctx context.Context, s *Slave, addr string, log *slog.Logger) error {
	wait := minBackoff
	for {
		start := time.Now()
		err := s.Connect(ctx, addr)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, ErrClosed) {
			return err
		}
		if time.Since(start) > maxBackoff {
			wait = minBackoff
		}
		d := wait/2 + rand.N(wait/2+1)
		log.Info("master unreachable, retrying", "addr", addr, "in", d.Round(time.Millisecond), "err", err)
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
		wait = min(2*wait, maxBackoff)
	}
}
