package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"
)

// expectTimeout bounds one toolchain run of a program.
const expectTimeout = time.Minute

// expectAll records every program's expected output: it builds the
// program with the Go toolchain (go build, as go run does, but keeping
// the exit status that go run would replace by 1) and runs it twice; a
// program whose two runs differ is refused as nondeterministic.
func expectAll(ctx context.Context, progs []program, jobs int, log io.Writer) error {
	tmp, err := os.MkdirTemp("", "dpfw-corpus-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	var (
		mu   sync.Mutex // protects errs and log
		errs []error
		wg   sync.WaitGroup
		next = make(chan program)
	)
	for range jobs {
		wg.Go(func() {
			for p := range next {
				err := expectOne(ctx, p, tmp)
				mu.Lock()
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", p.name, err))
				} else {
					fmt.Fprintln(log, "recorded", p.name)
				}
				mu.Unlock()
			}
		})
	}
	for _, p := range progs {
		next <- p
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

func expectOne(ctx context.Context, p program, tmp string) error {
	exe := filepath.Join(tmp, p.name)
	build := exec.CommandContext(ctx, "go", "build", "-o", exe, p.path)
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	var runs [2]toolRun
	for i := range runs {
		r, err := runTool(ctx, exe, tmp)
		if err != nil {
			return err
		}
		runs[i] = r
	}
	if runs[0] != runs[1] {
		return fmt.Errorf("nondeterministic: two runs printed different output or exited differently")
	}
	r := runs[0]
	if err := os.WriteFile(p.stdoutPath(), []byte(r.stdout), 0o644); err != nil {
		return err
	}
	if r.exit == 0 {
		if err := os.Remove(p.exitPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	return os.WriteFile(p.exitPath(), []byte(formatExit(r.exit, r.stderrLine)), 0o644)
}

// toolRun is one run of a program built by the toolchain.
type toolRun struct {
	stdout     string
	exit       int
	stderrLine string // the first line of stderr: later ones hold addresses
}

func runTool(ctx context.Context, exe, dir string) (toolRun, error) {
	ctx, cancel := context.WithTimeout(ctx, expectTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return toolRun{}, fmt.Errorf("did not finish within %s", expectTimeout)
	case errors.As(err, &ee):
		line, _, _ := bytes.Cut(errOut.Bytes(), []byte("\n"))
		return toolRun{stdout: out.String(), exit: ee.ExitCode(), stderrLine: string(line)}, nil
	case err != nil:
		return toolRun{}, err
	}
	if errOut.Len() > 0 {
		// dpfw merges a task's stderr into its output, so a passing
		// program must keep to stdout.
		return toolRun{}, fmt.Errorf("writes to stderr but exits 0: %q", errOut.String())
	}
	return toolRun{stdout: out.String()}, nil
}
