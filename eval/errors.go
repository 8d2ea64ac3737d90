package eval

import (
	"fmt"

	"github.com/dpfw/dpfw/eval/failure"
)

// Kind classifies an evaluation failure. It is dpfw's one failure
// vocabulary (package failure), re-exported here so that users of eval
// need not import it; session and master use the same type.
type Kind = failure.Kind

// Failure kinds carried by Error.Kind. An Engine reports all but busy
// and lost, which belong to connections (session, master).
const (
	KindCompile     = failure.KindCompile     // the snippet does not parse or type-check
	KindUnsupported = failure.KindUnsupported // valid Go the interpreter cannot run (Go 1.21+ features)
	KindPanic       = failure.KindPanic       // the snippet panicked
	KindExit        = failure.KindExit        // the snippet called os.Exit (or log.Fatal) with a non-zero status: Result.Exit
	KindError       = failure.KindError       // user code returned a non-nil error
	KindTimeout     = failure.KindTimeout     // the context deadline passed
	KindCanceled    = failure.KindCanceled    // the context was canceled
	KindUnsendable  = failure.KindUnsendable  // the result contains a func, chan or unsafe.Pointer
	KindTooLarge    = failure.KindTooLarge    // the source exceeds Config.MaxSource
	KindNotFound    = failure.KindNotFound    // Call named no function defined on the engine
	KindInternal    = failure.KindInternal    // the interpreter itself failed
	KindBusy        = failure.KindBusy        // not from eval: the peer has too many tasks in flight
	KindLost        = failure.KindLost        // not from eval: the connection ended mid-task
	KindDepth       = failure.KindDepth       // not from eval: a sub-task would nest deeper than the master allows
)

// ErrClosed is returned by every Engine method called after Close. It is
// failure.ErrClosed, the same value as every other dpfw package's
// ErrClosed.
var ErrClosed = failure.ErrClosed

// Error describes a failed evaluation. It is a plain value so that it can
// cross the wire unchanged.
type Error struct {
	Kind  Kind
	Msg   string
	Pos   string // "line:col" in the user's snippet, or ""; for panics, approximate (see Stack)
	Stack string // for panics, yaegi's interpreted stack, innermost first; it locates each function entered, not the exact statement
}

// Error implements error.
func (e *Error) Error() string {
	if e.Pos != "" {
		return fmt.Sprintf("%s at %s: %s", e.Kind, e.Pos, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Msg)
}

func errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}
