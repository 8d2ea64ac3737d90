package slave

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"

	"github.com/dpfw/dpfw/eval"
	"github.com/dpfw/dpfw/eval/failure"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave/native"
)

// Version is the dpfw release, reported to masters in the handshake.
const Version = session.Version

// InFlightPerEngine is the default in-flight limit of a node per
// engine: with Session.MaxStreams 0, a node admits
// max(256, InFlightPerEngine × Engines) tasks at once from each master,
// so that a master pipelining up to 16 tasks per engine
// (master.Config.Pipeline) keeps every engine of even a 256-core node
// fed. The master never sends more than a node admits (it learns the
// figure in the handshake), so a smaller limit costs pipelining, not
// tasks.
const InFlightPerEngine = 16

// Config configures a Node. The zero value is usable once Session.Token
// is set.
type Config struct {
	// Engines is the number of interpreters; 0 means one per CPU.
	Engines int
	// Name is an optional label shown by masters.
	Name string
	// Session configures the wire: token, limits, timeouts, logger.
	// Session.MaxStreams 0 means max(256, InFlightPerEngine × Engines).
	Session session.Config
	// Eval configures every engine.
	Eval eval.Config
	// Logger receives connection events; nil means slog.Default().
	Logger *slog.Logger
	// Native configures building the Go packages masters send
	// (Master.Compile) with this node's Go toolchain.
	Native native.Config
	// NoNative refuses such packages. A node with Eval.Sandbox set
	// always refuses them: native code would escape the sandbox.
	NoNative bool
	// Jobs bounds what the node keeps of detached jobs
	// (Master.SubmitDetached).
	Jobs JobsConfig
}

// Node is a slave process's server side: it owns a fixed set of engines
// and serves masters with them. Its methods are safe for concurrent use.
type Node struct {
	cfg      Config
	log      *slog.Logger
	self     session.Identity
	engines  []*eval.Engine
	builder  *native.Builder // nil when noNative says why
	noNative *eval.Error
	jobs     *jobs // detached jobs (jobs.go)
	stats    *stats

	metricsOnce sync.Once
	metrics     http.Handler // MetricsHandler's, made once

	// ctx ends when the Node closes: it stops Reconnect and cancels
	// detached jobs.
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex // protects the fields below, and orders wg.Add before wg.Wait
	sessions map[*session.Session]struct{}
	closed   bool
	wg       sync.WaitGroup // the goroutines Serve started; Close waits

	spareMu    sync.Mutex // protects the fields below (reentrant.go)
	spares     []spare    // idle spare engines
	spareCount int        // spare engines in existence, idle or not
	// natives are the packages compiled at run time (compile.go), the
	// latest version of each path, for the spare engines; nativeGen
	// counts the changes to it.
	natives   []eval.Package
	nativeGen int
}

