package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/yamux"
	"golang.org/x/sys/unix"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

// envInt and envFloat read the peers' workload sizes.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func envFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
		return v
	}
	return def
}

// envSeconds reads a bound in seconds, as the peers' harness gives them.
func envSeconds(name string, def float64) time.Duration {
	return time.Duration(envFloat(name, def) * float64(time.Second))
}

// sequential times n runs of f after warmup unmeasured ones.
func sequential(warmup, n int, f func() error) ([]time.Duration, time.Duration, error) {
	for range warmup {
		if err := f(); err != nil {
			return nil, 0, err
		}
	}
	samples := make([]time.Duration, n)
	start := time.Now()
	for i := range samples {
		t := time.Now()
		if err := f(); err != nil {
			return nil, 0, err
		}
		samples[i] = time.Since(t)
	}
	return samples, time.Since(start), nil
}

// baselines measures the physical limits of this machine in this run: a
// raw TCP round trip on loopback to another process (as the slaves are),
// and native Go fib.
func (b *bench) baselines(ctx context.Context) error {
	if err := b.yamuxBaseline(ctx); err != nil {
		return err
	}
	p, err := startEcho(ctx, "tcp")
	if err != nil {
		return err
	}
	defer p.kill()
	c, err := net.Dial("tcp", p.addr)
	if err != nil {
		return err
	}
	defer c.Close()
	buf := make([]byte, 64)
	samples, _, err := sequential(envInt("W1_WARMUP", 200), envInt("W1_N", 2000), func() error {
		if _, err := c.Write(buf); err != nil {
			return err
		}
		_, err := io.ReadFull(c, buf)
		return err
	})
	if err != nil {
		return err
	}
	slices.Sort(samples)
	b.res.Extra.RawTCPP50us = us(percentile(samples, 50))
	// The result is checked, so the compiler cannot drop the calls.
	n := envInt("W3_FIB", 27)
	want := fibLoop(n)
	start := time.Now()
	for range 5 {
		if got := fib(n); got != want {
			return fmt.Errorf("native fib(%d) = %d, want %d", n, got, want)
		}
	}
	b.native = time.Since(start) / 5
	b.res.Extra.NativeFibS = b.native.Seconds()
	return nil
}

// yamuxBaseline measures a bare yamux stream echo round trip to another
// process: one stream, 64 bytes each way, yamux's default config.
func (b *bench) yamuxBaseline(ctx context.Context) error {
	e, err := dialEcho(ctx)
	if err != nil {
		return err
	}
	defer e.close()
	n := envInt("W1_N", 2000)
	cpu := startCPU(e.p.cmd.Process.Pid)
	samples, _, err := sequential(envInt("W1_WARMUP", 200), n, e.roundTrip)
	if err != nil {
		return err
	}
	b.res.Extra.YamuxCPUSelfUs, b.res.Extra.YamuxCPUPeerUs = cpu.perTask(envInt("W1_WARMUP", 200) + n)
	b.res.Extra.YamuxRunsSelf, b.res.Extra.YamuxRunsPeer = cpu.runsPerTask(envInt("W1_WARMUP", 200) + n)
	slices.Sort(samples)
	b.res.Extra.YamuxP50us = us(percentile(samples, 50))
	return nil
}

// fib is the workload's own (recursive) fib, compiled.
func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

// fibLoop is fib without the recursion: the reference result.
func fibLoop(n int) int {
	a, b := 0, 1
	for range n {
		a, b = b, a+b
	}
	return a
}

// runW1 is one W1 task: Run("2+3") on b's master, its result checked.
func (b *bench) runW1(ctx context.Context) error {
	tctx, cancel := b.bounded(ctx)
	defer cancel()
	res, err := b.m.Run(tctx, "2+3")
	if err == nil && res.Value != int64(5) {
		err = fmt.Errorf("2+3 gave %v", res.Value)
	}
	return err
}

