package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

// childEnv, when set, makes this binary a local slave that dials the
// master at the given address: dpfw spawns itself, so `go run ./cmd/dpfw`
// needs no separately built slave binary.
const childEnv = "DPFW_LOCAL_SLAVE"

// child is one local slave: a process that dpfw restarts whenever it
// dies (a snippet can kill a Go process: a panic in a goroutine it
// started, a stack overflow), until stop is closed.
type child struct {
	exe, addr, token string
	tls              tlsFiles
	stderr           io.Writer
	stop             chan struct{}
	done             chan struct{}

	mu  sync.Mutex // protects cmd
	cmd *exec.Cmd
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
		ch := &child{exe: exe, addr: ln.Addr().String(), token: token, tls: c.opts.tls, stderr: c.errw,
			stop: make(chan struct{}), done: make(chan struct{})}
		if err := ch.start(); err != nil {
			return fmt.Errorf("starting a local slave: %w", err)
		}
		go ch.supervise()
		c.children = append(c.children, ch)
	}
	return nil
}

func (ch *child) start() error {
	cmd := exec.Command(ch.exe)
	cmd.Env = append(os.Environ(), childEnv+"="+ch.addr, "DPFW_TOKEN="+ch.token)
	cmd.Env = append(cmd.Env, ch.tls.env()...)
	cmd.Stderr = ch.stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	ch.mu.Lock()
	ch.cmd = cmd
	ch.mu.Unlock()
	return nil
}

// supervise waits for the process and restarts it, at most once a
// second, until stop is closed.
func (ch *child) supervise() {
	defer close(ch.done)
	for {
		started := time.Now()
		ch.mu.Lock()
		cmd := ch.cmd
		ch.mu.Unlock()
		err := cmd.Wait()
		select {
		case <-ch.stop:
			return
		case <-time.After(time.Second - time.Since(started)):
		}
		select {
		case <-ch.stop: // both were ready: stopping wins
			return
		default:
		}
		fmt.Fprintf(ch.stderr, "dpfw: local slave pid %d exited (%v); starting another\n", cmd.Process.Pid, err)
		if err := ch.start(); err != nil {
			fmt.Fprintf(ch.stderr, "dpfw: restarting a local slave: %v\n", err)
			return
		}
	}
}

// stopLocal kills the local slaves and reaps them. They are told to stay
// dead first, then the master closes (so nobody warns about slaves
// disconnecting), then they are killed.
func (c *cli) stopLocal() {
	for _, ch := range c.children {
		close(ch.stop)
	}
	c.m.Close()
	for _, ch := range c.children {
		ch.mu.Lock()
		ch.cmd.Process.Kill()
		ch.mu.Unlock()
		<-ch.done
	}
}

// runChild is the whole life of a local slave: serve the parent until
// it goes away.
func runChild(addr string) int {
	// Ctrl-C at the REPL reaches the whole process group; it is meant
	// for the task, which the master cancels, not for the slaves.
	signal.Ignore(os.Interrupt)
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1) // one engine: see limitProcs in cmd/slave
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400) // see tuneGC in cmd/slave
	}
	tok, _, err := session.LoadToken("")
	if err != nil {
		fmt.Fprintln(os.Stderr, "dpfw local slave:", err)
		return 1
	}
	scfg := session.Config{Token: tok}
	files := tlsFiles{os.Getenv("DPFW_TLS_CERT"), os.Getenv("DPFW_TLS_KEY"), os.Getenv("DPFW_TLS_CA")}
	if scfg.TLS, err = files.load(); err != nil {
		fmt.Fprintln(os.Stderr, "dpfw local slave:", err)
		return 1
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := slave.New(slave.Config{Engines: 1, Name: "local", Session: scfg, Logger: log})
	if err != nil {
		fmt.Fprintln(os.Stderr, "dpfw local slave:", err)
		return 1
	}
	defer s.Close()
	s.Connect(context.Background(), addr)
	return 0
}
