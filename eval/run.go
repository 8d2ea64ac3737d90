package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/dpfw/dpfw/eval/front"
	"github.com/dpfw/dpfw/eval/front/shim"
	"github.com/dpfw/dpfw/eval/sandbox"
)

// task is the state of one Run, RunStream or Call while it holds the lock.
type task struct {
	res       Result
	tainted   bool // the interpreter must be replaced before the next task
	maxResult int  // Config.MaxResult
	keep      bool // Config.KeepValues
}

// Run evaluates src on the engine and returns the value of its last
// expression. It blocks until the snippet finishes or ctx is done; in the
// latter case it returns promptly, and the interpreter, which may still be
// busy in a native call, is replaced (Result.Reset). Calls from several
// goroutines run one at a time. On failure the error is an *Error (or
// ErrClosed) and the Result still carries Output, Reset and Took.
func (e *Engine) Run(ctx context.Context, src string) (Result, error) {
	return e.do(ctx, func(t *task) *Error {
		v, seg, err := e.runSnippet(ctx, t, src)
		if err != nil {
			return err
		}
		return t.setValue(v, seg)
	})
}

// RunStream evaluates src, which must yield a func(io.Reader, io.Writer)
// error (or a func(io.Reader, io.Writer)), and calls it with r and w. A
// non-nil error from the func fails the task with KindError. Blocking and
// cancellation are as for Run; after a cancel the func may still be using
// r and w in the background.
func (e *Engine) RunStream(ctx context.Context, src string, r io.Reader, w io.Writer) (Result, error) {
	return e.do(ctx, func(t *task) *Error {
		v, seg, err := e.runSnippet(ctx, t, src)
		if err != nil {
			return err
		}
		fn, err := streamFunc(v, seg)
		if err != nil {
			return err
		}
		_, abandoned, ferr := interruptible(ctx, e.ip, func() (struct{}, error) { return struct{}{}, fn(r, w) })
		return t.check(ctx, abandoned, ferr)
	})
}

var (
	streamType  = reflect.TypeOf(func(io.Reader, io.Writer) error { return nil })
	stream0Type = reflect.TypeOf(func(io.Reader, io.Writer) {})
)

func streamFunc(v reflect.Value, seg segment) (func(io.Reader, io.Writer) error, *Error) {
	if seg.lastExpr && v.IsValid() && v.Kind() == reflect.Func && !v.IsNil() {
		switch {
		case v.Type().ConvertibleTo(streamType):
			return v.Convert(streamType).Interface().(func(io.Reader, io.Writer) error), nil
		case v.Type().ConvertibleTo(stream0Type):
			f := v.Convert(stream0Type).Interface().(func(io.Reader, io.Writer))
			return func(r io.Reader, w io.Writer) error { f(r, w); return nil }, nil
		}
	}
	return nil, errorf(KindError, "RunStream: the snippet must evaluate to a func(io.Reader, io.Writer) error")
}

// check classifies the end of a background call: ctx done, panic, or a
// returned error.
func (t *task) check(ctx context.Context, abandoned bool, err error) *Error {
	if abandoned {
		t.tainted = true
		return ctxError(ctx)
	}
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil && errors.Is(err, cerr) {
		// The func returned because the task was cancelled (its stream
		// input fails with ctx's error): the task was cancelled, whichever
		// of the two was noticed first.
		return ctxError(ctx)
	}
	var p interp.Panic
	switch {
	case errors.As(err, &p):
		return panicError(p)
	case err == errGoexit:
		return goexitError(t)
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		// The func gave up because the task was cancelled (a stream
		// closed by the cancel), and returned before interruptible saw
		// ctx done: the task was cancelled, it did not fail.
		return ctxError(ctx)
	}
	return errorf(KindError, "%v", err)
}

// goexitError fails a task whose goroutine called runtime.Goexit (Go
// would end the program with "no goroutines" once every other goroutine
// had ended). The runner that ran it is gone: replace the interpreter.
func goexitError(t *task) *Error {
	t.tainted = true
	return errorf(KindPanic, "%v", errGoexit)
}

