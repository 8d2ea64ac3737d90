package main

import (
	"context"
	"fmt"
	"io"
	"reflect"
	"sync"

	"github.com/dpfw/dpfw/eval"
	"github.com/dpfw/dpfw/master"
)

// clusterAPI is what :local snippets see as package cluster: the master
// API in the shape of the original dpfw procedures, so that the seed's
// examples can be typed almost as written. Failures panic, which the
// local interpreter reports as the snippet's error.
type clusterAPI struct {
	m    *master.Master
	life context.Context // the REPL's
	// run is Parallel with the REPL's progress bar (cli.parallel).
	run func(context.Context, []master.Task) ([]master.Result, error)

	mu  sync.Mutex // protects ctx
	ctx context.Context
}

// context is the context of the :local entry being run, which Ctrl-C
// cancels.
func (a *clusterAPI) context() context.Context {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ctx
}

func (a *clusterAPI) setContext(ctx context.Context) {
	a.mu.Lock()
	a.ctx = ctx
	a.mu.Unlock()
}

// Tasks made here outlive the :local entry that made them (dpfw's
// promise is forced later), so they run under the REPL's own context.
func (a *clusterAPI) makeTask(src string) *master.Future {
	return a.m.Submit(a.life, master.Task{Src: src})
}

func (a *clusterAPI) makeTaskOn(s *master.Slave, src string) *master.Future {
	return s.Submit(a.life, master.Task{Src: src})
}

func (a *clusterAPI) force(f *master.Future) any {
	res, err := f.Wait(a.context())
	if err != nil {
		panic(err)
	}
	return res.Value
}

func (a *clusterAPI) parallel(srcs ...string) []any {
	tasks := make([]master.Task, len(srcs))
	for i, s := range srcs {
		tasks[i] = master.Task{Src: s}
	}
	return values(a.run(a.context(), tasks))
}

func (a *clusterAPI) broadcast(src string) []any {
	return values(a.m.Broadcast(a.context(), src))
}

func (a *clusterAPI) getSlave(wait bool) *master.Slave {
	s, err := a.m.Reserve(a.context(), wait)
	if err != nil {
		panic(err)
	}
	return s
}

func (a *clusterAPI) slaves() []string {
	var ids []string
	for _, s := range a.m.Slaves() {
		ids = append(ids, s.ID())
	}
	return ids
}

func values(results []master.Result, err error) []any {
	if err != nil {
		panic(err)
	}
	out := make([]any, len(results))
	for i, r := range results {
		out[i] = r.Value
	}
	return out
}

// symbols exports the API to yaegi as package "cluster".
func (a *clusterAPI) symbols() map[string]map[string]reflect.Value {
	return map[string]map[string]reflect.Value{"dpfw/cluster/cluster": {
		"MakeTask":   reflect.ValueOf(a.makeTask),
		"MakeTaskOn": reflect.ValueOf(a.makeTaskOn),
		"Force":      reflect.ValueOf(a.force),
		"Parallel":   reflect.ValueOf(a.parallel),
		"Broadcast":  reflect.ValueOf(a.broadcast),
		"GetSlave":   reflect.ValueOf(a.getSlave),
		"Slaves":     reflect.ValueOf(a.slaves),
		"Future":     reflect.ValueOf((*master.Future)(nil)),
		"Slave":      reflect.ValueOf((*master.Slave)(nil)),
	}}
}

// localEngine returns the master-side interpreter, creating it on first
// use (it costs a few milliseconds and most sessions never need it).
func (c *cli) localEngine(life context.Context) (*eval.Engine, error) {
	if c.local != nil {
		return c.local, nil
	}
	c.api = &clusterAPI{m: c.m, life: life, ctx: life, run: c.parallel}
	// KeepValues: results stay here, so a future or a slave shows itself
	// (what it prints) instead of being refused as unsendable.
	e, err := eval.New(eval.Config{Packages: eval.PackagesOf(c.api.symbols()), KeepValues: true})
	if err != nil {
		return nil, fmt.Errorf("starting the local interpreter: %w", err)
	}
	if _, err := e.Run(context.Background(), `import "dpfw/cluster"`); err != nil {
		return nil, fmt.Errorf("importing package cluster: %w", err)
	}
	c.local = e
	return e, nil
}

// cmdLocal runs src in the master's own interpreter, where package
// cluster drives the slaves.
func (c *cli) cmdLocal(ctx context.Context, src string) bool {
	e, err := c.localEngine(ctx)
	if err != nil {
		c.failf("%v", err)
		return false
	}
	ctx, stop := withInterrupt(ctx)
	defer stop()
	c.api.setContext(ctx)
	res, err := e.Run(ctx, src)
	c.out.Write(res.Output)
	if res.Exit != nil {
		io.WriteString(c.errw, res.Exit.Stderr)
	}
	switch {
	case err != nil:
		c.printErr(err)
	case res.HasValue:
		fmt.Fprintln(c.out, res.Text)
	}
	return false
}
