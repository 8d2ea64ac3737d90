package main

import (
	"context"
	"slices"
)

// w1echo is W1 and the bare yamux echo measured in alternating rounds:
// the ratio of issue 14's target (W1 p50 at most 1.2x the echo's) from
// samples taken under the same conditions. Run one after the other, as
// the W1 and baselines steps are, the echo's p50 alone moved by more
// than a third between runs on a quiet 2-core VM (the host's load, CPU
// idle states), which the ratio of two separate steps inherits. Each
// round takes W1_ROUND samples of each, the first of the pair
// alternating; the figures are the medians over the rounds of each
// round's p50s and of its ratio.
func (b *bench) w1echo(ctx context.Context) error {
	e, err := dialEcho(ctx)
	if err != nil {
		return err
	}
	defer e.close()
	echo := e.roundTrip
	w1 := func() error { return b.runW1(ctx) }
	rounds, n := envInt("W1_ROUNDS", 10), envInt("W1_ROUND", 200)
	var w1p, echop, ratios []float64
	for r := range rounds {
		pair := [2]func() error{w1, echo}
		if r%2 == 1 {
			pair[0], pair[1] = echo, w1
		}
		var p50 [2]float64
		for i, f := range pair {
			samples, _, err := sequential(20, n, f)
			if err != nil {
				return err
			}
			slices.Sort(samples)
			p50[i] = us(percentile(samples, 50))
		}
		if r%2 == 1 {
			p50[0], p50[1] = p50[1], p50[0]
		}
		w1p, echop, ratios = append(w1p, p50[0]), append(echop, p50[1]), append(ratios, p50[0]/p50[1])
	}
	x := &b.res.Extra
	x.W1EchoRounds, x.W1RoundP50us, x.EchoRoundP50us, x.W1EchoRatio = rounds, median(w1p), median(echop), median(ratios)
	x.W1EchoRatios = ratios
	return nil
}