// do runs body as one task: it takes the lock, recycles the interpreter
// when due, opens the output window and turns host panics into
// KindInternal.
func (e *Engine) do(ctx context.Context, body func(*task) *Error) (res Result, _ error) {
	start := time.Now()
	if err := e.acquire(ctx); err != nil {
		return Result{Took: time.Since(start)}, err
	}
	defer e.release()
	t := &task{maxResult: e.cfg.MaxResult, keep: e.cfg.KeepValues}
	e.lost = nil // what an earlier reset lost was reported, or asked for (Reset)
	defer func() { res.Lost = e.takeLost(res.Reset) }()
	reset, perr := e.applyPackages()
	if perr != nil {
		return t.res, errorf(KindInternal, "registering native packages: %v", perr)
	}
	t.res.Reset = reset
	if e.ip.compiles >= e.cfg.RecycleAfter {
		if err := e.recycle(); err != nil {
			return t.res, errorf(KindInternal, "%v", err)
		}
		t.res.Reset = true
	}
	ip := e.ip
	ip.out.begin(e.cfg.MaxOutput, observerFrom(ctx))
	ip.exits.begin()
	reent := ip.reent
	reent.begin(ctx)
	err := e.guard(t, body)
	reent.end()
	ex := ip.exits.end()
	out, panics := ip.out.end()
	t.res.Output = out
	if ex != nil {
		err = t.exited(ex)
	}
	if err != nil && err.Kind == KindPanic {
		err.attachStack(panics)
	}
	if t.tainted {
		e.stopped = true
		if rerr := e.recycle(); rerr != nil && err == nil {
			err = errorf(KindInternal, "%v", rerr)
		}
		t.res.Reset = true
	}
	t.res.Took = time.Since(start)
	if err != nil {
		return t.res, err
	}
	return t.res, nil
}

// exited makes the task's result what os.Exit (or log.Fatal) left: no
// value, the exit status, and the interpreter replaced, since goroutines
// of the program may still be blocked in native calls. Status 0 is a
// success, as for go run.
func (t *task) exited(ex *Exit) *Error {
	t.tainted = true
	t.res.Value, t.res.HasValue, t.res.Text = nil, false, ""
	t.res.Exit = ex
	if ex.Code == 0 {
		return nil
	}
	return errorf(KindExit, "exit status %d", ex.Code)
}

// guard calls body, converting a panic in our own or yaegi's host code into
// KindInternal and marking the interpreter for replacement.
func (e *Engine) guard(t *task, body func(*task) *Error) (err *Error) {
	defer func() {
		if r := recover(); r != nil {
			t.tainted = true
			err = errorf(KindInternal, "interpreter failure: %v", r)
		}
	}()
	return body(t)
}

// runSnippet evaluates every segment of src in order and returns the raw
// value of the last one with that segment.
func (e *Engine) runSnippet(ctx context.Context, t *task, src string) (reflect.Value, segment, *Error) {
	if len(src) > e.cfg.MaxSource {
		return reflect.Value{}, segment{}, errorf(KindTooLarge, "source is %d bytes; the limit is %d", len(src), e.cfg.MaxSource)
	}
	if e.front != nil {
		return e.runFront(ctx, t, src)
	}
	segs, err := e.parse(src)
	if err != nil {
		return reflect.Value{}, segment{}, err
	}
	// Any snippet may reassign a func variable that Call cached.
	clear(e.ip.funcs)
	var v reflect.Value
	var last segment
	for _, seg := range segs {
		if v, err = e.runSegment(ctx, t, seg); err != nil {
			return reflect.Value{}, seg, err
		}
		last = seg
	}
	if last.kind != segStmt {
		return reflect.Value{}, last, nil
	}
	return v, last, nil
}

func (e *Engine) runSegment(ctx context.Context, t *task, seg segment) (reflect.Value, *Error) {
	switch seg.kind {
	case segImport:
		return reflect.Value{}, e.runImports(ctx, t, seg)
	case segDecl:
		_, err := e.exec(ctx, t, seg, false)
		if err == nil {
			e.remember(seg.src)
			e.ip.forget()
		}
		return reflect.Value{}, err
	}
	return e.exec(ctx, t, seg, true)
}

func (e *Engine) runImports(ctx context.Context, t *task, seg segment) *Error {
	for _, s := range seg.imports {
		if err := e.ip.importOnce(ctx, s); err != nil {
			if seg.auto {
				continue // best effort: the snippet's own code decides
			}
			if missing := e.missingNative(s.path); missing != nil {
				missing.Pos = seg.startPos()
				return missing
			}
			if why, denied := sandbox.Denied(s.path); denied && e.cfg.sandbox != nil {
				return &Error{Kind: KindCompile, Pos: seg.startPos(),
					Msg: fmt.Sprintf("package %s is not available in the sandbox: %s", s.path, why)}
			}
			return seg.convert(t, err)
		}
		e.rememberImport(s)
	}
	return nil
}

func (e *Engine) rememberImport(s importSpec) {
	for _, x := range e.imports {
		if x == s {
			return
		}
	}
	e.imports = append(e.imports, s)
}

