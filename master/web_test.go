package master_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

// serveWeb serves m's web interface on addr ("127.0.0.1:0", "0.0.0.0:0")
// and returns a base URL that reaches it over loopback.
func serveWeb(t *testing.T, m *master.Master, addr string) string {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.ServeWeb(ctx, ln, nil)
	}()
	t.Cleanup(func() { cancel(); <-done })
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return "http://127.0.0.1:" + port
}

// openapiDoc loads and validates web/openapi.json.
func openapiDoc(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile("web/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI 3 document: %v", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, router
}

// client calls the API as any non-Go client would, and checks every
// answer against the OpenAPI description.
type client struct {
	t      *testing.T
	base   string
	router routers.Router
	token  string
}

func (c *client) do(method, path string, body any) (int, http.Header, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if c.router != nil && strings.HasPrefix(path, "/api/") && path != "/api/openapi.json" {
		c.validate(req, resp, data)
	}
	return resp.StatusCode, resp.Header, data
}

// validate checks one exchange against the OpenAPI description.
func (c *client) validate(req *http.Request, resp *http.Response, body []byte) {
	c.t.Helper()
	req.URL.Host, req.URL.Scheme = "127.0.0.1:8787", "http" // the document's server
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		c.t.Fatalf("%s %s is not in openapi.json: %v", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true}}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		c.t.Fatalf("%s %s answered %d, which openapi.json does not describe: %v\n%s", req.Method, req.URL.Path, resp.StatusCode, err, body)
	}
}

func (c *client) json(method, path string, body any, want int, into any) http.Header {
	c.t.Helper()
	code, h, data := c.do(method, path, body)
	if code != want {
		c.t.Fatalf("%s %s: %d, want %d: %s", method, path, code, want, data)
	}
	if into != nil {
		if err := json.Unmarshal(data, into); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, data)
		}
	}
	return h
}

func TestOpenAPIIsValid(t *testing.T) {
	doc, _ := openapiDoc(t)
	for _, p := range []string{"/api/tasks", "/api/tasks/{id}", "/api/parallel", "/api/slaves", "/api/status"} {
		if doc.Paths.Find(p) == nil {
			t.Errorf("openapi.json lacks %s", p)
		}
	}
	if n := doc.Paths.Len(); n != 5 {
		t.Errorf("openapi.json has %d paths; the API serves 5", n)
	}
}

