package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dpfw/dpfw/master"
)

// command is a REPL command: name, argument synopsis, help and action.
type command struct {
	name, args, help string
	run              func(c *cli, ctx context.Context, arg string) bool // true: quit
}

var commands []command

func init() {
	commands = []command{
		{":help", "", "this list", (*cli).cmdHelp},
		{":slaves", "", "connected slaves: id, address, host, pid, state, tasks done", (*cli).cmdSlaves},
		{":all", "SRC", "run SRC on every slave, one result per slave", (*cli).cmdAll},
		{":on", "ID SRC", "run SRC on slave ID (e.g. s1)", (*cli).cmdOn},
		{":par", "SRC ;; SRC ...", "run the snippets in parallel on idle slaves", (*cli).cmdPar},
		{":table", "ID", "show the keys and values of slave ID's table", (*cli).cmdTable},
		{":load", "FILE.go", "run a Go file's definitions on every slave", (*cli).cmdLoad},
		{":reset", "[ID]", "forget every definition, import and global on slave ID, or on every slave (tables stay)", (*cli).cmdReset},
		{":native", "FILE.go|DIR", "build a Go package on every slave node (Go toolchain there); snippets then call NAME.F at compiled speed", (*cli).cmdNative},
		{":local", "SRC", "run SRC in the master: package cluster has MakeTask, MakeTaskOn, Force, Parallel, Broadcast, GetSlave, Slaves", (*cli).cmdLocal},
		{":quit", "", "leave (also Ctrl-D)", func(*cli, context.Context, string) bool { return true }},
	}
}

func commandNames() []string {
	names := make([]string, len(commands))
	for i, k := range commands {
		names[i] = k.name
	}
	return names
}

// handle runs one entry: a command, or a snippet for any idle slave. It
// reports whether the user asked to quit.
func (c *cli) handle(ctx context.Context, entry string) bool {
	entry = strings.TrimSpace(entry)
	if !strings.HasPrefix(entry, ":") {
		if onlyDecls(entry) {
			// Definitions typed at the prompt go to every slave, so that
			// the next line can use them whichever slave runs it.
			return c.cmdAll(ctx, entry)
		}
		c.eval(ctx, entry, true)
		return false
	}
	name, arg, _ := strings.Cut(entry, " ")
	if name == ":q" || name == ":exit" {
		return true
	}
	for _, k := range commands {
		if k.name == name {
			return k.run(c, ctx, strings.TrimSpace(arg))
		}
	}
	c.failf("unknown command %s (:help lists them)", name)
	return false
}

// onlyDecls reports whether src is nothing but top-level declarations
// (import, func, type, var, const).
func onlyDecls(src string) bool {
	file := "package p\n" + src
	f, err := parser.ParseFile(token.NewFileSet(), "", file, 0)
	if err != nil || len(f.Decls) == 0 {
		return false
	}
	last := f.Decls[len(f.Decls)-1]
	return strings.TrimSpace(file[int(last.End())-1:]) == ""
}

func (c *cli) cmdHelp(context.Context, string) bool {
	w := tabwriter.NewWriter(c.out, 2, 8, 2, ' ', 0)
	fmt.Fprintln(w, "Go source\truns on one idle slave; its last expression is the result")
	for _, k := range commands {
		fmt.Fprintf(w, "%s %s\t%s\n", k.name, k.args, k.help)
	}
	w.Flush()
	return false
}