func (b *bench) w1(ctx context.Context) error {
	warm, n := envInt("W1_WARMUP", 200), envInt("W1_N", 2000)
	cpu := startCPU(b.pids()...)
	samples, total, err := sequential(warm, n, func() error { return b.runW1(ctx) })
	if err != nil {
		return err
	}
	b.res.Extra.W1CPUMasterUs, b.res.Extra.W1CPUSlaveUs = cpu.perTask(warm + n)
	b.res.Extra.W1RunsMaster, b.res.Extra.W1RunsSlave = cpu.runsPerTask(warm + n)
	b.res.W1 = summarize(samples, warm, total, `master.Run(ctx, "2+3") in a loop (Submit + Wait; source cached on the slave)`)
	return nil
}

// w1call is W1 through the call path: a function already defined on the
// slaves, new arguments, no source at all.
func (b *bench) w1call(ctx context.Context) error {
	bctx, cancel := b.bounded(ctx)
	defer cancel()
	if _, err := b.m.Broadcast(bctx, "func add(a, b int) int { return a + b }"); err != nil {
		return err
	}
	samples, _, err := sequential(envInt("W1_WARMUP", 200), envInt("W1_N", 2000), func() error {
		tctx, cancel := b.bounded(ctx)
		defer cancel()
		res, err := b.m.Submit(tctx, master.Task{Func: "add", Args: []any{2, 3}}).Wait(tctx)
		if err == nil && res.Value != int64(5) {
			err = fmt.Errorf("add(2, 3) gave %v", res.Value)
		}
		return err
	})
	if err != nil {
		return err
	}
	slices.Sort(samples)
	b.res.Extra.CallP50us, b.res.Extra.CallP99us = us(percentile(samples, 50)), us(percentile(samples, 99))
	return nil
}

// w2 submits every task at once as its own future, through a second
// master (same slaves) that pipelines several tasks per slave.
func (b *bench) w2(ctx context.Context) error {
	m, pipe := b.fast, b.res.Extra.Pipeline
	n := envInt("W2_N", 20000)
	cpu := startCPU(b.pids()...)
	start := time.Now()
	futs := make([]*master.Future, n)
	for i := range futs {
		futs[i] = m.Submit(ctx, master.Task{Src: "2+3"})
	}
	wctx, cancel := b.bounded(ctx) // the gather is one batch
	defer cancel()
	done := 0
	for _, f := range futs {
		if res, err := f.Wait(wctx); err == nil && res.Value == int64(5) {
			done++
		}
	}
	total := time.Since(start)
	b.res.Extra.W2CPUMasterUs, b.res.Extra.W2CPUSlaveUs = cpu.perTask(n)
	b.res.Extra.W2RunsMaster, b.res.Extra.W2RunsSlave = cpu.runsPerTask(n)
	b.res.W2 = &through{N: n, Completed: done, TotalS: total.Seconds(), PerS: float64(n) / total.Seconds(), OK: done == n,
		Method: fmt.Sprintf("N x master.Submit(2+3) at once (Pipeline %d per slave), then Wait on every future", pipe)}
	return nil
}

func (b *bench) w2map(ctx context.Context) error {
	n, size := envInt("W2_N", 20000), envInt("DPFW_BATCH", 500)
	tasks := make([]master.Task, n)
	for i := range tasks {
		tasks[i] = master.Task{Src: "2+3"}
	}
	bctx, cancel := b.bounded(ctx)
	defer cancel()
	start := time.Now()
	results, err := b.m.Batch(bctx, size, tasks...)
	total := time.Since(start)
	if err != nil {
		return err
	}
	for _, r := range results {
		if r.Value != int64(5) {
			return fmt.Errorf("a batched 2+3 gave %v", r.Value)
		}
	}
	b.res.Extra.MapPerS, b.res.Extra.MapBatch = float64(n)/total.Seconds(), size
	return nil
}

const fibSrc = `func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}`