// The JSON API, driven with plain HTTP requests, each answer checked
// against openapi.json.
func TestJSONAPI(t *testing.T) {
	m := cluster(t, 2)
	_, router := openapiDoc(t)
	c := &client{t: t, base: serveWeb(t, m, "127.0.0.1:0"), router: router}

	var st master.TaskStatus
	c.json("POST", "/api/tasks?wait=30s", map[string]any{"src": "2 + 3"}, http.StatusOK, &st)
	if st.State != "done" || st.Result == nil || st.Result.Value != float64(5) || st.Result.Text != "5" || st.Slave == "" {
		t.Fatalf("%+v", st)
	}

	// A task that prints and reports progress, followed while it runs.
	h := c.json("POST", "/api/tasks", map[string]any{"src": `fmt.Println("half"); dpfw.Progress(1, 2); for dpfw.Table().Get("go") == nil { time.Sleep(time.Millisecond) }; fmt.Println("all"); dpfw.Progress(2, 2); "ok"`, "timeout": "30s"}, http.StatusAccepted, &st)
	loc := h.Get("Location")
	if loc != "/api/tasks/"+st.ID {
		t.Fatalf("Location %q for %s", loc, st.ID)
	}
	deadline := time.Now().Add(30 * time.Second)
	for st.Output != "half\n" || st.Progress == nil || st.State != "running" {
		if time.Now().After(deadline) {
			t.Fatalf("no live state: %+v", st)
		}
		time.Sleep(20 * time.Millisecond)
		c.json("GET", loc, nil, http.StatusOK, &st)
	}
	if st.Progress.Done != 1 || st.Progress.Total != 2 {
		t.Fatalf("progress %+v", st.Progress)
	}
	var slaves []master.SlaveView
	c.json("GET", "/api/slaves", nil, http.StatusOK, &slaves)
	busy := 0
	for _, s := range slaves {
		if s.State == "busy" && s.Running != nil && s.Running.HasProg && s.Running.Done == 1 {
			busy++
			sl, _ := m.Slave(s.ID)
			sl.TableSet(ctxT(t), "go", true)
		}
	}
	if len(slaves) != 2 || busy != 1 {
		t.Fatalf("slaves %+v", slaves)
	}
	c.json("GET", loc+"?wait=30s", nil, http.StatusOK, &st)
	if st.State != "done" || st.Output != "half\nall\n" || st.Result.Value != "ok" || st.Progress.Done != 2 {
		t.Fatalf("%+v", st)
	}

	// Failures carry the kind; values without an exact JSON form say so.
	c.json("POST", "/api/tasks?wait=30s", map[string]any{"src": `panic("boom")`}, http.StatusOK, &st)
	if st.State != "failed" || st.Error == nil || st.Error.Kind != "panic" || !strings.Contains(st.Error.Message, "boom") {
		t.Fatalf("%+v", st)
	}
	c.json("POST", "/api/tasks?wait=30s", map[string]any{"src": `map[any]any{1: "a"}`}, http.StatusOK, &st)
	if st.Result == nil || st.Result.Value != nil || st.Result.Note == "" || !strings.Contains(st.Result.Text, "1:") {
		t.Fatalf("%+v", st.Result)
	}
	c.json("POST", "/api/tasks?wait=30s", map[string]any{"src": `[]byte("hi")`}, http.StatusOK, &st)
	if st.Result.Value != "aGk=" || st.Result.Encoding != "base64" {
		t.Fatalf("%+v", st.Result)
	}
	c.json("POST", "/api/tasks?wait=30s", map[string]any{"src": `time.Sleep(time.Minute)`, "timeout": 0.2}, http.StatusOK, &st)
	if st.Error == nil || st.Error.Kind != "timeout" {
		t.Fatalf("%+v", st)
	}

	// Cancel a running task.
	c.json("POST", "/api/tasks", map[string]any{"src": `for {}`}, http.StatusAccepted, &st)
	for st.State != "running" {
		time.Sleep(10 * time.Millisecond)
		c.json("GET", "/api/tasks/"+st.ID, nil, http.StatusOK, &st)
	}
	c.json("DELETE", "/api/tasks/"+st.ID, nil, http.StatusOK, &st)
	if st.State != "failed" || st.Error.Kind != "abandoned" {
		t.Fatalf("%+v", st)
	}

	// Parallel.
	var par master.ParallelResponse
	c.json("POST", "/api/parallel", map[string]any{"tasks": []map[string]any{{"src": "1 + 1"}, {"src": "2 * 3"}, {"src": "undefined_name"}}}, http.StatusOK, &par)
	if len(par.Results) != 3 || par.Failed != 1 || par.Results[0].Result.Value != float64(2) ||
		par.Results[1].Result.Value != float64(6) || par.Results[2].Error.Kind != "compile" {
		t.Fatalf("%+v", par)
	}

	// Bad requests get clear errors.
	var e struct{ Error string }
	c.json("POST", "/api/tasks", map[string]any{"src": ""}, http.StatusBadRequest, &e)
	c.json("POST", "/api/tasks", map[string]any{"src": "1", "bogus": 1}, http.StatusBadRequest, &e)
	if !strings.Contains(e.Error, "bogus") {
		t.Fatal(e.Error)
	}
	c.json("POST", "/api/tasks", map[string]any{"src": "1", "timeout": "soon"}, http.StatusBadRequest, &e)
	c.json("GET", "/api/tasks/t999", nil, http.StatusNotFound, &e)
	req, _ := http.NewRequest("POST", c.base+"/api/tasks", strings.NewReader("src=1"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatal(resp.StatusCode, err)
	}

	var snap master.Snapshot
	c.json("GET", "/api/status", nil, http.StatusOK, &snap)
	if snap.Tasks < 8 || snap.Failed < 4 || len(snap.Failures) < 4 || len(snap.History) == 0 {
		t.Fatalf("tasks %d failed %d failures %d history %d", snap.Tasks, snap.Failed, len(snap.Failures), len(snap.History))
	}
}

// /metrics has the documented families, counting what ran.
func TestMetrics(t *testing.T) {
	m := cluster(t, 1)
	ctx := ctxT(t)
	m.Run(ctx, "1")
	m.Run(ctx, "panic(1)")
	m.Run(ctx, "x :=")
	c := &client{t: t, base: serveWeb(t, m, "127.0.0.1:0")}
	_, _, body := c.do("GET", "/metrics", nil)
	for _, want := range []string{
		`dpfw_master_tasks_total{kind="eval",outcome="ok"} 1`,
		`dpfw_master_tasks_total{kind="eval",outcome="panic"} 1`,
		`dpfw_master_tasks_total{kind="eval",outcome="compile"} 1`,
		`dpfw_master_task_duration_seconds_count 3`,
		`dpfw_master_queue_depth 0`,
		`dpfw_master_slaves{state="idle"} 1`,
		`dpfw_master_engine_resets_total`,
		`dpfw_master_received_bytes_total`,
		`dpfw_master_sent_bytes_total`,
		`process_resident_memory_bytes`,
	} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if t.Failed() {
		t.Log(string(body))
	}
}

// count is how many times sub occurs in what was written (type in
// overrun_test.go).
func (s *syncBuffer) count(sub string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Count(s.b.String(), sub)
}

// endpoints is every route Handler serves, and one it does not.
var endpoints = []struct{ method, path string }{
	{"GET", "/"}, {"GET", "/events"}, {"GET", "/metrics"},
	{"GET", "/assets/app.js"}, {"GET", "/assets/style.css"}, {"GET", "/assets/index.html"}, {"GET", "/assets/openapi.json"},
	{"GET", "/api/openapi.json"}, {"GET", "/api/status"}, {"GET", "/api/slaves"},
	{"POST", "/api/tasks"}, {"GET", "/api/tasks/t1"}, {"DELETE", "/api/tasks/t1"}, {"POST", "/api/parallel"},
	{"GET", "/no-such-page"}, {"GET", "/login/../api/status"},
}

// Beyond loopback, no endpoint answers without the cluster token: each
// refusal is a 401 and one log line, and nothing runs.
func TestNoEndpointAnswersWithoutTheToken(t *testing.T) {
	var logs syncBuffer
	m := master.New(master.Config{Session: session.Config{Token: token},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	t.Cleanup(func() { m.Close() })
	_, addr := startSlave(t, 1)
	if _, err := m.Dial(ctxT(t), addr); err != nil {
		t.Fatal(err)
	}
	base := serveWeb(t, m, "0.0.0.0:0")

	// Every documented API path is in the list.
	doc, _ := openapiDoc(t)
	for p, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			path := strings.ReplaceAll(p, "{id}", "t1")
			found := false
			for _, e := range endpoints {
				found = found || (e.method == method && e.path == path)
			}
			if !found {
				t.Errorf("%s %s is not tested", method, path)
			}
		}
	}
	send := func(method, path, auth string) *http.Response {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(`{"src":"2+3","tasks":[{"src":"1"}]}`))
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		resp, err := http.DefaultClient.Do(req.WithContext(ctx))
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		return resp
	}
	for _, auth := range []string{"", "Bearer wrong-token", "Basic " + token, "Bearer " + token + "x"} {
		for _, e := range endpoints {
			before := logs.count("http request refused")
			resp := send(e.method, e.path, auth)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s %s with %q: %d, want 401", e.method, e.path, auth, resp.StatusCode)
			}
			if n := logs.count("http request refused") - before; n != 1 {
				t.Errorf("%s %s with %q: %d log lines, want 1", e.method, e.path, auth, n)
			}
		}
	}
	if snap := m.Snapshot(); snap.Tasks != 0 || snap.Queue != 0 || m.Slaves()[0].Info().Tasks != 0 {
		t.Fatalf("a refused request ran something: %+v", snap)
	}
	// With the token every endpoint answers.
	for _, e := range endpoints {
		if e.path == "/events" {
			continue // a stream: TestEventsStreamSnapshots reads it
		}
		if resp := send(e.method, e.path, "Bearer "+token); resp.StatusCode == http.StatusUnauthorized {
			t.Errorf("%s %s with the token: 401", e.method, e.path)
		}
	}

	// A browser logs in with the form and then has a cookie.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	req, _ := http.NewRequest("GET", base+"/", nil)
	req.Header.Set("Accept", "text/html")
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !bytes.Contains(page, []byte(`action="/login"`)) {
		t.Fatalf("%d %s", resp.StatusCode, page)
	}
	if resp, _ := browser.PostForm(base+"/login", url.Values{"token": {"nope"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong login: %d", resp.StatusCode)
	}
	resp, err = browser.PostForm(base+"/login", url.Values{"token": {token}, "next": {"/api/status"}})
	if err != nil || resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/api/status" {
		t.Fatalf("login: %v %v", err, resp)
	}
	resp.Body.Close()
	u, _ := url.Parse(base)
	for _, ck := range jar.Cookies(u) {
		if ck.Value == token {
			t.Fatal("the cookie holds the token itself")
		}
	}
}

