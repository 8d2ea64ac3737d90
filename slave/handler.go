package slave

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/dpfw/dpfw/eval"
	"github.com/dpfw/dpfw/session"
)

// A result the engine accepts must be one the wire can carry: the two
// depth limits are one number (this line does not compile otherwise).
const _ = uint(eval.MaxDepth-session.MaxValueDepth) + uint(session.MaxValueDepth-eval.MaxDepth)

// handler adapts a Node's engines to session.Handler. The session runs
// every request on its own goroutine; each engine serializes its own
// tasks, so two masters sharing a node never run two tasks on one engine
// at once.
type handler struct{ n *Node }

func (h handler) ServeTask(ctx context.Context, req *session.Request, stream io.ReadWriter) *session.Response {
	switch req.Kind {
	case session.KindPing:
		return &session.Response{}
	case session.KindDetach: // Timeout bounds the job, not this answer
		return h.n.detach(req)
	case session.KindJobStatus, session.KindJobWait:
		return h.n.jobRequest(ctx, req)
	case session.KindStatus:
		return &session.Response{Status: h.n.stats.status()}
	}
	switch req.Kind {
	case session.KindEval, session.KindStream, session.KindCall:
		// (A Spare sub-task runs on a lent engine, not on Engine.)
		if req.Engine >= 0 && req.Engine < len(h.n.engines) && !req.Spare {
			h.n.stats.begin(req.Engine)
			resp := h.run(ctx, req, stream)
			h.n.stats.end(req.Engine, resp)
			return resp
		}
	}
	return h.run(ctx, req, stream)
}

// run serves a request for the node (KindCompile) or for engine
// req.Engine. A task whose master asked for live events reports its
// output and progress to them.
func (h handler) run(ctx context.Context, req *session.Request, stream io.ReadWriter) *session.Response {
	if live := session.LiveFrom(ctx); live != nil {
		ctx = eval.WithObserver(ctx, live)
	}
	if req.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, req.Timeout)
		defer cancel()
	}
	if req.Kind == session.KindCompile { // for the node, not an engine
		return h.n.compile(ctx, req.Native)
	}
	if req.Engine < 0 || req.Engine >= len(h.n.engines) {
		return errResponse(eval.KindNotFound, fmt.Sprintf("no engine %d (this slave has %d)", req.Engine, len(h.n.engines)))
	}
	e := h.n.engines[req.Engine]
	if req.Spare && req.Kind == session.KindEval {
		spare, err := h.n.spareEngine()
		if err != nil {
			return reply(eval.Result{}, err)
		}
		defer h.n.putSpare(spare)
		e = spare.e
	}
	if req.Kind == session.KindEval || req.Kind == session.KindCall {
		ctx = eval.WithSpawner(ctx, spawn) // re-entrant tasks (reentrant.go)
	}
	switch req.Kind {
	case session.KindEval:
		return h.eval(ctx, e, req)
	case session.KindStream:
		if req.Fresh {
			if err := e.Reset(ctx); err != nil {
				return reply(eval.Result{}, err)
			}
		}
		if stream == nil {
			return errResponse(eval.KindInternal, "stream task without a stream")
		}
		return reply(e.RunStream(ctx, req.Src, stream, stream))
	case session.KindCall:
		return call(ctx, e, req)
	case session.KindTable:
		return table(e.Table(), req)
	case session.KindBatch:
		return h.batch(ctx, req)
	}
	return errResponse(eval.KindInternal, fmt.Sprintf("unknown request kind %d", req.Kind))
}

// eval runs a KindEval request on e, its Engine or, for a Spare
// request, a spare engine (Fresh: on a reset engine).
func (h handler) eval(ctx context.Context, e *eval.Engine, req *session.Request) *session.Response {
	if req.Fresh {
		if err := e.Reset(ctx); err != nil {
			return reply(eval.Result{}, err)
		}
	}
	return reply(e.Run(ctx, req.Src))
}

