package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"runtime"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

// childEnv, when set, makes this binary a local slave that dials the
// master at the given address: dpfw spawns itself, so `go run ./cmd/dpfw`
// needs no separately built slave binary.
const childEnv = "DPFW_LOCAL_SLAVE"

// child is one spawned local slave process.
type child struct {
	cmd  *exec.Cmd
	done chan struct{}
}

// startLocal listens on a loopback port of its own and spawns -local
// slave processes (one engine each, so that one crashing snippet takes
// down one engine only) that dial it.
func (c *cli) startLocal(ctx context.Context, token string) error {
	ln, err := master.Listen("127.0.0.1:0")
	if err != nil {
		return err
	}
	go c.m.Serve(ctx, ln) // ends when the master closes
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	for range c.opts.local {
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), childEnv+"="+ln.Addr().String(), "DPFW_TOKEN="+token)
		cmd.Stderr = c.errw
		if err := cmd.Start(); err != nil {
			return fmt.Errorf("starting a local slave: %w", err)
		}
		ch := &child{cmd: cmd, done: make(chan struct{})}
		go func() { cmd.Wait(); close(ch.done) }()
		c.children = append(c.children, ch)
	}
	return nil
}

// stopLocal kills the local slaves and reaps them.
func (c *cli) stopLocal() {
	for _, ch := range c.children {
		ch.cmd.Process.Kill()
		<-ch.done
	}
}

// runChild is the whole life of a local slave: serve the parent until
// it goes away.
func runChild(addr string) int {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1) // one engine: see limitProcs in cmd/slave
	}
	tok, _, err := session.LoadToken("")
	if err != nil {
		fmt.Fprintln(os.Stderr, "dpfw local slave:", err)
		return 1
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := slave.New(slave.Config{Engines: 1, Name: "local", Session: session.Config{Token: tok}, Logger: log})
	if err != nil {
		fmt.Fprintln(os.Stderr, "dpfw local slave:", err)
		return 1
	}
	defer s.Close()
	s.Connect(context.Background(), addr)
	return 0
}
