package eval

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dpfw/dpfw/eval/front"
	"github.com/dpfw/dpfw/eval/sandbox"
	"github.com/traefik/yaegi/interp"
)

// Config tunes an Engine. The zero value is usable: zero fields take the
// documented defaults.
type Config struct {
	// MaxOutput bounds the captured stdout+stderr of one task in bytes
	// (0 = 1 MiB). Output beyond it is dropped and a truncation marker is
	// appended; the task does not fail.
	MaxOutput int
	// MaxSource bounds the snippet length in bytes (0 = 1 MiB); longer
	// snippets fail with KindTooLarge.
	MaxSource int
	// MaxResult bounds the data size of a result in bytes (0 = 64 MiB,
	// the session's frame limit); larger results fail with KindTooLarge
	// before they are copied.
	MaxResult int
	// RecycleAfter replaces the interpreter after this many distinct
	// compiles (0 = 2000), bounding yaegi's memory growth.
	RecycleAfter int
	// Packages are native packages compiled into the program, importable
	// by every snippet (PackagesOf converts a table that `yaegi extract`
	// generated). Engine.Register adds more while the engine runs.
	Packages []Package
	// NoFrontEnd sends snippets to yaegi as written, without the Go front
	// end (eval/front: type checking and lowering), with yaegi's Go 1.21
	// limits and quirks. It exists to measure what the front end costs.
	NoFrontEnd bool
	// Sandbox, if set, is a directory that confines snippets (package
	// eval/sandbox says exactly how): they cannot import packages that
	// reach the network, other processes, system calls or unsafe memory,
	// and they read and write files only inside this directory, which is
	// also their working and temporary directory. Engine.Register then
	// refuses run-time native code. Empty means the full standard library.
	Sandbox string
	// KeepValues makes Result.Value the snippet's value itself, neither
	// copied nor checked for sending (it may alias interpreter memory, and
	// hold funcs and channels): for an engine whose results stay in its
	// process, such as the dpfw REPL's :local. Text shows it as usual.
	KeepValues bool

	sandbox *sandbox.Sandbox // opened by New from Sandbox
}

func (c Config) withDefaults() Config {
	if c.MaxOutput <= 0 {
		c.MaxOutput = 1 << 20
	}
	if c.MaxResult <= 0 {
		c.MaxResult = 64 << 20
	}
	if c.MaxSource <= 0 {
		c.MaxSource = 1 << 20
	}
	if c.RecycleAfter <= 0 {
		c.RecycleAfter = 2000
	}
	return c
}

// Engine is one interpreter plus a persistent Table. It runs one task at a
// time: Run, RunStream and Call may be called from many goroutines, and
// queue on an internal lock (a waiting caller gives up when its ctx is
// done).
type Engine struct {
	cfg   Config
	table *Table
	sem   chan struct{} // one token; holding it protects the fields below

	ip      *interpreter
	front   *front.Front         // nil with Config.NoFrontEnd
	extra   []interp.Exports     // native types registered for lowered code, for replay
	imports []importSpec         // every import that succeeded, for replay
	defs    []string             // declaration segments that succeeded, for replay
	parsed  map[string][]segment // parseSnippet results by source, bounded by maxParsed
	natives []Package            // packages registered at run time, in order, one per Path
	srcs    []string             // snippets whose declarations the front end committed, for rebuild
	globals []string             // variables statements declared in this interpreter, in order
	lost    []string             // what resets during the current task lost, for Result.Lost
	stopped bool                 // the next recycle follows a stop: the old interpreter's code may still run
	closed  bool

	pmu     sync.Mutex // protects the two fields below; never held with sem waited for
	pending []Package  // registered, to apply when the next task starts
	shut    bool       // Close has begun: Register fails
}

// Result is the outcome of one task.
type Result struct {
	Value    any           // deep copy of the last expression's value; never aliases interpreter memory
	HasValue bool          // false when the snippet did not end in a value-producing expression
	Text     string        // display form of Value (strings quoted)
	Output   []byte        // captured stdout+stderr of this task, in order
	Reset    bool          // the interpreter was replaced during this task (globals lost, definitions replayed)
	Lost     []string      // when Reset: the variables statements had declared, and declarations that did not replay (they used those)
	Took     time.Duration // wall time of the task
	Exit     *Exit         // set when the snippet called os.Exit or log.Fatal (a non-zero status also fails the task with KindExit)
}

