// Command dpfw-bench runs the peers' five workloads (see
// ../shared/bench/peers/README.md) against a master and 2 real slave
// processes on 127.0.0.1, with the physical baselines measured in the same
// run, and prints one table: our figure, the baseline, the ratio.
//
// Usage:
//
//	dpfw-bench [-slave PATH] [-json FILE] [-only STEPS] [-cpuprofile FILE]
//
// Workload sizes and bounds come from the same environment variables as
// the peers' harness, with the same defaults: W1_N, W1_WARMUP, W2_N,
// W3_FIB, W3_N, W3_REPS, W4_N, W5_SLEEP, W5_KILL_AFTER, W5_TIMEOUT (45 s:
// how long W5 waits for the killed task's answer), W5_SIGNAL (KILL: the
// signal W5 sends, by name) and TASK_TIMEOUT (60 s: the bound on every
// other wait for a task or a batch). DPFW_BENCH_TIMEOUT (180 s) bounds the
// whole run. W3 native (fib compiled on the slaves) runs W3_NATIVE_REPS
// reps (15). -json writes the result in the peers' JSON schema (peer
// "dpfw"), errors as a list, empty when none.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

func main() {
	if os.Getenv(echoEnv) != "" {
		echoServer()
	}
	if os.Getenv(swarmEnv) != "" {
		swarmMain()
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "dpfw-bench:", err)
		os.Exit(1)
	}
}

func run() error {
	exe, _ := os.Executable()
	slaveBin := flag.String("slave", filepath.Join(filepath.Dir(exe), "slave"), "path of the slave binary")
	jsonOut := flag.String("json", "", "write the result as JSON (peers' schema) to this file")
	only := flag.String("only", "", "run only these steps (comma-separated names, e.g. baselines,W1,scale)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of this process (the masters) to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// Every wait is bounded on its own (TASK_TIMEOUT, W5_TIMEOUT), and
	// the whole run too, so that the JSON is written well within the
	// harness's PEER_TIMEOUT (240 s) however slow a step is.
	ctx, cancel := context.WithTimeout(context.Background(), envSeconds("DPFW_BENCH_TIMEOUT", 180))
	defer cancel()

	b := &bench{res: newResult(), taskTimeout: envSeconds("TASK_TIMEOUT", 60), only: *only}
	err := b.start(ctx, *slaveBin)
	defer b.stop()
	if err != nil {
		b.res.Errors = append(b.res.Errors, fmt.Sprintf("start: %v", err))
	} else {
		b.runSteps(ctx)
	}
	b.print(os.Stdout)
	if *jsonOut != "" {
		data, _ := json.MarshalIndent(b.res, "", "  ")
		if werr := os.WriteFile(*jsonOut, data, 0o644); werr != nil {
			return werr
		}
	}
	return err
}

// newResult is an empty result: the fixed fields, and lists that are
// empty rather than null in the JSON.
func newResult() result {
	return result{Peer: "dpfw", Variant: "dpfw master/slave (yamux, CBOR, yaegi)", Version: master.Version,
		ClientLang: "Go", WorkerLang: "Go source interpreted by yaegi", Transport: "yamux over TCP 127.0.0.1", Workers: 2,
		WorkerPIDs: []int{}, Errors: []string{}}
}

// runSteps runs the workloads in order; a failed one is recorded in
// Errors and the others still run.
func (b *bench) runSteps(ctx context.Context) {
	steps := []struct {
		name string
		f    func(context.Context) error
	}{
		{"baselines", b.baselines}, {"W1", b.w1}, {"W1 vs echo", b.w1echo}, {"W1 front end", b.w1front}, {"front end check", b.frontCheck}, {"W1 call", b.w1call}, {"W2", b.w2}, {"W2 map", b.w2map}, {"W1+W2 observed", b.observe},
		{"W3", b.w3}, {"W3 native", b.w3native}, {"native build", b.nativeBuild}, {"W4", b.w4}, {"W4 batch", b.w4batch}, {"memory", b.memory},
		{"task model", b.taskModel}, // before W5, which replaces a slave process
		{"W5", b.w5}, {"W5 idempotent", b.w5idem},
		{"distinct", b.distinct}, // last: the longest, and only dpfw's
		{"scale", b.scale},       // make bench only (DPFW_SCALE): not in the peers' harness
	}
	for _, s := range steps {
		if b.only != "" && !slices.Contains(strings.Split(b.only, ","), s.name) {
			continue
		}
		fmt.Fprintf(os.Stderr, "dpfw-bench: %s…\n", s.name)
		if err := b.step(ctx, s.f); err != nil {
			msg := fmt.Sprintf("%s: %s", s.name, firstLine(err))
			b.res.Errors = append(b.res.Errors, msg)
			fmt.Fprintf(os.Stderr, "dpfw-bench: %s\n", msg)
		}
	}
}

// bench is one run: the master, the slave processes, the results.
type bench struct {
	only string // -only: the steps to run, comma-separated; "" means all
	m    *master.Master
	// fast is a second master on the same slaves that keeps several
	// tasks in flight per slave (Config.Pipeline), for the workloads of
	// many tiny tasks (W2, W4); m keeps one, for latency and fan-out.
	fast   *master.Master
	procs  []*proc
	token  string
	res    result
	native time.Duration
	// slaveBin is the slave binary the benchmark runs.
	slaveBin string
	// taskTimeout bounds every wait for one task or one batch
	// (TASK_TIMEOUT, as the peers' harness).
	taskTimeout time.Duration
}

// firstLine is err's first line, and how many more there are: a joined
// error of a thousand failed tasks is one entry, not a thousand lines.
func firstLine(err error) string {
	first, rest, more := strings.Cut(err.Error(), "\n")
	if !more {
		return first
	}
	return fmt.Sprintf("%s (and %d more lines)", first, strings.Count(rest, "\n")+1)
}

// step runs one workload. Its tasks are cancelled when it returns, so a
// step that failed half way leaves no queued work to slow the next.
func (b *bench) step(ctx context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	return f(ctx)
}

// bounded is ctx bounded by TASK_TIMEOUT.
func (b *bench) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, b.taskTimeout)
}

func (b *bench) start(ctx context.Context, slaveBin string) error {
	b.token, b.slaveBin = fmt.Sprintf("bench-%d", time.Now().UnixNano()), slaveBin
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	b.m = master.New(master.Config{Session: session.Config{Token: b.token}, Logger: quiet})
	b.res.Extra.Pipeline = envInt("DPFW_PIPELINE", 32)
	b.fast = master.New(master.Config{Session: session.Config{Token: b.token}, Logger: quiet, Pipeline: b.res.Extra.Pipeline})
	start := time.Now()
	for range 2 {
		p, err := startSlave(ctx, slaveBin, b.token)
		if err != nil {
			return err
		}
		b.procs = append(b.procs, p)
		b.res.WorkerPIDs = append(b.res.WorkerPIDs, p.cmd.Process.Pid)
		if err := b.dial(ctx, p); err != nil {
			return err
		}
	}
	b.res.StartupS = time.Since(start).Seconds()
	return nil
}

func (b *bench) dial(ctx context.Context, p *proc) error {
	if _, err := b.m.Dial(ctx, p.addr); err != nil {
		return err
	}
	_, err := b.fast.Dial(ctx, p.addr)
	return err
}

func (b *bench) stop() {
	b.m.Close()
	b.fast.Close()
	for _, p := range b.procs {
		p.kill()
	}
}
