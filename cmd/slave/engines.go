package main

import (
	"context"
	"log/slog"
	"net"
	"os"

	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

// runEngines is the process that interprets: it creates the engines and
// serves masters until ctx is done. ln is the listener the supervisor
// handed down, or nil to open o.addr here (unsupervised serve).
func runEngines(ctx context.Context, o options, log *slog.Logger, ln net.Listener) error {
	slave.TuneProcess(o.engines)
	scfg, source, err := o.sessionConfig()
	if err != nil {
		return err
	}
	n, err := slave.New(slave.Config{Engines: o.engines, Name: o.name, Session: scfg, Eval: o.eval, Logger: log,
		Native: o.native, NoNative: o.noNative, Jobs: o.jobs})
	if err != nil {
		return err
	}
	defer n.Close()
	if o.mode == "connect" {
		log.Info("engines ready", "pid", os.Getpid(), "instance", n.Identity().Instance)
		return n.Reconnect(ctx, o.addr)
	}
	if ln == nil {
		if ln, err = session.Listen(o.addr); err != nil {
			return err
		}
		logServing(log, ln, o.engines)
		printJoinHint(os.Stderr, ln, scfg.Token, source)
	}
	log.Info("engines ready", "pid", os.Getpid(), "instance", n.Identity().Instance)
	return n.Serve(ctx, ln)
}

// logServing prints the line that scripts, tests and cmd/dpfw-bench parse
// for the address (addr=HOST:PORT): keep its format.
func logServing(log *slog.Logger, ln net.Listener, engines int) {
	log.Info("serving masters", "addr", ln.Addr().String(), "engines", engines, "pid", os.Getpid())
}
