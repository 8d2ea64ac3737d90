package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/dpfw/dpfw/session"
)

// The supervisor hands its child these descriptors (exec.Cmd.ExtraFiles
// start at fd 3).
const (
	lifelineFD = 3 // read end of a pipe whose write end only the supervisor holds
	listenerFD = 4 // the serving socket, for serve
)

// workerEnv marks the child process: the same binary, asked to run the
// engines instead of supervising.
const workerEnv = "DPFW_SLAVE_WORKER"

// stopGrace is how long a child may take to shut down cleanly after
// SIGTERM before the supervisor kills it.
const stopGrace = 5 * time.Second

// supervisor starts the engine process and starts it again whenever it
// dies, until ctx is done.
type supervisor struct {
	exe      string
	args     []string
	env      []string
	listener *os.File // nil for connect
	log      *slog.Logger
}

// supervise runs the engines in a child process and keeps one running.
// Everything that can fail for good (token, TLS files, address) is checked here,
// once, so a misconfigured slave exits instead of restarting forever.
func supervise(ctx context.Context, o options, log *slog.Logger) error {
	tok, _, err := session.LoadToken(o.token)
	if err != nil {
		return err
	}
	if _, err := o.tlsConfig(); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding my own binary to run the engines: %w", err)
	}
	sv := &supervisor{exe: exe, args: o.args, log: log,
		env: append(os.Environ(), workerEnv+"=1", "DPFW_TOKEN="+tok)}
	if o.mode == "serve" {
		ln, err := session.Listen(o.addr)
		if err != nil {
			return err
		}
		defer ln.Close()
		if sv.listener, err = listenerFile(ln); err != nil {
			return err
		}
		defer sv.listener.Close()
		logServing(log, ln, o.engines)
	}
	return sv.loop(ctx)
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

// loop starts children until ctx is done, waiting between a death and
// the next start as restarts says.
func (sv *supervisor) loop(ctx context.Context) error {
	var rs restarts
	for {
		started := time.Now()
		cmd, lifeline, err := sv.start()
		if err != nil {
			return err
		}
		err = waitChild(ctx, cmd)
		lifeline.Close()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		delay := rs.next(time.Now(), time.Since(started))
		sv.log.Warn("engine process died; restarting it", "pid", cmd.Process.Pid, "status", exitStatus(err),
			"uptime", time.Since(started).Round(time.Millisecond), "in", delay)
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// start execs the child. It returns the write end of the lifeline: the
// child exits when it reads EOF there, which happens as soon as the
// supervisor dies, however it dies (even SIGKILL), so a killed
// supervisor never leaves an orphan holding the port.
func (sv *supervisor) start() (*exec.Cmd, *os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	defer r.Close() // the child has its own copy
	cmd := exec.Command(sv.exe, sv.args...)
	cmd.Env = sv.env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{r}
	if sv.listener != nil {
		cmd.ExtraFiles = append(cmd.ExtraFiles, sv.listener)
	}
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("starting the engine process: %w", err)
	}
	return cmd, w, nil
}

// waitChild waits for cmd to exit. When ctx is done first it stops the
// child, with SIGTERM and then, after stopGrace, SIGKILL.
func waitChild(ctx context.Context, cmd *exec.Cmd) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		return err
	case <-time.After(stopGrace):
		cmd.Process.Kill()
		return <-done
	}
}

// exitStatus says how the child ended, for the log: "exit status 2",
// "signal: killed".
func exitStatus(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ProcessState.String()
	}
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}
