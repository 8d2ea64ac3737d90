package slave

import (
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// MetricsHandler serves the node's Prometheus metrics: tasks by outcome,
// task durations, busy engines, engine resets, connected masters, bytes
// received and sent, and the Go runtime's and the process's own (resident
// memory among them). It does no authentication: serve it on loopback,
// or behind the cluster token (cmd/slave -metrics does both).
func (n *Node) MetricsHandler() http.Handler {
	n.metricsOnce.Do(func() {
		reg := prometheus.NewRegistry()
		reg.MustRegister(nodeCollector{n}, n.stats.took,
			collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		n.metrics = promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	})
	return n.metrics
}

// nodeCollector reads the node's counters at scrape time.
type nodeCollector struct{ n *Node }

var (
	descTasks   = prometheus.NewDesc("dpfw_slave_tasks_total", "Tasks the engines finished, by outcome: ok or the failure kind.", []string{"outcome"}, nil)
	descResets  = prometheus.NewDesc("dpfw_slave_engine_resets_total", "Interpreter replacements, by engine.", []string{"engine"}, nil)
	descBusy    = prometheus.NewDesc("dpfw_slave_engines_busy", "Engines running (or queued for) a task.", nil, nil)
	descEngines = prometheus.NewDesc("dpfw_slave_engines", "Engines of this node.", nil, nil)
	descMasters = prometheus.NewDesc("dpfw_slave_masters", "Masters connected.", nil, nil)
	descIn      = prometheus.NewDesc("dpfw_slave_received_bytes_total", "Bytes received from masters.", nil, nil)
	descOut     = prometheus.NewDesc("dpfw_slave_sent_bytes_total", "Bytes sent to masters.", nil, nil)
)

func (c nodeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descTasks, descResets, descBusy, descEngines, descMasters, descIn, descOut} {
		ch <- d
	}
}

func (c nodeCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.n.stats
	for i, name := range outcomeNames {
		ch <- prometheus.MustNewConstMetric(descTasks, prometheus.CounterValue, float64(st.outcomes[i].Load()), name)
	}
	busy := 0
	for i := range st.engines {
		e := &st.engines[i]
		ch <- prometheus.MustNewConstMetric(descResets, prometheus.CounterValue, float64(e.resets.Load()), strconv.Itoa(i))
		if e.busy.Load() > 0 {
			busy++
		}
	}
	ch <- prometheus.MustNewConstMetric(descBusy, prometheus.GaugeValue, float64(busy))
	ch <- prometheus.MustNewConstMetric(descEngines, prometheus.GaugeValue, float64(len(st.engines)))
	masters, in, out := c.n.traffic()
	ch <- prometheus.MustNewConstMetric(descMasters, prometheus.GaugeValue, float64(masters))
	ch <- prometheus.MustNewConstMetric(descIn, prometheus.CounterValue, float64(in))
	ch <- prometheus.MustNewConstMetric(descOut, prometheus.CounterValue, float64(out))
}

// traffic counts the connected masters and the bytes of every session,
// ended ones included.
func (n *Node) traffic() (masters int, in, out int64) {
	n.mu.Lock()
	defer n.mu.Unlock()
	in, out = n.stats.in.Load(), n.stats.out.Load()
	for sess := range n.sessions {
		i, o := sess.Traffic()
		in, out = in+i, out+o
	}
	return len(n.sessions), in, out
}
