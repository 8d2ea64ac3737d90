package eval

import (
	"errors"
	"fmt"
)

// Kind classifies an evaluation failure.
type Kind string

// Failure kinds carried by Error.Kind.
const (
	KindCompile     Kind = "compile"     // the snippet does not parse or type-check
	KindUnsupported Kind = "unsupported" // valid Go the interpreter cannot run (Go 1.21+ features)
	KindPanic       Kind = "panic"       // the snippet panicked (or called os.Exit / log.Fatal)
	KindTimeout     Kind = "timeout"     // the context deadline passed
	KindCanceled    Kind = "canceled"    // the context was canceled
	KindUnsendable  Kind = "unsendable"  // the result contains a func, chan or unsafe.Pointer
	KindTooLarge    Kind = "too-large"   // the source exceeds Config.MaxSource
	KindNotFound    Kind = "not-found"   // Call named no function defined on the engine
	KindInternal    Kind = "internal"    // the interpreter itself failed
	KindError       Kind = "error"       // user code returned a non-nil error
)

// ErrClosed is returned by every Engine method called after Close.
var ErrClosed = errors.New("eval: engine closed")

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
