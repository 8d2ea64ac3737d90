package session

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/dpfw/dpfw/eval/failure"
)

// Role is the part a process plays in the cluster. It is independent of
// which end of the TCP connection dialed: a master may listen for slaves
// and a slave may listen for masters.
type Role uint8

const (
	RoleMaster Role = 1 // sends tasks: Call, OpenTask
	RoleSlave  Role = 2 // runs tasks: Serve
)

func (r Role) String() string {
	switch r {
	case RoleMaster:
		return "master"
	case RoleSlave:
		return "slave"
	}
	return fmt.Sprintf("role(%d)", uint8(r))
}

// Identity describes one end of a session. Each side sends its own
// Identity during the handshake; Session.Peer returns the other side's.
type Identity struct {
	Role     Role   `cbor:"1,keyasint"`
	Name     string `cbor:"2,keyasint,omitempty"`
	Host     string `cbor:"3,keyasint,omitempty"`
	PID      int    `cbor:"4,keyasint,omitempty"`
	Engines  int    `cbor:"5,keyasint,omitempty"`
	Version  string `cbor:"6,keyasint,omitempty"`
	Instance string `cbor:"7,keyasint,omitempty"` // random per master or slave node: tells a restarted one
	// MaxInFlight is the most tasks this side accepts from its peer at
	// once (its Config.MaxStreams). New sets it from the Config, whatever
	// the caller put here; a master keeps its tasks to a slave under the
	// slave's figure. 0, from a peer that did not say, means 256.
	MaxInFlight int `cbor:"8,keyasint,omitempty"`
}

// InFlight is the most tasks id's side accepts at once: MaxInFlight, or
// DefaultMaxStreams when it did not say.
func (id Identity) InFlight() int {
	if id.MaxInFlight <= 0 {
		return DefaultMaxStreams
	}
	return id.MaxInFlight
}

// Version is the dpfw release that this build is, sent in every
// Identity (the wire protocol has its own version: see doc.go).
const Version = "0.1.0"

// NewIdentity describes this process in role: its host name, pid, the
// Version and a fresh random Instance, which tells a peer that reconnects
// (same Instance, state kept) from one restarted (new Instance). Call it
// once per master or slave node.
func NewIdentity(role Role, name string, engines int) Identity {
	host, _ := os.Hostname()
	var b [8]byte
	rand.Read(b[:])
	return Identity{Role: role, Name: name, Host: host, PID: os.Getpid(), Engines: engines,
		Version: Version, Instance: hex.EncodeToString(b[:])}
}

// Config tunes a Session. The zero value is usable except for Token,
// which must be set; a zero field means its default. Validate says what
// is wrong with a Config, naming the field.
type Config struct {
	// Token is the shared cluster secret. It never crosses the wire.
	Token string
	// HandshakeTimeout bounds the whole handshake. 0 means 5s.
	HandshakeTimeout time.Duration
	// KeepAlive is the yamux keepalive interval. 0 means 1s.
	KeepAlive time.Duration
	// WriteTimeout bounds every write on the connection, keepalive pings
	// included, so a dead peer is detected within KeepAlive+WriteTimeout.
	// 0 means 3s.
	WriteTimeout time.Duration
	// MaxFrame is the largest encoded frame accepted or sent; both sides
	// should agree. 0 means 64 MiB; at least 1 KiB, below 4 GiB.
	MaxFrame int
	// MaxStreams is the most tasks (calls and task streams) in flight
	// at once that this side accepts from its peer; excess tasks are
	// answered at once with a RemoteError of kind busy. 0 means 256.
	// It is announced to the peer in the handshake (Identity.MaxInFlight)
	// and a master's session never sends more than its peer's figure:
	// Call and OpenTask wait for a free slot instead.
	MaxStreams int
	// Logger receives the session's log lines, yamux's included.
	// nil means slog.Default().
	Logger *slog.Logger
	// TLS, when set, wraps the connection in TLS before the handshake;
	// nil means plain TCP. The side that dialed the TCP connection is the
	// TLS client: Dial wraps its conn with tls.Client (ServerName taken
	// from the address when empty), while New treats a conn that is not
	// already a *tls.Conn as accepted and wraps it with tls.Server. Both
	// peers must agree on whether TLS is used. The token handshake still
	// runs inside TLS: TLS encrypts, the token authorizes. See LoadTLS.
	TLS *tls.Config

	// limit, set by Accept for the handshakes it runs, lets one failure
	// a minute per peer host reach the log.
	limit *logLimit
	// callerLogs, set by Redial, leaves logging a failed handshake to
	// the caller, which logs each failed dial once.
	callerLogs bool
}

