package eval

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"reflect"
	"runtime"
	"sync"

	"github.com/traefik/yaegi/interp"
)

// Exit is how a task that called os.Exit or log.Fatal ended. As in Go,
// the program stopped there: deferred calls did not run, the goroutines
// it started were stopped, and its output up to the call is kept.
type Exit struct {
	// Code is the status passed to os.Exit; 1 for log.Fatal. A non-zero
	// Code also fails the task with KindExit ("exit status N").
	Code int
	// Stderr is the line that log.Fatal wrote to the standard error on
	// its way out (with the logger's prefix and flags), which Go prints
	// after everything else; it is not in Result.Output, which a caller
	// such as dpfw prints to its standard output. Empty for os.Exit, and
	// when the logger writes elsewhere (log.SetOutput): then the line is
	// where the logger put it.
	Stderr string
}

// errGoexit is what a run reports when its goroutine ended by
// runtime.Goexit: by os.Exit (exits says so), or by the snippet calling
// runtime.Goexit itself.
var errGoexit = errors.New("runtime.Goexit called on the task's goroutine: it ended without returning")

// exits records the os.Exit of the task that an interpreter runs. The
// engine opens it around each task (begin/end): an os.Exit outside a
// task, in a goroutine that an earlier task left running, ends only that
// goroutine.
type exits struct {
	mu     sync.Mutex // protects the fields below
	active bool       // a task is running
	// done is closed by the task's first os.Exit. It is made when
	// someone first asks for it (channel): a task whose code runs on
	// the caller's goroutine (executeHere) never does.
	done chan struct{}
	exit *Exit // that os.Exit, once it happened
}

func (x *exits) begin() {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.active, x.done, x.exit = true, nil, nil
}

// end closes the task and returns its os.Exit, or nil.
func (x *exits) end() *Exit {
	x.mu.Lock()
	defer x.mu.Unlock()
	ex := x.exit
	x.active, x.done, x.exit = false, nil, nil
	return ex
}

// channel returns the channel that the running task's os.Exit closes;
// nil (never ready) outside a task.
func (x *exits) channel() chan struct{} {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.active && x.done == nil {
		x.done = make(chan struct{})
		if x.exit != nil { // exited before anyone asked
			close(x.done)
		}
	}
	return x.done
}

// exited reports whether the running task has called os.Exit.
func (x *exits) exited() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.exit != nil
}

// exit is os.Exit as snippets see it (yaegi's own panics, which would run
// deferred calls and could be recovered). The first call of a task
// records the status, closes the task's output window (native deferred
// calls still run as the goroutine unwinds; they print nothing more),
// stops the run, which makes every interpreted function of it, deferred
// ones included, return at once in every goroutine, and wakes the engine,
// which replaces the interpreter: goroutines blocked in native calls are
// abandoned with it. Then the calling goroutine ends (runtime.Goexit:
// unlike a panic, no recover, in interpreted or in native code such as
// fmt's, can stop it).
func (ip *interpreter) exit(code int, stderr string) {
	x := &ip.exits
	x.mu.Lock()
	if x.active && x.exit == nil {
		x.exit = &Exit{Code: code, Stderr: stderr}
		ip.out.seal()
		ip.stopper.stopCurrent()
		if x.done != nil {
			close(x.done)
		}
	}
	x.mu.Unlock()
	runtime.Goexit()
}

// exitSymbols are os.Exit and the log functions that exit, bound to ip.
// log's Fatal functions print through yaegi's per-interpreter standard
// logger (its prefix, flags and writer, as log.SetOutput/SetFlags left
// them) and exit with status 1, as Go's do; log.Panic* already behave as
// Go's. An interpreter without package log gets only os.Exit.
func (ip *interpreter) exitSymbols() interp.Exports {
	ex := interp.Exports{"os/os": {"Exit": reflect.ValueOf(func(code int) { ip.exit(code, "") })}}
	std := ip.in.Symbols("log")["log"]
	writer, ok1 := symbol[func() io.Writer](std, "Writer")
	prefix, ok2 := symbol[func() string](std, "Prefix")
	flags, ok3 := symbol[func() int](std, "Flags")
	output, ok4 := symbol[func(int, string) error](std, "Output")
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return ex
	}
	fatal := func(msg string) {
		w := writer()
		if w != io.Writer(ip.errw) {
			output(3, msg)
			ip.exit(1, "")
		}
		// The interpreter's stderr: the line goes in Exit.Stderr, so that
		// a caller can print it where Go does.
		var buf bytes.Buffer
		log.New(&buf, prefix(), flags()).Output(3, msg)
		ip.exit(1, buf.String())
	}
	ex["log/log"] = map[string]reflect.Value{
		"Fatal":   reflect.ValueOf(func(v ...any) { fatal(fmt.Sprint(v...)) }),
		"Fatalf":  reflect.ValueOf(func(format string, v ...any) { fatal(fmt.Sprintf(format, v...)) }),
		"Fatalln": reflect.ValueOf(func(v ...any) { fatal(fmt.Sprintln(v...)) }),
	}
	return ex
}

// symbol returns syms[name] as a T, if it is one.
func symbol[T any](syms map[string]reflect.Value, name string) (T, bool) {
	var zero T
	v, ok := syms[name]
	if !ok || !v.IsValid() || !v.CanInterface() {
		return zero, false
	}
	f, ok := v.Interface().(T)
	return f, ok
}
