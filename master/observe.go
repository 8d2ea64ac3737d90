package master

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dpfw/dpfw/eval/failure"
	"github.com/dpfw/dpfw/session"
)

// taskKind is what a task asks of its slave, for the counters.
type taskKind uint8

const (
	kindEval taskKind = iota
	kindCall
	kindStream
	kindBatched // an eval or call sent in a Batch
	numKinds
)

var kindNames = [numKinds]string{"eval", "call", "stream", "batched"}

func kindOf(t Task) taskKind {
	switch {
	case t.Local != nil:
		return kindStream
	case t.Func != "":
		return kindCall
	}
	return kindEval
}

// Outcomes, for the counters: ok, each failure kind, and the errors that
// are not a RemoteError.
var outcomeNames = func() []string {
	out := []string{"ok"}
	for _, k := range failure.Known() {
		out = append(out, string(k))
	}
	// abandoned: the caller's context ended; closed: the Master closed;
	// other: a kind this build does not know, or any other error.
	return append(out, "abandoned", "closed", "other")
}()

var outcomeIndex = func() map[string]int {
	m := map[string]int{}
	for i, n := range outcomeNames {
		m[n] = i
	}
	return m
}()

func outcomeOf(err error) int {
	if err == nil {
		return 0
	}
	return failedOutcome(err)
}

// failedOutcome is outcomeOf a failure. (Apart, so that its re, which
// escapes through errors.As, is not allocated for every success.)
func failedOutcome(err error) int {
	var re *RemoteError
	switch {
	case errors.As(err, &re):
		if i, ok := outcomeIndex[string(re.Kind)]; ok {
			return i
		}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return outcomeIndex["abandoned"]
	case errors.Is(err, ErrClosed):
		return outcomeIndex["closed"]
	}
	return outcomeIndex["other"]
}

// observer counts what the Master does, for Handler's metrics, page and
// API. Counting a task is a few atomic adds, a histogram observation and
// a short critical section for the per-second history; no lock is held
// across anything but that.
type observer struct {
	kinds   [numKinds]kindCounters
	latency prometheus.Histogram // submit to result, seconds
	resets  atomic.Uint64
	retries atomic.Uint64
	// in and out hold the traffic of sessions that have ended.
	in, out atomic.Int64

	mu       sync.Mutex // protects the fields below
	seconds  [historySeconds]second
	failures []FailureInfo // the latest, oldest first, at most maxFailures
	departed []Info        // slaves whose connection ended, oldest first
}

// kindCounters counts the outcomes of one kind of task.
type kindCounters struct {
	o        *observer
	kind     taskKind
	outcomes []atomic.Uint64 // by outcomeNames
}

// second is one second of finished tasks.
type second struct {
	unix             int64
	n, failed, timed int64         // finished, failed, timed (took)
	sum, worst       time.Duration // of the timed latencies
}

const (
	historySeconds = 600 // ten minutes of per-second history
	maxFailures    = 20
	maxDeparted    = 32
)

func newObserver() *observer {
	o := &observer{latency: prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "dpfw_master_task_duration_seconds", Help: "Time from sending a task to a slave to its result (a batch's time for each of its tasks).",
		Buckets: prometheus.ExponentialBuckets(50e-6, 4, 11),
	})}
	for k := range o.kinds {
		o.kinds[k] = kindCounters{o: o, kind: taskKind(k), outcomes: make([]atomic.Uint64, len(outcomeNames))}
	}
	return o
}

// track has f's outcome counted as a task of kind k, unless
// Config.NoMetrics is set.
func (m *Master) track(f *Future, k taskKind) {
	if m.obs != nil {
		f.obs = &m.obs.kinds[k]
	}
}

// source is what the dashboard shows of t.
func source(t *Task) string {
	if t.Func != "" {
		return t.Func + "(…)"
	}
	return t.Src
}

// source is what the dashboard shows of j's task.
func (j *job) source() string { return source(&j.task) }

// event hands a live Event of j's task to its Future.
func (j *job) event(ev *session.Event) { j.fut.event(ev, j.task.Watch) }

// finish counts f's outcome.
func (kc *kindCounters) finish(res Result, err error) {
	o := kc.o
	kc.outcomes[outcomeOf(err)].Add(1)
	if res.Reset {
		o.resets.Add(1)
	}
	now := time.Now()
	o.mu.Lock()
	sec := o.secondLocked(now)
	sec.n++
	if err != nil {
		sec.failed++
	}
	o.mu.Unlock()
}