// DefaultMaxStreams is Config.MaxStreams when it is 0, and the limit
// assumed of a peer that announces none.
const DefaultMaxStreams = 256

// Limits of Config.MaxFrame.
const (
	minMaxFrame = 1 << 10   // room for an error response
	maxMaxFrame = 1<<32 - 1 // a frame's length is 32 bits on the wire
	defMaxFrame = 64 << 20  // the default
)

// Validate reports the first problem with c, naming the field, in the
// manner of yamux's VerifyConfig: a zero value means the default, but a
// negative duration or count, a MaxFrame outside [1 KiB, 4 GiB) or a
// missing Token is an error, never silently changed into something else.
// New, Dial, Accept and Redial call it first; the error wraps ErrConfig
// (ErrNoToken for a missing Token).
func (c Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	switch {
	case c.Token == "":
		return ErrNoToken
	case c.HandshakeTimeout < 0:
		return bad("HandshakeTimeout is %v; it must be positive, or 0 for 5s", c.HandshakeTimeout)
	case c.KeepAlive < 0:
		return bad("KeepAlive is %v; it must be positive, or 0 for 1s", c.KeepAlive)
	case c.WriteTimeout < 0:
		return bad("WriteTimeout is %v; it must be positive, or 0 for 3s", c.WriteTimeout)
	case c.MaxFrame < 0 || (c.MaxFrame > 0 && c.MaxFrame < minMaxFrame):
		return bad("MaxFrame is %d bytes; it must be at least %d (room for an error response), or 0 for 64 MiB", c.MaxFrame, minMaxFrame)
	case uint64(c.MaxFrame) > maxMaxFrame:
		return bad("MaxFrame is %d bytes; a frame's length on the wire is 32 bits (at most %d)", c.MaxFrame, uint64(maxMaxFrame))
	case c.MaxStreams < 0:
		return bad("MaxStreams is %d; it must be positive, or 0 for 256", c.MaxStreams)
	}
	return nil
}

// withDefaults fills in the zero fields of a valid Config.
func (c Config) withDefaults() Config {
	if c.HandshakeTimeout == 0 {
		c.HandshakeTimeout = 5 * time.Second
	}
	if c.KeepAlive == 0 {
		c.KeepAlive = time.Second
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 3 * time.Second
	}
	if c.MaxFrame == 0 {
		c.MaxFrame = defMaxFrame
	}
	if c.MaxStreams == 0 {
		c.MaxStreams = DefaultMaxStreams
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Errors returned by this package. Use errors.Is: most are wrapped with
// detail (the remote address, the peer's reason, the cause of death).
var (
	ErrNoToken       = errors.New("session: no cluster token configured")
	ErrConfig        = errors.New("session: invalid Config")
	ErrAuth          = errors.New("session: authentication failed")
	ErrHandshake     = errors.New("session: handshake failed")
	ErrFrameTooLarge = errors.New("session: frame too large")
	ErrRole          = errors.New("session: incompatible roles")
	// ErrVersion: the peer speaks another wire protocol version (the
	// byte after "DPFW"); it comes wrapped in ErrHandshake.
	ErrVersion = errors.New("session: protocol version mismatch")
	// ErrClosed ends every Call and task stream after this side's Close.
	// It is failure.ErrClosed, the same value as every dpfw package's
	// ErrClosed.
	ErrClosed = failure.ErrClosed
	// ErrConnectionLost ends every Call and task stream when the session
	// died without this side's Close: the peer closed it or went away,
	// the network failed, or the peer broke the protocol.
	ErrConnectionLost = errors.New("session: connection lost")
)
