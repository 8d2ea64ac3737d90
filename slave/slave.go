package slave

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"os"
	"runtime"
	"sync"

	"github.com/dpfw/dpfw/eval"
	"github.com/dpfw/dpfw/session"
)

// Version is reported to masters in the handshake.
const Version = "0.1.0"

// Config configures a Slave. The zero value is usable once Session.Token
// is set.
type Config struct {
	// Engines is the number of interpreters; 0 means one per CPU.
	Engines int
	// Name is an optional label shown by masters.
	Name string
	// Session configures the wire: token, limits, timeouts, logger.
	Session session.Config
	// Eval configures every engine.
	Eval eval.Config
	// Logger receives connection events; nil means slog.Default().
	Logger *slog.Logger
}

// Slave owns a fixed set of engines and serves masters with them.
type Slave struct {
	cfg     Config
	log     *slog.Logger
	self    session.Identity
	engines []*eval.Engine

	mu       sync.Mutex
	sessions map[*session.Session]struct{}
	closed   bool
	wg       sync.WaitGroup
}

// New creates the slave's engines. It fails if an interpreter cannot be
// created.
func New(cfg Config) (*Slave, error) {
	if cfg.Engines <= 0 {
		cfg.Engines = runtime.NumCPU()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Session.Logger == nil {
		cfg.Session.Logger = cfg.Logger
	}
	s := &Slave{cfg: cfg, log: cfg.Logger, sessions: map[*session.Session]struct{}{}}
	s.self = identity(cfg)
	for range cfg.Engines {
		e, err := eval.New(cfg.Eval)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.engines = append(s.engines, e)
	}
	return s, nil
}

func identity(cfg Config) session.Identity {
	host, _ := os.Hostname()
	var b [8]byte
	rand.Read(b[:])
	return session.Identity{
		Role: session.RoleSlave, Name: cfg.Name, Host: host, PID: os.Getpid(),
		Engines: cfg.Engines, Version: Version, Instance: hex.EncodeToString(b[:]),
	}
}

// Identity is what this slave tells masters about itself.
func (s *Slave) Identity() session.Identity { return s.self }

// Engine returns engine i, for callers that embed a slave and want to
// preload definitions or native state. It panics if i is out of range.
func (s *Slave) Engine(i int) *eval.Engine { return s.engines[i] }

// Serve accepts masters on ln until ctx is done or ln fails, serving each
// on its own goroutine. It blocks, and closes ln before returning; sessions
// already accepted keep running until Close.
func (s *Slave) Serve(ctx context.Context, ln net.Listener) error {
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	defer ln.Close()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if !s.spawn(func() { s.ServeConn(ctx, conn) }) {
			conn.Close()
			return ErrClosed
		}
	}
}

// Connect dials the master at addr and serves it until the connection
// ends or ctx is done. It blocks.
func (s *Slave) Connect(ctx context.Context, addr string) error {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return ErrClosed
	}
	sess, err := session.Dial(ctx, addr, s.cfg.Session, s.self)
	if err != nil {
		return err
	}
	return s.serveSession(ctx, sess)
}

// ServeConn runs the handshake on conn and serves the master behind it
// until the connection ends or ctx is done. It blocks. Handshake failures
// are logged by the session package and returned.
func (s *Slave) ServeConn(ctx context.Context, conn net.Conn) error {
	sess, err := session.New(ctx, conn, s.cfg.Session, s.self)
	if err != nil {
		return err
	}
	return s.serveSession(ctx, sess)
}

func (s *Slave) serveSession(ctx context.Context, sess *session.Session) error {
	if !s.track(sess) {
		sess.Close()
		return ErrClosed
	}
	defer s.untrack(sess)
	s.log.Info("master connected", "addr", sess.RemoteAddr(), "host", sess.Peer().Host, "pid", sess.Peer().PID)
	err := sess.Serve(ctx, handler{s})
	sess.Close()
	s.log.Info("master disconnected", "addr", sess.RemoteAddr(), "err", sess.Err())
	return err
}

func (s *Slave) track(sess *session.Session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.sessions[sess] = struct{}{}
	return true
}

func (s *Slave) untrack(sess *session.Session) {
	s.mu.Lock()
	delete(s.sessions, sess)
	s.mu.Unlock()
}

// spawn runs f on a goroutine that Close waits for, unless s is closed.
func (s *Slave) spawn(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

// Close disconnects every master, waits for the connection goroutines
// that Serve started, and closes the engines. Connect and Reconnect run
// on their callers' goroutines: they return ErrClosed soon after. It is
// idempotent.
func (s *Slave) Close() error {
	s.mu.Lock()
	already := s.closed
	s.closed = true
	sessions := make([]*session.Session, 0, len(s.sessions))
	for sess := range s.sessions {
		sessions = append(sessions, sess)
	}
	s.mu.Unlock()
	if already {
		return nil
	}
	for _, sess := range sessions {
		sess.Close()
	}
	s.wg.Wait()
	for _, e := range s.engines {
		e.Close()
	}
	return nil
}

// ErrClosed is returned by Serve, Connect and ServeConn after Close.
var ErrClosed = errors.New("slave: closed")