// New returns an Engine with a fresh interpreter. It takes a few
// milliseconds, mostly yaegi loading its standard library.
func New(cfg Config) (*Engine, error) {
	cfg = cfg.withDefaults()
	if err := checkPackages(cfg.Packages); err != nil {
		return nil, err
	}
	if cfg.Sandbox != "" {
		sb, err := sandbox.New(cfg.Sandbox)
		if err != nil {
			return nil, fmt.Errorf("eval: %w", err)
		}
		cfg.Sandbox, cfg.sandbox = sb.Dir(), sb
	}
	e := &Engine{cfg: cfg, table: &Table{}, sem: make(chan struct{}, 1), parsed: map[string][]segment{}}
	ip, err := newInterpreter(cfg, e.table, e.packages())
	if err != nil {
		if cfg.sandbox != nil {
			cfg.sandbox.Close()
		}
		return nil, err
	}
	e.ip = ip
	// A sandboxed engine's os package has types of its own (eval/sandbox)
	// that the front end does not model yet: it runs without one.
	if !cfg.NoFrontEnd && cfg.Sandbox == "" {
		if e.front, err = e.newFront(); err != nil {
			ip.close()
			return nil, err
		}
	}
	return e, nil
}

// newFront returns a front end that knows nothing declared yet.
func (e *Engine) newFront() (*front.Front, error) {
	f := front.New(front.Config{Native: e.nativeSymbols, Names: e.nativeNames})
	if err := f.Predeclare("dpfw"); err != nil {
		return nil, fmt.Errorf("eval: front end: %w", err)
	}
	return f, nil
}

// nativeSymbols returns a non-standard package registered in the interpreter,
// for the front end's type checker.
func (e *Engine) nativeSymbols(path string) (string, map[string]reflect.Value, bool) {
	for key, syms := range e.ip.in.Symbols(path) {
		if key != path {
			continue
		}
		name := path[strings.LastIndexByte(path, '/')+1:]
		for _, p := range e.packages() {
			if (p.Path == path || p.RealPath == path) && p.Name != "" {
				name = p.Name
			}
		}
		return name, syms, true
	}
	return "", nil, false
}

// Table returns the engine's persistent table; it is the same table that
// snippets reach as dpfw.Table(). It never blocks.
func (e *Engine) Table() *Table { return e.table }

// Close releases the interpreter. It waits for a running task to finish and
// is idempotent; later calls to other methods return ErrClosed.
func (e *Engine) Close() error {
	e.pmu.Lock()
	e.shut = true
	e.pmu.Unlock()
	e.sem <- struct{}{}
	defer func() { <-e.sem }()
	if !e.closed {
		e.closed = true
		e.ip.abandon()
		e.ip = nil
		if e.cfg.sandbox != nil {
			e.cfg.sandbox.Close()
		}
	}
	return nil
}

// acquire takes the engine lock, or gives up when ctx is done.
func (e *Engine) acquire(ctx context.Context) error {
	if ctx.Err() != nil {
		// Checked first: select picks at random when both are ready, and
		// starting a task under a dead ctx would only taint the interpreter.
		return ctxError(ctx)
	}
	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return ctxError(ctx)
	}
	if e.closed {
		<-e.sem
		return ErrClosed
	}
	return nil
}

func (e *Engine) release() { <-e.sem }

// ctxError classifies a done context.
func ctxError(ctx context.Context) *Error {
	if ctx.Err() == context.DeadlineExceeded {
		return errorf(KindTimeout, "deadline exceeded")
	}
	return errorf(KindCanceled, "canceled")
}

// Reset replaces the interpreter with a fresh one and forgets every
// import, declaration and global that earlier tasks made: the next task
// runs as on a new engine. The table is kept (it is the engine's
// persistent state; delete its keys to clear it). Reset waits for a
// running task like Run does, and gives up when ctx is done first.
func (e *Engine) Reset(ctx context.Context) error {
	if err := e.acquire(ctx); err != nil {
		return err
	}
	defer e.release()
	imports, defs, extra, srcs := e.imports, e.defs, e.extra, e.srcs
	e.imports, e.defs, e.extra, e.srcs = nil, nil, nil, nil
	if err := e.recycle(); err != nil {
		e.imports, e.defs, e.extra, e.srcs = imports, defs, extra, srcs // the old interpreter is still in place
		return errorf(KindInternal, "%v", err)
	}
	if e.front != nil {
		f, err := e.newFront()
		if err != nil {
			return errorf(KindInternal, "%v", err)
		}
		e.front = f
	}
	return nil
}

// recycle replaces the interpreter with a fresh one and replays imports and
// declarations into it. Replay errors are ignored: a declaration that
// depended on a lost statement-mode global cannot be restored.
func (e *Engine) recycle() error {
	return e.renew(true)
}

