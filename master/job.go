package master

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dpfw/dpfw/session"
)

// Job is the handle of a detached job (SubmitDetached): the slave node
// that runs it, as an address any master can dial, that node process's
// Instance, and the job's id there. Its String form,
// "HOST:PORT/INSTANCE/ID", is what dpfw -detach prints and dpfw job
// reads; ParseJob turns it back into a Job.
type Job struct {
	// Addr is the node's address as the submitting master reached it.
	// For a node that dialed its master (slave connect) it is that
	// connection's far end, which cannot be dialed: such a job is
	// reachable only through a master the node is connected to.
	Addr string
	// Instance names the node process: a restarted node is a new one,
	// which keeps none of the old one's jobs.
	Instance string
	// ID is the job's id on the node.
	ID string
}

func (j Job) String() string { return j.Addr + "/" + j.Instance + "/" + j.ID }

// ErrBadJob is ParseJob's error for a string that is not a job handle.
var ErrBadJob = errors.New("master: not a job handle (want HOST:PORT/INSTANCE/ID)")

// ParseJob parses a handle that Job.String made.
func ParseJob(s string) (Job, error) {
	rest, id, ok1 := cutLast(strings.TrimSpace(s), "/")
	addr, inst, ok2 := cutLast(rest, "/")
	if !ok1 || !ok2 || addr == "" || inst == "" || id == "" || len(id) > session.MaxJobID || len(inst) > session.MaxJobInstance {
		return Job{}, fmt.Errorf("%w: %q", ErrBadJob, s)
	}
	return Job{Addr: addr, Instance: inst, ID: id}, nil
}

func cutLast(s, sep string) (before, after string, ok bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// JobState says where a detached job is.
type JobState = session.JobState

const (
	JobRunning = session.JobRunning // accepted: running, or waiting for its engine
	JobEnded   = session.JobEnded   // ended; its outcome is kept until Expires
)

// JobStatus is a detached job as its node describes it.
type JobStatus struct {
	Job    Job
	State  JobState
	Engine int // the engine of the node that runs it
	// Started, Ended and Expires are times of the node's clock; Ended and
	// Expires (when the node forgets the job) are zero while it runs.
	Started, Ended, Expires time.Time
	// Progress is the job's latest dpfw.Progress(done, total) report, nil
	// if it has made none (it stays after the job has ended); its At is
	// when the node received it, by the node's clock.
	Progress *Progress
	// Result and Err are the job's outcome once it has ended, as a
	// Future's Wait would give them.
	Result Result
	Err    error
}

// SubmitDetached runs t as a detached (background) job, Gearman's
// SUBMIT_JOB_BG: it waits until a slave is free and has accepted the
// job, and returns its handle. The job then belongs to its slave node,
// not to this Master: it goes on when the Master closes or its
// connection ends (tasks sent with Submit are cancelled then), still
// bounded by t.Timeout, and its outcome stays on the node, within the
// node's bounds (slave.JobsConfig), for JobStatus and WaitJob from any
// master holding the token. ctx bounds only the submission.
//
// t must be source (Src, with Timeout and Fresh as for Submit): Local,
// Func and Key are refused. While the job runs, its engine runs nothing
// else; tasks that masters send there wait behind it on the node.
func (m *Master) SubmitDetached(ctx context.Context, t Task) (Job, error) {
	switch {
	case t.Local != nil, t.Func != "":
		return Job{}, errors.New("master: a detached job runs source (Task.Src): Local and Func are not supported")
	case t.Key != "":
		return Job{}, errors.New("master: a detached job cannot have a Key: its outcome stays on its node")
	}
	j := newJob(ctx, m, t)
	j.detach = true
	m.enqueue(j)
	res, err := j.fut.Wait(ctx)
	if err != nil {
		return Job{}, err
	}
	job := res.Value.(Job)
	m.jobs.note(JobStatus{Job: job, State: JobRunning}, res.Slave)
	return job, nil
}

// detach sends t to s as a detached job; the Result's Value is its Job.
func (s *Slave) detach(ctx context.Context, t Task) (Result, error) {
	req := &session.Request{Kind: session.KindDetach, Engine: s.engine, Src: t.Src, Timeout: t.Timeout, Fresh: t.Fresh}
	sess := s.conn()
	resp, err := sess.Call(ctx, req)
	if err != nil {
		return Result{Slave: s.id}, s.callError(err)
	}
	if resp.Err != nil {
		resp.Err.Slave = s.id
		return Result{Slave: s.id}, resp.Err
	}
	if resp.Job == nil {
		return Result{Slave: s.id}, &RemoteError{Kind: KindInternal, Slave: s.id, Msg: "the node accepted a detached job without naming it"}
	}
	job := Job{Addr: sess.RemoteAddr().String(), Instance: resp.Job.Instance, ID: resp.Job.ID}
	s.m.log.Info("detached job started", "job", job.String(), "slave", s.id)
	return Result{Slave: s.id, Value: job}, nil
}

// JobStatus asks the node that runs job where it is, without waiting.
// Any master holding the token may ask, after the submitting one has
// exited. The error is about the asking: the job is lost (its node
// restarted, or the connection ended: kind lost), unknown or forgotten
// (kind not-found, saying which), or the node cannot be reached; the
// job's own failure is JobStatus.Err.
func (m *Master) JobStatus(ctx context.Context, job Job) (JobStatus, error) {
	return m.askJob(ctx, job, session.KindJobStatus)
}

// WaitJob waits until job has ended, ctx is done or the node is lost,
// and returns its outcome like Future.Wait: the job's own failure is the
// error, as are JobStatus's reasons for no answer. Cancelling ctx stops
// the wait, not the job.
func (m *Master) WaitJob(ctx context.Context, job Job) (Result, error) {
	st, err := m.askJob(ctx, job, session.KindJobWait)
	if err != nil {
		return st.Result, err
	}
	return st.Result, st.Err
}

// askJob sends a job request to job's node: on the connection this
// Master has to that node process if any, else on one it dials for the
// question and closes after.
func (m *Master) askJob(ctx context.Context, job Job, kind session.Kind) (JobStatus, error) {
	st := JobStatus{Job: job}
	sess, own, err := m.jobSession(ctx, job)
	if err != nil {
		return st, err
	}
	if own {
		defer sess.Close()
	}
	req := &session.Request{Kind: kind, Job: &session.JobRef{Instance: job.Instance, ID: job.ID}}
	resp, err := sess.Call(ctx, req)
	if !own && errors.Is(err, session.ErrConnectionLost) {
		// The Master's connection ended under the question (a wait can
		// be long), not necessarily the node: ask again on a live one,
		// or on one dialed for the question. Asking is idempotent.
		if sess, own, err = m.jobSession(ctx, job); err != nil {
			return st, err
		}
		if own {
			defer sess.Close()
		}
		resp, err = sess.Call(ctx, req)
	}
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return st, err
	case err != nil:
		return st, &RemoteError{Kind: KindLost, Slave: job.Addr, Msg: fmt.Sprintf("connection to the node lost while asking about job %s: %v", job.ID, err)}
	case resp.Job == nil && resp.Err != nil:
		resp.Err.Slave = job.Addr
		return st, resp.Err
	case resp.Job == nil:
		return st, &RemoteError{Kind: KindInternal, Slave: job.Addr, Msg: "the node answered a job request without the job"}
	}
	fillStatus(&st, resp)
	m.jobs.note(st, "")
	return st, nil
}