// took counts the time a task took from being sent to a slave to its
// result.
func (o *observer) took(d time.Duration) {
	o.latency.Observe(d.Seconds())
	o.mu.Lock()
	sec := o.secondLocked(time.Now())
	sec.timed++
	sec.sum += d
	sec.worst = max(sec.worst, d)
	o.mu.Unlock()
}

// fail remembers a failed task for the page; o.mu is not held.
func (o *observer) fail(fi FailureInfo) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.failures = append(o.failures, fi)
	if len(o.failures) > maxFailures {
		o.failures = o.failures[1:]
	}
}

// secondLocked is now's slot of the per-second history; o.mu is held.
func (o *observer) secondLocked(now time.Time) *second {
	sec := &o.seconds[now.Unix()%historySeconds]
	if sec.unix != now.Unix() {
		*sec = second{unix: now.Unix()}
	}
	return sec
}

// FailureInfo is one failed task, as Handler's page and API list them.
type FailureInfo struct {
	At    time.Time `json:"at"`
	Slave string    `json:"slave,omitempty"`
	Kind  string    `json:"kind"`
	Error string    `json:"error"`
	Src   string    `json:"src,omitempty"` // the start of the task's source
}

func failureInfo(at time.Time, src, slave string, err error) FailureInfo {
	fi := FailureInfo{At: at, Slave: slave, Kind: outcomeNames[outcomeOf(err)], Error: err.Error(), Src: excerpt(src, 200)}
	var re *RemoteError
	if errors.As(err, &re) && re.Slave != "" {
		fi.Slave = re.Slave
	}
	return fi
}

// excerpt is the first n bytes of s, cut at a rune boundary.
func excerpt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// depart remembers the slaves of a session that ended, for the page.
func (o *observer) depart(gone []Info) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.departed = append(o.departed, gone...)
	if len(o.departed) > maxDeparted {
		o.departed = o.departed[len(o.departed)-maxDeparted:]
	}
}

// rejoin forgets departed slaves that are back under the same id.
func (o *observer) rejoin(ids []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	kept := o.departed[:0]
	for _, in := range o.departed {
		back := false
		for _, id := range ids {
			back = back || in.ID == id
		}
		if !back {
			kept = append(kept, in)
		}
	}
	o.departed = kept
}

// noteFailure remembers s's latest failure, for Info, and the failure
// of a task with source src for the page.
func (s *Slave) noteFailure(src string, err error) {
	fi := failureInfo(time.Now(), src, s.id, err)
	s.lastErr.Store(&fi)
	if s.m.obs != nil {
		s.m.obs.fail(fi)
	}
}

// nodeStatus is the last KindStatus answer of one session's node.
type nodeStatus struct {
	at time.Time
	st *session.NodeStatus
}

// StatusEvery is how often a Master asks each slave node for its status
// (memory, per-engine counters) once Handler or PollStatus turned it on.
const StatusEvery = 2 * time.Second

// PollStatus makes the Master ask every slave node for its status every
// StatusEvery (Info.RSS and Info.Node then hold the answers). Handler
// turns it on; it stays on.
func (m *Master) PollStatus() {
	if m.polling.CompareAndSwap(false, true) {
		m.mu.Lock()
		defer m.mu.Unlock()
		close(m.pollOn)
	}
}

// poll asks sess's node for its status every StatusEvery while polling
// is on, until sess ends or the Master closes, and gives the answer to
// slaves, the node's engines.
func (m *Master) poll(sess *session.Session, slaves []*Slave) {
	select {
	case <-m.pollOn:
	case <-sess.Done():
		return
	case <-m.done:
		return
	}
	tick := time.NewTicker(StatusEvery)
	defer tick.Stop()
	for {
		ctx, cancel := context.WithTimeout(m.ctx, StatusEvery)
		resp, err := sess.Call(ctx, &session.Request{Kind: session.KindStatus})
		cancel()
		if err == nil && resp.Status != nil {
			ns := &nodeStatus{at: time.Now(), st: resp.Status}
			for _, s := range slaves {
				s.status.Store(ns)
			}
		}
		m.refreshJobs(sess)
		select {
		case <-tick.C:
		case <-sess.Done():
			return
		case <-m.done:
			return
		}
	}
}