func (b *bench) w3(ctx context.Context) error {
	n, k, reps := envInt("W3_N", 8), envInt("W3_FIB", 27), envInt("W3_REPS", 3)
	want := int64(fibLoop(k))
	if err := b.within(ctx, func(ctx context.Context) error { _, err := b.m.Broadcast(ctx, fibSrc); return err }); err != nil {
		return err
	}
	task := master.Task{Src: fmt.Sprintf("fib(%d)", k)}
	check := func(what string, res master.Result) error {
		if res.Value != want {
			return fmt.Errorf("%s: fib(%d) = %v on %s, want %d", what, k, res.Value, res.Slave, want)
		}
		return nil
	}
	if err := b.within(ctx, func(ctx context.Context) error { // warm-up
		res, err := b.m.Run(ctx, task.Src)
		if err == nil {
			err = check("warm-up", res)
		}
		return err
	}); err != nil {
		return err
	}
	f := &fanout{N: n, Fib: k, Compute: "yaegi-interpreted Go", Result: want, Reps: reps, OK: true,
		Method: "Broadcast(fib source); per rep: one Run(fib(n)), then Parallel of n Run(fib(n)); every result checked; medians"}
	b.res.W3 = f
	var singleCompute, meanCompute []float64
	for rep := range reps {
		var single master.Result
		start := time.Now()
		err := b.within(ctx, func(ctx context.Context) (err error) { single, err = b.m.Run(ctx, task.Src); return err })
		if err == nil {
			err = check(fmt.Sprintf("rep %d single", rep), single)
		}
		if err != nil {
			f.OK = false
			return err
		}
		f.SingleSamples = append(f.SingleSamples, time.Since(start).Seconds())
		singleCompute = append(singleCompute, single.Took.Seconds())
		var results []master.Result
		start = time.Now()
		err = b.within(ctx, func(ctx context.Context) (err error) {
			results, err = b.m.Parallel(ctx, slices.Repeat([]master.Task{task}, n)...)
			return err
		})
		wall := time.Since(start)
		for i, r := range results {
			if err == nil {
				err = check(fmt.Sprintf("rep %d task %d of %d", rep, i, n), r)
			}
		}
		if err != nil {
			f.OK = false
			return err
		}
		f.WallSamples = append(f.WallSamples, wall.Seconds())
		var sum float64
		for _, r := range results {
			sum += r.Took.Seconds()
		}
		meanCompute = append(meanCompute, sum/float64(n))
	}
	f.SingleS, f.WallS = median(f.SingleSamples), median(f.WallSamples)
	f.SingleCompute, f.MeanCompute = median(singleCompute), median(meanCompute)
	f.Speedup, f.SpeedupCompute = float64(n)*f.SingleS/f.WallS, float64(n)*f.SingleCompute/f.WallS
	return nil
}

// within runs f, one wait for a task or a batch, with ctx bounded by
// TASK_TIMEOUT.
func (b *bench) within(ctx context.Context, f func(context.Context) error) error {
	ctx, cancel := b.bounded(ctx)
	defer cancel()
	return f(ctx)
}

const incrSrc = `import "os"
c := dpfw.Table().Get("counter").(int) + 1
dpfw.Table().Set("counter", c)
[]int{os.Getpid(), c}`