func (c *cli) cmdSlaves(context.Context, string) bool {
	w := tabwriter.NewWriter(c.out, 2, 8, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tADDRESS\tHOST\tPID\tENGINE\tSTATE\tTASKS\tJOINED\tNAME")
	for _, s := range c.m.Slaves() {
		in := s.Info()
		name := cmp.Or(in.Peer.Name, "-")
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%s\t%d\t%s\t%s\n", in.ID, in.Addr, in.Peer.Host, in.Peer.PID, in.Engine, in.State, in.Tasks, in.Rejoin, name)
	}
	w.Flush()
	return false
}

func (c *cli) cmdAll(ctx context.Context, src string) bool {
	ctx, stop := withInterrupt(ctx)
	defer stop()
	results, err := c.m.Broadcast(ctx, src)
	c.printMany(results, err)
	if err == nil {
		fmt.Fprintf(c.out, "# ran on %d slave(s)\n", len(results))
	}
	return false
}

func (c *cli) cmdOn(ctx context.Context, arg string) bool {
	id, src, _ := strings.Cut(arg, " ")
	s, err := c.m.Slave(id)
	if err != nil {
		c.failf("%v", err)
		return false
	}
	ctx, stop := withInterrupt(ctx)
	defer stop()
	res, err := s.Submit(ctx, master.Task{Src: src, Timeout: c.opts.timeout}).Wait(ctx)
	c.print(res, err, true)
	return false
}

func (c *cli) cmdPar(ctx context.Context, arg string) bool {
	var tasks []master.Task
	for _, src := range strings.Split(arg, ";;") {
		if src = strings.TrimSpace(src); src != "" {
			tasks = append(tasks, master.Task{Src: src, Timeout: c.opts.timeout})
		}
	}
	ctx, stop := withInterrupt(ctx)
	defer stop()
	start := time.Now()
	results, err := c.m.Parallel(ctx, tasks...)
	c.printMany(results, err)
	fmt.Fprintf(c.out, "# %d tasks in %s\n", len(tasks), roundDur(time.Since(start)))
	return false
}

func (c *cli) cmdTable(ctx context.Context, id string) bool {
	s, err := c.m.Slave(id)
	if err != nil {
		c.failf("%v", err)
		return false
	}
	ctx, stop := withInterrupt(ctx)
	defer stop()
	keys, err := s.TableKeys(ctx)
	if err != nil {
		c.failf("%v", err)
		return false
	}
	w := tabwriter.NewWriter(c.out, 2, 8, 2, ' ', 0)
	for _, k := range keys {
		res, err := s.TableGet(ctx, k)
		switch {
		case master.IsKind(err, master.KindUnsendable):
			fmt.Fprintf(w, "%s\t%s\t(stays on the slave)\n", k, res.Text)
		case err != nil:
			fmt.Fprintf(w, "%s\t%v\n", k, err)
		default:
			fmt.Fprintf(w, "%s\t%s\n", k, res.Text)
		}
	}
	w.Flush()
	fmt.Fprintf(c.out, "# %d key(s) on %s\n", len(keys), id)
	return false
}

func (c *cli) cmdLoad(ctx context.Context, file string) bool {
	src, err := os.ReadFile(file)
	if err != nil {
		c.failf("%v", err)
		return false
	}
	ctx, stop := withInterrupt(ctx)
	defer stop()
	results, err := c.m.Broadcast(ctx, strings.TrimSuffix(scriptSource(string(src)), "\nscriptMain()"))
	if err != nil {
		c.printMany(results, err)
		return false
	}
	fmt.Fprintf(c.out, "# loaded %s on %d slave(s)\n", file, len(results))
	return false
}

func (c *cli) cmdReset(ctx context.Context, id string) bool {
	slaves := c.m.Slaves()
	if id != "" {
		s, err := c.m.Slave(id)
		if err != nil {
			c.failf("%v", err)
			return false
		}
		slaves = []*master.Slave{s}
	}
	ctx, stop := withInterrupt(ctx)
	defer stop()
	futs := make([]*master.Future, len(slaves))
	for i, s := range slaves {
		futs[i] = s.Submit(ctx, master.Task{Fresh: true})
	}
	for i, f := range futs {
		if _, err := f.Wait(ctx); err != nil {
			c.failf("%s: %v", slaves[i].ID(), err)
			return false
		}
	}
	fmt.Fprintf(c.out, "# reset %d slave(s)\n", len(slaves))
	return false
}

// eval runs src on one idle slave and prints the outcome; meta adds
// which slave ran it and how long it took. The slave that ran the
// previous entry is preferred while it is idle, so that `x := 1`
// followed by `x + 1` works as in any REPL.
func (c *cli) eval(ctx context.Context, src string, meta bool) {
	c.run(ctx, master.Task{Src: src, Timeout: c.opts.timeout}, meta)
}

// run is eval for a task built by the caller.
func (c *cli) run(ctx context.Context, task master.Task, meta bool) {
	ctx, stop := withInterrupt(ctx)
	defer stop()
	var res master.Result
	err := master.ErrGone
	if s, serr := c.m.Slave(c.last); serr == nil && s.Info().State == master.Idle {
		res, err = s.Submit(ctx, task).Wait(ctx)
	}
	if errors.Is(err, master.ErrGone) { // no previous slave, or it just went away
		res, err = c.m.Submit(ctx, task).Wait(ctx)
	}
	if res.Slave != "" {
		c.last = res.Slave
	}
	c.print(res, err, meta)
}

func (c *cli) print(res master.Result, err error, meta bool) {
	c.out.Write(res.Output)
	if err != nil {
		c.printErr(err)
	} else if res.Raw != nil || res.Text != "" {
		fmt.Fprintln(c.out, res.Text)
	}
	if meta && res.Slave != "" {
		note := ""
		if res.Reset {
			note = " · interpreter was reset: globals lost, definitions replayed"
		}
		fmt.Fprintf(c.out, "# %s · %s%s\n", res.Slave, roundDur(res.Took), note)
	}
}

func (c *cli) printMany(results []master.Result, err error) {
	for i, res := range results {
		c.out.Write(res.Output)
		if res.Raw != nil || res.Text != "" {
			fmt.Fprintf(c.out, "[%d] %s: %s\n", i, res.Slave, res.Text)
		}
	}
	if err != nil {
		c.printErr(err)
	}
}

func (c *cli) printErr(err error) {
	c.failed = true
	var re *master.RemoteError
	if errors.As(err, &re) && re.Stack != "" {
		fmt.Fprintf(c.errw, "error: %v\n%s\n", err, strings.TrimRight(re.Stack, "\n"))
		return
	}
	if errors.Is(err, context.Canceled) {
		err = errors.New("interrupted")
	}
	fmt.Fprintf(c.errw, "error: %v\n", err)
}

func (c *cli) failf(format string, args ...any) {
	c.printErr(fmt.Errorf(format, args...))
}

func roundDur(d time.Duration) time.Duration {
	switch {
	case d < time.Millisecond:
		return d.Round(time.Microsecond)
	case d < time.Second:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Millisecond)
}
