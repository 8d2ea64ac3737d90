package session

import (
	"context"
	"errors"
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

// A peer that refused our token will refuse it again until someone
// changes a token: redial it slowly, from authMin doubling to authMax.
const (
	authMin = 5 * time.Second
	authMax = time.Minute
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
// longer than 5 s starts the waits over. A wrong token (ErrAuth) is
// retried slowly: 5 s doubling to 1 min. Failed dials are logged on
// cfg.Logger, at most one line a minute (with the number left out), a
// wrong token as a warning that says so, others at Info level.
func Redial(ctx context.Context, addr string, cfg Config, self Identity, serve func(*Session)) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	cfg = cfg.withDefaults()
	cfg.callerLogs = true // one line per failure, below, not New's too
	logged := newLogLimit()
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
		auth := errors.Is(err, ErrAuth)
		if auth {
			wait = max(wait, authMin)
		}
		d := wait/2 + rand.N(wait/2+1)
		if err != nil {
			logDialFailure(cfg, logged, addr, d, err)
		}
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
		if auth {
			wait = min(2*wait, authMax)
		} else {
			wait = min(2*wait, redialMax)
		}
	}
}

// logDialFailure logs a failed dial, at most once a minute per address:
// a wrong token as a warning that says so, anything else at Info level.
func logDialFailure(cfg Config, limit *logLimit, addr string, wait time.Duration, err error) {
	ok, held := limit.allow(addr, time.Now())
	if !ok {
		return
	}
	args := []any{"addr", addr, "in", wait.Round(time.Millisecond), "err", err}
	if held > 0 {
		args = append(args, "failures_not_logged", held)
	}
	if errors.Is(err, ErrAuth) {
		cfg.Logger.Warn("wrong token: the peer holds another cluster token; retrying slowly", args...)
		return
	}
	cfg.Logger.Info("dial failed; retrying", args...)
}
