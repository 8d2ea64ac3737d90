// Package eval runs Go source snippets in yaegi interpreters. It knows
// nothing of the network: the slave wraps an Engine per worker and ships
// Results and Errors over the wire.
//
// # Engines
//
// An Engine is one interpreter plus a persistent Table. It runs one task
// (Run, RunStream or Call) at a time; concurrent callers queue. Engines are
// independent, so N engines give N-way parallelism.
//
// # Snippets
//
// A snippet is a mix of top-level declarations (func, type, var, const,
// import) and statements, in any order, like a REPL cell:
//
//	import "strings"
//	func shout(s string) string { return strings.ToUpper(s) + "!" }
//	x := shout("hi")
//	x + x
//
// The value of the snippet is the value of its last statement when that is
// an expression statement (decided from the syntax, not from what yaegi
// returns, which is stale for declarations and assignments). Calls of
// functions without results, calls of fmt.Print* and fmt.Fprint* (whose
// byte counts are noise in a REPL), declarations and assignments yield no
// value. A call returning several values yields the first (yaegi's
// choice); Call returns them all.
//
// yaegi's REPL parser accepts a source of declarations only or of
// statements only, so a snippet is cut into segments at top-level
// boundaries: each declaration is one segment, and each run of statements
// is one. Segments are evaluated in order in the interpreter's global
// scope, so functions, types and variables (including those declared with
// := at the top level) persist across tasks on the same engine. Positions
// in errors refer to the user's snippet.
//
// Imports are applied once per interpreter and otherwise skipped: yaegi
// rejects a second import of the same package, but every snippet may
// import what it uses. The engine's Table is pre-imported as package dpfw
// (dpfw.Table().Set("k", v)); import "dpfw" is accepted too.
//
// # Native packages
//
// Compiled Go runs hundreds of times faster than interpreted Go. A
// Package is native code that snippets import and call, passing and
// receiving interpreted values (slices, maps, their own structs, funcs as
// callbacks): compiled into the program (Config.Packages) or registered
// while the engine runs (Engine.Register), as the slave does with the Go
// plugins it builds for masters (import path native/NAME). A package whose
// name no standard package has is imported for the snippets that use it.
// A new version of a registered package replaces the interpreter before
// the next task, so that no function keeps calling the old code.
//
// # Recycling
//
// An interpreter is replaced by a fresh one (Result.Reset) when
//   - a task's context is done: yaegi cannot interrupt native calls such as
//     time.Sleep, so the call returns at once and abandons the interpreter
//     to its leaked goroutine;
//   - the interpreter itself panicked (compile crash or host panic);
//   - it has compiled Config.RecycleAfter distinct sources: yaegi never
//     frees compiled code, and statement snippets grow the global frame.
//
// The new interpreter registers the same native packages and replays
// every import and declaration that succeeded before, so functions and
// types survive; variables declared by statements do not. The Table is
// native and survives unchanged.
//
// Identical statement segments are compiled once and re-executed, which is
// many times faster and does not grow memory.
//
// # Limits
//
// Every snippet passes through the Go front end (package eval/front)
// unless Config.NoFrontEnd: it is type-checked with go/types and lowered
// to the Go that yaegi v0.16.1 runs right (generics monomorphized, range
// over int and over functions, Go 1.22 loop variables, min/max/clear,
// new(expr), the generic standard library as equivalents). What it cannot
// make right is refused before it runs with KindUnsupported, naming the
// construct: %#v of the program's types, Marshal*/Unmarshal* methods under
// encoding/json or encoding/xml, omitzero with an IsZero method, a
// recovering defer in a range-over-func body. Known differences that are
// not refused yet (methods of interpreted values nested in other values
// are invisible to reflection) are listed,
// program by program, in README.md and eval/testdata/gocorpus. os.Exit
// and log.Fatal end the task as they end a Go program: the output so
// far, no deferred calls, the task's goroutines stopped, Result.Exit set
// (KindExit for a non-zero status) and the interpreter replaced; the host
// process is untouched. A snippet that panics in a goroutine it started kills the host process; a
// supervisor must restart it. Snippets get the whole standard library
// unless Config.Sandbox confines them.
package eval
