package eval

import (
	"context"
	"fmt"
	"go/scanner"
	"go/token"
	"maps"
	"os"
	"reflect"
	"strings"
	"sync"

	"github.com/dpfw/dpfw/eval/front/shim"
	"github.com/traefik/yaegi/interp"
)

// interpreter is one yaegi interpreter with its output capture and compile
// cache. It is not safe for concurrent use; the Engine serializes access.
type interpreter struct {
	in       *interp.Interpreter
	out      *capture
	errw     *stderrWriter              // the interpreter's os.Stderr
	cache    map[string]*interp.Program // compiled statement segments by segment.code()
	imported map[string]bool            // importSpec.key() of imports applied here
	compiles int                        // distinct compiles, for recycling
	stopper  *stopper
	exits    exits                    // the os.Exit of the running task (exit.go)
	funcs    map[string]reflect.Value // lookupFunc results; cleared with cache
	// jobs feeds the runner goroutine that executes interpreted code. One
	// long-lived goroutine keeps the deep stack yaegi needs; a fresh
	// goroutine per task would grow (copy) its stack every time, which
	// showed up as a tenth of a slave's CPU in profiles of tiny tasks.
	jobs chan func()
	// reent connects package dpfw's re-entrant functions to the task
	// this interpreter runs (reentrant.go).
	reent *reentrant
	// here holds the cached code found callFree (by its source), which
	// runs on the task's goroutine (executeHere), not the runner's.
	here map[string]bool
	// hereRuns counts the runs executeHere made (for tests).
	hereRuns int
	hereStop hereStop // executeHere's, for each of its runs
	// exports are the symbol tables registered at creation: what a
	// recycle may carry a compiled function of (carrier.go).
	exports []interp.Exports
}

var stdioOnce sync.Once

// newInterpreter builds a fresh interpreter that sees table as package
// dpfw and can import pkgs.
func newInterpreter(cfg Config, table *Table, pkgs []Package) (*interpreter, error) {
	// Without YAEGI_SPECIAL_STDIO, os.Stdout inside snippets is the real
	// process stdout and escapes capture. yaegi reads it in interp.New.
	stdioOnce.Do(func() { os.Setenv("YAEGI_SPECIAL_STDIO", "1") })
	c := &capture{}
	errw := c.stderr()
	opts := interp.Options{Stdin: strings.NewReader(""), Stdout: c, Stderr: errw}
	if cfg.sandbox != nil {
		opts.Args = []string{"snippet"} // not the host's command line, which may hold a token
	}
	ip := &interpreter{
		in:  interp.New(opts),
		out: c, errw: errw, cache: map[string]*interp.Program{}, imported: map[string]bool{},
		funcs: map[string]reflect.Value{}, jobs: make(chan func()), reent: &reentrant{}, here: map[string]bool{},
	}
	ip.hereStop.ip = ip
	go runJobs(ip.jobs) // exits when abandon or close closes jobs
	ip.stopper = newStopper(ip.in)
	std := stdSymbols()
	if cfg.sandbox != nil {
		std = cfg.sandbox.Symbols(sandboxStd())
	}
	exports := []interp.Exports{std, tableExports(table, ip.reent, c), shim.Symbols}
	for _, p := range pkgs {
		exports = append(exports, p.exports())
	}
	ip.exports = exports
	for _, ex := range exports {
		if err := ip.in.Use(ex); err != nil {
			ip.close()
			return nil, fmt.Errorf("eval: registering symbols: %w", err)
		}
	}
	// After the standard library, whose registration (yaegi's fixStdlib)
	// sets up the log package that exitSymbols reads.
	if err := ip.in.Use(ip.exitSymbols()); err != nil {
		ip.close()
		return nil, fmt.Errorf("eval: registering symbols: %w", err)
	}
	if err := ip.importOnce(context.Background(), importSpec{path: "dpfw"}); err != nil {
		ip.close()
		return nil, err
	}
	return ip, nil
}

// tableExports exposes the table, progress reports to the task's
// Observer through c, and re-entrant sub-tasks through r, as package
// dpfw. The symbols are registered under the real import path as well as
// the alias: yaegi looks up interface wrappers by the real path and
// crashes when only an alias exists (notes §5).
func tableExports(t *Table, r *reentrant, c *capture) interp.Exports {
	syms := func() map[string]reflect.Value {
		m := map[string]reflect.Value{
			"Table":    reflect.ValueOf(func() *Table { return t }),
			"Progress": reflect.ValueOf(c.progress),
		}
		maps.Copy(m, r.symbols())
		return m
	}
	return interp.Exports{
		"dpfw/dpfw":                      syms(),
		"github.com/dpfw/dpfw/eval/eval": syms(),
	}
}

// importOnce applies an import unless this interpreter already has it: a
// second identical import in a later Eval is a "redeclared" error in yaegi.
func (ip *interpreter) importOnce(ctx context.Context, s importSpec) error {
	if ip.imported[s.key()] {
		return nil
	}
	prog, err := ip.compile("import " + s.key())
	if err != nil {
		return err
	}
	if _, _, err := ip.execute(ctx, prog); err != nil {
		return err
	}
	ip.imported[s.key()] = true
	return nil
}