// On loopback the endpoints are open to this machine, but not to other
// web sites: a foreign Host (DNS rebinding) or a cross-site POST is
// refused.
func TestLoopbackIsOpenButNotToOtherSites(t *testing.T) {
	m := cluster(t, 1)
	base := serveWeb(t, m, "127.0.0.1:0")
	for _, tc := range []struct {
		method, path string
		header       map[string]string
		want         int
	}{
		{"GET", "/api/status", nil, 200},
		{"GET", "/api/status", map[string]string{"Host": "localhost"}, 200},
		{"GET", "/api/status", map[string]string{"Host": "evil.example:8787"}, 403},
		{"POST", "/api/tasks", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"POST", "/api/tasks", map[string]string{"Origin": "https://evil.example"}, 403},
		{"POST", "/api/tasks?wait=30s", nil, 200},
	} {
		req, _ := http.NewRequest(tc.method, base+tc.path, strings.NewReader(`{"src":"1"}`))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range tc.header {
			if k == "Host" {
				req.Host = v
			} else {
				req.Header.Set(k, v)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s %s %v: %d, want %d", tc.method, tc.path, tc.header, resp.StatusCode, tc.want)
		}
	}
}

// /events streams Snapshots: the first at once, a new one when a slave
// starts a task.
func TestEventsStreamSnapshots(t *testing.T) {
	m := cluster(t, 1)
	base := serveWeb(t, m, "127.0.0.1:0")
	ctx := ctxT(t)
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatal(ct)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	next := func() master.Snapshot {
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var s master.Snapshot
				if err := json.Unmarshal([]byte(data), &s); err != nil {
					t.Fatal(err)
				}
				return s
			}
		}
		t.Fatal("stream ended", sc.Err())
		return master.Snapshot{}
	}
	if s := next(); len(s.Slaves) != 1 || s.Slaves[0].State != "idle" {
		t.Fatalf("%+v", s.Slaves)
	}
	fut := m.Submit(ctx, master.Task{Src: `for dpfw.Table().Get("go") == nil { time.Sleep(time.Millisecond) }`})
	for {
		s := next()
		if r := s.Slaves[0].Running; r != nil && strings.HasPrefix(r.Src, "for dpfw.Table()") {
			break
		}
	}
	m.Slaves()[0].TableSet(ctx, "go", 1)
	if _, err := fut.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	for s := next(); s.Tasks != 1 || s.Slaves[0].Running != nil; s = next() {
	}
}

