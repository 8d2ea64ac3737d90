package master

import (
	"time"
)

// Snapshot is the state of a Master as its dashboard shows it: every
// slave (and those that left lately), the queue, the history of the
// last minutes and the latest failures. Handler serves it as JSON at
// /api/status and streams it to the page at /events.
type Snapshot struct {
	Time     time.Time      `json:"time"`
	Version  string         `json:"version"`
	Uptime   float64        `json:"uptime_s"`
	Slaves   []SlaveView    `json:"slaves"`
	Queue    int            `json:"queue"`   // tasks waiting for an idle slave
	Running  int            `json:"running"` // slaves running a task
	Tasks    uint64         `json:"tasks"`   // tasks finished since the Master started
	Failed   uint64         `json:"failed"`  // of which failed
	History  []HistoryPoint `json:"history"` // oldest first
	Failures []FailureInfo  `json:"failures"`
	// Jobs are the detached jobs this Master submitted or was asked
	// about, newest first (JobView).
	Jobs []JobView `json:"jobs"`
}

// SlaveView is one slave in a Snapshot.
type SlaveView struct {
	ID     string `json:"id"`
	Addr   string `json:"addr"`
	Host   string `json:"host"`
	PID    int    `json:"pid"`
	Name   string `json:"name,omitempty"`
	Engine int    `json:"engine"`
	// State is idle, busy, reserved or dead (its connection ended).
	State  string `json:"state"`
	Tasks  int64  `json:"tasks"` // finished for this Master
	Rejoin string `json:"rejoin"`
	// Running is the task it runs, if any.
	Running *RunningView `json:"running,omitempty"`
	// LastError is its latest failure.
	LastError *FailureInfo `json:"last_error,omitempty"`
	// RSS is its node's resident memory, bytes (0: not reported yet).
	RSS uint64 `json:"rss"`
	// NodeTasks and NodeResets count the engine's tasks for every master
	// and its interpreter replacements, as the node reports them.
	NodeTasks  uint64 `json:"node_tasks"`
	NodeResets uint64 `json:"node_resets"`
}

// RunningView is a task in progress.
type RunningView struct {
	Src     string  `json:"src"`
	Elapsed float64 `json:"elapsed_s"`
	HasProg bool    `json:"has_progress"`
	Done    int64   `json:"done"` // the latest dpfw.Progress
	Total   int64   `json:"total"`
}

// HistoryPoint is historyStep of finished tasks.
type HistoryPoint struct {
	Time   time.Time `json:"t"` // the start of the interval
	Tasks  int64     `json:"tasks"`
	Failed int64     `json:"failed"`
	PerSec float64   `json:"per_s"`
	MeanMS float64   `json:"mean_ms"` // latency, from sending to a slave to the result
	MaxMS  float64   `json:"max_ms"`
}

// historyStep and historyPoints shape Snapshot.History: 60 points of 10 s.
const (
	historyStep   = 10
	historyPoints = historySeconds / historyStep
)

// Snapshot returns the Master's current state. It never blocks on a
// slave. Without metrics (Config.NoMetrics) it has no counts, history or
// failures.
func (m *Master) Snapshot() Snapshot {
	now := time.Now()
	snap := Snapshot{Time: now, Version: Version, Uptime: time.Since(m.born).Seconds(), Queue: m.shared.len(),
		Slaves: []SlaveView{}, History: []HistoryPoint{}, Failures: []FailureInfo{}, Jobs: m.jobs.views(now)}
	for _, s := range m.Slaves() {
		v := slaveView(s.Info(), now)
		if v.State == Busy.String() {
			snap.Running++
		}
		snap.Slaves = append(snap.Slaves, v)
	}
	if m.obs == nil {
		return snap
	}
	for k := range m.obs.kinds {
		for i := range m.obs.kinds[k].outcomes {
			n := m.obs.kinds[k].outcomes[i].Load()
			snap.Tasks += n
			if i != 0 {
				snap.Failed += n
			}
		}
	}
	m.obs.mu.Lock()
	defer m.obs.mu.Unlock()
	for _, in := range m.obs.departed {
		v := slaveView(in, now)
		v.State, v.Running = "dead", nil
		snap.Slaves = append(snap.Slaves, v)
	}
	snap.History = m.obs.historyLocked(now)
	for i := len(m.obs.failures) - 1; i >= 0; i-- {
		snap.Failures = append(snap.Failures, m.obs.failures[i])
	}
	return snap
}

func slaveView(in Info, now time.Time) SlaveView {
	v := SlaveView{ID: in.ID, Host: in.Peer.Host, PID: in.Peer.PID, Name: in.Peer.Name, Engine: in.Engine,
		State: in.State.String(), Tasks: in.Tasks, Rejoin: in.Rejoin.String(), LastError: in.LastError}
	if in.Addr != nil {
		v.Addr = in.Addr.String()
	}
	if r := in.Running; r != nil {
		v.Running = &RunningView{Src: r.Src, Elapsed: now.Sub(r.Started).Seconds()}
		if p := r.Progress; p != nil {
			v.Running.HasProg, v.Running.Done, v.Running.Total = true, p.Done, p.Total
		}
	}
	if n := in.Node; n != nil {
		v.RSS, v.NodeTasks, v.NodeResets = n.RSS, n.Engine.Tasks, n.Engine.Resets
	}
	return v
}

// historyLocked folds the per-second history into historyPoints points
// ending now; o.mu is held.
func (o *observer) historyLocked(now time.Time) []HistoryPoint {
	end := now.Unix()
	first := end - historySeconds + 1
	first -= first % historyStep
	out := make([]HistoryPoint, 0, historyPoints+1)
	for t := first; t <= end; t += historyStep {
		p := HistoryPoint{Time: time.Unix(t, 0)}
		var sum time.Duration
		var timed int64
		for u := t; u < t+historyStep && u <= end; u++ {
			sec := o.seconds[u%historySeconds]
			if sec.unix != u {
				continue
			}
			p.Tasks += sec.n
			p.Failed += sec.failed
			timed += sec.timed
			sum += sec.sum
			p.MaxMS = max(p.MaxMS, float64(sec.worst)/1e6)
		}
		span := min(end+1-t, historyStep)
		p.PerSec = float64(p.Tasks) / float64(span)
		if timed > 0 {
			p.MeanMS = float64(sum) / float64(timed) / 1e6
		}
		out = append(out, p)
	}
	return out
}