// compilePanic is a host panic raised by yaegi's compiler, which usually
// means a construct it does not support.
type compilePanic struct{ value any }

func (p compilePanic) Error() string { return fmt.Sprint(p.value) }

// compile compiles src, turning compiler panics into compilePanic errors.
func (ip *interpreter) compile(src string) (prog *interp.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			prog, err = nil, compilePanic{r}
		}
	}()
	ip.compiles++
	return ip.in.Compile(src)
}

// cached compiles src once per interpreter. Re-executing a Program skips
// parsing and type checking and does not grow interpreter memory (notes §4).
func (ip *interpreter) cached(src string) (*interp.Program, error) {
	if p, ok := ip.cache[src]; ok {
		return p, nil
	}
	p, err := ip.compile(src)
	if err == nil {
		ip.cache[src] = p
	}
	return p, err
}

// callFree is callFree(code), remembered in here: whether the cached
// program of code runs on the task's goroutine (executeHere).
func (ip *interpreter) callFree(code string) bool {
	ok, seen := ip.here[code]
	if !seen {
		ok = callFree(code)
		ip.here[code] = ok
	}
	return ok
}

// forget drops cached programs; called when definitions change, since a
// cached program may have bound the old ones.
func (ip *interpreter) forget() {
	clear(ip.cache)
	clear(ip.funcs)
}

// outcome is what a background execution reports.
type outcome[T any] struct {
	v   T
	err error
}

// execute runs prog and returns when it finishes or ctx is done, whichever
// comes first. abandoned reports the latter: the program may still be
// running (yaegi cannot interrupt native calls such as time.Sleep), so the
// interpreter must not be used again.
func (ip *interpreter) execute(ctx context.Context, prog *interp.Program) (v reflect.Value, abandoned bool, err error) {
	return interruptible(ctx, ip, func() (reflect.Value, error) { return ip.in.Execute(prog) })
}

// interruptible runs f, which runs interpreted code of ip, on its own
// goroutine, and waits for it, for ctx, or for the task's os.Exit. When
// ctx wins, the interpreted code is told to stop and the goroutine is
// leaked; its result channel is buffered so that it can still finish.
// abandoned reports that f did not run to its end: ctx is done, or the
// program exited (ip.exited tells which). Panics in f are returned as
// interp.Panic.
func interruptible[T any](ctx context.Context, ip *interpreter, f func() (T, error)) (T, bool, error) {
	var zero T
	done := ip.stopper.arm()
	exited := ip.exits.channel()
	ch := make(chan outcome[T], 1)
	jobs := ip.jobs
	ip.jobs <- func() {
		var o outcome[T]
		returned := false
		defer func() {
			if r := recover(); r != nil {
				o = outcome[T]{err: interp.Panic{Value: r}}
			} else if !returned {
				// runtime.Goexit, from os.Exit or the snippet itself,
				// ends this runner: start another for the next job.
				o = outcome[T]{err: errGoexit}
				go runJobs(jobs)
			}
			ch <- o
		}()
		o.v, o.err = f()
		returned = true
	}
	select {
	case o := <-ch:
		if o.err == errGoexit && ip.exits.exited() {
			return zero, true, o.err
		}
		return o.v, false, o.err
	case <-exited:
		return zero, true, errGoexit
	case <-ctx.Done():
		old, ok := ip.stopper.stop(done)
		go func() {
			<-ch
			if ok {
				ip.stopper.revive(old)
			}
		}()
		return zero, true, ctx.Err()
	}
}

// executeHere is execute on the calling goroutine, without the hand-off
// to the runner and back, for code that callFree accepted: code that
// calls nothing and touches no channel never blocks outside the
// interpreter, so stopping the interpreter when ctx ends stops it at its
// next node and executeHere returns soon after, as execute does (and
// reports the run abandoned, so that the interpreter is replaced). An
// os.Exit in a goroutine an earlier task left running stops the run too
// (exit), which then reports errGoexit, as execute does.
func (ip *interpreter) executeHere(ctx context.Context, prog *interp.Program) (v reflect.Value, abandoned bool, err error) {
	ip.hereRuns++
	h := &ip.hereStop
	h.done = ip.stopper.arm()
	var stop func() bool
	if ctx.Done() != nil {
		if h.fire == nil {
			h.fire = h.stop
		}
		h.fired.Add(1)
		stop = context.AfterFunc(ctx, h.fire)
	}
	if ip.exits.exited() { // before arm: it stopped an earlier run
		if stop != nil {
			h.disarm(stop)
		}
		return reflect.Value{}, true, errGoexit
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				v, err = reflect.Value{}, interp.Panic{Value: r}
			}
		}()
		v, err = ip.in.Execute(prog)
	}()
	if stop != nil && h.disarm(stop) { // ctx ended: what ran may be cut short
		if h.revive {
			ip.stopper.revive(h.old)
		}
		return reflect.Value{}, true, ctx.Err()
	}
	if ip.exits.exited() {
		return reflect.Value{}, true, errGoexit
	}
	return v, false, err
}

