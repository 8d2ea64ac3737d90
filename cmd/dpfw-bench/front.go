package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/dpfw/dpfw/eval/front"
	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

// w1front is W1 with the Go front end on and off: two fresh slaves
// started alike but for -no-front-end, each with a master of its own,
// measured in alternating blocks of the same run so that both see the
// same machine load.
func (b *bench) w1front(ctx context.Context) error {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var ms [2]*master.Master
	for i, flags := range [][]string{nil, {"-no-front-end"}} {
		p, err := startSlave(ctx, b.slaveBin, b.token, flags...)
		if err != nil {
			return err
		}
		defer p.kill()
		ms[i] = master.New(master.Config{Session: session.Config{Token: b.token}, Logger: quiet})
		defer ms[i].Close()
		if _, err := ms[i].Dial(ctx, p.addr); err != nil {
			return err
		}
	}
	run := func(m *master.Master) func() error {
		return func() error {
			tctx, cancel := b.bounded(ctx)
			defer cancel()
			res, err := m.Run(tctx, "2+3")
			if err == nil && res.Value != int64(5) {
				err = fmt.Errorf("2+3 gave %v", res.Value)
			}
			return err
		}
	}
	n := envInt("W1_N", 2000)
	var on, off []time.Duration
	for range 4 {
		s, _, err := sequential(50, n/4, run(ms[0]))
		if err != nil {
			return err
		}
		on = append(on, s...)
		if s, _, err = sequential(50, n/4, run(ms[1])); err != nil {
			return err
		}
		off = append(off, s...)
	}
	slices.Sort(on)
	slices.Sort(off)
	x := &b.res.Extra
	x.W1FrontP50us, x.W1NoFrontP50us = us(percentile(on, 50)), us(percentile(off, 50))
	x.W1FrontOverheadPct = 100 * (x.W1FrontP50us - x.W1NoFrontP50us) / x.W1NoFrontP50us
	return nil
}

// frontCheck times the front end's type check and lowering of snippets
// that import fmt and strings: the first in this process (the standard
// library's export data decoded), then new snippets on a warm front end
// (each one seen for the first time, so none comes from its cache).
func (b *bench) frontCheck(context.Context) error {
	f := front.New(front.Config{})
	lower := func(src string) (time.Duration, error) {
		start := time.Now()
		p, err := f.Lower(src)
		took := time.Since(start)
		if err != nil {
			return 0, err
		}
		f.Commit(p)
		return took, nil
	}
	cold, err := lower("import \"fmt\"\nimport \"strings\"\nfmt.Println(strings.ToUpper(\"warm\"))")
	if err != nil {
		return err
	}
	var warm []time.Duration
	for i := range 50 {
		d, err := lower(fmt.Sprintf("import \"fmt\"\nimport \"strings\"\nfunc shout%d(s string) string { return strings.Repeat(strings.ToUpper(s), %d) }\nfmt.Println(shout%d(\"x\"))", i, i+1, i))
		if err != nil {
			return err
		}
		warm = append(warm, d)
	}
	slices.Sort(warm)
	x := &b.res.Extra
	x.FrontColdMs = float64(cold.Microseconds()) / 1e3
	x.FrontWarmP50Ms = float64(percentile(warm, 50).Microseconds()) / 1e3
	x.FrontWarmMaxMs = float64(percentile(warm, 100).Microseconds()) / 1e3
	return nil
}
