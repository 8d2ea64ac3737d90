package session

import (
	"fmt"
	"time"

	"github.com/dpfw/dpfw/eval/failure"
)

// Kind says what a Request asks the slave to do.
type Kind uint8

const (
	// KindEval runs Src on Engine and returns the value of its last expression.
	KindEval Kind = iota + 1
	// KindStream runs Src, which must yield a func(io.Reader, io.Writer) error,
	// and connects that function to the task's own stream.
	KindStream
	// KindCall calls Func, a function already defined on Engine, with Args.
	KindCall
	// KindTable reads or writes Engine's table (see TableOp).
	KindTable
	// KindPing asks for an empty Response; it measures the round trip.
	KindPing
	// KindBatch runs the requests in Batch one after the other on Engine
	// and answers with one Response per request, in Response.Batch: many
	// small tasks for the price of one round trip. Batch requests may be
	// of kind KindEval or KindCall only.
	KindBatch
	// KindCompile builds the Go package in Native with the slave node's
	// Go toolchain and loads it into the node's process; every engine of
	// the node then lets snippets import it as native/NAME. Engine is
	// ignored. The Response carries NativeInfo.
	KindCompile
	// KindStatus asks the slave node how it is: Response.Status holds its
	// memory and per-engine counters. It does not wait for any engine.
	KindStatus

	// KindSub is the one request a slave sends: a sub-task of the task
	// Parent, which the master sent it and which is still running
	// (re-entrant tasks; doc.go, "Sub-tasks"). Src is run on an engine
	// of the master's choice; the Response is the sub-task's.
	KindSub Kind = 16
)

// TableOp selects a table operation of a KindTable request.
type TableOp uint8

const (
	TableGet TableOp = iota + 1
	TableSet
	TableDelete
	TableKeys
)

// Request is one task sent by a master to a slave engine. Strings are
// Go strings: Src may hold any bytes (the compiler judges them). Args
// and Value hold values encoded by EncodeValue.
type Request struct {
	Kind    Kind          `cbor:"1,keyasint"`
	Engine  int           `cbor:"2,keyasint,omitempty"`
	Src     string        `cbor:"3,keyasint,omitempty"`
	Func    string        `cbor:"4,keyasint,omitempty"`
	Args    [][]byte      `cbor:"5,keyasint,omitempty"`
	Timeout time.Duration `cbor:"6,keyasint,omitempty"`
	Op      TableOp       `cbor:"7,keyasint,omitempty"`
	Key     string        `cbor:"8,keyasint,omitempty"`
	Value   []byte        `cbor:"9,keyasint,omitempty"`
	Batch   []Request     `cbor:"10,keyasint,omitempty"`
	// Fresh, on KindEval and KindStream, resets Engine just before the
	// task runs: a new interpreter, with none of the declarations,
	// imports or globals of earlier tasks (the table stays). Isolated
	// runs, such as one program after another, ask for it.
	Fresh bool `cbor:"11,keyasint,omitempty"`
	// Native, on KindCompile, is the source of the package to build.
	Native *NativeSource `cbor:"12,keyasint,omitempty"`
	// Job, on KindJobStatus and KindJobWait, names the detached job.
	Job *JobRef `cbor:"20,keyasint,omitempty"`
	// Live, on KindEval, KindCall and KindStream, asks the slave to send
	// Events while the task runs: its output as it is printed and its
	// progress reports (see doc.go, "Live events"). Batched requests
	// ignore it.
	Live bool `cbor:"13,keyasint,omitempty"`
	// Parent, on KindSub, is the request ID of the running task (sent
	// by the master) that asks for the sub-task.
	Parent uint64 `cbor:"30,keyasint,omitempty"`
	// Depth is how deep in a tree of sub-tasks a task is: 0 for one a
	// master sent on its own, its parent's Depth + 1 for a sub-task. On
	// KindSub it is the parent's Depth, which the master checks.
	Depth int `cbor:"31,keyasint,omitempty"`
	// Spare, on KindEval, runs Src on a spare engine of the slave node,
	// lent while the task on Engine waits for its sub-tasks, instead of
	// on Engine itself (doc.go, "Sub-tasks").
	Spare bool `cbor:"32,keyasint,omitempty"`
}

