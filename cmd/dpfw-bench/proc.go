package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
)

// proc is a slave process this benchmark started.
type proc struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}
}

var addrRE = regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)

// startSlave starts `slave -n 1 serve 127.0.0.1:0` and reads the address
// it logs.
func startSlave(ctx context.Context, bin, token string) (*proc, error) {
	cmd := exec.Command(bin, "-n", "1", "serve", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "DPFW_TOKEN="+token)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s (run make build first): %w", bin, err)
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
		return nil, fmt.Errorf("%s exited without logging its address", bin)
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
