package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave/slavetest"
)

// swarmEnv makes this binary a swarm of light slave nodes (package
// slavetest: real sessions, an engine that only adds) that keep dialing
// the master at its value, in a process of their own, so that the
// master's memory and CPU are measured alone.
const swarmEnv = "DPFW_BENCH_SWARM"

// swarmMain is the whole life of a swarm process: DPFW_BENCH_SWARM=addr,
// DPFW_BENCH_SWARM_N nodes, DPFW_TOKEN. It runs until killed.
func swarmMain() {
	n, _ := strconv.Atoi(os.Getenv(swarmEnv + "_N"))
	cfg := session.Config{Token: os.Getenv("DPFW_TOKEN"), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s := slavetest.StartSwarm(os.Getenv(swarmEnv), n, cfg)
	fmt.Fprintf(os.Stderr, "swarm addr=127.0.0.1:0 n=%d\n", n) // startProc waits for an addr line
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	s.Close()
	os.Exit(0)
}

// scalePoint is one row of the scale section.
type scalePoint struct {
	Slaves int `json:"slaves"`
	// Real is how many of them are real slave processes (yaegi).
	Real           int     `json:"real_slaves"`
	JoinS          float64 `json:"join_s"`
	HeapPerConnKB  float64 `json:"master_heap_per_connection_kb"`
	Tasks          int     `json:"tasks"`
	TasksOK        bool    `json:"tasks_ok"`
	WallPerTaskUS  float64 `json:"wall_per_task_us"`
	MasterCPUPerUS float64 `json:"master_cpu_per_task_us"`
	// IdleCPUms is the master's CPU per second with every slave
	// connected and no task: the upkeep of the connections (keepalives).
	IdleCPUms float64 `json:"master_idle_cpu_ms_per_s"`
	// Rejoin: the master is closed, its port answers nothing useful for
	// DownS (connections accepted and closed at once, counted), then a
	// new master serves it.
	DownS             float64 `json:"down_s"`
	AttemptsDown      int     `json:"connection_attempts_while_down"`
	PeakAttemptsPerS  float64 `json:"peak_connection_attempts_per_s"`
	RejoinS           float64 `json:"rejoin_after_restart_s"`
	RejoinAttempts    int     `json:"connection_attempts_rejoin"`
	RejoinFromCloseS  float64 `json:"rejoin_from_close_s"`
	OpenFilesLimit    uint64  `json:"ulimit_n"`
	SwarmProcesses    int     `json:"swarm_processes"`
	TasksOnRealSlaves int     `json:"tasks_on_real_slaves"`
}

// scale connects DPFW_SCALE (make bench: 10,100,1000; unset: no scale
// section) light slave nodes, plus the
// two real slave processes, to a master of its own and measures join
// time, the master's heap per connection, the master's cost per task,
// and the rejoin of every node after a master restart.
func (b *bench) scale(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	var lim syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	sizes := os.Getenv("DPFW_SCALE")
	if sizes == "" {
		return nil // make bench sets it; the peers' harness has no time for it
	}
	for _, f := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return fmt.Errorf("DPFW_SCALE: %v", err)
		}
		if uint64(2*n+64) > lim.Cur {
			b.res.Errors = append(b.res.Errors, fmt.Sprintf("scale %d: ulimit -n is %d, too few for %d connections", n, lim.Cur, n))
			continue
		}
		p, err := b.scaleOne(ctx, n)
		if err != nil {
			return fmt.Errorf("%d slaves: %w", n, err)
		}
		p.OpenFilesLimit = lim.Cur
		b.res.Extra.Scale = append(b.res.Extra.Scale, *p)
	}
	return nil
}