// renew is recycle; with again, it may start over once (see carry).
func (e *Engine) renew(again bool) error {
	// Build the new interpreter first: if that fails, the old one stays
	// in place rather than leaving the engine with none.
	ip, err := newInterpreter(e.cfg, e.table, e.packages())
	if err != nil {
		return err
	}
	var vars map[string]reflect.Value // the old interpreter's variables, to carry over (carry.go)
	var unkept map[string]bool        // ... those that cannot be
	defer func() { e.stopped = false }()
	if e.ip != nil {
		if len(e.defs) > 0 {
			vars = varsOf(e.ip.in)
			unkept = uncarried(vars, ip, !e.stopped)
		}
		e.ip.abandon()
	}
	e.unkeep(unkept)
	ctx := context.Background()
	for _, ex := range e.extra {
		_ = ip.in.Use(ex)
	}
	for _, s := range e.imports {
		_ = ip.importOnce(ctx, s)
	}
	failed := ip.replay(ctx, e.defs)
	ip.compiles = 0 // replays are not growth; do not recycle again at once
	if vars != nil {
		missed := carry(ip.in, vars, unkept)
		if len(missed) > 0 && again {
			// The old storage was of another type than the replay's (yaegi
			// replaces an interface variable's storage by the program value
			// assigned to it): the variable reads its initializer now.
			// Forget it, and what used it, and replay again without them.
			e.ip = ip
			set := map[string]bool{}
			for _, name := range missed {
				set[name] = true
			}
			e.unkeep(set)
			return e.renew(false)
		}
		for _, name := range missed {
			e.lost = append(e.lost, userName(name))
		}
	}
	e.ip = ip
	e.lost = append(e.lost, e.globals...)
	e.globals = nil
	for _, src := range failed {
		// Gone for good: it would fail again at every later replay.
		e.defs = slices.DeleteFunc(e.defs, func(d string) bool { return d == src })
		if e.front == nil {
			e.lost = append(e.lost, declNames(src)...)
		}
	}
	return nil
}

// unkeep forgets the variables unkept names (interpreter names) and what
// used them: they are lost, and the next replay leaves them out.
func (e *Engine) unkeep(unkept map[string]bool) {
	if e.front != nil {
		// The front end says which statement variables, and which
		// declarations that used them or a variable that cannot be
		// carried over, the new interpreter loses.
		lost, dropped := e.front.Reset(unkept)
		e.lost = append(e.lost, lost...)
		e.forget(dropped)
		return
	}
	if len(unkept) == 0 {
		return
	}
	// No front end to forget them: the declarations of those that
	// cannot be carried over leave the replay (with whatever else they
	// declared), and what used them fails to replay.
	e.defs = slices.DeleteFunc(e.defs, func(src string) bool {
		names := declNames(src)
		if !slices.ContainsFunc(names, func(n string) bool { return unkept[n] }) {
			return false
		}
		e.lost = append(e.lost, names...)
		return true
	})
}

// forget stops replaying what the front end dropped: declarations that
// only declared names it forgot (x := 5 is var x int), which would
// otherwise make every new interpreter, and the engine, grow with every
// statement variable ever declared.
func (e *Engine) forget(dropped []front.Dropped) {
	if len(dropped) == 0 {
		return
	}
	kept := map[string]int{} // Decls the front end still replays, by text
	for _, d := range e.front.Replayed() {
		kept[d]++
	}
	for _, d := range dropped {
		n := 0
		for _, def := range e.defs {
			if def == d.Decls {
				n++
			}
		}
		if n > kept[d.Decls] {
			i := slices.Index(e.defs, d.Decls)
			e.defs = slices.Delete(e.defs, i, i+1)
		}
	}
	// e.srcs holds the sources of the front end's history, in order
	// (declare): the front end says what is left.
	e.srcs = e.front.Sources()
}

// addGlobals records variables a statement segment declared: a reset
// loses them.
func (e *Engine) addGlobals(names []string) {
	for _, n := range names {
		if !slices.Contains(e.globals, n) {
			e.globals = append(e.globals, n)
		}
	}
}

// takeLost returns, if reset, the names that resets during this task
// lost, each once, and forgets them.
func (e *Engine) takeLost(reset bool) []string {
	lost := e.lost
	e.lost = nil
	if !reset || len(lost) == 0 {
		return nil
	}
	slices.Sort(lost)
	return slices.Compact(lost)
}

// remember records a declaration segment for replay. The whole history is
// kept, in order: yaegi binds calls when it compiles them and a failed
// compile can leave an interpreter half-updated, so replaying exactly the
// sequence that succeeded is the only faithful reconstruction. Only an
// immediate repeat (a cell re-run) is dropped.
func (e *Engine) remember(src string) {
	if n := len(e.defs); n > 0 && e.defs[n-1] == src {
		return
	}
	e.defs = append(e.defs, src)
}

// The parse cache holds at most maxParsed snippets of at most
// maxParsedLen bytes; when full it is simply dropped.
const (
	maxParsed    = 1024
	maxParsedLen = 4 << 10
)

// parse returns the segments of src, from the cache when it has them:
// repeated snippets then skip go/parser as well as yaegi's compiler.
func (e *Engine) parse(src string) ([]segment, *Error) {
	if segs, ok := e.parsed[src]; ok {
		return segs, nil
	}
	segs, err := parseSnippet(src, e.nativeNames())
	if err != nil {
		return nil, err
	}
	if len(src) > maxParsedLen {
		return segs, nil
	}
	if len(e.parsed) >= maxParsed {
		clear(e.parsed)
	}
	e.parsed[src] = segs
	return segs, nil
}