// exec compiles (through the cache when useCache) and executes one
// segment.
func (e *Engine) exec(ctx context.Context, t *task, seg segment, useCache bool) (reflect.Value, *Error) {
	compile := e.ip.compile
	if useCache {
		compile = e.ip.cached
		if _, hit := e.ip.cache[seg.code()]; !hit && seg.defines {
			// New variables may shadow names that cached programs bound.
			e.ip.forget()
		}
	}
	prog, err := compile(seg.code())
	if err != nil {
		return reflect.Value{}, seg.convert(t, err)
	}
	e.addGlobals(seg.globals)
	execute := e.ip.execute
	if useCache && e.ip.callFree(seg.code()) {
		execute = e.ip.executeHere
	}
	v, abandoned, err := execute(ctx, prog)
	if abandoned {
		t.tainted = true
		return reflect.Value{}, ctxError(ctx)
	}
	if err != nil {
		return reflect.Value{}, seg.convert(t, err)
	}
	if useCache && seg.lastExpr && voidCall(prog) {
		return reflect.Value{}, nil
	}
	return v, nil
}

// posMsg splits yaegi's "[file.go:]line:col: message" error text.
var posMsg = regexp.MustCompile(`^(?:\S*\.go:)?(\d+):(\d+): (.*)`)

// lineMsg splits yaegi's "line: message", for positions from //line
// directives without a column.
var lineMsg = regexp.MustCompile(`^(\d+): (.*)`)

var unsupportedBuiltin = regexp.MustCompile(`^undefined: (min|max|clear)$`)

// convert turns an error from compiling or executing seg into an *Error
// positioned in the user's snippet.
func (seg segment) convert(t *task, err error) *Error {
	var cp compilePanic
	var p interp.Panic
	switch {
	case errors.As(err, &cp):
		t.tainted = true // the compiler died half way; its state is suspect
		return errorf(KindUnsupported, "the interpreter crashed compiling this snippet (%v); "+
			"it may use a Go 1.22+ feature such as range over an int or a func", cp.value)
	case errors.As(err, &p):
		return panicError(p)
	case err == errGoexit:
		return goexitError(t)
	}
	msg := strings.SplitN(err.Error(), "\n", 2)[0]
	out := &Error{Kind: KindCompile, Msg: msg}
	if m := posMsg.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		out.Pos, out.Msg = seg.userPos(line, col), m[3]
	}
	if m := unsupportedBuiltin.FindStringSubmatch(out.Msg); m != nil {
		out.Kind = KindUnsupported
		out.Msg = fmt.Sprintf("builtin %s is not supported by this interpreter (yaegi, Go 1.21 syntax); write it out by hand", m[1])
	}
	return out
}

// panicError describes a panic raised by interpreted code.
func panicError(p interp.Panic) *Error {
	v := panicValue(p.Value)
	if sub, ok := v.(*Error); ok && sub != nil {
		// A sub-task's failure, re-raised (panic(err) after dpfw.Force):
		// the task fails with the sub-task's kind.
		return &Error{Kind: sub.Kind, Msg: "sub-task failed: " + sub.Error()}
	}
	if u, ok := v.(*shim.Unsupported); ok {
		return &Error{Kind: KindUnsupported, Msg: u.Msg}
	}
	msg := fmt.Sprint(p.Value)
	if goMsg, ok := goPanics[msg]; ok {
		msg = goMsg
	}
	return &Error{Kind: KindPanic, Msg: msg}
}

// goPanics maps the reflect panics by which yaegi reports Go's run-time
// errors to Go's own words. Go adds the index and the length ("index out
// of range [5] with length 3"); yaegi does not know them, so neither do
// we, and the message ends where Go's bracket would begin.
var goPanics = map[string]string{
	"reflect: slice index out of range":                     "runtime error: index out of range",
	"reflect: array index out of range":                     "runtime error: index out of range",
	"reflect: string index out of range":                    "runtime error: index out of range",
	"reflect.Value.Slice: slice index out of bounds":        "runtime error: slice bounds out of range",
	"reflect.Value.Slice3: slice index out of bounds":       "runtime error: slice bounds out of range",
	"reflect.Value.Slice: string slice index out of bounds": "runtime error: slice bounds out of range",
}

// panicValue is the value a snippet panicked with: yaegi hands it over
// as a reflect.Value or as the value itself.
func panicValue(v any) any {
	if rv, ok := v.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		return rv.Interface()
	}
	return v
}

