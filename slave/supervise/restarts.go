package supervise

import "time"

// Restart policy (the package doc states it for users). A child that
// dies now and then (a snippet killed it) is replaced at once: the slave
// should be back before masters give up on it. Only a child that keeps
// dying soon after it started (a broken install, a snippet that a master
// resubmits in a loop) is restarted ever more slowly, so that it does not
// burn a core.
const (
	healthyUptime = 10 * time.Second // a child that ran this long ends a crash loop
	quickDeaths   = 5                // this many quick deaths in a row are replaced at once
	minCrashWait  = 500 * time.Millisecond
	maxCrashWait  = 30 * time.Second
)

// restarts decides how long to wait before starting the next child.
type restarts struct {
	quick int           // deaths in a row of children that ran less than healthyUptime
	wait  time.Duration // the last wait
}

// next records the death of a child that ran for uptime and returns the
// wait before the next start: 0 after a child that ran healthyUptime or
// longer, and for the first quickDeaths quick deaths in a row; then
// minCrashWait, doubling with each further quick death, up to
// maxCrashWait.
func (r *restarts) next(uptime time.Duration) time.Duration {
	if uptime >= healthyUptime {
		r.quick, r.wait = 0, 0
		return 0
	}
	r.quick++
	if r.quick > quickDeaths {
		r.wait = min(max(2*r.wait, minCrashWait), maxCrashWait)
	}
	return r.wait
}
