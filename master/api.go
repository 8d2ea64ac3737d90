package master

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// api is Handler's JSON API for clients in any language: submit tasks,
// follow them, run a Parallel, list slaves. web/openapi.json describes
// it; its tests drive it with plain HTTP requests.
type api struct {
	m *Master

	mu    sync.Mutex // protects the fields below
	next  int
	tasks map[string]*apiTask
	order []string // ids, oldest first, for retention
}

// maxAPITasks bounds the finished tasks the API remembers; the oldest
// finished ones are forgotten first. Running tasks are always kept.
const maxAPITasks = 1000

// maxAPIBody bounds a request body.
const maxAPIBody = 16 << 20

// apiTask is one task submitted through the API.
type apiTask struct {
	id        string
	src       string
	submitted time.Time
	fut       *Future
	cancel    context.CancelFunc

	mu   sync.Mutex // protects the fields below
	live []byte     // output so far, from Watch, at most maxLiveAPI bytes
	end  int64      // where the last Event's output ended
}

const maxLiveAPI = 1 << 20

func newAPI(m *Master) *api { return &api{m: m, tasks: map[string]*apiTask{}} }

func (a *api) routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/tasks", a.submit)
	mux.HandleFunc("GET /api/tasks/{id}", a.get)
	mux.HandleFunc("DELETE /api/tasks/{id}", a.cancel)
	mux.HandleFunc("POST /api/parallel", a.parallel)
	mux.HandleFunc("GET /api/slaves", a.slaves)
	mux.HandleFunc("GET /api/status", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, a.m.Snapshot()) })
}

// TaskRequest is a task as the API takes it.
type TaskRequest struct {
	Src string `json:"src"`
	// Timeout bounds the task on its slave: a Go duration ("1.5s") or a
	// number of seconds; none by default.
	Timeout    apiDuration `json:"timeout,omitempty"`
	Idempotent bool        `json:"idempotent,omitempty"`
	Fresh      bool        `json:"fresh,omitempty"`
}

// apiDuration reads "2s" or 2 (seconds).
type apiDuration time.Duration

func (d *apiDuration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		*d = apiDuration(v)
		return err
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return errors.New(`a duration is a string such as "2s" or a number of seconds`)
	}
	if f < 0 || f > math.MaxInt64/1e9 {
		return fmt.Errorf("timeout %v out of range", f)
	}
	*d = apiDuration(f * 1e9)
	return nil
}

func (d apiDuration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (t TaskRequest) task() (Task, error) {
	if t.Src == "" {
		return Task{}, errors.New("src is empty")
	}
	if t.Timeout < 0 {
		return Task{}, errors.New("timeout is negative")
	}
	return Task{Src: t.Src, Timeout: time.Duration(t.Timeout), Idempotent: t.Idempotent, Fresh: t.Fresh}, nil
}

// TaskStatus is a task as the API reports it.
type TaskStatus struct {
	ID string `json:"id"`
	// State is queued (waiting for a slave), running, done or failed.
	State     string     `json:"state"`
	Src       string     `json:"src"`
	Submitted time.Time  `json:"submitted"`
	Slave     string     `json:"slave,omitempty"`
	Progress  *APIProg   `json:"progress,omitempty"`
	Output    string     `json:"output"`
	Result    *APIResult `json:"result,omitempty"`
	Error     *APIError  `json:"error,omitempty"`
	TookMS    float64    `json:"took_ms,omitempty"`
}

// APIProg is a task's latest dpfw.Progress report.
type APIProg struct {
	Done  int64 `json:"done"`
	Total int64 `json:"total"`
}

// APIResult is a finished task's value. Value is the JSON form of the
// result when it has an exact one (numbers, strings, booleans, null,
// arrays and string-keyed objects of them; bytes at the top as base64
// with Encoding "base64"); otherwise Value is null and Note says why,
// and Text, the value as Go prints it, is the way to read it.
type APIResult struct {
	Value    any    `json:"value"`
	Text     string `json:"text"`
	Encoding string `json:"encoding,omitempty"`
	Note     string `json:"note,omitempty"`
}

// APIError is a failed task's error.
type APIError struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
	Pos     string `json:"pos,omitempty"`
	Stack   string `json:"stack,omitempty"`
}

