package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

// fibPkg is W3's fib as a native package, compiled on the slaves.
const fibPkg = `package fibk

// Fib is W3's recursive fib.
func Fib(n int) int {
	if n < 2 {
		return n
	}
	return Fib(n-1) + Fib(n-2)
}
`

// w3native is W3 with fib compiled on the slaves: Compile once, then per
// rep one task of fibk.Fib(n), the same fib compiled here, and a Parallel
// of W3_N tasks; medians. The reps are cheap, so there are more of them
// than W3's (W3_NATIVE_REPS), and native Go is measured between the
// tasks, so that both see the same machine.
func (b *bench) w3native(ctx context.Context) error {
	n, k, reps := envInt("W3_N", 8), envInt("W3_FIB", 27), envInt("W3_NATIVE_REPS", 15)
	want := int64(fibLoop(k))
	start := time.Now()
	var results []master.NativeResult
	err := b.within(ctx, func(ctx context.Context) (err error) {
		results, err = b.m.Compile(ctx, "fibk", map[string][]byte{"fibk.go": []byte(fibPkg)})
		return err
	})
	if err != nil {
		return err
	}
	x := &b.res.Extra
	x.W3NativeCompileS, x.W3NativeCompileCached = time.Since(start).Seconds(), allCached(results)
	task := master.Task{Src: fmt.Sprintf("fibk.Fib(%d)", k)}
	run := func(ctx context.Context) (master.Result, error) {
		res, err := b.m.Run(ctx, task.Src)
		if err == nil && res.Value != want {
			err = fmt.Errorf("fibk.Fib(%d) = %v on %s, want %d", k, res.Value, res.Slave, want)
		}
		return res, err
	}
	if err := b.within(ctx, func(ctx context.Context) error { _, err := run(ctx); return err }); err != nil { // warm-up
		return err
	}
	var singles, computes, walls, gos, goWalls []float64
	for range reps {
		// The fan-out's baseline: the same n fibs compiled here on two
		// goroutines. On a shared machine it shows how much of two cores
		// the load leaves anyone at that moment.
		start := time.Now()
		if err := fibOnTwo(n, k, want); err != nil {
			return err
		}
		goWalls = append(goWalls, time.Since(start).Seconds())
		start = time.Now()
		if got := fib(k); int64(got) != want {
			return fmt.Errorf("native fib(%d) = %d, want %d", k, got, want)
		}
		gos = append(gos, time.Since(start).Seconds())
		var single master.Result
		start = time.Now()
		if err := b.within(ctx, func(ctx context.Context) (err error) { single, err = run(ctx); return err }); err != nil {
			return err
		}
		singles, computes = append(singles, time.Since(start).Seconds()), append(computes, single.Took.Seconds())
		var all []master.Result
		start = time.Now()
		err := b.within(ctx, func(ctx context.Context) (err error) {
			all, err = b.m.Parallel(ctx, slices.Repeat([]master.Task{task}, n)...)
			return err
		})
		wall := time.Since(start)
		for _, r := range all {
			if err == nil && r.Value != want {
				err = fmt.Errorf("fibk.Fib(%d) = %v on %s in the fan-out, want %d", k, r.Value, r.Slave, want)
			}
		}
		if err != nil {
			return err
		}
		walls = append(walls, wall.Seconds())
	}
	x.W3NativeSingleS, x.W3NativeSingleComputeS, x.W3NativeWallS = median(singles), median(computes), median(walls)
	x.W3NativeGoS, x.W3NativeReps = median(gos), reps
	x.W3NativeSpeedup = float64(n) * x.W3NativeSingleS / x.W3NativeWallS
	x.W3NativeVsGo = x.W3NativeSingleS / x.W3NativeGoS
	x.W3NativeComputeVsGo = x.W3NativeSingleComputeS / x.W3NativeGoS
	x.W3NativeGoWallS = median(goWalls)
	x.W3NativeGoSpeedup = float64(n) * x.W3NativeGoS / x.W3NativeGoWallS
	x.W3NativeOK = true
	return nil
}

