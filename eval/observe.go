package eval

import "context"

// Observer watches a task while it runs: what it prints, as it prints
// it, and its progress reports (dpfw.Progress(done, total) in a
// snippet). Its methods are called from the goroutines that run the
// task's code, in order, with the engine's output lock held: they must
// return at once (hand the data on, never block) and must not keep p.
// Output sees exactly the bytes that Result.Output will hold, up to
// Config.MaxOutput.
type Observer interface {
	Output(p []byte)
	Progress(done, total int64)
}

type observerKey struct{}

// WithObserver returns a context under which Run, RunStream and Call
// report to o. Snippets reach it through dpfw.Progress(done, total int),
// which does nothing for a task without an Observer.
func WithObserver(ctx context.Context, o Observer) context.Context {
	return context.WithValue(ctx, observerKey{}, o)
}

func observerFrom(ctx context.Context) Observer {
	o, _ := ctx.Value(observerKey{}).(Observer)
	return o
}