func (a *api) submit(w http.ResponseWriter, r *http.Request) {
	var req TaskRequest
	if !readJSON(w, r, &req) {
		return
	}
	t, err := req.task()
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	at := a.start(t)
	a.respond(w, r, at, http.StatusAccepted)
}

// start submits t on the Master's own context, so that it outlives the
// request that made it (DELETE cancels it).
func (a *api) start(t Task) *apiTask {
	ctx, cancel := context.WithCancel(a.m.ctx)
	at := &apiTask{src: t.Src, submitted: time.Now(), cancel: cancel}
	t.Watch = at.watch
	at.fut = a.m.Submit(ctx, t)
	go func() { // releases ctx once the task is over
		<-at.fut.Done()
		cancel()
	}()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.next++
	at.id = "t" + strconv.Itoa(a.next)
	a.tasks[at.id] = at
	a.order = append(a.order, at.id)
	a.trimLocked()
	return at
}

// trimLocked forgets the oldest finished tasks beyond maxAPITasks.
func (a *api) trimLocked() {
	for i := 0; len(a.tasks) > maxAPITasks && i < len(a.order); {
		id := a.order[i]
		select {
		case <-a.tasks[id].fut.Done():
			delete(a.tasks, id)
			a.order = append(a.order[:i], a.order[i+1:]...)
		default:
			i++
		}
	}
}

func (at *apiTask) watch(ev Event) {
	at.mu.Lock()
	defer at.mu.Unlock()
	if len(ev.Output) == 0 {
		return
	}
	if ev.Offset > at.end {
		at.live = append(at.live, GapMark...)
	}
	at.end = ev.Offset + int64(len(ev.Output))
	if len(at.live)+len(ev.Output) <= maxLiveAPI {
		at.live = append(at.live, ev.Output...)
	}
}

// GapMark stands for output left out of a live view (see Event.Offset).
const GapMark = "\n[… output left out of the live view; the result has it all …]\n"

// respond answers with the task's status, after waiting for it as long
// as the request's ?wait= asks (a Go duration, at most 10 minutes): 200
// once it is done, else pending (202 for a new task, 200 for a lookup).
func (a *api) respond(w http.ResponseWriter, r *http.Request, at *apiTask, pending int) {
	if s := r.URL.Query().Get("wait"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("wait=%q is not a duration such as 30s", s))
			return
		}
		t := time.NewTimer(min(d, 10*time.Minute))
		select {
		case <-at.fut.Done():
		case <-t.C:
		case <-r.Context().Done():
		}
		t.Stop()
	}
	st := at.status(a)
	code := pending
	if st.State == "done" || st.State == "failed" {
		code = http.StatusOK
	}
	w.Header().Set("Location", "/api/tasks/"+at.id)
	writeJSON(w, code, st)
}

func (at *apiTask) status(a *api) TaskStatus {
	st := TaskStatus{ID: at.id, Src: at.src, Submitted: at.submitted, State: "queued"}
	if a.running(at.fut) {
		st.State = "running"
	}
	if p := at.fut.Progress(); p != nil {
		st.Progress = &APIProg{Done: p.Done, Total: p.Total}
	}
	select {
	case <-at.fut.Done():
	default:
		at.mu.Lock()
		st.Output = string(at.live)
		at.mu.Unlock()
		return st
	}
	res, err := at.fut.outcome()
	st.State, st.Slave, st.Output = "done", res.Slave, string(res.Output)
	st.TookMS = float64(res.Took) / 1e6
	if err != nil {
		st.State = "failed"
		st.Error = apiError(err)
		if re := asRemote(err); re != nil && re.Slave != "" {
			st.Slave = re.Slave
		}
		return st
	}
	st.Result = apiResult(res)
	return st
}

// running reports whether a slave runs f now.
func (a *api) running(f *Future) bool {
	for _, s := range a.m.Slaves() {
		if j := s.current.Load(); j != nil && j.fut == f {
			return true
		}
	}
	return false
}

func asRemote(err error) *RemoteError {
	var re *RemoteError
	if errors.As(err, &re) {
		return re
	}
	return nil
}