// fibOnTwo computes fib(k) n times on two goroutines.
func fibOnTwo(n, k int, want int64) error {
	var wg sync.WaitGroup
	var bad atomic.Int64
	for g := range 2 {
		wg.Go(func() {
			for i := g; i < n; i += 2 {
				if got := int64(fib(k)); got != want {
					bad.Store(got)
				}
			}
		})
	}
	wg.Wait()
	if got := bad.Load(); got != 0 {
		return fmt.Errorf("native fib(%d) = %d on two goroutines, want %d", k, got, want)
	}
	return nil
}

// kernelPkg is a 50-line package, made new by stamp so that it is built
// afresh: what a user's first :native of a small package costs, once the
// Go build cache is warm (W3 native's compile warmed it).
func kernelPkg(stamp string) string {
	return fmt.Sprintf(`package kernels

// Built by dpfw-bench run %s.

import (
	"math"
	"sort"
	"strings"
)

// Stats summarizes a sample.
type Stats struct {
	N              int
	Mean, Std, Med float64
}

// Describe returns the statistics of xs.
func Describe(xs []float64) Stats {
	s := Stats{N: len(xs)}
	if len(xs) == 0 {
		return s
	}
	sorted := append([]float64(nil), xs...)
	sort.Float64s(sorted)
	for _, x := range xs {
		s.Mean += x
	}
	s.Mean /= float64(len(xs))
	for _, x := range xs {
		s.Std += (x - s.Mean) * (x - s.Mean)
	}
	s.Std = math.Sqrt(s.Std / float64(len(xs)))
	s.Med = sorted[len(sorted)/2]
	return s
}

// Words counts the words of text.
func Words(text string) map[string]int {
	out := map[string]int{}
	for _, w := range strings.Fields(strings.ToLower(text)) {
		out[strings.Trim(w, ".,;:!?")]++
	}
	return out
}

// Primes lists the primes below n.
func Primes(n int) []int {
	var ps []int
	sieve := make([]bool, n)
	for i := 2; i < n; i++ {
		if !sieve[i] {
			ps = append(ps, i)
			for j := i * i; j < n; j += i {
				sieve[j] = true
			}
		}
	}
	return ps
}
`, stamp)
}

// nativeBuild measures the first build of a new 50-line package on the
// slaves, then loading it from the cache in a new slave process.
func (b *bench) nativeBuild(ctx context.Context) error {
	src := map[string][]byte{"kernels.go": []byte(kernelPkg(fmt.Sprint(time.Now().UnixNano())))}
	if lines := strings.Count(string(src["kernels.go"]), "\n"); lines < 50 {
		return fmt.Errorf("the package has %d lines; the figure is for 50", lines)
	}
	var results []master.NativeResult
	start := time.Now()
	err := b.within(ctx, func(ctx context.Context) (err error) {
		results, err = b.m.Compile(ctx, "kernels", src)
		return err
	})
	if err != nil {
		return err
	}
	x := &b.res.Extra
	x.NativeCompileS = time.Since(start).Seconds()
	for _, r := range results {
		x.NativeBuildS = max(x.NativeBuildS, r.Build.Seconds()) // the slave that built; the other waited for it
	}
	if x.NativeBuildS == 0 {
		return fmt.Errorf("no slave built the new package: %+v", results)
	}
	// A new slave process: what a restarted node pays.
	p, err := startSlave(ctx, b.slaveBin, b.token)
	if err != nil {
		return err
	}
	defer p.kill()
	m := master.New(master.Config{Session: session.Config{Token: b.token}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	defer m.Close()
	ss, err := m.Dial(ctx, p.addr)
	if err != nil {
		return err
	}
	var r master.NativeResult
	err = b.within(ctx, func(ctx context.Context) (err error) { r, err = ss[0].Compile(ctx, "kernels", src); return err })
	if err != nil {
		return err
	}
	if !r.Cached || r.Load == 0 {
		return fmt.Errorf("the new slave did not load the package from its cache: %+v", r)
	}
	x.NativeLoadS, x.NativeLoadPluginS = r.Took.Seconds(), r.Load.Seconds()
	res, err := ss[0].Run(ctx, "kernels.Primes(30)")
	if err != nil || fmt.Sprint(res.Value) != "[2 3 5 7 11 13 17 19 23 29]" {
		return fmt.Errorf("kernels.Primes(30) on the new slave: %v, %v", res.Value, err)
	}
	return nil
}

func allCached(rs []master.NativeResult) bool {
	for _, r := range rs {
		if !r.Cached {
			return false
		}
	}
	return len(rs) > 0
}
