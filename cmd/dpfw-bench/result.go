package main

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
	"time"
)

// result is the peers' JSON schema (../shared/bench/peers/README.md),
// plus an Extra section for what only dpfw measures.
type result struct {
	Peer       string   `json:"peer"`
	Variant    string   `json:"variant"`
	Version    string   `json:"version"`
	ClientLang string   `json:"client_lang"`
	WorkerLang string   `json:"worker_lang"`
	Transport  string   `json:"transport"`
	Workers    int      `json:"workers"`
	StartupS   float64  `json:"startup_s"`
	WorkerPIDs []int    `json:"worker_pids"`
	W1         *latency `json:"W1,omitempty"`
	W2         *through `json:"W2,omitempty"`
	W3         *fanout  `json:"W3,omitempty"`
	W4         *state   `json:"W4,omitempty"`
	W5         *death   `json:"W5,omitempty"`
	W5Alt      *death   `json:"W5_alt,omitempty"`
	Extra      extra    `json:"dpfw_extra"`
	Errors     []string `json:"errors"`
}

type latency struct {
	N      int     `json:"n"`
	Warmup int     `json:"warmup"`
	P50    float64 `json:"p50_us"`
	P99    float64 `json:"p99_us"`
	Mean   float64 `json:"mean_us"`
	Min    float64 `json:"min_us"`
	Max    float64 `json:"max_us"`
	TotalS float64 `json:"total_s"`
	OK     bool    `json:"ok"`
	Method string  `json:"method"`
}

type through struct {
	N         int     `json:"n"`
	Completed int     `json:"completed"`
	TotalS    float64 `json:"total_s"`
	PerS      float64 `json:"tasks_per_s"`
	OK        bool    `json:"ok"`
	Method    string  `json:"method"`
}

type fanout struct {
	N              int       `json:"n"`
	Fib            int       `json:"fib"`
	Compute        string    `json:"compute"`
	Result         int64     `json:"result"`
	Reps           int       `json:"reps"`
	SingleS        float64   `json:"single_s"`
	SingleCompute  float64   `json:"single_compute_s"`
	WallS          float64   `json:"wall_s"`
	MeanCompute    float64   `json:"mean_task_compute_s"`
	Speedup        float64   `json:"speedup"`
	SpeedupCompute float64   `json:"speedup_compute"`
	OK             bool      `json:"ok"`
	SingleSamples  []float64 `json:"single_samples_s"`
	WallSamples    []float64 `json:"wall_samples_s"`
	Method         string    `json:"method"`
}

type state struct {
	N         int            `json:"n"`
	Completed int            `json:"completed"`
	TotalS    float64        `json:"total_s"`
	Correct   bool           `json:"correct"`
	PerWorker map[string]int `json:"per_worker"`
	Method    string         `json:"method"`
}

type death struct {
	SleepS     float64 `json:"sleep_s"`
	KillAfterS float64 `json:"kill_after_s"`
	Signal     string  `json:"signal"`
	TimeoutS   float64 `json:"timeout_s"`
	Outcome    string  `json:"outcome"`
	ClientSaw  string  `json:"client_saw"`
	KilledPID  int     `json:"killed_pid"`
	ResultPID  int     `json:"result_pid"`
	KillKnown  float64 `json:"t_kill_to_known_s"`
	SubmitKnow float64 `json:"t_submit_to_known_s"`
	Note       string  `json:"note"`
	Method     string  `json:"method"`
}