// attachStack fills Pos and Stack from the "line:col: panic: ..." lines
// yaegi printed, innermost first. The Stack keeps the snippet's own
// functions only: the frames of what runs the snippet itself (the front
// end's cell, "main.ᐧcell3", and the top-level evaluation, "main", at a
// column past the user's line) name nothing the user wrote.
func (e *Error) attachStack(lines []string) {
	var stack []string
	for _, l := range lines {
		if m := posMsg.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
			if e.Pos == "" {
				e.Pos = m[1] + ":" + m[2]
			}
			if m[3] == "panic: main(...)" || strings.HasPrefix(m[3], "panic: main.ᐧ") {
				continue
			}
			stack = append(stack, m[1]+":"+m[2]+": "+m[3])
		}
	}
	e.Stack = strings.Join(stack, "\n")
}

// runFront runs src through the front end: the lowered declarations,
// then the cell holding the statements, then the call of the cell whose
// value is the snippet's.
func (e *Engine) runFront(ctx context.Context, t *task, src string) (reflect.Value, segment, *Error) {
	p, ferr := e.front.Lower(src)
	if ferr != nil {
		if nerr := e.missingNative(ferr.Import); ferr.Import != "" && nerr != nil {
			nerr.Pos = ferr.Pos
			return reflect.Value{}, segment{}, nerr
		}
		kind := KindCompile
		if ferr.Unsupported {
			kind = KindUnsupported
		}
		return reflect.Value{}, segment{}, &Error{Kind: kind, Pos: ferr.Pos, Msg: ferr.Msg}
	}
	// yaegi's own positions come from the //line directives: the user's.
	seg := segment{kind: segStmt, endLine: 1 << 30, lastExpr: p.Value || p.Nil, isNil: p.Nil}
	if err := e.declare(ctx, t, seg, p, src); err != nil {
		return reflect.Value{}, seg, err
	}
	if p.Cell != "" {
		if _, err := e.runLowered(ctx, t, seg, p.Cell, false); err != nil {
			return reflect.Value{}, seg, err
		}
		if p.Call != "" && callFreeCell(p.Cell) {
			e.ip.here[p.Call] = true // the cell's name is never reused
		}
	}
	if p.Call == "" {
		return reflect.Value{}, seg, nil
	}
	v, err := e.runLowered(ctx, t, seg, p.Call, true)
	return v, seg, err
}

// declare brings what the lowered snippet p (of source src) needs into
// the interpreter, native types and imports, runs its declarations and
// commits them to the front end.
func (e *Engine) declare(ctx context.Context, t *task, seg segment, p *front.Program, src string) *Error {
	for _, nt := range p.Natives {
		ex := interp.Exports{nt.Path + "/" + nt.Pkg: {nt.Name: reflect.Zero(reflect.PointerTo(nt.Type))}}
		if err := e.ip.in.Use(ex); err != nil {
			return errorf(KindInternal, "registering %s.%s: %v", nt.Path, nt.Name, err)
		}
		e.extra = append(e.extra, ex)
	}
	for _, im := range p.Imports {
		s := importSpec{name: im.Name, path: im.Path}
		if err := e.ip.importOnce(ctx, s); err != nil {
			if ctx.Err() != nil {
				return ctxError(ctx) // the deadline came while it imported: not the package's fault
			}
			return errorf(KindUnsupported, "package %s is not available in this interpreter (%v)", im.Path, err)
		}
		e.rememberImport(s)
	}
	clear(e.ip.funcs) // any snippet may reassign a func variable that Call cached
	if p.Decls != "" {
		if _, err := e.runLowered(ctx, t, seg, p.Decls, false); err != nil {
			return err
		}
		e.remember(p.Decls)
		e.srcs = append(e.srcs, src)
	}
	e.front.Commit(p)
	return nil
}

// runLowered compiles and runs lowered code. The front end accepted the
// snippet, so a compile error here is the interpreter's limit: unsupported.
func (e *Engine) runLowered(ctx context.Context, t *task, seg segment, code string, cached bool) (reflect.Value, *Error) {
	compile := e.ip.compile
	if cached {
		compile = e.ip.cached
	}
	prog, err := compile(code)
	if err != nil {
		cerr := seg.convert(t, err)
		if cerr.Kind == KindCompile {
			cerr.Kind = KindUnsupported
			if m := lineMsg.FindStringSubmatch(cerr.Msg); m != nil {
				cerr.Pos, cerr.Msg = m[1]+":1", m[2]
			}
			cerr.Msg = "the interpreter cannot run this valid Go: " + cerr.Msg
		}
		return reflect.Value{}, cerr
	}
	execute := e.ip.execute
	if cached && e.ip.here[code] {
		execute = e.ip.executeHere
	}
	v, abandoned, err := execute(ctx, prog)
	if abandoned {
		t.tainted = true
		return reflect.Value{}, ctxError(ctx)
	}
	if err != nil {
		return reflect.Value{}, seg.convert(t, err)
	}
	return v, nil
}