// selfSigned makes a TLS server configuration for 127.0.0.1 and a
// client that trusts it.
func selfSigned(t *testing.T) (*tls.Config, *http.Client) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "dpfw test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	srv := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS13}
	return srv, &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

// With TLS the same rule holds over HTTPS; plain HTTP gets nothing.
func TestServeWebOverTLS(t *testing.T) {
	m := cluster(t, 1)
	srv, client := selfSigned(t)
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); m.ServeWeb(ctx, ln, srv) }()
	t.Cleanup(func() { cancel(); <-done })
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	url := "https://127.0.0.1:" + port + "/api/status"
	for auth, want := range map[string]int{"": 401, "Bearer " + token: 200} {
		req, _ := http.NewRequest("GET", url, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("HTTPS with %q: %d, want %d", auth, resp.StatusCode, want)
		}
	}
	if resp, err := http.Get("http://127.0.0.1:" + port + "/api/status"); err == nil && resp.StatusCode == 200 {
		t.Fatal("plain HTTP answered on the TLS port")
	}
}

// Detached jobs submitted through the Master are listed in the Snapshot
// that the page and /api/status show: running with their progress
// ("3/10 (30%)") as the node reports it, then done, or failed with the
// error, each with its node and age.
func TestStatusListsDetachedJobs(t *testing.T) {
	m := cluster(t, 2)
	_, router := openapiDoc(t)
	c := &client{t: t, base: serveWeb(t, m, "127.0.0.1:0"), router: router}
	gate := filepath.Join(t.TempDir(), "gate")
	job, err := m.SubmitDetached(ctxT(t), master.Task{Src: fmt.Sprintf(`import "os"
dpfw.Progress(3, 10)
for { if _, err := os.Stat(%q); err == nil { break }; time.Sleep(5 * time.Millisecond) }
dpfw.Progress(10, 10)
"ok"`, gate), Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	bad, err := m.SubmitDetached(ctxT(t), master.Task{Src: `panic("kaput")`})
	if err != nil {
		t.Fatal(err)
	}
	// jobs polls /api/status until the two jobs are in states want.
	jobs := func(want ...string) map[string]master.JobView {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			var st master.Snapshot
			c.json("GET", "/api/status", nil, http.StatusOK, &st)
			byID := map[string]master.JobView{}
			for _, j := range st.Jobs {
				byID[j.ID] = j
			}
			g, b := byID[job.ID], byID[bad.ID]
			if g.State == want[0] && b.State == want[1] && (want[0] != "running" || g.HasProg) {
				return byID
			}
			if time.Now().After(deadline) {
				t.Fatalf("jobs not %v within 30s: %+v", want, st.Jobs)
			}
			time.Sleep(20 * time.Millisecond) // polling the API: there is no event to wait on
		}
	}
	got := jobs("running", "failed")
	g, b := got[job.ID], got[bad.ID]
	if g.Progress != "3/10 (30%)" || g.Done != 3 || g.Total != 10 || g.Handle != job.String() || g.Node != job.Addr || g.Slave == "" || g.Age <= 0 || g.Error != "" {
		t.Fatalf("running job %+v", g)
	}
	if !strings.Contains(b.Error, "kaput") || b.HasProg || b.Handle != bad.String() {
		t.Fatalf("failed job %+v", b)
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	g = jobs("done", "failed")[job.ID]
	if g.Progress != "10/10 (100%)" || g.Took <= 0 || g.Error != "" {
		t.Fatalf("ended job %+v", g)
	}
}