// hereStop stops an executeHere run when its context ends mid-run. An
// interpreter has one, reused by its runs (one at a time), with the
// method value its AfterFunc calls made once: a run allocates only what
// context.AfterFunc itself does.
type hereStop struct {
	ip     *interpreter
	done   chan struct{} // the run's, from stopper.arm
	fire   func()        // stop, as a func value
	fired  sync.WaitGroup
	old    uint64 // what stop learnt, read once fired is waited for
	revive bool
}

// stop is the AfterFunc of a run whose context ended.
func (h *hereStop) stop() {
	h.old, h.revive = h.ip.stopper.stop(h.done)
	h.fired.Done()
}

// disarm undoes the run's AfterFunc (its stop func), waiting for h.stop
// if that runs already, and reports whether it did (ctx ended).
func (h *hereStop) disarm(stop func() bool) bool {
	if stop() {
		h.fired.Done()
		return false
	}
	h.fired.Wait()
	return true
}

// callFree reports whether body, Go statements, calls nothing (no
// parenthesis at all: no call, conversion or func type), touches no
// channel and starts nothing (no go, select, defer, range, func): such
// code runs only interpreter nodes, which stop when the interpreter is
// told to. It errs on the side of no.
func callFree(body string) bool {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", -1, len(body)), []byte(body), nil, 0)
	for {
		_, tok, _ := s.Scan()
		switch tok {
		case token.EOF:
			return s.ErrorCount == 0
		case token.ILLEGAL, token.LPAREN, token.ARROW, token.GO, token.SELECT, token.CHAN,
			token.DEFER, token.RANGE, token.FUNC, token.GOTO, token.IMPORT:
			return false
		}
	}
}

// callFreeCell reports whether cell, the front end's lowered cell
// (func NAME() [RESULT] { BODY }, with //line comments), has a callFree
// body and a plain signature.
func callFreeCell(cell string) bool {
	cell = strings.TrimSpace(cell)
	if !strings.HasSuffix(cell, "}") {
		return false
	}
	head, body, ok := strings.Cut(cell, "{")
	if !ok {
		return false
	}
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", -1, len(head)), []byte(head), nil, 0)
	want := []token.Token{token.FUNC, token.IDENT, token.LPAREN, token.RPAREN}
	for i := 0; ; i++ {
		_, tok, _ := s.Scan()
		switch {
		case tok == token.EOF || tok == token.SEMICOLON:
			return i >= len(want) && s.ErrorCount == 0 && callFree(strings.TrimSuffix(body, "}"))
		case i < len(want) && tok == want[i]:
		case i == len(want) && tok == token.IDENT: // a named result type
		default:
			return false
		}
	}
}

// lookupFunc returns the interpreted top-level function name, if defined.
// yaegi's Symbols lists only exported names, so the name is evaluated as an
// expression instead; the compiled program is cached like any other.
// abandoned reports that ctx ended while the lookup ran (see execute).
func (ip *interpreter) lookupFunc(ctx context.Context, name string) (f reflect.Value, ok, abandoned bool) {
	if f, ok := ip.funcs[name]; ok {
		return f, true, false
	}
	if !token.IsIdentifier(name) {
		return reflect.Value{}, false, false
	}
	prog, err := ip.cached(";" + name)
	if err != nil {
		return reflect.Value{}, false, false
	}
	v, abandoned, err := ip.execute(ctx, prog)
	if err != nil || !v.IsValid() || v.Kind() != reflect.Func || v.IsNil() {
		return reflect.Value{}, false, abandoned
	}
	ip.funcs[name] = v
	return v, true, false
}

// abandon cuts the interpreter off from output capture and stops its
// interpreted code at the next node (yaegi cancels via the context we
// passed); native calls in flight finish on their own.
func (ip *interpreter) abandon() {
	ip.out.detach()
	ip.close()
}

// close stops the runner once its current job, if any, returns.
func (ip *interpreter) close() {
	if ip.jobs != nil {
		close(ip.jobs)
		ip.jobs = nil
	}
}

// runJobs is the runner goroutine: it executes jobs one at a time.
func runJobs(jobs <-chan func()) {
	for f := range jobs {
		f()
	}
}

// replay re-evaluates declarations, in order, in a fresh interpreter,
// and returns those that failed: a declaration that used a lost
// statement-mode global cannot be restored.
func (ip *interpreter) replay(ctx context.Context, defs []string) (failed []string) {
	for _, src := range defs {
		prog, err := ip.compile(src)
		if err == nil {
			_, _, err = ip.execute(ctx, prog)
		}
		if err != nil {
			failed = append(failed, src)
		}
	}
	return failed
}
