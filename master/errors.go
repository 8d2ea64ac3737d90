package master

import (
	"errors"
	"fmt"

	"github.com/dpfw/dpfw/eval/failure"
	"github.com/dpfw/dpfw/session"
)

// RemoteError is a task's failure as reported by, or about, the slave
// that ran it: Kind says what went wrong (compile, panic, timeout, lost…),
// Slave names the slave. Use errors.As to get at it, or IsKind.
type RemoteError = session.RemoteError

// Kind classifies a RemoteError. It is dpfw's one failure vocabulary
// (package failure), the same type as eval.Kind.
type Kind = failure.Kind

// The kinds of a RemoteError, re-exported from package failure.
const (
	KindCompile     = failure.KindCompile     // the snippet does not compile (Pos has line:column)
	KindUnsupported = failure.KindUnsupported // Go the slave's interpreter cannot run
	KindPanic       = failure.KindPanic       // the snippet panicked (Stack has the interpreted stack)
	KindExit        = failure.KindExit        // the snippet called os.Exit (or log.Fatal) with a non-zero status: Result.Exit
	KindError       = failure.KindError       // a stream task's function returned an error
	KindTimeout     = failure.KindTimeout     // the task ran past Task.Timeout
	KindCanceled    = failure.KindCanceled    // the task was cancelled on the slave
	KindUnsendable  = failure.KindUnsendable  // the result holds a func, chan or unsafe.Pointer
	KindTooLarge    = failure.KindTooLarge    // the source, the result or a frame exceeds a limit
	KindNotFound    = failure.KindNotFound    // no such function, engine or table key
	KindInternal    = failure.KindInternal    // a bug or unexpected failure on the slave
	KindBusy        = failure.KindBusy        // the slave node has too many tasks in flight
	KindLost        = failure.KindLost        // the slave's connection ended before the task did
	KindDepth       = failure.KindDepth       // a sub-task would nest deeper than Config.MaxDepth
)

// IsKind reports whether err is, or wraps, a RemoteError of the given
// kind.
func IsKind(err error, kind Kind) bool {
	var re *RemoteError
	return errors.As(err, &re) && re.Kind == kind
}

var (
	// ErrClosed is returned by calls on a closed Master, and by futures
	// that were pending when it closed. It is failure.ErrClosed, the same
	// value as every dpfw package's ErrClosed.
	ErrClosed = failure.ErrClosed
	// ErrNoIdle is returned by Reserve(ctx, false) when no slave is idle.
	ErrNoIdle = errors.New("master: no idle slave")
	// ErrNoSlave is returned by Slave lookups for an unknown id.
	ErrNoSlave = errors.New("master: no such slave")
	// ErrGone marks a task pinned to a slave whose connection had already
	// ended: it was never sent. The error also is a RemoteError of kind
	// lost naming the slave, so IsKind(err, KindLost) covers every task
	// that a lost connection cost, sent or not.
	ErrGone = errors.New("master: slave is gone")
	// ErrQueueFull is Submit's failure when Config.MaxQueued tasks wait
	// and Config.FailWhenFull is set.
	ErrQueueFull = errors.New("master: queue full")
)

// gone is the error of a task that was never sent because s is gone.
func gone(s *Slave) error {
	return fmt.Errorf("%w: %w", ErrGone, &RemoteError{Kind: KindLost, Slave: s.id, Msg: "the task was not sent: the connection had ended"})
}
