package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"regexp"
	"testing"
)

// nonLoopbackIP is an address of this machine beyond loopback, "" when
// it has none.
func nonLoopbackIP() string {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return ""
}

// apiCall sends a JSON request to a dpfw process's API and decodes the
// answer into into (nil: none); it returns the status code.
func apiCall(t *testing.T, method, url, token string, body, into any) int {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if into != nil && resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
	}
	return resp.StatusCode
}

type apiTaskStatus struct {
	ID     string `json:"id"`
	State  string `json:"state"`
	Slave  string `json:"slave"`
	Output string `json:"output"`
	Result *struct {
		Value any    `json:"value"`
		Text  string `json:"text"`
	} `json:"result"`
	Error *struct {
		Kind    string `json:"kind"`
		Message string `json:"message"`
	} `json:"error"`
}

var webRE = regexp.MustCompile(`dashboard on (http://[0-9.]+:\d+)/`)

// The JSON API of a real dpfw -http process with two real slave
// processes: submit and wait, submit then poll to the result, parallel,
// the slaves; and, where this machine has an address beyond loopback,
// the API served there refuses a wrong token and no token (401) and
// answers the right one.
func TestJSONAPIOfADpfwProcess(t *testing.T) {
	a1, a2 := slaveServer(t, testToken, 1), slaveServer(t, testToken, 1)
	ip := nonLoopbackIP()
	host := "127.0.0.1"
	if ip != "" {
		host = ip
	}
	tm := startTerm(t, "-dial", a1+","+a2, "-wait", "2", "-http", host+":0")
	out := tm.waitFor(0, `dashboard on http://[0-9.]+:\d+/[\s\S]*dpfw> $`)
	base := webRE.FindStringSubmatch(out)[1]
	tok := testToken

	var st apiTaskStatus
	if code := apiCall(t, "POST", base+"/api/tasks?wait=30s", tok, map[string]any{"src": `fmt.Println("hi"); 2 + 3`}, &st); code != http.StatusOK || st.State != "done" || st.Result == nil || st.Result.Value != float64(5) || st.Output != "hi\n" || st.Slave == "" {
		t.Fatalf("submit and wait: %d %+v", code, st)
	}
	if code := apiCall(t, "POST", base+"/api/tasks", tok, map[string]any{"src": `time.Sleep(50*time.Millisecond); "later"`}, &st); code != http.StatusAccepted || st.ID == "" {
		t.Fatalf("submit: %d %+v", code, st)
	}
	if code := apiCall(t, "GET", base+"/api/tasks/"+st.ID+"?wait=30s", tok, nil, &st); code != http.StatusOK || st.State != "done" || st.Result == nil || st.Result.Value != "later" {
		t.Fatalf("wait for %s: %d %+v", st.ID, code, st)
	}
	if code := apiCall(t, "POST", base+"/api/tasks?wait=30s", tok, map[string]any{"src": `panic("boom")`}, &st); code != http.StatusOK || st.State != "failed" || st.Error == nil || st.Error.Kind != "panic" {
		t.Fatalf("a panic: %d %+v", code, st)
	}
	var par struct {
		Results []apiTaskStatus `json:"results"`
	}
	if code := apiCall(t, "POST", base+"/api/parallel", tok, map[string]any{"tasks": []map[string]any{{"src": "1"}, {"src": "2"}, {"src": "3"}}}, &par); code != http.StatusOK || len(par.Results) != 3 {
		t.Fatalf("parallel: %d %+v", code, par)
	}
	for i, r := range par.Results {
		if r.Result == nil || r.Result.Value != float64(i+1) {
			t.Fatalf("parallel result %d: %+v", i, r)
		}
	}
	var slaves []struct{ ID, State string }
	if code := apiCall(t, "GET", base+"/api/slaves", tok, nil, &slaves); code != http.StatusOK || len(slaves) != 2 {
		t.Fatalf("slaves: %d %+v", code, slaves)
	}

	if ip == "" {
		t.Skip("this machine has no address beyond loopback: the token rule off loopback was not tested")
	}
	for _, bad := range []string{"", "not-the-token"} {
		if code := apiCall(t, "GET", base+"/api/status", bad, nil, nil); code != http.StatusUnauthorized {
			t.Errorf("token %q beyond loopback: %d, want 401", bad, code)
		}
		if code := apiCall(t, "POST", base+"/api/tasks?wait=30s", bad, map[string]any{"src": "1"}, nil); code != http.StatusUnauthorized {
			t.Errorf("submit with token %q beyond loopback: %d, want 401", bad, code)
		}
	}
}
