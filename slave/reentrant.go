package slave

import (
	"context"
	"fmt"

	"github.com/dpfw/dpfw/eval"
	"github.com/dpfw/dpfw/session"
)

// spawn is the eval.Spawner of the node's tasks: it sends a snippet's
// sub-task to the master that sent the task (session.Spawn), and makes
// the master's answer a value or an *eval.Error.
func spawn(ctx context.Context, src string) (eval.SubResult, error) {
	resp, err := session.Spawn(ctx, &session.Request{Src: src})
	if err != nil {
		if ctx.Err() != nil {
			return eval.SubResult{}, err
		}
		return eval.SubResult{}, &eval.Error{Kind: eval.KindLost, Msg: fmt.Sprintf("sub-task: %v", err)}
	}
	if re := resp.Err; re != nil {
		msg := re.Msg
		if re.Pos != "" {
			msg = "at " + re.Pos + ": " + msg
		}
		if re.Slave != "" {
			msg = "on " + re.Slave + " " + msg
		}
		return eval.SubResult{}, &eval.Error{Kind: re.Kind, Msg: msg, Stack: re.Stack}
	}
	raw := resp.Value
	res := eval.SubResult{Decode: func(dst any) error { return session.DecodeValue(raw, dst) }}
	if len(raw) > 0 {
		if err := session.DecodeValue(raw, &res.Value); err != nil {
			return eval.SubResult{}, &eval.Error{Kind: eval.KindUnsendable, Msg: fmt.Sprintf("sub-task result does not decode into a plain Go value (%v); dpfw.Decode into a typed variable may", err)}
		}
	}
	return res, nil
}

// spare is a spare engine and the generation of the node's native
// packages it was given.
type spare struct {
	e   *eval.Engine
	gen int
}

// spareEngine takes an idle spare engine, or makes one: the engine a
// sub-task runs on while the task on one of the node's engines waits for
// it (Request.Spare; the master's deadlock rule). At most
// maxSpares(n) exist at once; beyond that the sub-task is refused as
// busy. The engine has every package compiled on the node, also those
// compiled after it was made.
func (n *Node) spareEngine() (spare, error) {
	n.spareMu.Lock()
	if k := len(n.spares); k > 0 {
		s := n.spares[k-1]
		n.spares = n.spares[:k-1]
		pkgs, gen := n.natives, n.nativeGen
		n.spareMu.Unlock()
		if s.gen != gen {
			// Register queues; the engine applies what it lacks (a
			// package it has in that version is skipped) when the
			// sub-task starts.
			if err := registerAll(s.e, pkgs); err != nil {
				s.e.Close()
				n.dropSpare()
				return spare{}, err
			}
			s.gen = gen
		}
		return s, nil
	}
	if n.spareCount >= n.maxSpares() {
		n.spareMu.Unlock()
		return spare{}, &eval.Error{Kind: eval.KindBusy, Msg: fmt.Sprintf("all %d spare engines of this node run sub-tasks", n.maxSpares())}
	}
	n.spareCount++
	pkgs, gen := n.natives, n.nativeGen
	n.spareMu.Unlock()
	e, err := eval.New(n.cfg.Eval)
	if err == nil {
		if err = registerAll(e, pkgs); err != nil {
			e.Close()
		}
	}
	if err != nil {
		n.dropSpare()
		return spare{}, err
	}
	return spare{e: e, gen: gen}, nil
}

// registerAll registers pkgs with e.
func registerAll(e *eval.Engine, pkgs []eval.Package) error {
	for _, p := range pkgs {
		if err := e.Register(p); err != nil {
			return err
		}
	}
	return nil
}

// dropSpare counts a spare engine less (it was closed, or not made).
func (n *Node) dropSpare() {
	n.spareMu.Lock()
	n.spareCount--
	n.spareMu.Unlock()
}

// addNative records a package compiled on the node (compile), replacing
// an earlier version of its path, so that spare engines get it too.
func (n *Node) addNative(pkg eval.Package) {
	n.spareMu.Lock()
	defer n.spareMu.Unlock()
	// Copy on write: spareEngine registers from a snapshot unlocked.
	natives := make([]eval.Package, 0, len(n.natives)+1)
	for _, p := range n.natives {
		if p.Path != pkg.Path {
			natives = append(natives, p)
		}
	}
	n.natives = append(natives, pkg)
	n.nativeGen++
}

// putSpare gives a spare engine back for the next sub-task.
func (n *Node) putSpare(s spare) {
	n.mu.Lock() // orders this against Close's closeSpares
	closed := n.closed
	if !closed {
		n.spareMu.Lock()
		n.spares = append(n.spares, s)
		n.spareMu.Unlock()
	}
	n.mu.Unlock()
	if closed {
		s.e.Close()
	}
}

// maxSpares bounds the spare engines: a chain of waiting parents lends
// one per level, so the master's default depth bound per engine, with
// room for several masters.
func (n *Node) maxSpares() int { return session.DefaultMaxDepth * len(n.engines) }

// closeSpares closes the idle spare engines (Close).
func (n *Node) closeSpares() {
	n.spareMu.Lock()
	spares := n.spares
	n.spares = nil
	n.spareMu.Unlock()
	for _, s := range spares {
		s.e.Close()
	}
}
