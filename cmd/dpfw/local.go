package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/dpfw/dpfw/cmd/internal/cmdline"
	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
	"github.com/dpfw/dpfw/slave/supervise"
)

// childEnv, when set, makes this binary a local slave that dials the
// master at the given address: dpfw spawns itself, so `go run ./cmd/dpfw`
// needs no separately built slave binary.
const childEnv = "DPFW_LOCAL_SLAVE"

// startLocal listens on a loopback port of its own and starts -local
// slave processes (one engine each, so that one crashing snippet takes
// down one engine only) that dial it, each under a supervisor (package
// slave/supervise) that starts it again when a snippet kills it. They die
// with dpfw, however it dies.
func (c *cli) startLocal(ctx context.Context, token string) error {
	ln, err := master.Listen("127.0.0.1:0")
	if err != nil {
		return err
	}
	go c.m.Serve(ctx, ln) // ends when the master closes
	env := append(os.Environ(), childEnv+"="+ln.Addr().String(), "DPFW_TOKEN="+token)
	env = append(env, c.opts.tls.env()...)
	env = append(env, c.opts.log.Env()...)
	for range c.opts.local {
		sv, err := supervise.Start(supervise.Config{Env: env, Stderr: c.logw, Name: "local slave", Logger: c.log})
		if err != nil {
			return fmt.Errorf("starting a local slave: %w", err)
		}
		c.localSlaves = append(c.localSlaves, sv)
	}
	return nil
}

// stopLocal stops the local slaves and the -ssh ones, and waits for
// them. The master closes first, so that nobody warns about slaves
// disconnecting.
func (c *cli) stopLocal() {
	c.m.Close()
	var wg sync.WaitGroup
	if c.ssh != nil {
		wg.Go(c.ssh.Stop)
	}
	for _, sv := range c.localSlaves {
		wg.Go(sv.Stop)
	}
	wg.Wait()
}

// runChild is the whole life of a local slave: a one-engine node that
// serves the dpfw at addr, dialing it again if the connection drops,
// until that dpfw stops it (SIGTERM) or is gone.
func runChild(addr string) int {
	os.Unsetenv(childEnv) // processes that snippets start are not local slaves
	// Ctrl-C at the REPL is meant for the task, which the master cancels,
	// not for the slaves (on Unix they are in a process group of their
	// own and do not even get it).
	signal.Ignore(os.Interrupt)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	// They log at their dpfw's level (warn unless asked) and format.
	lg := cmdline.LogFromEnv(os.Getenv, "warn")
	if err := lg.Check(); err != nil {
		lg = cmdline.LogFromEnv(func(string) string { return "" }, "warn")
	}
	log := lg.Logger(os.Stderr)
	if err := serveParent(ctx, addr, log); err != nil {
		fmt.Fprintln(os.Stderr, "dpfw local slave:", err)
		return 1
	}
	return 0
}

func serveParent(ctx context.Context, addr string, log *slog.Logger) error {
	ctx, _, err := supervise.Child(ctx, log)
	if err != nil {
		return err
	}
	slave.TuneProcess(1)
	tok, _, err := session.FindToken("") // dpfw passes it in $DPFW_TOKEN
	if err != nil {
		return err
	}
	scfg := session.Config{Token: tok}
	files := tlsFiles{os.Getenv("DPFW_TLS_CERT"), os.Getenv("DPFW_TLS_KEY"), os.Getenv("DPFW_TLS_CA")}
	if scfg.TLS, err = files.load(); err != nil {
		return err
	}
	n, err := slave.New(slave.Config{Engines: 1, Name: "local", Session: scfg, Logger: log})
	if err != nil {
		return err
	}
	defer n.Close()
	if err := n.Reconnect(ctx, addr); ctx.Err() == nil {
		return err
	}
	return nil
}

// localFallback is master.Config.LocalFallback for -fallback: a slave
// node with one engine in this process, served over net.Pipe (seed 000's
// local function). The node lives as long as the connection: the master
// closes it when it closes.
func localFallback(scfg session.Config, log *slog.Logger) func(context.Context) (net.Conn, error) {
	return master.PipeFallback(func(ctx context.Context, conn net.Conn) error {
		n, err := slave.New(slave.Config{Engines: 1, Session: scfg, Logger: log})
		if err != nil {
			return err
		}
		defer n.Close()
		return n.ServeConn(ctx, conn)
	})
}
