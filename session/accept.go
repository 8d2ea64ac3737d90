package session

import (
	"context"
	"net"
)

// Accept accepts connections on ln until ctx is done or ln fails. Each
// connection runs New and then, if the handshake succeeded, serve, on a
// goroutine that spawn starts, so that spawn's owner can wait for it
// when it closes; a failed handshake costs only its own connection (New
// logs it, at most once a minute per peer host). spawn reports false,
// running nothing, once its owner is closing: Accept then drops the
// connection and returns ErrClosed.
//
// Accept blocks. It closes ln before returning ctx.Err(), ErrClosed,
// ln's error, or at once cfg.Validate's. It is the accept loop of both master.Master.Serve and
// slave.Node.Serve.
func Accept(ctx context.Context, ln net.Listener, cfg Config, self Identity, spawn func(func()) bool, serve func(*Session)) error {
	if err := cfg.Validate(); err != nil {
		ln.Close()
		return err
	}
	if cfg.limit == nil {
		cfg.limit = newLogLimit()
	}
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	defer ln.Close()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		ok := spawn(func() {
			if sess, err := New(ctx, conn, cfg, self); err == nil {
				serve(sess)
			}
		})
		if !ok {
			conn.Close()
			return ErrClosed
		}
	}
}
