package slave_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

// A node answers KindStatus with its memory and per-engine counts, and
// serves the same counts as Prometheus metrics.
func TestStatusAndMetrics(t *testing.T) {
	n, err := slave.New(slave.Config{Engines: 2, Session: session.Config{Token: token}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	ln, err := session.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go n.Serve(context.Background(), ln)
	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet})
	defer m.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	slaves, err := m.Dial(ctx, ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s1 := slaves[0]
	s1.Run(ctx, "1")
	s1.Run(ctx, "panic(2)")
	s1.Submit(ctx, master.Task{Src: "time.Sleep(time.Minute)", Timeout: 50 * time.Millisecond}).Wait(ctx)

	m.PollStatus()
	var in master.Info
	for in = s1.Info(); in.Node == nil || in.Node.Engine.Tasks < 3; in = s1.Info() {
		select {
		case <-ctx.Done():
			t.Fatal("no status report", in.Node)
		case <-time.After(20 * time.Millisecond):
		}
	}
	e := in.Node.Engine
	if in.Node.RSS < 1<<20 || e.Tasks != 3 || e.Failed != 2 || e.Resets != 1 || e.Busy {
		t.Fatalf("status %+v", in.Node)
	}
	if other := slaves[1].Info(); other.Node == nil || other.Node.Engine.Tasks != 0 {
		t.Fatalf("engine 1: %+v", other.Node)
	}

	rec := httptest.NewRecorder()
	n.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`dpfw_slave_tasks_total{outcome="ok"} 1`,
		`dpfw_slave_tasks_total{outcome="panic"} 1`,
		`dpfw_slave_tasks_total{outcome="timeout"} 1`,
		`dpfw_slave_engine_resets_total{engine="0"} 1`,
		`dpfw_slave_engines 2`,
		`dpfw_slave_masters 1`,
		`dpfw_slave_task_duration_seconds_count 3`,
		`dpfw_slave_received_bytes_total`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if t.Failed() {
		t.Log(body)
	}
}
