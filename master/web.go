package master

import (
	"bytes"
	"context"
	"crypto/tls"
	"embed"
	"encoding/json"
	"io/fs"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dpfw/dpfw/session/webauth"
)

// The dashboard's page, script and style, and the API's OpenAPI
// description: embedded, nothing fetched from elsewhere.
//
//go:embed web
var webFiles embed.FS

// webState is what Handler builds once.
type webState struct {
	once    sync.Once
	handler http.Handler
	api     *api
}

// Handler returns the Master's web interface, one http.Handler:
//
//	GET  /                    the dashboard (live, through /events)
//	GET  /events              the dashboard's updates: server-sent events, one Snapshot per change
//	GET  /metrics             Prometheus metrics
//	GET  /api/status          the Snapshot as JSON
//	GET  /api/slaves          the slaves as JSON
//	POST /api/tasks           submit a task; GET/DELETE /api/tasks/{id}: its state, cancel it
//	POST /api/parallel        run tasks in parallel and wait for them
//	GET  /api/openapi.json    the API's OpenAPI 3 description
//
// The Handler does no authentication: serve it with ServeWeb, which
// applies dpfw's rule (open on loopback, the cluster token everywhere
// else), or behind your own. The first call turns PollStatus on, so
// that the page shows each node's memory. Metrics count nothing with
// Config.NoMetrics.
func (m *Master) Handler() http.Handler {
	m.web.once.Do(func() {
		m.PollStatus()
		m.web.api = newAPI(m)
		mux := http.NewServeMux()
		static, _ := fs.Sub(webFiles, "web")
		mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(static)))
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "no-store")
			http.ServeFileFS(w, r, static, "index.html")
		})
		mux.HandleFunc("GET /events", m.serveEvents)
		mux.Handle("GET /metrics", m.metricsHandler())
		mux.HandleFunc("GET /api/openapi.json", func(w http.ResponseWriter, r *http.Request) {
			http.ServeFileFS(w, r, static, "openapi.json")
		})
		m.web.api.routes(mux)
		m.web.handler = securityHeaders(mux)
	})
	return m.web.handler
}

// ServeWeb serves Handler on ln until ctx is done or the Master closes,
// then closes ln. On a loopback address it is open to this machine; on
// any other it answers only requests that carry the cluster token
// (Config.Session.Token), as package session/webauth describes. With
// tlsCfg set it serves HTTPS. It blocks.
func (m *Master) ServeWeb(ctx context.Context, ln net.Listener, tlsCfg *tls.Config) error {
	ctx, cancel := m.merge(ctx)
	defer cancel()
	return webauth.Serve(ctx, ln, m.Handler(), webauth.Config{Token: m.cfg.Session.Token, TLS: tlsCfg, Logger: m.log})
}

// securityHeaders keeps the pages from being framed or sniffed.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
		h.ServeHTTP(w, r)
	})
}

func (m *Master) metricsHandler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if m.obs != nil {
		reg.MustRegister(metricsCollector{m}, m.obs.latency)
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// eventsEvery is how often /events looks for a change to send.
const eventsEvery = 500 * time.Millisecond

// serveEvents streams Snapshots as server-sent events: the current one
// at once, then each one that differs from the last sent, checked every
// eventsEvery, and a comment line every 15 s to keep proxies from
// closing a quiet stream. It returns when the client goes away or the
// Master closes.
func (m *Master) serveEvents(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	tick := time.NewTicker(eventsEvery)
	defer tick.Stop()
	var last []byte
	quiet := 0
	for {
		snap, err := json.Marshal(m.Snapshot())
		if err != nil {
			return
		}
		// Time and uptime change every time: compare what else changed.
		if key := snapshotKey(snap); !bytes.Equal(key, last) {
			last = key
			quiet = 0
			if _, err := w.Write(append(append([]byte("data: "), snap...), "\n\n"...)); err != nil {
				return
			}
		} else if quiet++; quiet*int(eventsEvery) >= int(15*time.Second) {
			quiet = 0
			if _, err := w.Write([]byte(": ping\n\n")); err != nil {
				return
			}
		}
		if rc.Flush() != nil {
			return
		}
		select {
		case <-tick.C:
		case <-r.Context().Done():
			return
		case <-m.done:
			return
		}
	}
}

// snapshotKey is a Snapshot's JSON less its first two fields (time and
// version) and uptime: running tasks' elapsed times still change it, so
// a running task's clock moves on the page.
func snapshotKey(snap []byte) []byte {
	if i := bytes.Index(snap, []byte(`"slaves":`)); i >= 0 {
		return snap[i:]
	}
	return snap
}