func apiError(err error) *APIError {
	e := &APIError{Kind: outcomeNames[outcomeOf(err)], Message: err.Error()}
	if re := asRemote(err); re != nil {
		e.Kind, e.Message, e.Pos, e.Stack = string(re.Kind), re.Msg, re.Pos, re.Stack
	}
	return e
}

func apiResult(res Result) *APIResult {
	out := &APIResult{Text: res.Text}
	if b, ok := res.Value.([]byte); ok {
		out.Value, out.Encoding = base64.StdEncoding.EncodeToString(b), "base64"
		return out
	}
	if why := jsonExact(res.Value, 0); why != "" {
		out.Note = "the value has no exact JSON form (" + why + "); text has it as Go prints it"
		return out
	}
	out.Value = res.Value
	return out
}

// jsonExact says why v has no exact JSON form, or "" if it has one.
func jsonExact(v any, depth int) string {
	if depth > 200 {
		return "nested too deep"
	}
	switch x := v.(type) {
	case nil, bool, string, int64, uint64:
		return ""
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "a NaN or infinite float"
		}
		return ""
	case []any:
		for _, e := range x {
			if why := jsonExact(e, depth+1); why != "" {
				return why
			}
		}
		return ""
	case map[string]any:
		for _, e := range x {
			if why := jsonExact(e, depth+1); why != "" {
				return why
			}
		}
		return ""
	case []byte:
		return "bytes inside a value"
	case map[any]any:
		return "a map whose keys are not all strings"
	}
	return fmt.Sprintf("a %T", v)
}

func (a *api) lookup(w http.ResponseWriter, r *http.Request) *apiTask {
	a.mu.Lock()
	at := a.tasks[r.PathValue("id")]
	a.mu.Unlock()
	if at == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no task %q (finished tasks are kept until %d newer ones)", r.PathValue("id"), maxAPITasks))
	}
	return at
}

func (a *api) get(w http.ResponseWriter, r *http.Request) {
	if at := a.lookup(w, r); at != nil {
		a.respond(w, r, at, http.StatusOK)
	}
}

// cancel cancels a task (on its slave too, if it runs) and answers with
// its state once it has ended.
func (a *api) cancel(w http.ResponseWriter, r *http.Request) {
	at := a.lookup(w, r)
	if at == nil {
		return
	}
	at.cancel()
	select {
	case <-at.fut.Done():
	case <-r.Context().Done():
	}
	writeJSON(w, http.StatusOK, at.status(a))
}

// ParallelRequest runs Tasks like Master.Parallel.
type ParallelRequest struct {
	Tasks []TaskRequest `json:"tasks"`
}

// ParallelResponse holds one TaskStatus per task, in order.
type ParallelResponse struct {
	Results []TaskStatus `json:"results"`
	Failed  int          `json:"failed"`
}

// parallel runs the tasks on idle slaves and answers when all are done;
// a client that goes away cancels them.
func (a *api) parallel(w http.ResponseWriter, r *http.Request) {
	var req ParallelRequest
	if !readJSON(w, r, &req) {
		return
	}
	tasks := make([]Task, len(req.Tasks))
	for i, tr := range req.Tasks {
		t, err := tr.task()
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("task %d: %v", i, err))
			return
		}
		tasks[i] = t
	}
	ats := make([]*apiTask, len(tasks))
	for i, t := range tasks {
		ats[i] = &apiTask{id: strconv.Itoa(i), src: t.Src, submitted: time.Now(), cancel: func() {}}
		ats[i].fut = a.m.Submit(r.Context(), t)
	}
	resp := ParallelResponse{Results: make([]TaskStatus, len(ats))}
	for i, at := range ats {
		<-at.fut.Done() // r's end fails it at once
		resp.Results[i] = at.status(a)
		if resp.Results[i].State == "failed" {
			resp.Failed++
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

func (a *api) slaves(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, a.m.Snapshot().Slaves)
}

// readJSON decodes the body into v, strictly; on failure it answers 400
// (or 415 when the body is not declared JSON) and reports false.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" && !isJSON(ct) {
		writeError(w, http.StatusUnsupportedMediaType, "send application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAPIBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "bad JSON body: "+err.Error())
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		writeError(w, http.StatusBadRequest, "bad JSON body: more than one value")
		return false
	}
	return true
}

func isJSON(ct string) bool {
	return len(ct) >= 16 && ct[:16] == "application/json"
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}
