package master

import (
	"errors"

	"github.com/dpfw/dpfw/session"
)

var (
	// ErrClosed is returned by calls on a closed Master, and by futures
	// that were pending when it closed.
	ErrClosed = errors.New("master: closed")
	// ErrNoIdle is returned by Reserve(ctx, false) when no slave is idle.
	ErrNoIdle = errors.New("master: no idle slave")
	// ErrNoSlave is returned by Slave lookups for an unknown id.
	ErrNoSlave = errors.New("master: no such slave")
	// ErrGone is returned when a task is pinned to a slave whose
	// connection has already ended.
	ErrGone = errors.New("master: slave is gone")
)

// RemoteError is a task's failure as reported by, or about, the slave
// that ran it: Kind says what went wrong (compile, panic, timeout, lost…),
// Slave names the slave. Use errors.As to get at it.
type RemoteError = session.RemoteError

// ErrorKind classifies a RemoteError; the values are session's Err*
// constants, for example session.ErrCompile and session.ErrLost.
type ErrorKind = session.ErrorKind

// IsKind reports whether err is a RemoteError of the given kind.
func IsKind(err error, kind ErrorKind) bool {
	var re *RemoteError
	return errors.As(err, &re) && re.Kind == kind
}