// New creates the node's engines. It fails if cfg.Session is not valid
// (session.Config.Validate) or an interpreter cannot be created.
func New(cfg Config) (*Node, error) {
	if err := cfg.Session.Validate(); err != nil {
		return nil, err
	}
	if cfg.Engines <= 0 {
		cfg.Engines = runtime.NumCPU()
	}
	if cfg.Session.MaxStreams == 0 {
		cfg.Session.MaxStreams = max(session.DefaultMaxStreams, InFlightPerEngine*cfg.Engines)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Session.Logger == nil {
		cfg.Session.Logger = cfg.Logger
	}
	n := &Node{cfg: cfg, log: cfg.Logger, sessions: map[*session.Session]struct{}{}, jobs: newJobs(cfg.Jobs), stats: newStats(cfg.Engines)}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	n.self = session.NewIdentity(session.RoleSlave, cfg.Name, cfg.Engines)
	n.builder, n.noNative = newBuilder(cfg)
	for range cfg.Engines {
		e, err := eval.New(cfg.Eval)
		if err != nil {
			n.Close()
			return nil, err
		}
		n.engines = append(n.engines, e)
	}
	return n, nil
}

// Identity is what this node tells masters about itself.
func (n *Node) Identity() session.Identity { return n.self }

// Engine returns engine i, for callers that embed a node and want to
// preload definitions or native state. It panics if i is out of range.
func (n *Node) Engine(i int) *eval.Engine { return n.engines[i] }

// Serve accepts masters on ln until ctx is done, ln fails or n closes,
// serving each on its own goroutine. It blocks, and closes ln before
// returning ctx.Err(), ln's error or ErrClosed; sessions already
// accepted keep running until Close.
func (n *Node) Serve(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(n.ctx, cancel)
	defer stop()
	err := session.Accept(ctx, ln, n.cfg.Session, n.self, n.spawn, func(sess *session.Session) {
		n.serveSession(ctx, sess)
	})
	if n.isClosed() {
		return ErrClosed
	}
	return err
}

// Connect dials the master at addr and serves it until the connection
// ends or ctx is done. It blocks.
func (n *Node) Connect(ctx context.Context, addr string) error {
	if n.isClosed() {
		return ErrClosed
	}
	sess, err := session.Dial(ctx, addr, n.cfg.Session, n.self)
	if err != nil {
		return err
	}
	return n.serveSession(ctx, sess)
}

// ServeConn runs the handshake on conn and serves the master behind it
// until the connection ends or ctx is done. It blocks. Handshake failures
// are logged by the session package and returned.
func (n *Node) ServeConn(ctx context.Context, conn net.Conn) error {
	sess, err := session.New(ctx, conn, n.cfg.Session, n.self)
	if err != nil {
		return err
	}
	return n.serveSession(ctx, sess)
}

func (n *Node) serveSession(ctx context.Context, sess *session.Session) error {
	if !n.track(sess) {
		sess.Close()
		return ErrClosed
	}
	defer n.untrack(sess)
	n.log.Info("master connected", "addr", sess.RemoteAddr(), "host", sess.Peer().Host, "pid", sess.Peer().PID)
	err := sess.Serve(ctx, handler{n})
	sess.Close()
	n.logEnd(sess)
	return err
}

// logEnd logs how a master's session ended: at info when the master hung
// up or this node closed it, as a warning with the cause when this node
// ended it by itself (a keepalive or a write that timed out, a protocol
// violation). The master then only sees its connection lost (EOF): this
// line is where the reason is.
func (n *Node) logEnd(sess *session.Session) {
	cause := sess.Err()
	if errors.Is(cause, ErrClosed) || session.HungUp(cause) {
		n.log.Info("master disconnected", "addr", sess.RemoteAddr(), "err", cause)
		return
	}
	n.log.Warn("master's connection ended by this node", "addr", sess.RemoteAddr(), "pid", sess.Peer().PID, "cause", cause)
}

func (n *Node) isClosed() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.closed
}

func (n *Node) track(sess *session.Session) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return false
	}
	n.sessions[sess] = struct{}{}
	return true
}

func (n *Node) untrack(sess *session.Session) {
	n.mu.Lock()
	delete(n.sessions, sess)
	in, out := sess.Traffic()
	n.stats.in.Add(in)
	n.stats.out.Add(out)
	n.mu.Unlock()
}

// spawn runs f on a goroutine that Close waits for, unless n is closed.
func (n *Node) spawn(f func()) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return false
	}
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		f()
	}()
	return true
}

// Close disconnects every master, waits for the connection goroutines
// that Serve started, and closes the engines. Connect and Reconnect run
// on their callers' goroutines: they return ErrClosed soon after. It is
// idempotent.
func (n *Node) Close() error {
	n.mu.Lock()
	already := n.closed
	n.closed = true
	sessions := make([]*session.Session, 0, len(n.sessions))
	for sess := range n.sessions {
		sessions = append(sessions, sess)
	}
	n.mu.Unlock()
	if already {
		return nil
	}
	n.cancel() // and with it every detached job
	n.jobs.close()
	for _, sess := range sessions {
		sess.Close()
	}
	n.wg.Wait()
	for _, e := range n.engines {
		e.Close()
	}
	n.closeSpares()
	return nil
}

// ErrClosed is returned by Serve, Connect, Reconnect and ServeConn after
// Close. It is failure.ErrClosed, the same value as every dpfw package's
// ErrClosed; a master that goes away is not ErrClosed but
// session.ErrConnectionLost.
var ErrClosed = failure.ErrClosed
