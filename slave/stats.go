package slave

import (
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dpfw/dpfw/eval/failure"
	"github.com/dpfw/dpfw/session"
)

// stats counts a node's work, for KindStatus and the node's metrics. The
// counters are atomics and a prometheus histogram: a task takes no lock
// to be counted.
type stats struct {
	start   time.Time
	engines []engineStats
	// outcomes counts finished tasks: [0] succeeded, [1+i] failed with
	// failure.Known()[i], [last] failed with a kind this build does not know.
	outcomes []atomic.Uint64
	took     prometheus.Histogram
	// in and out hold the traffic of the sessions that have ended.
	in, out atomic.Int64
}

// engineStats counts one engine's work.
type engineStats struct {
	busy                  atomic.Int32 // tasks in (or waiting for) the engine
	tasks, failed, resets atomic.Uint64
}

// outcomeNames label the outcomes: "ok", each kind, "other".
var outcomeNames = func() []string {
	out := []string{"ok"}
	for _, k := range failure.Known() {
		out = append(out, string(k))
	}
	return append(out, "other")
}()

// outcomeIndex maps a failure kind to its slot in stats.outcomes; it is
// written once, at init, and only read after.
var outcomeIndex = func() map[failure.Kind]int {
	m := map[failure.Kind]int{}
	for i, k := range failure.Known() {
		m[k] = 1 + i
	}
	return m
}()

func newStats(engines int) *stats {
	return &stats{
		start:    time.Now(),
		engines:  make([]engineStats, engines),
		outcomes: make([]atomic.Uint64, len(outcomeNames)),
		took: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "dpfw_slave_task_duration_seconds", Help: "Time the engines spent on each task.",
			Buckets: prometheus.ExponentialBuckets(50e-6, 4, 11),
		}),
	}
}

// begin counts a task entering engine i, end its leaving with resp.
func (st *stats) begin(i int) { st.engines[i].busy.Add(1) }

func (st *stats) end(i int, resp *session.Response) {
	e := &st.engines[i]
	e.busy.Add(-1)
	e.tasks.Add(1)
	if resp.Reset {
		e.resets.Add(1)
	}
	st.took.Observe(resp.Took.Seconds())
	slot := 0
	if resp.Err != nil {
		e.failed.Add(1)
		slot = len(st.outcomes) - 1
		if k, ok := outcomeIndex[resp.Err.Kind]; ok {
			slot = k
		}
	}
	st.outcomes[slot].Add(1)
}

// status answers KindStatus.
func (st *stats) status() *session.NodeStatus {
	s := &session.NodeStatus{RSS: rss(), Goroutines: runtime.NumGoroutine(), Uptime: time.Since(st.start)}
	for i := range st.engines {
		e := &st.engines[i]
		s.Engines = append(s.Engines, session.EngineStatus{
			Busy: e.busy.Load() > 0, Tasks: e.tasks.Load(), Failed: e.failed.Load(), Resets: e.resets.Load(),
		})
	}
	return s
}

// rss is the process's resident memory in bytes: from /proc on Linux,
// else the Go runtime's own total (which leaves out C allocations).
func rss() uint64 {
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		if f := strings.Fields(string(b)); len(f) > 1 {
			if pages, err := strconv.ParseUint(f[1], 10, 64); err == nil {
				return pages * uint64(os.Getpagesize())
			}
		}
	}
	sample := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() == metrics.KindUint64 {
		return sample[0].Value.Uint64()
	}
	return 0
}