// extra holds dpfw's own figures: baselines and the paths the peers lack.
type extra struct {
	RawTCPP50us float64 `json:"raw_tcp_p50_us"`
	YamuxP50us  float64 `json:"yamux_echo_p50_us"`
	// CPU time per round trip (all threads, from /proc/PID/task/*/schedstat)
	// on each side: the bench process (master, or the echo's client) and
	// the process that answered (the slaves, or the echo server). Wall
	// times on a shared box move with the load; CPU per task much less.
	W1CPUMasterUs  float64 `json:"w1_cpu_master_us"`
	W1CPUSlaveUs   float64 `json:"w1_cpu_slave_us"`
	YamuxCPUSelfUs float64 `json:"yamux_echo_cpu_client_us"`
	YamuxCPUPeerUs float64 `json:"yamux_echo_cpu_server_us"`
	// Thread runs (times a thread was put on a CPU, from the same
	// schedstat) per round trip on each side, as the CPU times above.
	// W1 and the yamux echo in alternating rounds (w1echo): the medians
	// of the rounds' p50s and of their ratios, and each round's ratio.
	W1EchoRounds   int       `json:"w1_echo_rounds"`
	W1RoundP50us   float64   `json:"w1_rounds_p50_us"`
	EchoRoundP50us float64   `json:"yamux_echo_rounds_p50_us"`
	W1EchoRatio    float64   `json:"w1_vs_echo_rounds_ratio"`
	W1EchoRatios   []float64 `json:"w1_vs_echo_round_ratios"`
	W1RunsMaster   float64   `json:"w1_thread_runs_master"`
	W1RunsSlave    float64   `json:"w1_thread_runs_slave"`
	YamuxRunsSelf  float64   `json:"yamux_echo_thread_runs_client"`
	YamuxRunsPeer  float64   `json:"yamux_echo_thread_runs_server"`
	// W2's CPU time and thread runs per task, as for W1: the bench
	// process (the master) and the 2 slave processes together. On a
	// small machine W2's tasks/s is about 1 / (their sum).
	W2CPUMasterUs       float64 `json:"w2_cpu_master_us"`
	W2CPUSlaveUs        float64 `json:"w2_cpu_slaves_us"`
	W2RunsMaster        float64 `json:"w2_thread_runs_master"`
	W2RunsSlave         float64 `json:"w2_thread_runs_slaves"`
	NativeFibS          float64 `json:"native_fib_s"`
	CallP50us           float64 `json:"call_p50_us"`
	CallP99us           float64 `json:"call_p99_us"`
	MapPerS             float64 `json:"w2_batched_tasks_per_s"`
	MapBatch            int     `json:"w2_batch_size"`
	Pipeline            int     `json:"w2_pipeline"`
	SlaveIdleRSSKB      int     `json:"slave_idle_rss_kb"`
	ConnHeapKB          float64 `json:"master_heap_per_connection_kb"`
	W4BatchS            float64 `json:"w4_batch50_s"`
	W4BatchOK           bool    `json:"w4_batch50_correct"`
	DistinctN           int     `json:"distinct_snippets"`
	DistinctS           float64 `json:"distinct_total_s"`
	DistinctRSSBeforeKB int     `json:"distinct_rss_before_kb"`
	DistinctRSSAfterKB  int     `json:"distinct_rss_after_kb"`
	// W3 with fib compiled on the slaves (Master.Compile, native/fibk).
	W3NativeCompileS       float64 `json:"w3_native_compile_s"`
	W3NativeCompileCached  bool    `json:"w3_native_compile_cached"`
	W3NativeSingleS        float64 `json:"w3_native_single_s"`
	W3NativeSingleComputeS float64 `json:"w3_native_single_compute_s"`
	W3NativeWallS          float64 `json:"w3_native_wall_s"`
	W3NativeSpeedup        float64 `json:"w3_native_speedup"`
	W3NativeGoS            float64 `json:"w3_native_go_s"` // the same fib compiled here, between the tasks
	W3NativeVsGo           float64 `json:"w3_native_vs_go"`
	// The single task's time on the slave (Result.Took) over native Go's.
	W3NativeComputeVsGo float64 `json:"w3_native_compute_vs_go"`
	// The same n fibs compiled in the bench process on two goroutines,
	// between the fan-outs: wall (median) and speed-up, how much of two
	// cores the machine's load left at the time.
	W3NativeGoWallS   float64 `json:"w3_native_go_wall_s"`
	W3NativeGoSpeedup float64 `json:"w3_native_go_speedup"`
	W3NativeReps      int     `json:"w3_native_reps"`
	W3NativeOK        bool    `json:"w3_native_ok"`
	// A new 50-line package: the build on the slave that built it, the
	// whole Compile, and loading it from the cache in a new slave process
	// (round trip, and plugin load alone).
	NativeBuildS      float64 `json:"native_build_s"`
	NativeCompileS    float64 `json:"native_compile_s"`
	NativeLoadS       float64 `json:"native_load_s"`
	NativeLoadPluginS float64 `json:"native_load_plugin_s"`
	// Issue 13's task model (tasks.go).
	MergeN        int     `json:"merge_n"`
	MergeKeys     int     `json:"merge_keys"`
	MergePerS     float64 `json:"merge_tasks_per_s"`
	MergeRuns     int64   `json:"merge_runs"`
	MergeMerged   int64   `json:"merge_merged"`
	CacheHitP50us float64 `json:"cache_hit_p50_us"`
	CacheHitP99us float64 `json:"cache_hit_p99_us"`
	// Re-entrant tasks: fib(n) that fans out to depth 4 (15 waiting
	// parents, 16 leaves) on the two one-engine slaves; first run (spare
	// engines made), second run, and the same fib(n) as one task.
	ReentFibN        int     `json:"reent_fib_n"`
	ReentFibDepth    int     `json:"reent_fib_depth"`
	ReentFibS        float64 `json:"reent_fib_s"`
	ReentFibWarmS    float64 `json:"reent_fib_warm_s"`
	ReentFibOneS     float64 `json:"reent_fib_one_task_s"`
	BurstN           int     `json:"burst_n"`
	BurstMaxQueued   int     `json:"burst_max_queued"`
	BurstS           float64 `json:"burst_s"`
	BurstHeapBaseMB  float64 `json:"burst_heap_base_mb"`
	BurstHeapPeakMB  float64 `json:"burst_heap_peak_mb"`
	BurstHeapAfterMB float64 `json:"burst_heap_after_drain_mb"`
	// The Go front end (issue 9): W1 with it and without it (a slave
	// started with -no-front-end), and its type check of new snippets
	// that import fmt and strings: the first in the process, and the
	// p50 and max over 50 on a warm front end.
	W1FrontP50us       float64 `json:"w1_front_end_p50_us"`
	W1NoFrontP50us     float64 `json:"w1_no_front_end_p50_us"`
	W1FrontOverheadPct float64 `json:"w1_front_end_overhead_pct"`
	FrontColdMs        float64 `json:"front_check_first_ms"`
	FrontWarmP50Ms     float64 `json:"front_check_warm_p50_ms"`
	FrontWarmMaxMs     float64 `json:"front_check_warm_max_ms"`
	// Scale is the scale section: 10, 100, 1,000 slave nodes on one
	// master (DPFW_SCALE).
	Scale []scalePoint `json:"scale,omitempty"`
	// Observe is W1 and W2 with and without metrics and an open
	// dashboard, measured in turns in this run.
	Observe *observed `json:"observe,omitempty"`
	Notes   []string  `json:"notes,omitempty"`
}

