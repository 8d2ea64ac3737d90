package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

// taskModel measures issue 13's task model against the slave processes:
// merged keyed tasks, cache hits, and a burst through MaxQueued.
func (b *bench) taskModel(ctx context.Context) error {
	if err := b.merged(ctx); err != nil {
		return err
	}
	if err := b.cacheHits(ctx); err != nil {
		return err
	}
	if err := b.reentrant(ctx); err != nil {
		return err
	}
	return b.burst(ctx)
}

// pfibTmpl computes fib(n) by submitting itself twice per level down to
// depth d (fmt's %q quotes the template into its own copy).
const pfibTmpl = `const tmpl = %q
func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }
func pfib(n, d int) int {
	if d == 0 || n < 2 { return fib(n) }
	vs, err := dpfw.Parallel(fmt.Sprintf(tmpl, tmpl, n-1, d-1), fmt.Sprintf(tmpl, tmpl, n-2, d-1))
	if err != nil { panic(err) }
	return int(vs[0].(int64) + vs[1].(int64))
}
pfib(%d, %d)`

// reentrant: a re-entrant fib(REENT_N) to depth 4 on the two one-engine
// slaves, twice, and the same fib as a single task.
func (b *bench) reentrant(ctx context.Context) error {
	n, d := envInt("REENT_N", 24), 4
	m, err := b.extraMaster(ctx, master.Config{})
	if err != nil {
		return err
	}
	defer m.Close()
	bctx, cancel := b.bounded(ctx)
	defer cancel()
	want := int64(1)
	for a, i := int64(0), 1; i < n; i++ {
		a, want = want, a+want
	}
	x := &b.res.Extra
	x.ReentFibN, x.ReentFibDepth = n, d
	for i, dst := range []*float64{&x.ReentFibS, &x.ReentFibWarmS, &x.ReentFibOneS} {
		depth := d
		if i == 2 {
			depth = 0
		}
		start := time.Now()
		res, err := m.Run(bctx, fmt.Sprintf(pfibTmpl, pfibTmpl, n, depth))
		if err != nil || res.Value != want {
			return fmt.Errorf("re-entrant fib(%d) depth %d: %v %v, want %d", n, depth, res.Value, err, want)
		}
		*dst = time.Since(start).Seconds()
	}
	return nil
}

// extraMaster is one more master on the bench's slave processes.
func (b *bench) extraMaster(ctx context.Context, cfg master.Config) (*master.Master, error) {
	cfg.Session, cfg.Logger = session.Config{Token: b.token}, slog.New(slog.DiscardHandler)
	m := master.New(cfg)
	for _, p := range b.procs {
		if _, err := m.Dial(ctx, p.addr); err != nil {
			m.Close()
			return nil, err
		}
	}
	return m, nil
}

// merged: 10,000 submits over 100 keys, all at once; tasks with the
// same key in flight run once.
func (b *bench) merged(ctx context.Context) error {
	n, keys := envInt("MERGE_N", 10000), envInt("MERGE_KEYS", 100)
	bctx, cancel := b.bounded(ctx)
	defer cancel()
	start := time.Now()
	futs := make([]*master.Future, n)
	for i := range futs {
		k := i % keys
		futs[i] = b.fast.Submit(bctx, master.Task{Src: fmt.Sprintf("%d * %d", k, k), Key: fmt.Sprint("sq", k)})
	}
	for i, f := range futs {
		k := int64(i % keys)
		if res, err := f.Wait(bctx); err != nil || res.Value != k*k {
			return fmt.Errorf("merged task %d: %v %v", i, res.Value, err)
		}
	}
	total := time.Since(start)
	st := b.fast.KeyStats()
	x := &b.res.Extra
	x.MergeN, x.MergeKeys, x.MergePerS, x.MergeRuns, x.MergeMerged = n, keys, float64(n)/total.Seconds(), st.Runs, st.Merged
	return nil
}

// cacheHits: the latency of Submit+Wait answered from Config.Cache.
func (b *bench) cacheHits(ctx context.Context) error {
	m, err := b.extraMaster(ctx, master.Config{Cache: &master.CacheConfig{Size: 16}})
	if err != nil {
		return err
	}
	defer m.Close()
	bctx, cancel := b.bounded(ctx)
	defer cancel()
	if _, err := m.Submit(bctx, master.Task{Src: "2+3", Key: "five"}).Wait(bctx); err != nil {
		return err
	}
	n := envInt("CACHE_N", 10000)
	samples := make([]time.Duration, n)
	for i := range samples {
		t0 := time.Now()
		res, err := m.Submit(bctx, master.Task{Src: "2+3", Key: "five"}).Wait(bctx)
		samples[i] = time.Since(t0)
		if err != nil || res.Value != int64(5) {
			return fmt.Errorf("cache hit: %v %v", res.Value, err)
		}
	}
	if st := m.KeyStats(); st.CacheHits != int64(n) || st.Runs != 1 {
		return fmt.Errorf("cache: %+v, want %d hits and 1 run", st, n)
	}
	slices.Sort(samples)
	b.res.Extra.CacheHitP50us, b.res.Extra.CacheHitP99us = us(percentile(samples, 50)), us(percentile(samples, 99))
	return nil
}

// burst submits BURST_N tasks without waiting, through a master with
// MaxQueued, and samples this process's heap (the master's: the slaves
// are other processes) until they have drained.
func (b *bench) burst(ctx context.Context) error {
	n, maxq := envInt("BURST_N", 1_000_000), envInt("BURST_MAXQUEUED", 10_000)
	m, err := b.extraMaster(ctx, master.Config{MaxQueued: maxq, Pipeline: b.res.Extra.Pipeline})
	if err != nil {
		return err
	}
	defer m.Close()
	if _, err := m.Broadcast(ctx, "func add(a, b int) int { return a + b }"); err != nil {
		return err
	}
	base := heapNow(true)
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // samples the heap until stop
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			peak = max(peak, heapNow(false))
			select {
			case <-t.C:
			case <-stop:
				return
			}
		}
	}()
	bctx, cancel := context.WithTimeout(ctx, 10*b.taskTimeout)
	defer cancel()
	start := time.Now()
	var failed, wrong int
	check := func(f *master.Future) {
		if res, err := f.Wait(bctx); err != nil {
			failed++
		} else if res.Value != int64(5) {
			wrong++
		}
	}
	// The caller keeps the futures not yet done, oldest first: Submit
	// blocks while MaxQueued wait, so they stay about that many.
	var pending []*master.Future
	task := master.Task{Func: "add", Args: []any{2, 3}}
	for range n {
		pending = append(pending, m.Submit(bctx, task))
	drain:
		for len(pending) > 0 {
			select {
			case <-pending[0].Done():
				check(pending[0])
				pending[0], pending = nil, pending[1:]
			default:
				break drain
			}
		}
	}
	for _, f := range pending {
		check(f)
	}
	pending = nil
	total := time.Since(start)
	close(stop)
	wg.Wait()
	after := heapNow(true)
	x := &b.res.Extra
	x.BurstN, x.BurstMaxQueued, x.BurstS = n, maxq, total.Seconds()
	x.BurstHeapBaseMB, x.BurstHeapPeakMB, x.BurstHeapAfterMB = mb(base), mb(peak), mb(after)
	if failed+wrong > 0 {
		return fmt.Errorf("burst: %d failed, %d wrong of %d", failed, wrong, n)
	}
	return nil
}

func heapNow(gc bool) uint64 {
	if gc {
		runtime.GC()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }
