package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"

	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/session/webauth"
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
	if err := serveMetrics(ctx, o, n, scfg.Token, log); err != nil {
		return err
	}
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

// serveMetrics starts -metrics, if given, for as long as ctx lasts. It
// runs in the process that interprets (the supervised child), which
// holds the counters; a restarted child binds the address again.
func serveMetrics(ctx context.Context, o options, n *slave.Node, token string, log *slog.Logger) error {
	if o.metrics == "" {
		return nil
	}
	var tcfg *tls.Config
	if o.httpTLS != [2]string{} {
		var err error
		if tcfg, err = session.LoadTLS(o.httpTLS[0], o.httpTLS[1], ""); err != nil {
			return fmt.Errorf("-metrics TLS: %w", err)
		}
	}
	ln, err := session.Listen(o.metrics)
	if err != nil {
		return fmt.Errorf("-metrics: %w", err)
	}
	// Not "addr=": scripts take the first addr= for the slave's own.
	log.Info("serving metrics", "url", metricsURL(ln, tcfg), "token_required", !webauth.Loopback(ln.Addr()))
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", n.MetricsHandler())
	go func() { // ends with ctx
		if err := webauth.Serve(ctx, ln, mux, webauth.Config{Token: token, TLS: tcfg, Logger: log}); err != nil {
			log.Error("metrics server failed", "err", err)
		}
	}()
	return nil
}

func metricsURL(ln net.Listener, tcfg *tls.Config) string {
	if tcfg != nil {
		return "https://" + ln.Addr().String() + "/metrics"
	}
	return "http://" + ln.Addr().String() + "/metrics"
}
