package master

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/dpfw/dpfw/session"
)

// maxJobViews bounds the detached jobs a Master keeps for its page: the
// oldest ended ones go first, then the oldest.
const maxJobViews = 64

// jobBook is what a Master knows of the detached jobs it submitted or
// was asked about (SubmitDetached, JobStatus, WaitJob), for Snapshot.
// poll refreshes the running ones on their node's connection.
type jobBook struct {
	mu   sync.Mutex // protects jobs
	jobs []*jobEntry
}

// jobEntry is one job's latest known status.
type jobEntry struct {
	st      JobStatus
	slave   string    // the slave that accepted it, "" when not submitted here
	since   time.Time // when this Master first heard of it
	checked time.Time // when st was last answered
}

// String is a progress report as "3/10 (30%)", or "3 done" when the
// total is unknown.
func (p Progress) String() string {
	if p.Total <= 0 {
		return fmt.Sprintf("%d done", p.Done)
	}
	return fmt.Sprintf("%d/%d (%d%%)", p.Done, p.Total, p.Done*100/p.Total)
}

// note records st (slave: the slave that accepted the job, if known).
func (b *jobBook) note(st JobStatus, slave string) {
	now := time.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	i := slices.IndexFunc(b.jobs, func(e *jobEntry) bool { return e.st.Job == st.Job })
	if i < 0 {
		b.jobs = append(b.jobs, &jobEntry{since: now})
		i = len(b.jobs) - 1
	}
	e := b.jobs[i]
	st.Result = Result{} // the page shows no value: keep none alive
	if st.State != 0 || e.st.State == 0 {
		e.st = st
		e.checked = now
	}
	if slave != "" {
		e.slave = slave
	}
	b.trimLocked(now)
}

// trimLocked forgets jobs their node has forgotten, and the oldest
// beyond maxJobViews, ended ones first.
func (b *jobBook) trimLocked(now time.Time) {
	b.jobs = slices.DeleteFunc(b.jobs, func(e *jobEntry) bool {
		return !e.st.Expires.IsZero() && now.After(e.st.Expires)
	})
	for len(b.jobs) > maxJobViews {
		i := slices.IndexFunc(b.jobs, func(e *jobEntry) bool { return e.st.State == JobEnded })
		if i < 0 {
			i = 0
		}
		b.jobs = slices.Delete(b.jobs, i, i+1)
	}
}

// running lists the jobs of node process instance that were running
// when last asked.
func (b *jobBook) running(instance string) []Job {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Job
	for _, e := range b.jobs {
		if e.st.Job.Instance == instance && e.st.State != JobEnded {
			out = append(out, e.st.Job)
		}
	}
	return out
}

// refreshJobs asks sess's node where each of its known running jobs
// is, without waiting: poll calls it every StatusEvery.
func (m *Master) refreshJobs(sess *session.Session) {
	for _, job := range m.jobs.running(sess.Peer().Instance) {
		ctx, cancel := context.WithTimeout(m.ctx, StatusEvery)
		resp, err := sess.Call(ctx, &session.Request{Kind: session.KindJobStatus, Job: &session.JobRef{Instance: job.Instance, ID: job.ID}})
		cancel()
		if err != nil || resp.Job == nil {
			continue // asked again on the next tick; a lost node shows its last answer
		}
		st := JobStatus{Job: job}
		fillStatus(&st, resp)
		m.jobs.note(st, "")
	}
}

// JobView is one detached job in a Snapshot: one this Master submitted
// (SubmitDetached) or was asked about (JobStatus, WaitJob). Its state
// is the node's latest answer, refreshed every StatusEvery while the
// node is connected to this Master and the Handler is on.
type JobView struct {
	Handle string `json:"handle"` // what dpfw job takes: HOST:PORT/INSTANCE/ID
	ID     string `json:"id"`
	Node   string `json:"node"`            // the node's address
	Slave  string `json:"slave,omitempty"` // the slave that accepted it, when submitted here
	Engine int    `json:"engine"`
	// State is running, done, failed (ended with an error) or unknown
	// (accepted, not yet asked about).
	State string `json:"state"`
	// Progress is its latest dpfw.Progress report ("3/10 (30%)"), ""
	// for none; HasProg, Done and Total are the same, as numbers.
	Progress string `json:"progress,omitempty"`
	HasProg  bool   `json:"has_progress"`
	Done     int64  `json:"done"`
	Total    int64  `json:"total"`
	// Age is the time since it started (since this Master heard of it
	// when its node has not said), seconds; Took is how long it ran,
	// once ended.
	Age   float64 `json:"age_s"`
	Took  float64 `json:"took_s,omitempty"`
	Error string  `json:"error,omitempty"`
	// Checked is when its node last answered about it.
	Checked time.Time `json:"checked"`
}

// views is the book as a Snapshot lists it, newest first.
func (b *jobBook) views(now time.Time) []JobView {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trimLocked(now)
	out := make([]JobView, 0, len(b.jobs))
	for i := len(b.jobs) - 1; i >= 0; i-- {
		out = append(out, b.jobs[i].view(now))
	}
	return out
}

func (e *jobEntry) view(now time.Time) JobView {
	st := e.st
	v := JobView{Handle: st.Job.String(), ID: st.Job.ID, Node: st.Job.Addr, Slave: e.slave, Engine: st.Engine, Checked: e.checked}
	start := e.since
	if !st.Started.IsZero() {
		start = st.Started
	}
	v.Age = now.Sub(start).Seconds()
	switch {
	case st.State == 0:
		v.State = "unknown"
	case st.State == JobRunning:
		v.State = "running"
	case st.Err != nil:
		v.State, v.Error = "failed", st.Err.Error()
	default:
		v.State = "done"
	}
	if !st.Ended.IsZero() {
		v.Took = st.Ended.Sub(st.Started).Seconds()
	}
	if p := st.Progress; p != nil {
		v.Progress, v.HasProg, v.Done, v.Total = p.String(), true, p.Done, p.Total
	}
	return v
}
