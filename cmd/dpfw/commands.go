package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/signal"
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
		{":native", "[FILE.go|DIR]", "build a Go package on every slave node (Go toolchain there); snippets then call NAME.F at compiled speed", (*cli).cmdNative},
		{":detach", "SRC", "run SRC as a detached job (it outlives this dpfw) and print its handle; not on -local slaves", (*cli).cmdDetach},
		{":job", "[-status] HANDLE", "wait for a detached job and print its outcome, or (-status) say where it is", (*cli).cmdJob},
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
	arg = strings.TrimSpace(arg)
	for _, k := range commands {
		if k.name != name {
			continue
		}
		if k.args != "" && !strings.HasPrefix(k.args, "[") && arg == "" {
			c.failf("usage: %s %s (%s)", k.name, k.args, k.help)
			return false
		}
		return k.run(c, ctx, arg)
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
		c.notef("# ran on %d slave(s)", len(results))
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
	res, err := c.await(ctx, func(ctx context.Context) *master.Future {
		return s.Submit(ctx, master.Task{Src: src, Timeout: c.opts.timeout})
	})
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
	results, err := c.parallel(ctx, tasks)
	c.printMany(results, err)
	c.notef("# %d tasks in %s", len(tasks), roundDur(time.Since(start)))
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
	c.notef("# %d key(s) on %s", len(keys), id)
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
	defs, hasMain := scriptSource(string(src), false)
	results, err := c.m.Broadcast(ctx, defs)
	if err != nil {
		c.printMany(results, err)
		return false
	}
	c.notef("# loaded %s on %d slave(s)", file, len(results))
	if hasMain {
		// As `dpfw FILE.go` does, main becomes scriptMain; :load defines,
		// it does not run.
		c.notef("# its func main did not run: it is defined as %s; call %s() to run it", scriptMain, scriptMain)
	}
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
	c.notef("# reset %d slave(s)", len(slaves))
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
	v := c.con.view("", c.waiting)
	task.Watch = v.watch
	var res master.Result
	err := master.ErrGone
	s, serr := c.m.Slave(c.last)
	if serr == nil && s.Info().State == master.Idle {
		res, err = c.await(ctx, func(ctx context.Context) *master.Future { return s.Submit(ctx, task) })
	}
	if errors.Is(err, master.ErrGone) { // no previous slave, or it just went away
		if c.last != "" && (serr != nil || s.Info().State == master.Gone) {
			c.notef("# %s is gone (its process ended, or the connection did): another slave runs this, without %s's variables", c.last, c.last)
		}
		res, err = c.await(ctx, func(ctx context.Context) *master.Future { return c.m.Submit(ctx, task) })
	}
	if res.Slave != "" {
		c.last = res.Slave
	}
	res.Output = v.close(res.Output) // the rest: the start was printed live
	c.print(res, err, meta)
}

// interruptGrace is how long a task interrupted by Ctrl-C may take to
// answer before the REPL gives up on it.
const interruptGrace = 5 * time.Second

// await submits a task with submit and waits for its result. The first
// Ctrl-C interrupts it: the slave stops the task and answers with what
// it printed and whether its interpreter had to be replaced, as for a
// timeout. A second Ctrl-C, or no answer within interruptGrace, gives up
// on the task.
func (c *cli) await(ctx context.Context, submit func(context.Context) *master.Future) (master.Result, error) {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt)
	defer signal.Stop(sig)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f := submit(ctx)
	var grace <-chan time.Time
	for {
		select {
		case <-f.Done():
			return f.Wait(ctx)
		case <-sig:
			if grace != nil {
				cancel() // resolves f with context.Canceled
				continue
			}
			f.Interrupt()
			grace = time.After(interruptGrace)
		case <-grace:
			cancel()
		}
	}
}

// waiting shows, while a task waits, that no slave has joined.
func (c *cli) waiting(s *statusLine) {
	if len(c.m.Slaves()) == 0 {
		s.message("waiting for a slave (0 joined)…")
	} else {
		s.message("")
	}
}

// parallel runs tasks like Master.Parallel, showing how many are done
// on a progress bar (done/total, elapsed, rate, time left) while they
// run.
func (c *cli) parallel(ctx context.Context, tasks []master.Task) ([]master.Result, error) {
	futs := make([]*master.Future, len(tasks))
	for i, t := range tasks {
		futs[i] = c.m.Submit(ctx, t)
	}
	v := c.con.view("tasks", func(s *statusLine) {
		done := 0
		for _, f := range futs {
			select {
			case <-f.Done():
				done++
			default:
			}
		}
		if done == 0 && len(c.m.Slaves()) == 0 {
			s.message("waiting for a slave (0 joined)…")
			return
		}
		s.progress("tasks", int64(done), int64(len(futs)))
	})
	defer v.close(nil)
	results := make([]master.Result, len(futs))
	var errs []error
	for i, f := range futs {
		res, err := f.Wait(ctx)
		results[i] = res
		if err != nil {
			errs = append(errs, fmt.Errorf("task %d: %w", i, err))
		}
	}
	return results, errors.Join(errs...)
}

func (c *cli) print(res master.Result, err error, meta bool) {
	c.out.Write(res.Output)
	c.exited(res.Exit)
	if err != nil {
		c.printErr(err)
	} else if res.Raw != nil || res.Text != "" {
		fmt.Fprintln(c.out, res.Text)
	}
	if meta && res.Slave != "" {
		c.notef("# %s · %s%s", res.Slave, roundDur(res.Took), resetNote(res))
	}
}

// exited notes that a task called os.Exit or log.Fatal (ex != nil): Go
// prints log.Fatal's line on the standard error after the rest of the
// output, and the status becomes dpfw's own for -e, a file and dpfw job
// (exitCode). A non-zero status also fails the task ("error: exit
// error on s1: exit status 3"), which printErr reports.
func (c *cli) exited(ex *master.Exit) {
	if ex == nil {
		return
	}
	io.WriteString(c.errw, ex.Stderr)
	code := ex.Code
	c.exitCode = &code
}

// status is dpfw's exit status after running -e, a file or a job: the
// program's own when it called os.Exit or log.Fatal, as when it runs
// compiled; else 1 when a task failed, 0 when none did.
func (c *cli) status() int {
	switch {
	case c.exitCode != nil:
		return *c.exitCode
	case c.failed:
		return 1
	}
	return 0
}

// resetNote says that the slave's interpreter was replaced and what was
// lost with it.
func resetNote(res master.Result) string {
	exit := ""
	if res.Exit != nil && res.Exit.Code == 0 {
		exit = " · os.Exit(0)"
	}
	switch {
	case !res.Reset:
		return exit
	case len(res.Lost) == 0:
		return exit + " · interpreter was reset: definitions replayed, no variables lost"
	}
	return exit + " · interpreter was reset: lost " + strings.Join(res.Lost, ", ") + " (definitions replayed)"
}

// notef prints a "# ..." line: to stdout at the prompt, to stderr when
// the entries come from a pipe or file, so that stdout holds only what
// the snippets produce.
func (c *cli) notef(format string, args ...any) {
	fmt.Fprintf(c.note, format+"\n", args...)
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
	if errors.Is(err, context.Canceled) || master.IsKind(err, master.KindCanceled) {
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