func (b *bench) scaleOne(ctx context.Context, n int) (*scalePoint, error) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := session.Config{Token: b.token}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	cl := &countingListener{Listener: ln}
	m := master.New(master.Config{Session: cfg, Logger: quiet})
	serving := make(chan struct{})
	go func() { m.Serve(ctx, cl); close(serving) }()
	stopMaster := func() { m.Close(); <-serving }
	defer func() { stopMaster() }()

	alive := b.liveProcs() // W5 killed one of b.procs
	p := &scalePoint{Slaves: n + len(alive), Real: len(alive), SwarmProcesses: 1}
	before := heap()
	start := time.Now()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), swarmEnv+"="+addr, swarmEnv+"_N="+strconv.Itoa(n), "DPFW_TOKEN="+b.token)
	sw, err := startProc(cmd)
	if err != nil {
		return nil, err
	}
	defer sw.kill()
	for _, rp := range alive { // the real slaves, dialed by this master
		if _, err := m.Dial(ctx, rp.addr); err != nil {
			return nil, err
		}
	}
	if err := m.WaitSlaves(ctx, p.Slaves); err != nil {
		return nil, err
	}
	p.JoinS = time.Since(start).Seconds()
	p.HeapPerConnKB = float64(heap()-before) / float64(p.Slaves) / 1024

	idle0, it0 := cpuTime(), time.Now()
	time.Sleep(time.Second) // a measurement window, not a synchronisation
	p.IdleCPUms = float64(cpuTime()-idle0) / 1e6 / time.Since(it0).Seconds()

	// Scheduling: as many tiny tasks at once, whatever the slave count.
	p.Tasks = envInt("DPFW_SCALE_TASKS", 20000)
	real := map[string]bool{}
	for _, s := range m.Slaves() {
		if !strings.HasPrefix(s.Info().Peer.Name, "light") {
			real[s.ID()] = true
		}
	}
	cpu0, t0 := cpuTime(), time.Now()
	futs := make([]*master.Future, p.Tasks)
	for i := range futs {
		futs[i] = m.Submit(ctx, master.Task{Src: fmt.Sprintf("%d + %d", i, i)})
	}
	p.TasksOK = true
	for i, f := range futs {
		res, err := f.Wait(ctx)
		if err != nil || res.Value != int64(2*i) {
			p.TasksOK = false
		}
		if real[res.Slave] {
			p.TasksOnRealSlaves++
		}
	}
	wall, cpu := time.Since(t0), cpuTime()-cpu0
	p.WallPerTaskUS = us(wall) / float64(p.Tasks)
	p.MasterCPUPerUS = us(cpu) / float64(p.Tasks)

	// Restart: close the master; the port accepts and drops connections
	// for a while (a master process starting up), then a new master serves.
	p.DownS = envFloat("DPFW_SCALE_DOWN", 1)
	closed := time.Now()
	stopMaster()
	down, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	dl := &countingListener{Listener: down}
	go func() {
		for {
			c, err := dl.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	time.Sleep(time.Duration(p.DownS * float64(time.Second)))
	dl.Close()
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	cl2 := &countingListener{Listener: ln}
	m = master.New(master.Config{Session: cfg, Logger: quiet})
	serving = make(chan struct{})
	up := time.Now()
	go func() { m.Serve(ctx, cl2); close(serving) }()
	if err := m.WaitSlaves(ctx, n); err != nil {
		return nil, err
	}
	p.RejoinS, p.RejoinFromCloseS = time.Since(up).Seconds(), time.Since(closed).Seconds()
	p.AttemptsDown, p.RejoinAttempts = dl.count(), cl2.count()
	p.PeakAttemptsPerS = peakRate(append(dl.times(), cl2.times()...), 100*time.Millisecond)
	return p, nil
}

// countingListener records when each connection was accepted.
type countingListener struct {
	net.Listener
	mu sync.Mutex // protects at
	at []time.Time
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.mu.Lock()
		l.at = append(l.at, time.Now())
		l.mu.Unlock()
	}
	return c, err
}

func (l *countingListener) count() int { return len(l.times()) }

func (l *countingListener) times() []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Time(nil), l.at...)
}

// peakRate is the most events in any window, per second.
func peakRate(ts []time.Time, window time.Duration) float64 {
	slices.SortFunc(ts, time.Time.Compare)
	best, lo := 0, 0
	for hi := range ts {
		for ts[hi].Sub(ts[lo]) >= window {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return float64(best) / window.Seconds()
}

// cpuTime is this process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
