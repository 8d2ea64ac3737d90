package master

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dpfw/dpfw/session"
)

// Version is the dpfw release, reported to slaves in the handshake.
const Version = session.Version

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
	// NoRedial stops the Master from dialing a slave server again when
	// a connection it dialed ends.
	NoRedial bool
	// Resolver looks up the names of "dns:" Dial targets; nil means
	// net.DefaultResolver.
	Resolver Resolver
	// ResolveEvery is how often a "dns:" target is resolved again, so
	// that slaves added to the name are dialed and removed ones are no
	// longer redialed; 0 means 10s.
	ResolveEvery time.Duration
	// MaxRetries bounds how often an Idempotent task is re-run after its
	// slave was lost; 0 means 3, and at most 127 count.
	MaxRetries int
	// Logger receives connection events; nil means slog.Default().
	Logger *slog.Logger
	// MaxQueued bounds the tasks waiting in the Master for a slave
	// (Submit, Parallel; a Batch message counts as one): Submit blocks
	// while that many wait, until a slave takes one, its context ends or
	// the Master closes. 0 means no bound. A queued task costs about
	// 200 B of the Master's memory besides its source.
	MaxQueued int
	// FailWhenFull makes Submit fail at once with ErrQueueFull, instead
	// of blocking, when MaxQueued tasks wait.
	FailWhenFull bool
	// Cache, if set, keeps the results of tasks with a Key (Task.Key).
	Cache *CacheConfig
	// LocalFallback, if set, is called when no slave has joined within
	// FallbackAfter of New: it returns a connection to a slave node in
	// this process (PipeFallback over net.Pipe), whose engines then run
	// tasks as Slaves local1, local2…, with Rejoin Local. They stay in
	// the pool when real slaves join later.
	LocalFallback func(ctx context.Context) (net.Conn, error)
	// FallbackAfter is the grace period before LocalFallback; 0 means 2s.
	FallbackAfter time.Duration
	// MaxDepth bounds re-entrant tasks: a sub-task (dpfw.Submit in a
	// snippet) of a sub-task … may nest this deep; deeper ones fail with
	// kind depth. 0 means 16 (session.DefaultMaxDepth).
	MaxDepth int
	// NoMetrics turns off the counting of tasks behind Handler's metrics,
	// page and API (a few atomic adds per task), for measuring its cost.
	NoMetrics bool
}

// Master schedules tasks over the slaves connected to it.
type Master struct {
	cfg  Config
	log  *slog.Logger
	self session.Identity
	born time.Time

	// shared holds the jobs for whichever slave is idle first. They wait
	// in the master, not behind a busy slave.
	shared *queue
	// hint is the slave that last finished a task at Pipeline 1, which
	// Master.Run tries first (claim).
	hint atomic.Pointer[Slave]
	// watches fails pending futures whose context ends (ctxwatch.go).
	watches watches
	// flights merges and caches tasks with a Key (coalesce.go).
	flights flights
	// ctx ends when the Master closes; done is ctx.Done().
	ctx    context.Context
	cancel context.CancelFunc
	done   <-chan struct{}

	mu      sync.Mutex // protects the fields below, and orders wg.Add before wg.Wait
	slaves  []*Slave
	changed chan struct{} // closed and replaced whenever slaves changes
	nextID  int
	ids     map[string][]string // slave node Instance -> ids of its engines, ever seen
	handles map[string]*Slave   // id -> its handle, ever made (Slave.revive)
	origins map[string]string   // dialed address -> Instance last seen there
	natives []native            // packages Compile sent, for nodes that connect later
	closed  bool
	wg      sync.WaitGroup // every goroutine the Master started; Close waits

	// obs counts tasks for Handler (nil with Config.NoMetrics).
	obs *observer
	// polling is set, and pollOn closed, once PollStatus was called.
	polling atomic.Bool
	pollOn  chan struct{}
	web     webState // Handler's, made on first use
	jobs    jobBook  // detached jobs, for Snapshot
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
	if cfg.Resolver == nil {
		cfg.Resolver = net.DefaultResolver
	}
	if cfg.ResolveEvery <= 0 {
		cfg.ResolveEvery = 10 * time.Second
	}
	if cfg.MaxDepth <= 0 {
		cfg.MaxDepth = session.DefaultMaxDepth
	}
	m := &Master{
		cfg: cfg, log: cfg.Logger, self: session.NewIdentity(session.RoleMaster, cfg.Name, 0), born: time.Now(),
		shared: newQueue(cfg.MaxQueued), changed: make(chan struct{}),
		ids: map[string][]string{}, handles: map[string]*Slave{}, origins: map[string]string{}, pollOn: make(chan struct{}),
	}
	if !cfg.NoMetrics {
		m.obs = newObserver()
	}
	m.watches.give = m.shared.uncount
	m.flights.cache = newResultCache(cfg.Cache)
	m.ctx, m.cancel = context.WithCancel(context.Background())
	m.done = m.ctx.Done()
	if cfg.LocalFallback != nil {
		if m.cfg.FallbackAfter <= 0 {
			m.cfg.FallbackAfter = 2 * time.Second
		}
		m.spawn(m.fallback)
	}
	return m
}

