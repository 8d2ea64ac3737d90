package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"

	"github.com/hashicorp/yamux"
)

// proc is a slave process this benchmark started.
type proc struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}
}

var addrRE = regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)

// echoEnv makes this binary a TCP echo server: the other end of the raw
// round-trip baseline, in a process of its own like a slave.
const echoEnv = "DPFW_BENCH_ECHO"

// With echoEnv=yamux the echo runs over yamux: every stream the client
// opens is echoed, the other end of the bare yamux stream baseline.
func startEcho(ctx context.Context, mode string) (*proc, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), echoEnv+"="+mode)
	return startProc(cmd)
}

// echoServer is the whole life of the echo process.
func echoServer() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "echo addr=%s\n", ln.Addr())
	c, err := ln.Accept()
	if err != nil {
		os.Exit(1)
	}
	runtime.GOMAXPROCS(1) // as a one-engine slave runs (slave.TuneProcess)
	if os.Getenv(echoEnv) != "yamux" {
		io.Copy(c, c)
		os.Exit(0)
	}
	mux, err := yamux.Server(c, yamuxConfig())
	if err != nil {
		os.Exit(1)
	}
	for {
		st, err := mux.Accept()
		if err != nil {
			os.Exit(0)
		}
		go io.Copy(st, st)
	}
}

// yamuxConfig is yamux's default, quiet. The bare yamux baseline imports
// yamux itself (only package session does in dpfw proper): it measures
// the library, not dpfw.
func yamuxConfig() *yamux.Config {
	c := yamux.DefaultConfig()
	c.LogOutput = io.Discard
	return c
}

// startSlave starts `slave -n 1 serve 127.0.0.1:0` and reads the address
// it logs.
func startSlave(ctx context.Context, bin, token string, flags ...string) (*proc, error) {
	// Unsupervised: the pid we hold is the process that runs the engine,
	// the one W5 kills and whose memory we measure.
	cmd := exec.Command(bin, append([]string{"-supervise=false", "-n", "1", "serve", "127.0.0.1:0"}, flags...)...)
	cmd.Env = append(os.Environ(), "DPFW_TOKEN="+token)
	if g := os.Getenv("SLAVE_GOMAXPROCS"); g != "" {
		cmd.Env = append(cmd.Env, "GOMAXPROCS="+g)
	}
	p, err := startProc(cmd)
	if err != nil {
		return nil, fmt.Errorf("starting %s (run make build first): %w", bin, err)
	}
	return p, nil
}

// startProc starts cmd and reads the address it logs on stderr.
func startProc(cmd *exec.Cmd) (*proc, error) {
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, done: make(chan struct{})}
	register(cmd.Process.Pid)
	sc := bufio.NewScanner(stderr)
	for p.addr == "" && sc.Scan() {
		if m := addrRE.FindStringSubmatch(sc.Text()); m != nil {
			p.addr = m[1]
		}
	}
	go func() { // drain the log so the slave never blocks on it
		io.Copy(io.Discard, stderr)
		cmd.Wait()
		close(p.done)
	}()
	if p.addr == "" {
		p.kill()
		return nil, fmt.Errorf("%s exited without logging its address", cmd.Path)
	}
	return p, nil
}

func (p *proc) kill() {
	p.cmd.Process.Kill()
	<-p.done
}

// register appends "pid starttime label" to $BENCH_REGISTRY, as the
// peers' harness asks, so that it can reap leftovers.
func register(pid int) {
	path := os.Getenv("BENCH_REGISTRY")
	if path == "" {
		return
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return
	}
	// Field 22 counts from after the command name, which may hold spaces.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(fields) < 20 {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%d %s dpfw-slave\n", pid, fields[19])
}
