package master

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"github.com/dpfw/dpfw/session"
)

// Version is reported to slaves in the handshake.
const Version = "0.1.0"

// Config configures a Master. The zero value is usable once Session.Token
// is set.
type Config struct {
	// Name is an optional label sent to slaves.
	Name string
	// Session configures the wire: token, limits, timeouts, logger.
	Session session.Config
	// Pipeline is how many tasks from the shared queue may be in flight
	// to one slave at once; 0 means 1. The slave still runs them one at a
	// time, but more than one hides the round trip, which raises the
	// throughput of tiny tasks; the price is that a task may wait behind
	// a long one while another slave is idle.
	Pipeline int
	// MaxRetries bounds how often an Idempotent task is re-run after its
	// slave was lost; 0 means 3.
	MaxRetries int
	// Logger receives connection events; nil means slog.Default().
	Logger *slog.Logger
}

// Master schedules tasks over the slaves connected to it.
type Master struct {
	cfg  Config
	log  *slog.Logger
	self session.Identity

	// anyq hands a job to whichever idle slave receives it first. It is
	// unbuffered so that a job waits in the master, not behind a busy
	// slave, and so that "is anyone idle" is a non-blocking send.
	anyq chan *job
	done chan struct{}

	mu       sync.Mutex
	slaves   []*Slave
	sessions map[*session.Session]struct{}
	changed  chan struct{} // closed and replaced whenever slaves changes
	nextID   int
	closed   bool
	wg       sync.WaitGroup
}

// New returns a Master with no slaves. Connect it to slaves with Dial or
// Serve.
func New(cfg Config) *Master {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Session.Logger == nil {
		cfg.Session.Logger = cfg.Logger
	}
	if cfg.Pipeline <= 0 {
		cfg.Pipeline = 1
	}
	if cfg.MaxRetries <= 0 {
		cfg.MaxRetries = 3
	}
	return &Master{
		cfg: cfg, log: cfg.Logger, self: identity(cfg),
		anyq: make(chan *job), done: make(chan struct{}),
		sessions: map[*session.Session]struct{}{}, changed: make(chan struct{}),
	}
}

func identity(cfg Config) session.Identity {
	host, _ := os.Hostname()
	var b [8]byte
	rand.Read(b[:])
	return session.Identity{
		Role: session.RoleMaster, Name: cfg.Name, Host: host, PID: os.Getpid(),
		Version: Version, Instance: hex.EncodeToString(b[:]),
	}
}

// Listen opens a listener for slaves to connect to. An address without a
// host ("" or ":10000") binds 127.0.0.1 only; name a host or 0.0.0.0 to
// accept remote slaves.
func Listen(addr string) (net.Listener, error) { return session.Listen(addr) }

// Dial connects to a slave server at addr and adds its engines to the
// pool. It returns once the handshake is done.
func (m *Master) Dial(ctx context.Context, addr string) ([]*Slave, error) {
	sess, err := session.Dial(ctx, addr, m.cfg.Session, m.self)
	if err != nil {
		return nil, fmt.Errorf("master: dial %s: %w", addr, err)
	}
	return m.add(sess)
}

// Serve accepts slaves on ln until ctx is done, ln fails or the Master
// closes. It blocks; handshakes run on their own goroutines, and a failed
// handshake affects only its own connection.
func (m *Master) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := m.merge(ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if !m.spawn(func() { m.accept(ctx, conn) }) {
			conn.Close()
			return ErrClosed
		}
	}
}

func (m *Master) accept(ctx context.Context, conn net.Conn) {
	sess, err := session.New(ctx, conn, m.cfg.Session, m.self)
	if err != nil {
		return // session logged it; the listener carries on
	}
	m.add(sess)
}

// add registers every engine of sess as a Slave and starts its worker.
func (m *Master) add(sess *session.Session) ([]*Slave, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		sess.Close()
		return nil, ErrClosed
	}
	m.sessions[sess] = struct{}{}
	peer := sess.Peer()
	var added []*Slave
	for i := 0; i < max(peer.Engines, 1); i++ {
		m.nextID++
		s := newSlave(m, fmt.Sprintf("s%d", m.nextID), sess, i)
		m.slaves = append(m.slaves, s)
		added = append(added, s)
		m.wg.Add(1)
		go s.loop()
	}
	m.wg.Add(1)
	go m.watch(sess)
	m.notify()
	m.log.Info("slave connected", "addr", sess.RemoteAddr(), "host", peer.Host, "pid", peer.PID, "engines", peer.Engines, "ids", ids(added))
	return added, nil
}

// watch forgets sess once it ends.
func (m *Master) watch(sess *session.Session) {
	defer m.wg.Done()
	select {
	case <-sess.Done():
		m.log.Warn("slave disconnected", "addr", sess.RemoteAddr(), "err", sess.Err())
	case <-m.done:
	}
	m.mu.Lock()
	delete(m.sessions, sess)
	m.notify()
	m.mu.Unlock()
}

// notify wakes WaitSlaves callers; m.mu must be held.
func (m *Master) notify() {
	close(m.changed)
	m.changed = make(chan struct{})
}

// WaitSlaves blocks until at least n slaves are connected, ctx is done or
// the Master closes.
func (m *Master) WaitSlaves(ctx context.Context, n int) error {
	for {
		m.mu.Lock()
		live, changed, closed := m.liveLocked(), m.changed, m.closed
		m.mu.Unlock()
		if closed {
			return ErrClosed
		}
		if len(live) >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("master: waiting for %d slaves, %d connected: %w", n, len(live), ctx.Err())
		}
	}
}

// Slaves returns the slaves whose connection is alive, in the order they
// joined.
func (m *Master) Slaves() []*Slave {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.liveLocked()
}

func (m *Master) liveLocked() []*Slave {
	var live []*Slave
	for _, s := range m.slaves {
		if !s.gone() {
			live = append(live, s)
		}
	}
	return live
}

// Slave returns the slave with the given id ("s1"), alive or not.
func (m *Master) Slave(id string) (*Slave, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range m.slaves {
		if s.id == id {
			return s, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrNoSlave, id)
}

// Close disconnects every slave, fails every pending future with
// ErrClosed and waits for the Master's goroutines. It is idempotent.
func (m *Master) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	close(m.done)
	sessions := make([]*session.Session, 0, len(m.sessions))
	for s := range m.sessions {
		sessions = append(sessions, s)
	}
	m.notify()
	m.mu.Unlock()
	for _, s := range sessions {
		s.Close()
	}
	m.wg.Wait()
	return nil
}

// spawn runs f on a goroutine that Close waits for, unless m is closed.
func (m *Master) spawn(f func()) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return false
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		f()
	}()
	return true
}

// merge returns a context that is done when ctx is or the Master closes.
func (m *Master) merge(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() { // exits when either side is done; cancel is always called
		select {
		case <-m.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

func ids(ss []*Slave) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.id
	}
	return out
}

// graceful is how long past a task's own timeout the master waits for the
// slave to report it, before giving up on the slave's answer.
func graceful(d time.Duration) time.Duration { return d + time.Second + d/10 }