// Listen opens a listener for slaves to connect to. An address without a
// host ("" or ":10000") binds 127.0.0.1 only; name a host or 0.0.0.0 to
// accept remote slaves.
func Listen(addr string) (net.Listener, error) { return session.Listen(addr) }

// Dial connects to a slave server at addr and adds its engines to the
// pool. It returns once the handshake is done. Unless Config.NoRedial is
// set, the Master dials addr again whenever that connection ends (see
// session.Redial for the waits), until it closes.
//
// addr may also be "dns:NAME:PORT": the Master then dials every address
// NAME resolves to (through Config.Resolver), and resolves it again every
// Config.ResolveEvery, dialing addresses that appear and no longer
// redialing those that go (a Kubernetes headless Service lists the ready
// pods of a Deployment this way). Dial returns the slaves of the first
// resolution; a name that does not resolve yet is logged and tried again.
func (m *Master) Dial(ctx context.Context, addr string) ([]*Slave, error) {
	if strings.HasPrefix(addr, DNSPrefix) {
		return m.dialDNS(ctx, addr)
	}
	sess, err := session.Dial(ctx, addr, m.cfg.Session, m.self)
	if err != nil {
		return nil, fmt.Errorf("master: dial %s: %w", addr, err)
	}
	added, err := m.add(sess, addr)
	if err != nil {
		return nil, err
	}
	m.spawn(func() { m.keep(m.ctx, addr, sess) })
	return added, nil
}

// keep watches sess (nil: not connected yet) until it ends and then,
// unless Config.NoRedial is set, keeps addr dialed with session.Redial
// until ctx is done.
func (m *Master) keep(ctx context.Context, addr string, sess *session.Session) {
	if sess != nil {
		m.watch(sess)
	}
	if m.cfg.NoRedial {
		return
	}
	session.Redial(ctx, addr, m.cfg.Session, m.self, func(sess *session.Session) {
		if _, err := m.add(sess, addr); err == nil {
			m.watch(sess)
		}
	})
}

// Serve accepts slaves on ln until ctx is done, ln fails or the Master
// closes, and closes ln. It blocks; handshakes run on their own
// goroutines, and a failed handshake affects only its own connection. It
// returns ctx.Err(), ln's error, or ErrClosed when the Master closed.
func (m *Master) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := m.merge(ctx)
	defer cancel()
	err := session.Accept(ctx, ln, m.cfg.Session, m.self, m.spawn, func(sess *session.Session) {
		if _, err := m.add(sess, ""); err == nil {
			m.watch(sess)
		}
	})
	if m.ctx.Err() != nil {
		return ErrClosed
	}
	return err
}

