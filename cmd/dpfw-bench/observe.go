package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

// observed is W1 and W2 measured both ways in the same run: on masters
// that count nothing (Config.NoMetrics, no web server), and on masters
// with metrics on, their dashboard open (a client reading /events, the
// page's live stream), /metrics scraped every second and the slaves'
// status polled (as the page turns on). The two run in turns, rounds
// times, and the medians are compared, so that drift on this shared
// machine falls on both alike.
type observed struct {
	Rounds       int          `json:"rounds"`
	W1P50OffUS   float64      `json:"w1_p50_off_us"`
	W1P50OnUS    float64      `json:"w1_p50_on_us"`
	W1MeanOffUS  float64      `json:"w1_mean_off_us"`
	W1MeanOnUS   float64      `json:"w1_mean_on_us"`
	W1SlowerPct  float64      `json:"w1_p50_slower_pct"`
	W2OffPerS    float64      `json:"w2_off_tasks_per_s"`
	W2OnPerS     float64      `json:"w2_on_tasks_per_s"`
	W2SlowerPct  float64      `json:"w2_slower_pct"`
	W1P50Samples [2][]float64 `json:"w1_p50_rounds_us"` // [off, on] per round
	W2Samples    [2][]float64 `json:"w2_rounds_tasks_per_s"`
	SSEEvents    int          `json:"sse_events_read"`
	Scrapes      int          `json:"metrics_scrapes"`
	Method       string       `json:"method"`
}

// pair is one master for W1 and one for W2 (Pipeline), set up one way.
type pair struct{ w1, w2 *master.Master }

func (b *bench) observe(ctx context.Context) error {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	mk := func(pipeline int, off bool) (*master.Master, error) {
		m := master.New(master.Config{Session: session.Config{Token: b.token}, Logger: quiet, Pipeline: pipeline, NoMetrics: off})
		for _, p := range b.procs {
			if _, err := m.Dial(ctx, p.addr); err != nil {
				m.Close()
				return nil, err
			}
		}
		return m, nil
	}
	var sides [2]pair // [off, on]
	for i := range sides {
		var err error
		if sides[i].w1, err = mk(1, i == 0); err != nil {
			return err
		}
		defer sides[i].w1.Close()
		if sides[i].w2, err = mk(b.res.Extra.Pipeline, i == 0); err != nil {
			return err
		}
		defer sides[i].w2.Close()
	}
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	var events, scrapes counter
	for _, m := range []*master.Master{sides[1].w1, sides[1].w2} {
		url, err := serveDashboard(wctx, m, &wg)
		if err != nil {
			return err
		}
		wg.Add(2)
		go func() { defer wg.Done(); readEvents(wctx, url, &events) }()
		go func() { defer wg.Done(); scrape(wctx, url, &scrapes) }()
	}

	o := &observed{Rounds: envInt("OBSERVE_ROUNDS", 5)}
	warm, n, n2 := envInt("W1_WARMUP", 200), envInt("W1_N", 2000), envInt("W2_N", 20000)
	var means [2][]float64
	for r := range o.Rounds {
		for i := range sides {
			side := sides[(i+r)%2] // alternate which goes first
			k := (i + r) % 2
			samples, _, err := sequential(warm, n, func() error {
				res, err := side.w1.Run(ctx, "2+3")
				if err == nil && res.Value != int64(5) {
					err = fmt.Errorf("2+3 gave %v", res.Value)
				}
				return err
			})
			if err != nil {
				return err
			}
			s := summarize(samples, warm, 0, "")
			o.W1P50Samples[k] = append(o.W1P50Samples[k], s.P50)
			means[k] = append(means[k], s.Mean)
			perS, err := w2Run(ctx, side.w2, n2)
			if err != nil {
				return err
			}
			o.W2Samples[k] = append(o.W2Samples[k], perS)
		}
	}
	o.W1P50OffUS, o.W1P50OnUS = median(o.W1P50Samples[0]), median(o.W1P50Samples[1])
	o.W1MeanOffUS, o.W1MeanOnUS = median(means[0]), median(means[1])
	o.W2OffPerS, o.W2OnPerS = median(o.W2Samples[0]), median(o.W2Samples[1])
	o.W1SlowerPct = (o.W1P50OnUS/o.W1P50OffUS - 1) * 100
	o.W2SlowerPct = (o.W2OffPerS/o.W2OnPerS - 1) * 100
	o.SSEEvents, o.Scrapes = events.get(), scrapes.get()
	o.Method = fmt.Sprintf("%d rounds, off and on in turns (first one alternating); each round W1 (%d x Run(2+3) after %d warm-up, Pipeline 1) "+
		"and W2 (%d x Submit(2+3) then Wait, Pipeline %d); off: master.Config.NoMetrics, no web server; on: metrics counted, "+
		"Handler served on 127.0.0.1 (ServeWeb), one client reading /events, /metrics scraped every 1 s, node status polled every %s; medians",
		o.Rounds, n, warm, n2, b.res.Extra.Pipeline, master.StatusEvery)
	b.res.Extra.Observe = o
	if o.SSEEvents == 0 || o.Scrapes == 0 {
		return fmt.Errorf("the dashboard was not read (%d events, %d scrapes)", o.SSEEvents, o.Scrapes)
	}
	return nil
}

// w2Run is W2 on m: n tasks at once, then Wait on each; tasks/s.
func w2Run(ctx context.Context, m *master.Master, n int) (float64, error) {
	start := time.Now()
	futs := make([]*master.Future, n)
	for i := range futs {
		futs[i] = m.Submit(ctx, master.Task{Src: "2+3"})
	}
	for _, f := range futs {
		if res, err := f.Wait(ctx); err != nil || res.Value != int64(5) {
			return 0, fmt.Errorf("W2 task: %v %v", res.Value, err)
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// serveDashboard serves m's web interface on a loopback port until ctx
// ends; wg waits for it.
func serveDashboard(ctx context.Context, m *master.Master, wg *sync.WaitGroup) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	wg.Add(1)
	go func() { defer wg.Done(); m.ServeWeb(ctx, ln, nil) }()
	return "http://" + ln.Addr().String(), nil
}

// readEvents reads the dashboard's live stream, as the page does, until
// ctx ends.
func readEvents(ctx context.Context, url string, n *counter) {
	req, _ := http.NewRequestWithContext(ctx, "GET", url+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		if len(sc.Bytes()) > 6 && string(sc.Bytes()[:6]) == "data: " {
			n.add()
		}
	}
}

// scrape reads /metrics every second, as Prometheus would, until ctx
// ends.
func scrape(ctx context.Context, url string, n *counter) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", url+"/metrics", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			n.add()
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
}

type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) add() { c.mu.Lock(); c.n++; c.mu.Unlock() }
func (c *counter) get() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
