package main

import "time"

// Restart policy. A child that dies now and then (a snippet killed it) is
// replaced at once: the slave should be back before masters give up on
// it. Only a child that keeps dying right away (a broken install, a
// snippet that a master resubmits in a loop) is restarted ever more
// slowly, so that it does not burn a core.
const (
	crashWindow  = 10 * time.Second // deaths are counted over this long
	crashBurst   = 5                // more deaths than this in crashWindow: back off
	minCrashWait = 500 * time.Millisecond
	maxCrashWait = 30 * time.Second
)

// restarts decides how long to wait before starting the next child.
type restarts struct {
	deaths []time.Time // within crashWindow of the last one
	wait   time.Duration
}

// next records a death at now of a child that ran for uptime, and
// returns the wait before the next start: 0 normally, doubling from
// minCrashWait to maxCrashWait once more than crashBurst children died
// within crashWindow. A child that lived crashWindow proves the crash loop
// over and resets the wait.
func (r *restarts) next(now time.Time, uptime time.Duration) time.Duration {
	if uptime >= crashWindow {
		r.deaths, r.wait = r.deaths[:0], 0
	}
	recent := r.deaths[:0]
	for _, t := range r.deaths {
		if now.Sub(t) < crashWindow {
			recent = append(recent, t)
		}
	}
	r.deaths = append(recent, now)
	if len(r.deaths) > crashBurst {
		r.wait = min(max(2*r.wait, minCrashWait), maxCrashWait)
	}
	return r.wait
}