func (b *bench) w4(ctx context.Context) error {
	n := envInt("W4_N", 1000)
	if err := b.within(ctx, func(ctx context.Context) error {
		_, err := b.fast.Broadcast(ctx, `dpfw.Table().Set("counter", 0)`)
		return err
	}); err != nil {
		return err
	}
	start := time.Now()
	futs := make([]*master.Future, n)
	for i := range futs {
		futs[i] = b.fast.Submit(ctx, master.Task{Src: incrSrc})
	}
	pairs := make([][]int, n)
	err := b.within(ctx, func(ctx context.Context) error { // the gather is one batch
		for i, f := range futs {
			if err := f.Decode(ctx, &pairs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s := checkCounters(pairs, time.Since(start))
	s.Method = fmt.Sprintf("counter in each slave's table (dpfw.Table()); N x Submit(increment) at once (Pipeline %d); check values per pid are 1..k", b.res.Extra.Pipeline)
	b.res.W4 = s
	return nil
}

// w4batch is W4 through Batch: the same increments, 50 per message.
func (b *bench) w4batch(ctx context.Context) error {
	n := envInt("W4_N", 1000)
	if err := b.within(ctx, func(ctx context.Context) error {
		_, err := b.m.Broadcast(ctx, `dpfw.Table().Set("counter", 0)`)
		return err
	}); err != nil {
		return err
	}
	start := time.Now()
	var results []master.Result
	if err := b.within(ctx, func(ctx context.Context) (err error) {
		results, err = b.m.Batch(ctx, 50, slices.Repeat([]master.Task{{Src: incrSrc}}, n)...)
		return err
	}); err != nil {
		return err
	}
	pairs := make([][]int, n)
	for i, r := range results {
		for _, v := range r.Value.([]any) {
			pairs[i] = append(pairs[i], int(v.(int64)))
		}
	}
	s := checkCounters(pairs, time.Since(start))
	b.res.Extra.W4BatchS, b.res.Extra.W4BatchOK = s.TotalS, s.Correct
	return nil
}

// checkCounters applies W4's check: per worker pid, the values seen are
// exactly 1..k.
func checkCounters(pairs [][]int, took time.Duration) *state {
	seen := map[string][]int{}
	for _, p := range pairs {
		pid := strconv.Itoa(p[0])
		seen[pid] = append(seen[pid], p[1])
	}
	s := &state{N: len(pairs), Completed: len(pairs), TotalS: took.Seconds(), Correct: true, PerWorker: map[string]int{}}
	for pid, vals := range seen {
		slices.Sort(vals)
		for i, v := range vals {
			s.Correct = s.Correct && v == i+1
		}
		s.PerWorker[pid] = len(vals)
	}
	return s
}

func (b *bench) w5(ctx context.Context) error {
	d, err := b.killMidTask(ctx, false)
	b.res.W5 = d
	return err
}

// w5idem repeats W5 with the task marked Idempotent, after replacing
// the slave W5 killed.
func (b *bench) w5idem(ctx context.Context) error {
	if b.res.W5 == nil || b.res.W5.KilledPID == 0 {
		return fmt.Errorf("W5 killed no slave")
	}
	if err := b.replace(ctx, b.res.W5.KilledPID); err != nil {
		return err
	}
	d, err := b.killMidTask(ctx, true)
	b.res.W5Alt = d
	return err
}

// replace starts a new slave in place of the one with the given pid,
// once that one has exited (killed if it still runs after TASK_TIMEOUT),
// and dials it.
func (b *bench) replace(ctx context.Context, pid int) error {
	for i, p := range b.procs {
		if p.cmd.Process.Pid != pid {
			continue
		}
		select {
		case <-p.done:
		case <-time.After(b.taskTimeout): // W5_SIGNAL did not end it (STOP, USR1…)
			p.kill()
		}
		exe, _ := os.Executable()
		np, err := startSlave(ctx, filepath.Join(filepath.Dir(exe), "slave"), b.token)
		if err != nil {
			return err
		}
		b.procs[i] = np
		return b.dial(ctx, np)
	}
	return fmt.Errorf("no slave with pid %d", pid)
}

// killMidTask runs a task that writes its pid to a marker file and
// sleeps, sends that pid W5_SIGNAL W5_KILL_AFTER after the marker
// appears, and times how long the master takes to know (at most
// W5_TIMEOUT).
func (b *bench) killMidTask(ctx context.Context, idempotent bool) (*death, error) {
	sleep, after := envFloat("W5_SLEEP", 2), envFloat("W5_KILL_AFTER", 0.5)
	timeout, signame := envFloat("W5_TIMEOUT", 45), os.Getenv("W5_SIGNAL")
	if signame == "" {
		signame = "KILL"
	}
	sig := unix.SignalNum("SIG" + strings.TrimPrefix(strings.ToUpper(signame), "SIG"))
	if sig == 0 {
		return nil, fmt.Errorf("W5_SIGNAL=%q is not a signal name", signame)
	}
	marker := filepath.Join(os.TempDir(), fmt.Sprintf("dpfw-bench-w5-%d", time.Now().UnixNano()))
	defer os.Remove(marker)
	src := fmt.Sprintf(`import ("os"; "strconv"; "time")
os.WriteFile(%q, []byte(strconv.Itoa(os.Getpid())), 0o644)
time.Sleep(%d * time.Millisecond)
os.Getpid()`, marker, int(sleep*1000))
	d := &death{SleepS: sleep, KillAfterS: after, Signal: unix.SignalName(sig), TimeoutS: timeout,
		Method: fmt.Sprintf("Submit(task writing its pid, then sleeping); %s to that pid; Future.Wait (at most W5_TIMEOUT)", unix.SignalName(sig))}
	if idempotent {
		d.Method = "as W5 with Task.Idempotent: the master re-runs the task on another slave"
	}
	submit := time.Now()
	tctx, cancel := context.WithCancel(ctx) // the task's: cancelled when W5 is over
	defer cancel()
	f := b.m.Submit(tctx, master.Task{Src: src, Idempotent: idempotent})
	mctx, mcancel := b.bounded(ctx)
	pid, err := waitMarker(mctx, marker)
	mcancel()
	if err != nil {
		return d, fmt.Errorf("the task never wrote its pid: %w", err)
	}
	if !b.ours(pid) {
		return d, fmt.Errorf("marker pid %d is not a slave this benchmark started", pid)
	}
	time.Sleep(time.Duration(after * float64(time.Second)))
	if err := unix.Kill(pid, sig); err != nil {
		return d, fmt.Errorf("sending %s to pid %d: %w", d.Signal, pid, err)
	}
	killed := time.Now()
	wctx, wcancel := context.WithTimeout(ctx, time.Duration(timeout*float64(time.Second)))
	defer wcancel()
	res, err := f.Wait(wctx)
	d.KillKnown, d.SubmitKnow, d.KilledPID = time.Since(killed).Seconds(), time.Since(submit).Seconds(), pid
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		d.Outcome, d.ClientSaw = "hang (no answer within timeout)", err.Error()
	case master.IsKind(err, master.KindLost):
		d.Outcome, d.ClientSaw = "error", err.Error()
		d.Note = "typed RemoteError of kind lost, naming the slave; the connection drop is seen at once"
	case err != nil:
		d.Outcome, d.ClientSaw = "error", err.Error()
	default:
		d.ResultPID = int(res.Value.(int64))
		d.Outcome, d.ClientSaw = "retried elsewhere (opt-in Idempotent)", fmt.Sprintf("result from slave pid %d (%s)", d.ResultPID, res.Slave)
		d.Note = "includes the re-run's own " + strconv.FormatFloat(sleep, 'f', 1, 64) + " s"
	}
	return d, nil
}

// live returns a slave process that is still connected (W5 killed one)
// and its engine's Slave, or nil.
func (b *bench) live() (*proc, *master.Slave) {
	for _, p := range b.procs {
		if _, sl := b.procOf(p); sl != nil {
			return p, sl
		}
	}
	return nil, nil
}

// liveProcs returns the slave processes still connected to b's master.
func (b *bench) liveProcs() []*proc {
	var live []*proc
	for _, p := range b.procs {
		if _, sl := b.procOf(p); sl != nil {
			live = append(live, p)
		}
	}
	return live
}

// procOf returns p and its engine's Slave if p is still connected.
func (b *bench) procOf(p *proc) (*proc, *master.Slave) {
	for _, sl := range b.m.Slaves() {
		if sl.Info().Peer.PID == p.cmd.Process.Pid {
			return p, sl
		}
	}
	return nil, nil
}

func (b *bench) ours(pid int) bool {
	for _, p := range b.procs {
		if p.cmd.Process.Pid == pid {
			return true
		}
	}
	return false
}

// waitMarker polls for the marker file: a benchmark measurement, not a
// synchronisation in a test.
func waitMarker(ctx context.Context, path string) (int, error) {
	for ctx.Err() == nil {
		if data, err := os.ReadFile(path); err == nil && len(data) > 0 {
			return strconv.Atoi(strings.TrimSpace(string(data)))
		}
		time.Sleep(time.Millisecond)
	}
	return 0, ctx.Err()
}

// distinct runs DPFW_DISTINCT (100,000) distinct statement snippets on
// one engine (of a process W5 left alive), in batches, and reports that slave's RSS before and after:
// the bound that interpreter recycling buys (yaegi alone grows ~4 KB per
// distinct snippet, notes §8). It stops with an error once the slave's
// RSS passes DPFW_DISTINCT_MAX_RSS_MB (2048): on a shared machine a leak
// must not take the memory of everyone else.
func (b *bench) distinct(ctx context.Context) error {
	n, maxKB := envInt("DPFW_DISTINCT", 100000), envInt("DPFW_DISTINCT_MAX_RSS_MB", 2048)<<10
	p, s := b.live()
	if s == nil {
		return fmt.Errorf("no slave process left alive")
	}
	before := rss(p.cmd.Process.Pid)
	b.res.Extra.DistinctRSSBeforeKB = before
	start := time.Now()
	const batch = 1000
	for lo := 0; lo < n; lo += batch {
		futs := make([]*master.Future, 0, batch)
		for i := lo; i < min(lo+batch, n); i++ {
			futs = append(futs, s.Submit(ctx, master.Task{Src: fmt.Sprintf("x%d := %d; x%d*2 + 1", i, i, i)}))
		}
		for _, f := range futs {
			if err := b.within(ctx, func(ctx context.Context) error { _, err := f.Wait(ctx); return err }); err != nil {
				return err
			}
		}
		if kb := rss(p.cmd.Process.Pid); kb > maxKB {
			b.res.Extra.DistinctN, b.res.Extra.DistinctS, b.res.Extra.DistinctRSSAfterKB = min(lo+batch, n), time.Since(start).Seconds(), kb
			return fmt.Errorf("slave RSS %d MB after %d distinct snippets (from %d MB): stopped at DPFW_DISTINCT_MAX_RSS_MB", kb>>10, min(lo+batch, n), before>>10)
		}
	}
	b.res.Extra.DistinctN, b.res.Extra.DistinctS = n, time.Since(start).Seconds()
	b.res.Extra.DistinctRSSAfterKB = rss(p.cmd.Process.Pid)
	return nil
}

// rss is a process's resident set in KB, from /proc.
func rss(pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.Atoi(f[1])
			return kb
		}
	}
	return 0
}

// pids are the slave processes' ids.
func (b *bench) pids() []int {
	var pids []int
	for _, p := range b.procs {
		pids = append(pids, p.cmd.Process.Pid)
	}
	return pids
}

// cpuMeter measures the CPU time this process and some others spend
// over a span.
type cpuMeter struct {
	pids       []int
	self, peer schedStat
}

// schedStat is what /proc/PID/task/*/schedstat adds up to: CPU time, and
// how many times a thread was put on a CPU (mostly a wake-up: a thread
// that slept on a futex or epoll, because one goroutine handed work to
// another, or a packet came).
type schedStat struct {
	cpu  time.Duration
	runs int64
}

func (a schedStat) add(b schedStat) schedStat { return schedStat{a.cpu + b.cpu, a.runs + b.runs} }

// startCPU starts measuring this process and pids.
func startCPU(pids ...int) *cpuMeter {
	c := &cpuMeter{pids: pids, self: procCPU(os.Getpid())}
	for _, pid := range pids {
		c.peer = c.peer.add(procCPU(pid))
	}
	return c
}

// perTask is the CPU time each side spent since startCPU, per task of n,
// in µs: this process's, and the others' together.
func (c *cpuMeter) perTask(n int) (self, peer float64) {
	s, p := c.since()
	return us(s.cpu / time.Duration(n)), us(p.cpu / time.Duration(n))
}

// runsPerTask is how many times, per task of n, a thread of each side
// was put on a CPU since startCPU: a measure of the hand-offs that cost
// a thread wake-up, which the load moves far less than CPU time.
func (c *cpuMeter) runsPerTask(n int) (self, peer float64) {
	s, p := c.since()
	return float64(s.runs) / float64(n), float64(p.runs) / float64(n)
}

func (c *cpuMeter) since() (self, peer schedStat) {
	for _, pid := range c.pids {
		peer = peer.add(procCPU(pid))
	}
	self = procCPU(os.Getpid())
	return schedStat{self.cpu - c.self.cpu, self.runs - c.self.runs}, schedStat{peer.cpu - c.peer.cpu, peer.runs - c.peer.runs}
}

// procCPU is the CPU time all threads of process pid have run, from
// /proc (nanoseconds, unlike the clock ticks of /proc/PID/stat); 0 where
// /proc has no schedstat.
func procCPU(pid int) schedStat {
	dirs, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	var total schedStat
	for _, d := range dirs {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, d.Name()))
		if err != nil {
			continue
		}
		if f := strings.Fields(string(data)); len(f) >= 3 {
			ns, _ := strconv.ParseInt(f[0], 10, 64)
			runs, _ := strconv.ParseInt(f[2], 10, 64)
			total = total.add(schedStat{time.Duration(ns), runs})
		}
	}
	return total
}

