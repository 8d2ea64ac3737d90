package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"

	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave/supervise"
)

// superviseEngines runs the engines in a child process (this binary
// again) and keeps one running (package supervise). Everything that can
// fail for good (token, TLS files, address) is checked here, once, so a
// misconfigured slave exits instead of restarting forever.
func superviseEngines(ctx context.Context, o options, log *slog.Logger, stderr io.Writer) error {
	scfg, source, err := o.sessionConfig()
	if err != nil {
		return err
	}
	cfg := supervise.Config{Args: o.args, Env: append(os.Environ(), "DPFW_TOKEN="+scfg.Token),
		Stdout: os.Stdout, Stderr: stderr, Name: "engine process", Logger: log}
	if o.mode == "serve" {
		ln, err := session.Listen(o.addr)
		if err != nil {
			return err
		}
		defer ln.Close()
		if cfg.Listener, err = listenerFile(ln); err != nil {
			return err
		}
		defer cfg.Listener.Close()
		logServing(log, ln, o.engines)
		printJoinHint(stderr, ln, scfg.Token, source)
	}
	sv, err := supervise.Start(cfg)
	if err != nil {
		return err
	}
	defer sv.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-sv.Done():
		return sv.Err()
	}
}

// listenerFile duplicates ln's socket for children to inherit. The
// supervisor keeps ln open and never accepts on it: connections that
// arrive while no child runs wait in the backlog for the next one.
func listenerFile(ln net.Listener) (*os.File, error) {
	tl, ok := ln.(*net.TCPListener)
	if !ok {
		return nil, fmt.Errorf("cannot pass a %T to the engine process", ln)
	}
	return tl.File()
}
