package master

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/dpfw/dpfw/session"
)

// metricsCollector reads the Master's counters at scrape time.
type metricsCollector struct{ m *Master }

var (
	descTasks   = prometheus.NewDesc("dpfw_master_tasks_total", "Tasks finished, by kind (eval, call, stream, batched) and outcome (ok, a failure kind, abandoned, closed, other).", []string{"kind", "outcome"}, nil)
	descResets  = prometheus.NewDesc("dpfw_master_engine_resets_total", "Tasks during which the slave's interpreter was replaced (globals lost).", nil, nil)
	descRetries = prometheus.NewDesc("dpfw_master_retries_total", "Idempotent tasks re-run after their slave was lost.", nil, nil)
	descQueue   = prometheus.NewDesc("dpfw_master_queue_depth", "Tasks waiting in the master for an idle slave.", nil, nil)
	descSlaves  = prometheus.NewDesc("dpfw_master_slaves", "Slaves (engines) by state; dead: left lately (the page lists the last 32).", []string{"state"}, nil)
	descIn      = prometheus.NewDesc("dpfw_master_received_bytes_total", "Bytes received from slave nodes.", nil, nil)
	descOut     = prometheus.NewDesc("dpfw_master_sent_bytes_total", "Bytes sent to slave nodes.", nil, nil)
)

func (c metricsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descTasks, descResets, descRetries, descQueue, descSlaves, descIn, descOut} {
		ch <- d
	}
}

func (c metricsCollector) Collect(ch chan<- prometheus.Metric) {
	m, o := c.m, c.m.obs
	for k := range o.kinds {
		for i, name := range outcomeNames {
			ch <- prometheus.MustNewConstMetric(descTasks, prometheus.CounterValue, float64(o.kinds[k].outcomes[i].Load()), kindNames[k], name)
		}
	}
	ch <- prometheus.MustNewConstMetric(descResets, prometheus.CounterValue, float64(o.resets.Load()))
	ch <- prometheus.MustNewConstMetric(descRetries, prometheus.CounterValue, float64(o.retries.Load()))
	ch <- prometheus.MustNewConstMetric(descQueue, prometheus.GaugeValue, float64(m.shared.len()))
	states := map[string]int{Idle.String(): 0, Busy.String(): 0, Reserved.String(): 0, "dead": 0}
	for _, s := range m.Slaves() {
		states[s.Info().State.String()]++
	}
	in, out := m.traffic()
	o.mu.Lock()
	states["dead"] = len(o.departed)
	o.mu.Unlock()
	for state, n := range states {
		ch <- prometheus.MustNewConstMetric(descSlaves, prometheus.GaugeValue, float64(n), state)
	}
	ch <- prometheus.MustNewConstMetric(descIn, prometheus.CounterValue, float64(in))
	ch <- prometheus.MustNewConstMetric(descOut, prometheus.CounterValue, float64(out))
}

// traffic is the bytes received from and sent to slave nodes, over every
// session, ended ones included. m.mu orders it with watch, which moves
// an ended session's bytes into the observer's counters, so that the
// sums never go back.
func (m *Master) traffic() (in, out int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	in, out = m.obs.in.Load(), m.obs.out.Load()
	seen := map[*session.Session]bool{}
	for _, s := range m.slaves {
		if c := s.conn(); c != nil && !seen[c] {
			seen[c] = true
			i, o := c.Traffic()
			in, out = in+i, out+o
		}
	}
	return in, out
}