// memory reports an idle slave's RSS and the master's heap per extra
// connection.
func (b *bench) memory(ctx context.Context) error {
	b.res.Extra.SlaveIdleRSSKB = rss(b.procs[0].cmd.Process.Pid)
	const conns = 20
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := master.New(master.Config{Session: session.Config{Token: b.token}, Logger: quiet})
	defer m.Close()
	before := heap()
	for range conns {
		if _, err := m.Dial(ctx, b.procs[0].addr); err != nil {
			return err
		}
	}
	b.res.Extra.ConnHeapKB = float64(heap()-before) / conns / 1024
	return nil
}

func heap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// echoClient is one yamux stream to an echo process (startEcho "yamux").
type echoClient struct {
	p   *proc
	mux *yamux.Session
	st  *yamux.Stream
	buf []byte
}

// dialEcho starts an echo process and opens a stream to it.
func dialEcho(ctx context.Context) (*echoClient, error) {
	p, err := startEcho(ctx, "yamux")
	if err != nil {
		return nil, err
	}
	c, err := net.Dial("tcp", p.addr)
	if err != nil {
		p.kill()
		return nil, err
	}
	mux, err := yamux.Client(c, yamuxConfig())
	if err != nil {
		c.Close()
		p.kill()
		return nil, err
	}
	st, err := mux.OpenStream()
	if err != nil {
		mux.Close()
		p.kill()
		return nil, err
	}
	return &echoClient{p: p, mux: mux, st: st, buf: make([]byte, 64)}, nil
}

// roundTrip sends 64 bytes and reads them back.
func (e *echoClient) roundTrip() error {
	if _, err := e.st.Write(e.buf); err != nil {
		return err
	}
	_, err := io.ReadFull(e.st, e.buf)
	return err
}

func (e *echoClient) close() {
	e.mux.Close()
	e.p.kill()
}
