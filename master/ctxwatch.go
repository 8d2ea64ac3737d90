package master

import (
	"context"
	"sync"
)

// watches fails pending futures whose context ends, even while their
// tasks are still queued. It registers one context.AfterFunc for each
// distinct context (told apart by its Done channel) that has futures
// pending, not one per future: a burst of 20,000 futures submitted under
// one ctx cost 20,000 AfterFuncs, and as many insertions into and
// removals from that ctx's children, on the submitting and the resolving
// goroutines. A future leaves its group when it resolves, and an emptied
// group stops its AfterFunc, so that a long-lived ctx keeps no finished
// task alive.
type watches struct {
	// give, if not nil, gives back the queue place of a job whose future
	// the context failed (queue.uncount).
	give func(*job)

	mu sync.Mutex // protects by, every ctxWatch's futs and every Future's windex
	by map[<-chan struct{}]*ctxWatch
}

// ctxWatch is the futures pending under contexts that share one Done
// channel, and the AfterFunc that fails them when it closes.
type ctxWatch struct {
	ws   *watches
	done <-chan struct{}
	stop func() bool // the AfterFunc's; set before anyone else sees the group
	futs []watched   // Future.windex is its index here
}

// watched is one future in a ctxWatch: its own context (whose Err it
// fails with: contexts that share a Done channel may say different
// things), and the job whose queue place it gives back, if any.
type watched struct {
	f   *Future
	ctx context.Context
	j   *job
}

// add watches f under ctx: f fails with ctx.Err() as soon as ctx is
// done, and then, if the context is what failed it, j (if not nil)
// gives its place in the queue back. A context that cannot be cancelled
// (context.Background) costs nothing. f must not be watched already.
func (ws *watches) add(f *Future, ctx context.Context, j *job) {
	if ctx == nil {
		return
	}
	done := ctx.Done()
	if done == nil {
		return
	}
	ws.mu.Lock()
	w := ws.by[done]
	if w == nil {
		if ws.by == nil {
			ws.by = map[<-chan struct{}]*ctxWatch{}
		}
		w = &ctxWatch{ws: ws, done: done}
		// Under ws.mu: AfterFunc never calls fire on this goroutine
		// (it starts one), and fire needs ws.mu.
		w.stop = context.AfterFunc(ctx, w.fire)
		ws.by[done] = w
	}
	f.windex = int32(len(w.futs))
	w.futs = append(w.futs, watched{f, ctx, j})
	ws.mu.Unlock()

	f.mu.Lock()
	if f.res != nil { // resolved meanwhile, without seeing the watch
		f.mu.Unlock()
		w.remove(f)
		return
	}
	f.watch = w
	f.mu.Unlock()
}

// remove takes f out of w, if it is still there (fire takes all), and
// ends w's watch when w is left empty. Future.resolve calls it.
func (w *ctxWatch) remove(f *Future) {
	ws := w.ws
	ws.mu.Lock()
	i := int(f.windex)
	if i >= len(w.futs) || w.futs[i].f != f {
		ws.mu.Unlock()
		return
	}
	last := len(w.futs) - 1
	if i != last {
		w.futs[i] = w.futs[last]
		w.futs[i].f.windex = int32(i)
	}
	w.futs[last] = watched{} // keeps nothing alive
	w.futs = w.futs[:last]
	var stop func() bool
	switch {
	case last == 0: // empty: the context needs watching no more
		if ws.by[w.done] == w {
			delete(ws.by, w.done)
		}
		stop, w.futs = w.stop, nil
	case cap(w.futs) > 256 && last < cap(w.futs)/4: // after a burst
		w.futs = append([]watched(nil), w.futs...)
	}
	ws.mu.Unlock()
	if stop != nil {
		stop()
	}
}

// fire fails every future of w with its context's error: w's Done
// channel is closed. An emptied w (its AfterFunc stopped too late) has
// none.
func (w *ctxWatch) fire() {
	ws := w.ws
	ws.mu.Lock()
	futs := w.futs
	w.futs = nil
	if ws.by[w.done] == w {
		delete(ws.by, w.done) // a future added from now on gets a new group
	}
	ws.mu.Unlock()
	for _, e := range futs {
		if e.f.resolve(Result{}, e.ctx.Err()) && e.j != nil && ws.give != nil {
			ws.give(e.j)
		}
	}
}

// len is the number of futures watched, for tests.
func (ws *watches) len() (groups, futs int) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for _, w := range ws.by {
		futs += len(w.futs)
	}
	return len(ws.by), futs
}