// percentile is the nearest-rank percentile of sorted samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func summarize(samples []time.Duration, warmup int, total time.Duration, method string) *latency {
	s := slices.Clone(samples)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return &latency{
		N: len(s), Warmup: warmup, P50: us(percentile(s, 50)), P99: us(percentile(s, 99)),
		Mean: us(sum / time.Duration(max(len(s), 1))), Min: us(s[0]), Max: us(s[len(s)-1]),
		TotalS: total.Seconds(), OK: true, Method: method,
	}
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// print writes the one table: our figure, its baseline, the ratio.
func (b *bench) print(out io.Writer) {
	r := b.res
	w := tabwriter.NewWriter(out, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "workload\tdpfw\tbaseline\tratio\t")
	row := func(name string, ours, base float64, unit string) {
		ratio := "-"
		if base > 0 {
			ratio = fmt.Sprintf("%.2fx", ours/base)
		}
		bs := "-"
		if base > 0 {
			bs = fmt.Sprintf("%.1f %s", base, unit)
		}
		fmt.Fprintf(w, "%s\t%.1f %s\t%s\t%s\t\n", name, ours, unit, bs, ratio)
	}
	if r.W1 != nil {
		row("W1 p50 (raw TCP round trip)", r.W1.P50, r.Extra.RawTCPP50us, "µs")
		row("W1 p50 (bare yamux stream echo)", r.W1.P50, r.Extra.YamuxP50us, "µs")
		row("W1 p99", r.W1.P99, 0, "µs")
		if r.Extra.YamuxCPUSelfUs > 0 {
			row("W1 CPU/task master (yamux echo client)", r.Extra.W1CPUMasterUs, r.Extra.YamuxCPUSelfUs, "µs")
			row("W1 CPU/task slave (yamux echo server)", r.Extra.W1CPUSlaveUs, r.Extra.YamuxCPUPeerUs, "µs")
			row("W1 thread runs/task master (echo client)", r.Extra.W1RunsMaster, r.Extra.YamuxRunsSelf, "")
			row("W1 thread runs/task slave (echo server)", r.Extra.W1RunsSlave, r.Extra.YamuxRunsPeer, "")
		}
		row("call p50 (defined func, W1)", r.Extra.CallP50us, r.W1.P50, "µs")
	}
	if r.Extra.W1EchoRounds > 0 {
		row(fmt.Sprintf("W1 p50, %d rounds alternating with the echo", r.Extra.W1EchoRounds), r.Extra.W1RoundP50us, r.Extra.EchoRoundP50us, "µs")
		fmt.Fprintf(w, "%s\t%.2fx\t-\t-\t\n", "W1/echo, median of the rounds' ratios (target 1.2x)", r.Extra.W1EchoRatio)
	}
	if r.Extra.W1NoFrontP50us > 0 {
		row("W1 p50, front end on (off)", r.Extra.W1FrontP50us, r.Extra.W1NoFrontP50us, "µs")
	}
	if r.Extra.FrontWarmP50Ms > 0 {
		row("front end: new snippet, warm p50 (first)", r.Extra.FrontWarmP50Ms, r.Extra.FrontColdMs, "ms")
		row("front end: new snippet, warm max", r.Extra.FrontWarmMaxMs, 0, "ms")
	}
	if r.W2 != nil {
		row("W2 futures tasks/s", r.W2.PerS, 0, "/s")
		if r.Extra.W2CPUMasterUs > 0 {
			row("W2 CPU/task master (slaves)", r.Extra.W2CPUMasterUs, r.Extra.W2CPUSlaveUs, "µs")
			row("W2 thread runs/task master (slaves)", r.Extra.W2RunsMaster, r.Extra.W2RunsSlave, "")
		}
		row(fmt.Sprintf("W2 Batch(%d) tasks/s", r.Extra.MapBatch), r.Extra.MapPerS, 0, "/s")
	}
	if r.W3 != nil {
		row("W3 single fib task (native fib)", r.W3.SingleS*1e3, r.Extra.NativeFibS*1e3, "ms")
		row("W3 wall for 8", r.W3.WallS*1e3, 0, "ms")
		row("W3 speed-up (ideal 2)", r.W3.Speedup, 2, "x")
	}
	if x := r.Extra; x.W3NativeOK {
		row("W3 native: single fibk.Fib task (native fib)", x.W3NativeSingleS*1e3, x.W3NativeGoS*1e3, "ms")
		row("W3 native: wall for 8", x.W3NativeWallS*1e3, 0, "ms")
		row("W3 native: speed-up (ideal 2)", x.W3NativeSpeedup, 2, "x")
		row("W3 native: speed-up / native Go's on 2 goroutines", x.W3NativeSpeedup, x.W3NativeGoSpeedup, "x")
	}
	if x := r.Extra; x.NativeBuildS > 0 {
		row("native: first build of a 50-line package", x.NativeBuildS*1e3, 0, "ms")
		row("native: load from the cache, new process", x.NativeLoadS*1e3, 0, "ms")
	}
	if r.W4 != nil {
		row(fmt.Sprintf("W4 %d increments (correct=%v)", r.W4.N, r.W4.Correct), r.W4.TotalS*1e3, 0, "ms")
	}
	if x := r.Extra; x.MergeN > 0 {
		row(fmt.Sprintf("keyed tasks/s (%d over %d keys: %d runs)", x.MergeN, x.MergeKeys, x.MergeRuns), x.MergePerS, 0, "/s")
	}
	if x := r.Extra; x.CacheHitP50us > 0 {
		row("cache hit p50 (Submit+Wait)", x.CacheHitP50us, 0, "µs")
	}
	if x := r.Extra; x.ReentFibN > 0 {
		row(fmt.Sprintf("re-entrant fib(%d) depth %d (as one task)", x.ReentFibN, x.ReentFibDepth), x.ReentFibWarmS*1e3, x.ReentFibOneS*1e3, "ms")
	}
	if x := r.Extra; x.BurstN > 0 {
		row(fmt.Sprintf("burst %d, MaxQueued %d: peak heap (base)", x.BurstN, x.BurstMaxQueued), x.BurstHeapPeakMB, x.BurstHeapBaseMB, "MB")
		row("burst: heap after drain (base)", x.BurstHeapAfterMB, x.BurstHeapBaseMB, "MB")
		row("burst: wall", x.BurstS, 0, "s")
	}
	if r.Extra.W4BatchS > 0 {
		row(fmt.Sprintf("W4 through Batch(50) (correct=%v)", r.Extra.W4BatchOK), r.Extra.W4BatchS*1e3, 0, "ms")
	}
	for _, d := range []*death{r.W5, r.W5Alt} {
		if d != nil {
			row("W5 kill→known: "+d.Outcome, d.KillKnown*1e3, 0, "ms")
		}
	}
	if o := r.Extra.Observe; o != nil {
		row(fmt.Sprintf("W1 p50, dashboard open + metrics (off: %.1f µs)", o.W1P50OffUS), o.W1P50OnUS, o.W1P50OffUS, "µs")
		row(fmt.Sprintf("W2 tasks/s, dashboard open + metrics (off: %.0f/s)", o.W2OffPerS), o.W2OnPerS, o.W2OffPerS, "/s")
	}
	row("idle slave RSS", float64(r.Extra.SlaveIdleRSSKB), 0, "KB")
	if r.Extra.DistinctN > 0 {
		row(fmt.Sprintf("slave RSS after %d distinct snippets (before)", r.Extra.DistinctN),
			float64(r.Extra.DistinctRSSAfterKB), float64(r.Extra.DistinctRSSBeforeKB), "KB")
	}
	row("master heap per connection", r.Extra.ConnHeapKB, 0, "KB")
	for _, p := range r.Extra.Scale {
		pre := fmt.Sprintf("scale %d slaves: ", p.Slaves)
		row(pre+"join", p.JoinS*1e3, 0, "ms")
		row(pre+"master heap per connection", p.HeapPerConnKB, 0, "KB")
		row(fmt.Sprintf("%smaster CPU per task (%d tasks, ok=%v)", pre, p.Tasks, p.TasksOK), p.MasterCPUPerUS, 0, "µs")
		row(pre+"wall per task", p.WallPerTaskUS, 0, "µs")
		row(pre+"master CPU idle, per second", p.IdleCPUms, 0, "ms")
		row(fmt.Sprintf("%srejoin after restart (down %.1f s)", pre, p.DownS), p.RejoinS*1e3, 0, "ms")
		row(pre+"peak connection attempts", p.PeakAttemptsPerS, 0, "/s")
		row(fmt.Sprintf("%sattempts while down / rejoining", pre), float64(p.AttemptsDown), float64(p.RejoinAttempts), "")
	}
	w.Flush()
	for _, e := range r.Errors {
		fmt.Fprintln(out, "error:", e)
	}
}
