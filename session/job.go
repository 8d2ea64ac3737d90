package session

import (
	"fmt"

	"github.com/dpfw/dpfw/eval/failure"
)

// Detached jobs (see "Detached jobs" in doc.go). Their kinds are
// numbered from 20 so that kinds added meanwhile for other purposes
// keep the small numbers.
const (
	// KindDetach runs Src on Engine as a detached job of the slave node:
	// the node answers at once with Response.Job (its id and the node's
	// Instance), runs the job under its own context, not the session's,
	// and keeps its outcome for later KindJobStatus and KindJobWait
	// requests from any master. Timeout bounds the job; Fresh works as
	// for KindEval.
	KindDetach Kind = 20
	// KindJobStatus asks about the job Request.Job names; it never waits.
	// The Response carries Job; once the job has ended, also its
	// outcome (Value, Text, Output, Err, Took, Reset).
	KindJobStatus Kind = 21
	// KindJobWait is KindJobStatus that waits until the job has ended,
	// or the request is cancelled.
	KindJobWait Kind = 22
)

// Limits of a JobRef, which both ends check (JobRef.Check).
const (
	MaxJobID       = 64 // bytes of a job id
	MaxJobInstance = 64 // bytes of a node's Instance in a JobRef
)

// JobRef names a detached job: the slave node process that runs it
// (its Identity.Instance) and the job's id on that node.
type JobRef struct {
	Instance string `cbor:"1,keyasint"`
	ID       string `cbor:"2,keyasint"`
}

// Check reports a JobRef over its limits, or an empty one, as a
// RemoteError of kind too-large or not-found, ready for a Response.
func (r *JobRef) Check() *RemoteError {
	switch {
	case r == nil || r.ID == "":
		return &RemoteError{Kind: failure.KindNotFound, Msg: "job request without a job id"}
	case len(r.ID) > MaxJobID:
		return &RemoteError{Kind: failure.KindTooLarge, Msg: fmt.Sprintf("job id of %d bytes (limit %d)", len(r.ID), MaxJobID)}
	case len(r.Instance) > MaxJobInstance:
		return &RemoteError{Kind: failure.KindTooLarge, Msg: fmt.Sprintf("node instance of %d bytes (limit %d)", len(r.Instance), MaxJobInstance)}
	}
	return nil
}

// JobState is where a detached job is.
type JobState uint8

const (
	// JobRunning: accepted, running or waiting for its engine.
	JobRunning JobState = iota + 1
	// JobEnded: finished, with a value or an error; its outcome is kept
	// until Expires.
	JobEnded
)

func (s JobState) String() string {
	switch s {
	case JobRunning:
		return "running"
	case JobEnded:
		return "ended"
	}
	return fmt.Sprintf("JobState(%d)", uint8(s))
}

// JobInfo describes a detached job. Times are Unix nanoseconds of the
// node's clock; 0 means not yet.
type JobInfo struct {
	ID       string   `cbor:"1,keyasint"`
	Instance string   `cbor:"2,keyasint,omitempty"`
	State    JobState `cbor:"3,keyasint"`
	Engine   int      `cbor:"4,keyasint,omitempty"`
	Started  int64    `cbor:"5,keyasint,omitempty"`
	Ended    int64    `cbor:"6,keyasint,omitempty"`
	// Expires is when the node forgets an ended job.
	Expires int64 `cbor:"7,keyasint,omitempty"`
	// Key 8 was a textual progress, reserved and never sent: not used.

	// Progress is the job's latest dpfw.Progress(done, total) report, nil
	// if it has made none; it stays after the job has ended.
	Progress *Progress `cbor:"9,keyasint,omitempty"`
	// ProgressAt is when the node received that report.
	ProgressAt int64 `cbor:"10,keyasint,omitempty"`
}