// batch runs a batch's requests in order, stopping early only if ctx is
// done: each failure is that request's own.
func (h handler) batch(ctx context.Context, req *session.Request) *session.Response {
	resp := &session.Response{Batch: make([]session.Response, len(req.Batch))}
	for i := range req.Batch {
		sub := &req.Batch[i]
		sub.Engine = req.Engine
		switch {
		case ctx.Err() != nil:
			resp.Batch[i] = *errResponse(eval.KindCanceled, ctx.Err().Error())
		case sub.Kind != session.KindEval && sub.Kind != session.KindCall:
			resp.Batch[i] = *errResponse(eval.KindInternal, fmt.Sprintf("request kind %d cannot be batched", sub.Kind))
		default:
			resp.Batch[i] = *h.ServeTask(ctx, sub, nil)
		}
	}
	return resp
}

func call(ctx context.Context, e *eval.Engine, req *session.Request) *session.Response {
	args := make([]any, len(req.Args))
	for i, raw := range req.Args {
		if err := session.DecodeValue(raw, &args[i]); err != nil {
			return errResponse(eval.KindUnsendable, fmt.Sprintf("argument %d does not decode: %v", i, err))
		}
	}
	return reply(e.Call(ctx, req.Func, args...))
}

// reply turns an engine's result into a Response. The value is encoded
// here, while it is still a private copy, so an unsendable value is
// reported as such instead of failing the whole frame.
func reply(res eval.Result, err error) *session.Response {
	resp := &session.Response{Text: res.Text, Output: res.Output, Reset: res.Reset, Lost: res.Lost, Took: res.Took}
	if res.Exit != nil {
		resp.Exit = &session.Exit{Code: res.Exit.Code, Stderr: res.Exit.Stderr}
	}
	if err != nil {
		resp.Err = remoteError(err)
		return resp
	}
	if res.HasValue && res.Value != nil {
		raw, err := session.EncodeValue(res.Value)
		if err != nil {
			resp.Err = valueError("result", err)
			return resp
		}
		resp.Value = raw
	}
	return resp
}

func remoteError(err error) *session.RemoteError {
	var ee *eval.Error
	if !errors.As(err, &ee) {
		return &session.RemoteError{Kind: eval.KindInternal, Msg: err.Error()}
	}
	return &session.RemoteError{Kind: ee.Kind, Msg: ee.Msg, Pos: ee.Pos, Stack: ee.Stack}
}

func table(t *eval.Table, req *session.Request) *session.Response {
	switch req.Op {
	case session.TableGet:
		v, ok := t.Lookup(req.Key)
		if !ok {
			return errResponse(eval.KindNotFound, fmt.Sprintf("no key %q in the table", req.Key))
		}
		return reply(eval.Result{Value: v, HasValue: true, Text: fmt.Sprint(v)}, nil)
	case session.TableSet:
		var v any
		if err := session.DecodeValue(req.Value, &v); err != nil {
			return errResponse(eval.KindUnsendable, fmt.Sprintf("value for %q does not decode: %v", req.Key, err))
		}
		t.Set(req.Key, v)
		return &session.Response{}
	case session.TableDelete:
		t.Delete(req.Key)
		return &session.Response{}
	case session.TableKeys:
		return &session.Response{Keys: t.Keys()}
	}
	return errResponse(eval.KindInternal, fmt.Sprintf("unknown table op %d", req.Op))
}

// valueError is EncodeValue's refusal of a value, what naming it.
func valueError(what string, err error) *session.RemoteError {
	var re *session.RemoteError
	if errors.As(err, &re) {
		return &session.RemoteError{Kind: re.Kind, Msg: what + ": " + re.Msg}
	}
	return &session.RemoteError{Kind: eval.KindUnsendable, Msg: what + ": " + err.Error()}
}

func errResponse(kind eval.Kind, msg string) *session.Response {
	return &session.Response{Err: &session.RemoteError{Kind: kind, Msg: msg}}
}
