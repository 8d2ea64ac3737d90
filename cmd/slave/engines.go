package main

import (
	"context"
	"log/slog"
	"net"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

// runEngines is the process that interprets: it creates the engines and
// serves masters until ctx is done. ln is the listener the supervisor
// handed down, or nil to open o.addr here (unsupervised serve).
func runEngines(ctx context.Context, o options, log *slog.Logger, ln net.Listener) error {
	limitProcs(o.engines)
	scfg, err := o.sessionConfig()
	if err != nil {
		return err
	}
	s, err := slave.New(slave.Config{Engines: o.engines, Name: o.name, Session: scfg, Eval: o.eval, Logger: log})
	if err != nil {
		return err
	}
	defer s.Close()
	if o.mode == "connect" {
		log.Info("engines ready", "pid", os.Getpid(), "instance", s.Identity().Instance)
		return s.Reconnect(ctx, o.addr)
	}
	if ln == nil {
		if ln, err = session.Listen(o.addr); err != nil {
			return err
		}
		logServing(log, ln, o.engines)
	}
	log.Info("engines ready", "pid", os.Getpid(), "instance", s.Identity().Instance)
	return s.Serve(ctx, ln)
}

// logServing prints the line that scripts, tests and cmd/dpfw-bench parse
// for the address (addr=HOST:PORT): keep its format.
func logServing(log *slog.Logger, ln net.Listener, engines int) {
	log.Info("serving masters", "addr", ln.Addr().String(), "engines", engines, "pid", os.Getpid())
}

// limitProcs runs Go with one P per engine unless GOMAXPROCS says
// otherwise. Each engine runs one task at a time; more Ps than engines
// only let the garbage collector and wake-ups of idle Ps compete with the
// engines for cores. Measured with 2 one-engine slaves on 2 cores: fib
// fan-out speed-up 1.3 -> 1.9, round trip p50 200 -> 155 µs.
func limitProcs(engines int) {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(engines)
	}
	tuneGC()
}

// tuneGC lets the heap grow to 5x the live data between collections
// (GOGC=400) unless GOGC says otherwise. Interpreted code allocates at a
// high rate from a small live heap, and the engines of one process share
// its collector: measured with 8 fib(25) on one slave with 2 engines on
// 2 cores, 623-673 ms at GOGC=100 and 494-622 ms at 400, against
// 942-998 ms with one engine.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}
