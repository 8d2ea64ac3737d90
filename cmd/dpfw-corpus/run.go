package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"time"
)

// runner runs programs through dpfw on slave servers of its own.
type runner struct {
	bin     string        // directory of the dpfw and slave binaries
	timeout time.Duration // each program's task timeout (dpfw -timeout)
	jobs    int           // slave servers, one program on each at a time
}

// grace is how long past its task timeout a dpfw run may take (connecting,
// waiting for a restarted slave) before the runner kills it as hung.
const grace = 30 * time.Second

// runAll runs progs, jobs at a time, and returns their results in the
// order of progs. It fails only if a slave server cannot be started.
func (r runner) runAll(ctx context.Context, progs []program) ([]result, error) {
	token, err := newToken()
	if err != nil {
		return nil, err
	}
	slaves := make([]*slaveProc, min(r.jobs, len(progs)))
	defer func() {
		for _, s := range slaves {
			if s != nil {
				s.stop()
			}
		}
	}()
	for i := range slaves {
		if slaves[i], err = startSlave(filepath.Join(r.bin, "slave"), token); err != nil {
			return nil, err
		}
	}
	results := make([]result, len(progs))
	next := make(chan int)
	var wg sync.WaitGroup
	for _, s := range slaves {
		wg.Go(func() {
			for i := range next {
				results[i] = r.runOne(ctx, progs[i], s.addr, token)
			}
		})
	}
	for i := range progs {
		next <- i
	}
	close(next)
	wg.Wait()
	return results, ctx.Err()
}

// runOne runs one program with `dpfw -dial ADDR -fresh FILE` and judges
// what came back.
func (r runner) runOne(ctx context.Context, p program, addr, token string) result {
	ctx, cancel := context.WithTimeout(ctx, r.timeout+grace)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(r.bin, "dpfw"),
		"-dial", addr, "-fresh", "-timeout", r.timeout.String(), "-wait-timeout", grace.String(), p.path)
	cmd.Env = append(os.Environ(), "DPFW_TOKEN="+token)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	o := outcome{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		o.killed = true
	case errors.As(err, &ee):
		o.exit = ee.ExitCode()
	case err != nil:
		o.exit, o.stderr = -1, err.Error()
	}
	return judge(p, o)
}

func newToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// slaveProc is a slave server the runner started: a supervisor and its
// engine process, which the supervisor restarts when a program kills it.
type slaveProc struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{} // closed when the supervisor has exited
}

var addrRE = regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)

// startSlave starts `slave -n 1 serve 127.0.0.1:0` and reads the address
// it logs; the rest of its log is discarded.
func startSlave(bin, token string) (*slaveProc, error) {
	cmd := exec.Command(bin, "-n", "1", "serve", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "DPFW_TOKEN="+token)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s (run make build first): %w", bin, err)
	}
	s := &slaveProc{cmd: cmd, done: make(chan struct{})}
	sc := bufio.NewScanner(stderr)
	var log []string
	for s.addr == "" && sc.Scan() {
		log = append(log, sc.Text())
		if m := addrRE.FindStringSubmatch(sc.Text()); m != nil {
			s.addr = m[1]
		}
	}
	go func() { // ends when the supervisor exits; drained so it never blocks
		io.Copy(io.Discard, stderr)
		cmd.Wait()
		close(s.done)
	}()
	if s.addr == "" {
		s.stop()
		return nil, fmt.Errorf("%s exited without logging its address:\n%s", bin, bytes.Join(toBytes(log), []byte("\n")))
	}
	return s, nil
}

// stop asks the supervisor to stop its engine process and itself, and
// kills both if they take too long.
func (s *slaveProc) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second): // the supervisor gives its child 5s
		s.cmd.Process.Kill()
		<-s.done
	}
}

func toBytes(lines []string) [][]byte {
	out := make([][]byte, len(lines))
	for i, l := range lines {
		out[i] = []byte(l)
	}
	return out
}