// fillStatus copies a node's answer into st.
func fillStatus(st *JobStatus, resp *session.Response) {
	ji := resp.Job
	st.State, st.Engine = ji.State, ji.Engine
	if ji.Progress != nil {
		st.Progress = &Progress{Done: ji.Progress.Done, Total: ji.Progress.Total, At: unixTime(ji.ProgressAt)}
	}
	st.Started, st.Ended, st.Expires = unixTime(ji.Started), unixTime(ji.Ended), unixTime(ji.Expires)
	if ji.State != session.JobEnded {
		return
	}
	st.Result, st.Err = decodeResponse(st.Job.Addr, resp)
}

func unixTime(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// connectedTo returns this Master's live connection to the node process
// instance, or nil.
func (m *Master) connectedTo(instance string) *session.Session {
	for _, s := range m.Slaves() {
		if c := s.conn(); c.Peer().Instance == instance && c.Err() == nil {
			return c
		}
	}
	return nil
}

// jobSession is a connection to the node process that runs job: the
// Master's own if it has one, else a new one to job.Addr, which must
// still be that process: own says so, and the caller closes it.
func (m *Master) jobSession(ctx context.Context, job Job) (sess *session.Session, own bool, err error) {
	if c := m.connectedTo(job.Instance); c != nil {
		return c, false, nil
	}
	if m.ctx.Err() != nil {
		return nil, false, ErrClosed
	}
	sess, err = session.Dial(ctx, job.Addr, m.cfg.Session, m.self)
	if err != nil {
		if ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		return nil, false, fmt.Errorf("master: job %s: cannot reach its node at %s (a node that dialed its master is reachable only through a master it is connected to): %w", job.ID, job.Addr, err)
	}
	if got := sess.Peer().Instance; got != job.Instance {
		sess.Close()
		return nil, false, &RemoteError{Kind: KindLost, Slave: job.Addr, Msg: fmt.Sprintf("job %s is lost: the slave node at %s restarted (the job ran on process instance %s, it is now %s), and a new process keeps none of the old one's jobs",
			job.ID, job.Addr, job.Instance, got)}
	}
	return sess, true, nil
}
