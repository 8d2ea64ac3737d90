// Package failure is dpfw's one vocabulary of failures: Kind, the reason
// a task failed, and ErrClosed, the error every dpfw package returns once
// its owner has closed it.
//
// It is a leaf (it imports nothing but errors) so that eval, which knows
// nothing of the network, session, which carries kinds across it, and
// master, which reports them, share one type without importing each
// other. It sits under eval because nearly every kind is decided where a
// snippet runs; lost and busy, the kinds of a connection, are the only
// ones that session and master add. Users need not import it: eval and
// master re-export Kind, its constants (eval.KindPanic, master.KindLost)
// and ErrClosed.
package failure

import "errors"

// Kind says why a task failed. It is a string so that it prints and
// travels as itself: a peer of a newer version may send a kind this list
// does not know, and it arrives intact.
type Kind string

// The kinds. Each says who decides it.
const (
	KindCompile     Kind = "compile"     // eval: the snippet does not parse or type-check
	KindUnsupported Kind = "unsupported" // eval: valid Go the interpreter cannot run
	KindPanic       Kind = "panic"       // eval: the snippet panicked
	KindExit        Kind = "exit"        // eval: the snippet called os.Exit (or log.Fatal) with a non-zero status
	KindError       Kind = "error"       // eval: user code returned a non-nil error (a stream task's function)
	KindTimeout     Kind = "timeout"     // eval: the task ran past its timeout
	KindCanceled    Kind = "canceled"    // eval: the task's context was cancelled (by its master)
	KindUnsendable  Kind = "unsendable"  // eval, slave: the result holds a func, chan or unsafe.Pointer
	KindTooLarge    Kind = "too-large"   // eval, session: a source, result or frame exceeds its limit
	KindNotFound    Kind = "not-found"   // eval, slave: no such function, engine or table key
	KindInternal    Kind = "internal"    // any layer: a bug or an unexpected failure
	KindBusy        Kind = "busy"        // session: the peer already has Config.MaxStreams tasks in flight
	KindLost        Kind = "lost"        // master: the connection to the slave ended before the task did
	KindDepth       Kind = "depth"       // master: a sub-task would nest deeper than Config.MaxDepth (re-entrant tasks)
)

// Known lists every kind above, in that order.
func Known() []Kind {
	return []Kind{
		KindCompile, KindUnsupported, KindPanic, KindExit, KindError, KindTimeout, KindCanceled,
		KindUnsendable, KindTooLarge, KindNotFound, KindInternal, KindBusy, KindLost, KindDepth,
	}
}

// ErrClosed is returned by a method of an Engine, Session, slave Node or
// Master called after its Close, and by work that Close cut short. It is
// one value in every package (eval.ErrClosed, session.ErrClosed,
// slave.ErrClosed and master.ErrClosed are all this), so errors.Is(err,
// ErrClosed) holds whichever layer was closed. A connection that ends
// without Close on this side is not ErrClosed: see session.ErrConnectionLost
// and kind lost.
var ErrClosed = errors.New("dpfw: closed")