// Response is a slave's answer to one Request.
type Response struct {
	// Value is the result as EncodeValue encodes it; empty when the task
	// had none.
	Value []byte `cbor:"1,keyasint,omitempty"`
	// Text is the result as the slave's Go prints it, for display.
	Text string `cbor:"2,keyasint,omitempty"`
	// Output is what the task wrote to stdout and stderr, in order.
	Output []byte `cbor:"3,keyasint,omitempty"`
	// Err is set when the task failed.
	Err *RemoteError `cbor:"4,keyasint,omitempty"`
	// Reset reports that the engine's interpreter was replaced during this
	// task: its global variables are gone (definitions are replayed).
	Reset bool `cbor:"5,keyasint,omitempty"`
	// Took is how long the engine spent on the task.
	Took time.Duration `cbor:"6,keyasint,omitempty"`
	// Keys answers TableKeys.
	Keys []string `cbor:"7,keyasint,omitempty"`
	// Batch answers KindBatch, one Response per request.
	Batch []Response `cbor:"8,keyasint,omitempty"`
	// Native answers KindCompile.
	Native *NativeInfo `cbor:"9,keyasint,omitempty"`
	// Lost names, when Reset, the global variables that statements had
	// declared and the declarations that used them: the new interpreter
	// does not have them.
	Lost []string `cbor:"10,keyasint,omitempty"`
	// Exit is set when the task called os.Exit (or log.Fatal): the
	// program ended there, as a Go program does. A non-zero Code comes
	// with an Err of kind exit; Code 0 is a success.
	Exit *Exit `cbor:"11,keyasint,omitempty"`
	// Job answers KindDetach, KindJobStatus and KindJobWait.
	Job *JobInfo `cbor:"20,keyasint,omitempty"`
	// Status answers KindStatus.
	Status *NodeStatus `cbor:"12,keyasint,omitempty"`
}

// Event is a live report of a running task (frame type 6, see doc.go):
// what it printed since the previous Event and, if it reported any, its
// progress. A task's Events arrive in order and before its Response.
type Event struct {
	// Offset is the position of Output's first byte in the task's output
	// (Response.Output). Output left out of the live view shows as a gap:
	// an Offset beyond the end of the previous Event's Output.
	Offset uint64 `cbor:"1,keyasint,omitempty"`
	// Output is at most MaxEventOutput bytes of what the task printed.
	Output []byte `cbor:"2,keyasint,omitempty"`
	// Progress is the task's latest dpfw.Progress report, if it made one
	// since the previous Event.
	Progress *Progress `cbor:"3,keyasint,omitempty"`
}

// Progress is a task's report of how far it is (Gearman's WORK_STATUS).
type Progress struct {
	Done  int64 `cbor:"1,keyasint,omitempty"`
	Total int64 `cbor:"2,keyasint,omitempty"` // 0: unknown
}

// NodeStatus is a slave node's answer to KindStatus.
type NodeStatus struct {
	// RSS is the process's resident memory in bytes (0: unknown).
	RSS uint64 `cbor:"1,keyasint,omitempty"`
	// Goroutines counts the process's goroutines.
	Goroutines int `cbor:"2,keyasint,omitempty"`
	// Uptime is how long the node has run.
	Uptime time.Duration `cbor:"3,keyasint,omitempty"`
	// Engines has one entry per engine, in engine order.
	Engines []EngineStatus `cbor:"4,keyasint,omitempty"`
}

// EngineStatus counts one engine's work, for every master it served.
type EngineStatus struct {
	Busy   bool   `cbor:"1,keyasint,omitempty"` // a task is running
	Tasks  uint64 `cbor:"2,keyasint,omitempty"` // tasks finished
	Failed uint64 `cbor:"3,keyasint,omitempty"` // of which failed
	Resets uint64 `cbor:"4,keyasint,omitempty"` // interpreter replacements
}

// Exit is how a task that called os.Exit or log.Fatal ended.
type Exit struct {
	Code int `cbor:"1,keyasint,omitempty"` // the status passed to os.Exit; 1 for log.Fatal
	// Stderr is the line log.Fatal wrote to the standard error on its
	// way out, which Go prints after all other output; not in Output.
	Stderr string `cbor:"2,keyasint,omitempty"`
}

// RemoteError is a task's failure as reported by the slave that ran it,
// or by this side about it (kinds busy and lost). Kind is dpfw's one
// failure vocabulary (package failure).
type RemoteError struct {
	Kind  failure.Kind `cbor:"1,keyasint"`
	Msg   string       `cbor:"2,keyasint,omitempty"`
	Pos   string       `cbor:"3,keyasint,omitempty"` // line:column in the snippet, if known
	Stack string       `cbor:"4,keyasint,omitempty"` // interpreted stack, if any
	Slave string       `cbor:"5,keyasint,omitempty"` // filled in by the master
}

func (e *RemoteError) Error() string {
	s := string(e.Kind) + " error"
	if e.Slave != "" {
		s += " on " + e.Slave
	}
	if e.Pos != "" {
		s += " at " + e.Pos
	}
	return fmt.Sprintf("%s: %s", s, e.Msg)
}
