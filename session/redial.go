package session

import (
	"context"
	"math/rand/v2"
	"time"
)

// Redial waits: from redialMin doubling to redialMax, each drawn at
// random from the upper half of its range so that peers that lost one
// another at the same moment do not redial in step.
const (
	redialMin = 50 * time.Millisecond
	redialMax = 5 * time.Second
)

// Redial keeps a session to addr for as long as ctx lasts: it dials,
// hands each session to serve, which must return once that session has
// ended, and dials again. It returns ctx.Err() once ctx is done, or at
// once cfg.Validate's error: no redial mends a bad Config. Either
// role may redial: master.Master redials the slave servers it dialed,
// slave.Node.Reconnect the master it serves.
//
// Between a failed dial, or a session that ended, and the next dial it
// waits 50 ms, doubling up to 5 s, with jitter; a session that lasted
// longer than 5 s starts the waits over. Failed dials are logged at Info
// level on cfg.Logger.
func Redial(ctx context.Context, addr string, cfg Config, self Identity, serve func(*Session)) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	cfg = cfg.withDefaults()
	wait := redialMin
	for {
		start := time.Now()
		sess, err := Dial(ctx, addr, cfg, self)
		if err == nil {
			serve(sess)
			if time.Since(start) > redialMax {
				wait = redialMin
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		d := wait/2 + rand.N(wait/2+1)
		if err != nil {
			cfg.Logger.Info("dial failed; retrying", "addr", addr, "in", d.Round(time.Millisecond), "err", err)
		}
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
		wait = min(2*wait, redialMax)
	}
}