// add registers every engine of sess as a Slave and starts its worker.
// origin is the address the Master dialed, "" for accepted slaves. The
// caller then watches sess. A process that reconnects gets its handles
// back (Slave.revive), once their previous workers have stopped.
func (m *Master) add(sess *session.Session, origin string) ([]*Slave, error) {
	for _, s := range m.handlesOf(sess.Peer().Instance) {
		s.stop(sess)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		sess.Close()
		return nil, ErrClosed
	}
	sess.HandleSubs(m.serveSub) // before any task is sent on it
	peer := sess.Peer()
	rejoin := m.rejoinLocked(peer, origin)
	var added []*Slave
	var ready chan struct{}
	if len(m.natives) > 0 {
		ready = make(chan struct{})
	}
	for i := range max(peer.Engines, 1) {
		id := fmt.Sprintf("local%d", i+1)
		if origin != localOrigin {
			id = m.idLocked(peer.Instance, i)
		}
		s := m.handles[id]
		if s == nil {
			s = newSlave(m, id, i)
			m.handles[id] = s
		}
		if !slices.Contains(m.slaves, s) {
			m.slaves = append(m.slaves, s)
		}
		added = append(added, s)
		m.wg.Add(1)
		s.revive(sess, rejoin, ready)
	}
	if ready != nil {
		m.wg.Add(1)
		go m.setup(added, slices.Clone(m.natives), ready)
	}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.poll(sess, added)
	}()
	if m.obs != nil {
		m.obs.rejoin(ids(added))
	}
	m.notify()
	m.logJoin(sess, rejoin, added)
	return added, nil
}

// handlesOf returns the Slaves a process had, if it was connected before.
func (m *Master) handlesOf(instance string) []*Slave {
	m.mu.Lock()
	defer m.mu.Unlock()
	var hs []*Slave
	for _, id := range m.ids[instance] {
		if s := m.handles[id]; s != nil {
			hs = append(hs, s)
		}
	}
	return hs
}

// rejoinLocked tells a new slave node from one that reconnects
// (same Instance: its state is intact) and from one restarted at an
// address the Master dialed before (new Instance: state lost).
func (m *Master) rejoinLocked(peer session.Identity, origin string) Rejoin {
	rejoin := Joined
	switch {
	case origin == localOrigin:
		return Local
	case m.ids[peer.Instance] != nil:
		rejoin = Reconnected
	case origin != "" && m.origins[origin] != "":
		rejoin = Restarted
	}
	if origin != "" {
		m.origins[origin] = peer.Instance
	}
	return rejoin
}

// idLocked gives engine i of a process the id it had before, if the
// process reconnects, or the next free one.
func (m *Master) idLocked(instance string, engine int) string {
	ids := m.ids[instance]
	for len(ids) <= engine {
		m.nextID++
		ids = append(ids, fmt.Sprintf("s%d", m.nextID))
	}
	m.ids[instance] = ids
	return ids[engine]
}

func (m *Master) logJoin(sess *session.Session, rejoin Rejoin, added []*Slave) {
	peer := sess.Peer()
	args := []any{"ids", ids(added), "addr", sess.RemoteAddr(), "host", peer.Host, "pid", peer.PID, "engines", peer.Engines}
	switch rejoin {
	case Reconnected:
		m.log.Warn("slave reconnected: same process, state kept", args...)
	case Restarted:
		m.log.Warn("slave restarted: new process, state lost", args...)
	default:
		m.log.Info("slave connected", args...)
	}
}

// watch waits for sess to end, or the Master to close, and forgets its
// slaves.
func (m *Master) watch(sess *session.Session) {
	select {
	case <-sess.Done():
	case <-m.done:
	}
	select {
	case <-m.done: // closing: not news
	default:
		m.log.Warn("slave disconnected", "addr", sess.RemoteAddr(), "err", sess.Err())
	}
	var gone []*Slave
	m.mu.Lock()
	m.slaves = slices.DeleteFunc(m.slaves, func(s *Slave) bool {
		if s.conn() == sess {
			gone = append(gone, s)
		}
		return s.conn() == sess
	})
	if m.obs != nil { // watch runs once per session
		in, out := sess.Traffic()
		m.obs.in.Add(in)
		m.obs.out.Add(out)
	}
	m.notify()
	m.mu.Unlock()
	if m.obs != nil {
		infos := make([]Info, len(gone))
		for i, s := range gone {
			infos[i] = s.Info()
		}
		m.obs.depart(infos)
	}
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

// Slave returns the connected slave with the given id ("s1").
func (m *Master) Slave(id string) (*Slave, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range slices.Backward(m.slaves) {
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
	m.cancel()
	// Every session has at least one Slave, so the slaves name them all.
	sessions := map[*session.Session]bool{}
	for _, s := range m.slaves {
		sessions[s.conn()] = true
	}
	m.notify()
	m.mu.Unlock()
	for _, j := range m.shared.close() {
		j.fail(ErrClosed)
	}
	for s := range sessions {
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
	stop := context.AfterFunc(m.ctx, cancel)
	return ctx, func() { stop(); cancel() }
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
