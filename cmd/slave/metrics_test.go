package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// jsonLine waits for the JSON log line whose msg is msg and returns it;
// every line before it must be JSON too (-log-format json).
func (p *proc) jsonLine(t *testing.T, msg string) map[string]any {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				t.Fatalf("slave ended while waiting for %q", msg)
			}
			var rec map[string]any
			if err := json.Unmarshal([]byte(l), &rec); err != nil {
				t.Fatalf("-log-format json wrote a line that is not JSON: %q", l)
			}
			if rec["level"] == nil || rec["time"] == nil {
				t.Fatalf("log record without level or time: %q", l)
			}
			if rec["msg"] == msg {
				return rec
			}
		case <-deadline:
			t.Fatalf("no %q log line within 30s", msg)
		}
	}
}

func getMetrics(t *testing.T, u, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// slave -metrics serves the node's Prometheus metrics, counting the
// tasks it ran; with -log-format json every log line is a JSON record.
// Beyond loopback the metrics need the cluster token.
func TestSlaveMetricsAndJSONLogs(t *testing.T) {
	p := startSlave(t, "-supervise=false", "-n", "1", "-log-format", "json", "-metrics", "127.0.0.1:0", "serve", "127.0.0.1:0")
	murl := p.jsonLine(t, "serving metrics")["url"].(string)
	addr := p.jsonLine(t, "serving masters")["addr"].(string)
	m := newMaster(t)
	ctx := ctxT(t, 60*time.Second)
	if _, err := m.Dial(ctx, addr); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(ctx, "1 + 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Run(ctx, `panic("x")`); err == nil {
		t.Fatal("a panic succeeded")
	}
	code, body := getMetrics(t, murl, "")
	if code != http.StatusOK {
		t.Fatalf("%s on loopback: %d %s", murl, code, body)
	}
	for _, want := range []string{`dpfw_slave_tasks_total{outcome="ok"} 1`, `dpfw_slave_tasks_total{outcome="panic"} 1`,
		"dpfw_slave_engines 1", "dpfw_slave_masters 1", "dpfw_slave_task_duration_seconds_count 2", "process_resident_memory_bytes "} {
		if !strings.Contains(body, want) {
			t.Errorf("no %q in /metrics:\n%s", want, body)
		}
	}

	// On all addresses: the token or nothing.
	q := startSlave(t, "-supervise=false", "-n", "1", "-log-format", "json", "-metrics", "0.0.0.0:0", "serve", "127.0.0.1:0")
	rec := q.jsonLine(t, "serving metrics")
	if rec["token_required"] != true {
		t.Fatalf("%v", rec)
	}
	u, _ := url.Parse(rec["url"].(string))
	_, port, _ := net.SplitHostPort(u.Host)
	local := "http://127.0.0.1:" + port + "/metrics"
	for _, auth := range []string{"", "Bearer nope", "Bearer " + testToken + "x"} {
		if code, _ := getMetrics(t, local, auth); code != http.StatusUnauthorized {
			t.Errorf("-metrics 0.0.0.0 with %q: %d, want 401", auth, code)
		}
	}
	q.jsonLine(t, "http request refused") // one line per refusal
	if code, body := getMetrics(t, local, "Bearer "+testToken); code != http.StatusOK || !strings.Contains(body, "dpfw_slave_engines 1") {
		t.Fatalf("with the token: %d %s", code, body)
	}
}
