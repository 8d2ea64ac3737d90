package session

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/yamux"

	"github.com/dpfw/dpfw/eval/failure"
)

// Session is an authenticated connection between a master and a slave.
// All its methods may be called from multiple goroutines at once.
//
// A Session multiplexes one long-lived control stream, which carries the
// frames of every Call, and one yamux stream per OpenTask.
type Session struct {
	conn net.Conn
	mux  *yamux.Session
	cfg  Config
	self Identity
	peer Identity
	log  *slog.Logger

	ctx    context.Context // cancelled when the session dies; parent of task contexts
	cancel context.CancelFunc

	ctrl    *yamux.Stream
	wmu     sync.Mutex // serializes writes on ctrl
	out     frameQueue // frames for ctrl, gathered into few Writes
	traffic *traffic   // bytes through conn, counted by coalescedConn
	nextID  atomic.Uint64
	// Method values of s made once, for the per-task paths that pass
	// them on (a method value that escapes is allocated where it is
	// taken).
	writeBytes func([]byte) error    // writeCtrlBytes
	sendCtrl   func(*envelope) error // writeCtrl
	spawn      func(func()) bool     // background
	interrupt  func()                // interruptRead

	// The control stream's reading turn. On a slave's session recvLoop
	// reads all the time. On a master's session the turn moves (reader,
	// under mu): a Call that finds nobody reading reads the stream on
	// its own goroutine until its Response comes (readDirect: no
	// hand-off from a reader goroutine, the sequential Run's hot path);
	// recvLoop takes the turn when other Calls still wait, and when
	// nobody has read for idleRead, so that an idle session still sees a
	// stray frame or a lost connection at once.
	frames frameReader   // read only by the goroutine holding the turn
	rwake  chan struct{} // cap 1: tells recvLoop it has the turn
	idle   *time.Timer   // recvLoop's: it takes the turn after idleRead unread

	// incoming carries admitted tasks to Serve. Its capacity is
	// cfg.MaxStreams + spareLimit and admission is bounded by inflight
	// and spares, so sends never block.
	incoming chan *task
	inflight atomic.Int64
	// spares counts the admitted tasks with Request.Spare: sub-tasks
	// on the engine a waiting parent lends, which the parent's slot
	// covers; they are bounded apart from inflight (sub.go).
	spares atomic.Int64

	// slots, on a master's session, holds one token per task in flight
	// to the peer (Calls and task streams, from the request until its
	// response arrives): its capacity is the peer's announced limit, so
	// the peer never has to refuse a task as busy.
	slots chan struct{}

	mu sync.Mutex // protects the following
	// pending holds the Calls awaiting a response, by ID; the entry of a
	// Call whose caller gave up is nil, and stays until the response
	// (which frees its slot) arrives; one that holds no slot (a Spare
	// sub-task) is deleted instead.
	pending  map[uint64]*pendingCall
	watchers map[uint64]func(*Event)       // the live Calls among pending (CallLive)
	running  map[uint64]context.CancelFunc // admitted control tasks, by ID
	// reader holds the reading turn on a master's session: nobody
	// (then pending is empty), recvLoop or a Call.
	reader turn
	// idleArmed: idle runs (idleTurn checks reads against readsSeen, so
	// it is not reset for every Call: arming a timer wakes a thread).
	idleArmed        bool
	reads, readsSeen uint64 // reading turns Calls took; as idleTurn last saw

	refusedOnce    sync.Once // logs the first task refused for the peer's role
	subRefusedOnce sync.Once // logs the first sub-task request refused (sub.go)

	// subs are a master's tasks that may ask for sub-tasks (sub.go).
	subs subs

	closeOnce sync.Once
	done      chan struct{}
	err       error // set once, before done is closed

	gmu     sync.Mutex     // protects closing, orders wg.Add before wg.Wait
	closing bool           // no more background goroutines may start
	wg      sync.WaitGroup // the session's own goroutines; Close waits
}

// pendingCall is a Call waiting for its Response.
type pendingCall struct {
	ch      chan *Response  // buffered: the reader never blocks on it
	arrived func(*Response) // CallNotify's; nil for a plain Call
	slot    bool            // it holds one of slots (not a Spare sub-task)
}

// pendingCalls holds pendingCalls whose Call received its Response from
// ch, with ch empty: settle took the call out of pending before the
// Response was sent on ch, so nothing else holds it. A Call that ends
// any other way leaves its pendingCall to the collector.
var pendingCalls = sync.Pool{New: func() any { return &pendingCall{ch: make(chan *Response, 1)} }}

func newPendingCall(arrived func(*Response), slot bool) *pendingCall {
	c := pendingCalls.Get().(*pendingCall)
	c.arrived, c.slot = arrived, slot
	return c
}

// received returns resp, the Response c's Call received from c.ch, and
// gives c back to pendingCalls.
func (c *pendingCall) received(resp *Response) *Response {
	c.arrived = nil
	pendingCalls.Put(c)
	return resp
}

// task is one request admitted from the peer, waiting for Serve.
type task struct {
	id     uint64
	req    *Request
	ctx    context.Context
	cancel context.CancelFunc
	stream *yamux.Stream // non-nil for tasks that came on their own stream
	ended  atomic.Bool   // no longer counted in inflight (or spares)
	spare  bool          // counted in spares, not inflight
}

// New runs the handshake on conn, which may be either end of the TCP
// connection, and returns a Session once both sides have proved they know
// cfg.Token and have compatible roles. The peer must have the other role.
// On failure New closes conn, logs one line and returns an error wrapping
// ErrConfig, ErrNoToken, ErrAuth, ErrHandshake or ErrRole, or
// ErrConnectionLost when the peer, authenticated, closed the connection
// before this side had set up the session (a master's session is up once
// it has opened the control stream, a slave's once it has accepted it).
// New blocks at most cfg.HandshakeTimeout, less if ctx ends first.
//
// With cfg.TLS set, New first runs a TLS handshake, within the same
// HandshakeTimeout: a conn that is already a *tls.Conn (as Dial makes)
// is used as it is, any other conn is taken to be the accepted end and
// becomes the TLS server.
func New(ctx context.Context, conn net.Conn, cfg Config, self Identity) (*Session, error) {
	verr := cfg.Validate()
	cfg = cfg.withDefaults()
	fail := func(err error) (*Session, error) {
		conn.Close()
		remote := addrString(conn.RemoteAddr())
		args := []any{"remote", remote, "err", err.Error()}
		level := slog.LevelWarn
		if cfg.callerLogs {
			return nil, err
		}
		if errors.Is(err, errSilentPeer) {
			level = slog.LevelDebug
		} else if ok, held := cfg.limit.allow(peerKey(remote), time.Now()); !ok {
			return nil, err
		} else if held > 0 {
			args = append(args, "failures_not_logged", held)
		}
		cfg.Logger.Log(context.Background(), level, "handshake failed", args...)
		return nil, err
	}
	if verr != nil {
		return fail(verr)
	}
	if self.Role != RoleMaster && self.Role != RoleSlave {
		return fail(fmt.Errorf("%w: own role %s is invalid", ErrRole, self.Role))
	}
	self.MaxInFlight = cfg.MaxStreams
	start := time.Now()
	conn, err := startTLS(ctx, conn, cfg.TLS, cfg.HandshakeTimeout)
	if err != nil {
		return fail(err)
	}
	peer, err := handshake(ctx, conn, cfg.Token, self, cfg.HandshakeTimeout-time.Since(start))
	if err != nil {
		return fail(err)
	}
	s, err := newSession(conn, cfg, self, peer, cfg.HandshakeTimeout-time.Since(start))
	if errors.Is(err, ErrConnectionLost) {
		conn.Close()
		if !cfg.callerLogs {
			cfg.Logger.Info("connection lost right after the handshake", "remote", addrString(conn.RemoteAddr()), "err", err.Error())
		}
		return nil, err
	}
	if err != nil {
		return fail(err)
	}
	return s, nil
}

func addrString(a net.Addr) string {
	if a == nil {
		return "?"
	}
	return a.String()
}

// newSession starts yamux on an authenticated conn and sets up the
// control stream, which the master opens and the slave accepts.
func newSession(conn net.Conn, cfg Config, self, peer Identity, left time.Duration) (*Session, error) {
	ycfg := yamux.DefaultConfig()
	ycfg.AcceptBacklog = cfg.MaxStreams
	ycfg.KeepAliveInterval = cfg.KeepAlive
	ycfg.ConnectionWriteTimeout = cfg.WriteTimeout
	ycfg.LogOutput = nil
	ycfg.Logger = slog.NewLogLogger(cfg.Logger.With("remote", addrString(conn.RemoteAddr())).Handler(), slog.LevelWarn)
	var (
		mux  *yamux.Session
		ctrl *yamux.Stream
		err  error
	)
	wire := newCoalescedConn(conn)
	if self.Role == RoleMaster {
		if mux, err = yamux.Client(wire, ycfg); err == nil {
			ctrl, err = mux.OpenStream()
		}
	} else if mux, err = yamux.Server(wire, ycfg); err == nil {
		actx, cancel := context.WithTimeout(context.Background(), max(left, time.Millisecond))
		ctrl, err = mux.AcceptStreamWithContext(actx)
		cancel()
	}
	if err != nil {
		if mux != nil {
			mux.Close()
		}
		if mux == nil || errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("%w: opening control stream: %v", ErrHandshake, err)
		}
		// Both sides have authenticated: the master's session is up
		// as soon as it has sent the control stream's SYN, and it
		// may already have closed it again before this side accepted
		// the stream. The connection was established and then lost.
		return nil, fmt.Errorf("%w: %v (right after the handshake)", ErrConnectionLost, err)
	}
	s := &Session{
		conn: conn, mux: mux, cfg: cfg, self: self, peer: peer,
		log:      cfg.Logger.With("remote", addrString(conn.RemoteAddr()), "peer", peer.Name),
		ctrl:     ctrl,
		incoming: make(chan *task, cfg.MaxStreams+spareLimit(cfg)),
		pending:  make(map[uint64]*pendingCall),
		watchers: make(map[uint64]func(*Event)),
		running:  make(map[uint64]context.CancelFunc),
		traffic:  wire.traffic,
		done:     make(chan struct{}),
	}
	if self.Role == RoleMaster {
		s.slots = make(chan struct{}, peer.InFlight())
	}
	s.writeBytes, s.sendCtrl, s.spawn = s.writeCtrlBytes, s.writeCtrl, s.background
	s.interrupt = s.interruptRead
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.frames = frameReader{r: ctrl, max: cfg.MaxFrame}
	s.rwake = make(chan struct{}, 1)
	if self.Role == RoleMaster {
		s.reader, s.idleArmed = turnNobody, true
		s.idle = time.NewTimer(idleRead)
	}
	s.wg.Add(2)
	go s.recvLoop()
	go s.acceptLoop()
	return s, nil
}

// Dial connects to addr and runs New on the connection. With cfg.TLS
// set, Dial is the TLS client; when cfg.TLS.ServerName is empty the host
// of addr is used (127.0.0.1 when addr names none).
func Dial(ctx context.Context, addr string, cfg Config, self Identity) (*Session, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if cfg.TLS != nil {
		tcfg := cfg.TLS
		if tcfg.ServerName == "" && !tcfg.InsecureSkipVerify {
			tcfg = tcfg.Clone()
			tcfg.ServerName = "127.0.0.1"
			if host, _, err := net.SplitHostPort(addr); err == nil && host != "" {
				tcfg.ServerName = host
			}
		}
		conn = tls.Client(conn, tcfg)
	}
	return New(ctx, conn, cfg, self)
}

// Listen listens on TCP addr. An address without a host ("" or ":port")
// binds 127.0.0.1 only; to accept peers from other machines name the host,
// e.g. "0.0.0.0:10000". "" picks a free port.
func Listen(addr string) (net.Listener, error) {
	if addr == "" {
		addr = ":0"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.Listen("tcp", net.JoinHostPort(host, port))
}

// Peer returns the other side's Identity, as it stated in the handshake.
func (s *Session) Peer() Identity { return s.peer }

// RemoteAddr returns the address of the other end of the connection.
func (s *Session) RemoteAddr() net.Addr { return s.conn.RemoteAddr() }

// Done returns a channel that is closed when the session has ended.
func (s *Session) Done() <-chan struct{} { return s.done }

// Err returns why the session ended, or nil while it is alive: ErrClosed
// after this side's Close, else an error wrapping ErrConnectionLost and
// the cause.
func (s *Session) Err() error {
	select {
	case <-s.done:
		return s.err
	default:
		return nil
	}
}

// HungUp reports whether err, a session's Err, says that the peer ended
// the connection: it closed it (end of stream, or a broken pipe on a
// write) or reset it. It is false
// for ErrClosed (this side's Close) and for every cause that is this
// side's own doing: a keepalive the peer did not answer in time, a write
// that failed or ran past its deadline, a protocol violation. A node
// logs those as a warning: its peer sees its connection lost, and only
// this side's log says why.
func HungUp(err error) bool {
	if !errors.Is(err, ErrConnectionLost) {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, yamux.ErrConnectionReset)
}

// Close ends the session: pending Calls and task streams fail at once
// with ErrClosed (the peer's with ErrConnectionLost), running tasks'
// contexts are cancelled. It waits for the session's own goroutines (not
// for Serve's handlers; Serve does). Close is idempotent.
func (s *Session) Close() error {
	s.shutdown(ErrClosed)
	s.wg.Wait()
	return nil
}

// shutdown records err as the cause of death, the first time only, and
// tears the connection down. It does not wait.
func (s *Session) shutdown(err error) {
	s.closeOnce.Do(func() {
		s.gmu.Lock()
		s.closing = true
		s.gmu.Unlock()
		if !errors.Is(err, ErrClosed) {
			err = fmt.Errorf("%w: %w", ErrConnectionLost, err)
		}
		s.err = err
		close(s.done)
		s.out.close()
		// Tear the connection down before cancelling tasks, so that no
		// task woken by the cancellation gets its result out.
		s.mux.Close()
		s.conn.Close()
		s.cancel()
	})
}

// background runs f on a goroutine that Close waits for. It reports
// false, and runs nothing, once the session is shutting down.
func (s *Session) background(f func()) bool {
	s.gmu.Lock()
	defer s.gmu.Unlock()
	if s.closing {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

// closedErr is the error a Call or stream returns after the session died.
func (s *Session) closedErr() error {
	<-s.done
	return s.err
}

// writeCtrl writes one envelope on the control stream. A write that
// fails or runs past its deadline kills the session: the stream would
// otherwise be left with half a frame. The deadline is WriteTimeout plus
// one second per MiB, so large frames on slow links are not cut off.
func (s *Session) writeCtrl(e *envelope) error {
	b, err := encodeEnvelope(e, s.cfg.MaxFrame)
	if err != nil {
		return err
	}
	return s.writeCtrlFrame(b)
}

// writeCtrlFrame writes a frame encodeEnvelope made on the control
// stream, together with the frames other goroutines write at the same
// time (frameQueue). It may return before the frame is on its way, nil:
// a failed Write ends the session, which its sender then learns.
func (s *Session) writeCtrlFrame(b []byte) error {
	return s.out.write(b, s.writeBytes)
}

// writeCtrlBytes writes whole frames on the control stream in one Write.
func (s *Session) writeCtrlBytes(b []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	select {
	case <-s.done:
		return s.err
	default:
	}
	s.ctrl.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout + time.Duration(len(b))*time.Second/(1<<20)))
	if _, err := s.ctrl.Write(b); err != nil {
		// A yamux session that shuts down closes its streams first:
		// a Write then meets either error.
		gone := errors.Is(err, yamux.ErrSessionShutdown) || errors.Is(err, yamux.ErrStreamClosed)
		if !gone || !s.mux.IsClosed() {
			s.shutdown(fmt.Errorf("writing control frame: %w", err))
		} // else yamux closed the connection first: acceptLoop records its reason (readFailed)
		return s.closedErrUnlocked()
	}
	return nil
}

// closedErrUnlocked is closedErr for writeCtrlBytes, which holds s.wmu:
// it lets go of it while it waits for the session's cause.
func (s *Session) closedErrUnlocked() error {
	s.wmu.Unlock()
	defer s.wmu.Lock()
	return s.closedErr()
}

// turn is who reads a master's control stream (Session.reader).
type turn int8

const (
	turnLoop   turn = iota // recvLoop (always, on a slave's session)
	turnNobody             // no Call waits; idleTurn gives it to recvLoop
	turnCall               // a Call, on its own goroutine (readDirect)
)

// idleRead is how long a master's control stream may go unread while no
// Call waits, before recvLoop reads it again: back-to-back Calls read
// their own Responses, and an idle session still notices a stray frame
// or a lost connection within twice this time (idleTurn).
const idleRead = 10 * time.Millisecond

// recvLoop reads the control stream while it holds the reading turn:
// always on a slave's session, on a master's as Session.reader says.
func (s *Session) recvLoop() {
	defer s.wg.Done()
	master := s.self.Role == RoleMaster
	if master {
		defer s.idle.Stop()
	}
	for {
		if master && !s.awaitTurn() {
			return
		}
		e, err := s.frames.next()
		if errors.Is(err, yamux.ErrTimeout) { // a Call's interruptRead, now stale
			s.clearDeadline()
			continue
		}
		if err != nil {
			s.readFailed("control stream", err)
			return
		}
		if !s.dispatch(e) {
			return
		}
		if master {
			s.mu.Lock()
			if len(s.pending) == 0 { // nobody waits: a Call may read for itself
				s.yieldTurn()
			}
			s.mu.Unlock()
		}
	}
}

// awaitTurn waits until recvLoop holds the reading turn (given by a
// Call, by idleTurn, or taken when the connection died while nobody
// read), and reports false when the session died first.
func (s *Session) awaitTurn() bool {
	closed := s.mux.CloseChan() // the connection died: read, to see it now
	for {
		s.mu.Lock()
		mine := s.reader == turnLoop
		s.mu.Unlock()
		if mine {
			return true
		}
		select {
		case <-s.rwake:
		case <-s.idle.C:
			s.idleTurn()
		case <-closed:
			closed = nil // once: a Call reading now sees it itself
			s.mu.Lock()
			if s.reader == turnNobody {
				s.reader = turnLoop
			}
			s.mu.Unlock()
		case <-s.done:
			return false
		}
	}
}

// yieldTurn leaves the reading turn to nobody, so that the next Call
// reads for itself, and makes sure idleTurn will look. s.mu must be
// held, and pending empty.
func (s *Session) yieldTurn() {
	s.reader = turnNobody
	if !s.idleArmed {
		s.idleArmed = true
		s.idle.Reset(idleRead)
	}
}

// idleTurn, when the idle timer fires, gives recvLoop the reading turn
// if nobody has held it since its last look; after Calls read for
// themselves it looks again later, and while one reads it stops.
// recvLoop runs it, between turns.
func (s *Session) idleTurn() {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.reader == turnLoop: // given meanwhile; yieldTurn arms the timer again
		s.idleArmed = false
	case s.reader == turnCall:
		// The Call reads, and sees every frame and a lost connection
		// itself: no need to look again until it hands the turn back
		// (yieldTurn arms the timer then). Looking every idleRead for as
		// long as a long task runs cost each session a wake-up per 10 ms.
		s.idleArmed = false
	case s.reads != s.readsSeen:
		s.readsSeen = s.reads
		s.idle.Reset(idleRead)
	default:
		s.idleArmed = false
		s.reader = turnLoop
	}
}

// giveLoop gives recvLoop the reading turn. s.mu must be held.
func (s *Session) giveLoop() {
	s.reader = turnLoop
	select {
	case s.rwake <- struct{}{}:
	default: // recvLoop has a wake-up pending already
	}
}

// handBack ends a Call's reading turn: to nobody when no other Call
// waits, else to recvLoop.
func (s *Session) handBack() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) == 0 {
		s.yieldTurn()
		return
	}
	s.giveLoop()
}

// interruptRead cuts short the read of the Call holding the reading turn
// (its ctx or stop is done): the read fails with yamux.ErrTimeout, having
// consumed nothing, and the reader looks at why.
func (s *Session) interruptRead() {
	s.mu.Lock()
	s.ctrl.SetReadDeadline(time.Unix(1, 0))
	s.mu.Unlock()
}

// clearDeadline undoes interruptRead after a read it cut short. Under
// s.mu, so that an interruptRead is either undone before its reader
// looks at why it came (its cause is set before it is called), or stays.
func (s *Session) clearDeadline() {
	s.mu.Lock()
	s.ctrl.SetReadDeadline(time.Time{})
	s.mu.Unlock()
}

// dispatch handles one frame read from the control stream, on the
// goroutine holding the reading turn. It reports false when the frame
// ended the session.
func (s *Session) dispatch(e *envelope) bool {
	switch e.Type {
	case frameRequest:
		s.admit(&task{id: e.ID, req: e.Req})
	case frameResponse:
		if c, _ := s.settle(e.ID); c != nil {
			if c.arrived != nil {
				c.arrived(e.Resp)
			}
			c.ch <- e.Resp // buffered; never blocks
		}
	case frameCancel:
		s.mu.Lock()
		cancel := s.running[e.ID]
		s.mu.Unlock()
		if cancel != nil {
			cancel()
		}
	case frameEvent:
		if s.self.Role != RoleMaster {
			s.readFailed("control stream", fmt.Errorf("%w: an event frame sent to a slave", errMalformed))
			return false
		}
		s.mu.Lock()
		watch := s.watchers[e.ID]
		s.mu.Unlock()
		if watch != nil {
			watch(e.Event)
		}
	default:
		s.readFailed("control stream", fmt.Errorf("%w: unexpected type %d on control stream", errMalformed, e.Type))
		return false
	}
	return true
}

// readFailed ends the session after a failed read, logging protocol
// violations; a plain disconnect is not worth a warning.
func (s *Session) readFailed(where string, err error) {
	select {
	case <-s.done:
		return
	default:
	}
	if errors.Is(err, errMalformed) || errors.Is(err, ErrFrameTooLarge) {
		s.log.Warn("protocol violation, closing session", "where", where, "err", err.Error())
	}
	if where != "accept" && errors.Is(err, io.EOF) && s.mux.IsClosed() {
		// The control stream reads EOF because yamux closed the whole
		// connection; acceptLoop's Accept fails at once with yamux's
		// reason (the peer's EOF, or this side's keepalive timeout or
		// failed write), and that is the cause to record, not this EOF.
		return
	}
	s.shutdown(err) // wrapped in ErrConnectionLost
}

// admit queues a request for Serve, or answers it at once: when this
// side is a master (only a master sends tasks, only a slave runs them,
// so a slave cannot make its master run anything), or when the peer
// already has MaxStreams tasks in flight.
func (s *Session) admit(t *task) {
	if s.self.Role == RoleMaster && t.req != nil && t.req.Kind == KindSub {
		s.admitSub(t) // the one request a slave may send
		return
	}
	if s.self.Role != RoleSlave {
		s.refusedOnce.Do(func() {
			s.log.Warn("refused a task from a slave: only a master sends tasks (further refusals not logged)")
		})
		s.answer(t, &RemoteError{Kind: failure.KindInternal, Msg: fmt.Sprintf("refused: a %s runs no tasks; only a master sends them", s.self.Role)})
		return
	}
	if t.req != nil && t.req.Kind == KindSub {
		s.answer(t, &RemoteError{Kind: failure.KindInternal, Msg: "refused: a slave runs no sub-tasks; a master does"})
		return
	}
	t.spare = t.stream == nil && t.req != nil && t.req.Kind == KindEval && t.req.Spare
	limit := s.cfg.MaxStreams
	if t.spare {
		limit = spareLimit(s.cfg)
	}
	if n := s.counter(t); n.Add(1) > int64(limit) {
		n.Add(-1)
		s.answer(t, &RemoteError{Kind: failure.KindBusy, Msg: fmt.Sprintf("%d tasks in flight already", limit)})
		return
	}
	t.ctx, t.cancel = context.WithCancel(s.ctx)
	if t.stream == nil {
		s.mu.Lock()
		if s.running[t.id] != nil {
			s.mu.Unlock()
			s.shutdown(fmt.Errorf("%w: duplicate request id %d", errMalformed, t.id))
			return
		}
		s.running[t.id] = t.cancel
		s.mu.Unlock()
	}
	s.incoming <- t
}

// answer sends the response to a task that will not run, on its own
// stream if it came on one.
func (s *Session) answer(t *task, e *RemoteError) {
	resp := &Response{Err: e}
	if t.stream != nil {
		s.background(func() {
			t.stream.SetDeadline(time.Now().Add(s.cfg.WriteTimeout))
			writeEnvelope(t.stream, &envelope{Type: frameResponse, Resp: resp}, s.cfg.MaxFrame)
			t.stream.Close()
		})
		return
	}
	s.background(func() {
		s.writeCtrl(&envelope{ID: t.id, Type: frameResponse, Resp: resp})
	})
}

// acceptLoop accepts the task streams the peer opens.
func (s *Session) acceptLoop() {
	defer s.wg.Done()
	for {
		st, err := s.mux.AcceptStream()
		if err != nil {
			s.readFailed("accept", err)
			return
		}
		s.admit(&task{stream: st})
	}
}

// Call sends req on the control stream and waits for its Response. It
// blocks until the response arrives, ctx is done, or the session dies.
// Many Calls may run at once; they are pipelined on one stream. Only a
// master sends tasks: on a slave's session Call fails with ErrRole.
//
// When ctx is done Call tells the peer to cancel the task and returns
// ctx.Err() at once. When the session ends it returns Err(): ErrClosed
// or an error wrapping ErrConnectionLost. A request that encodes to more
// than MaxFrame bytes fails with ErrFrameTooLarge without being sent; the
// session stays up. A task that failed on the peer is a Response with
// Err set, not an error.
func (s *Session) Call(ctx context.Context, req *Request) (*Response, error) {
	if err := s.mustBe(RoleMaster, "Call"); err != nil {
		return nil, err
	}
	return s.call(ctx, req, nil, nil, nil)
}

// CallStop is Call with a second way to cancel: when stop is done,
// CallStop tells the peer to cancel the task, as a done ctx does, but
// goes on waiting for the peer's Response, which says how the task
// ended (its output so far, whether the interpreter was reset). Only
// stop's Done matters (a context, so that a Call reading the stream
// itself can be woken by context.AfterFunc); a nil stop never stops.
func (s *Session) CallStop(ctx context.Context, req *Request, stop context.Context) (*Response, error) {
	if err := s.mustBe(RoleMaster, "CallStop"); err != nil {
		return nil, err
	}
	return s.call(ctx, req, stop, nil, nil)
}

// CallNotify is CallStop that also calls arrived with the Response as
// soon as it is decoded, on the session's reader goroutine, before
// CallNotify returns that same Response: the caller's waiter can be
// woken from there, without a hop through the goroutine in CallNotify.
// arrived runs at most once, and only when CallNotify returns the
// Response it was given (never when it returns an error). It must not
// block: no other Response is read while it runs.
func (s *Session) CallNotify(ctx context.Context, req *Request, stop context.Context, arrived func(*Response)) (*Response, error) {
	if err := s.mustBe(RoleMaster, "CallNotify"); err != nil {
		return nil, err
	}
	return s.call(ctx, req, stop, nil, arrived)
}

// mustBe fails unless this side has role, which what needs.
func (s *Session) mustBe(role Role, what string) error {
	if s.self.Role != role {
		return fmt.Errorf("%w: %s is for a %s's session, this is a %s's", ErrRole, what, role, s.self.Role)
	}
	return nil
}

// CallLive is CallNotify for a task whose live Events the caller wants:
// it sets req.Live and calls onEvent with each Event the slave sends, in
// order, until the Response arrives; arrived (may be nil) is as for
// CallNotify. onEvent runs on the goroutine that reads the connection:
// it must return at once (hand the Event on; do not block), and must not
// keep it past the call's return except by copying. Events that arrive
// after CallLive returned are dropped.
func (s *Session) CallLive(ctx context.Context, req *Request, stop context.Context, onEvent func(*Event), arrived func(*Response)) (*Response, error) {
	if err := s.mustBe(RoleMaster, "CallLive"); err != nil {
		return nil, err
	}
	if req != nil {
		req.Live = true
	}
	return s.call(ctx, req, stop, onEvent, arrived)
}

// call is CallLive (CallNotify without onEvent) without the role check.
func (s *Session) call(ctx context.Context, req *Request, stop context.Context, onEvent func(*Event), arrived func(*Response)) (*Response, error) {
	if req == nil {
		return nil, errors.New("session: nil request")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// A sub-task on a spare engine runs on the CPU its waiting parent
	// lends, under the parent's slot: waiting for one could deadlock
	// (the parents may hold them all), and the node admits it apart.
	slot := s.self.Role == RoleMaster && !req.Spare
	if slot {
		if err := s.acquire(ctx); err != nil {
			return nil, err
		}
	}
	id := s.nextID.Add(1)
	c := newPendingCall(arrived, slot)
	if s.openParent(ctx, id, req) {
		defer s.closeParent(id)
	}
	s.mu.Lock()
	s.pending[id] = c
	if onEvent != nil {
		s.watchers[id] = onEvent
	}
	direct := s.reader == turnNobody // only on a master's session
	if direct {
		s.reader = turnCall
		s.reads++
	}
	s.mu.Unlock()
	if err := s.sendRequest(ctx, id, req); err != nil {
		_, ours := s.settle(id)
		if direct {
			s.handBack()
		}
		if !ours { // the Response came first
			return <-c.ch, nil
		}
		return nil, err
	}
	if direct {
		return s.readDirect(ctx, id, c, stop)
	}
	var stopped <-chan struct{}
	if stop != nil {
		stopped = stop.Done()
	}
	for {
		select {
		case resp := <-c.ch:
			return c.received(resp), nil
		case <-s.done:
			return s.lost(id, c)
		case <-stopped:
			stopped = nil // once
			s.cancelTask(id)
		case <-ctx.Done():
			return s.abandon(ctx, id, c)
		}
	}
}

// readDirect waits for the Response of the Call id, reading the control
// stream on the caller's goroutine, which holds the reading turn; it
// gives the turn back when it returns. Every frame it reads is handled
// as recvLoop would (other Calls' Responses, Events, sub-task requests).
// A done ctx or stop cuts its read short (interruptRead), so it acts on
// them at once, as call's select does.
func (s *Session) readDirect(ctx context.Context, id uint64, c *pendingCall, stop context.Context) (*Response, error) {
	defer s.handBack()
	if ctx.Done() != nil {
		defer context.AfterFunc(ctx, s.interrupt)()
	}
	var stopped <-chan struct{}
	if stop != nil && stop.Done() != nil {
		stopped = stop.Done()
		defer context.AfterFunc(stop, s.interrupt)()
	}
	for {
		select {
		case resp := <-c.ch:
			return c.received(resp), nil
		case <-stopped:
			stopped = nil // once
			s.cancelTask(id)
		default:
		}
		if ctx.Err() != nil {
			return s.abandon(ctx, id, c)
		}
		e, err := s.frames.next()
		switch {
		case errors.Is(err, yamux.ErrTimeout): // interruptRead: see why
			s.clearDeadline()
			continue
		case err != nil:
			s.readFailed("control stream", err)
		case s.dispatch(e):
			continue
		}
		return s.lost(id, c)
	}
}

// cancelTask tells the peer to cancel the Call id, in the background.
func (s *Session) cancelTask(id uint64) {
	s.background(func() { s.writeCtrl(&envelope{ID: id, Type: frameCancel}) })
}

// lost ends the Call id on a dead session: with its Response if the
// reader settled it first, else with the session's error.
func (s *Session) lost(id uint64, c *pendingCall) (*Response, error) {
	if _, ours := s.settle(id); !ours {
		return <-c.ch, nil // the reader settled it: it is on its way
	}
	return nil, s.closedErr()
}

// abandon ends the Call id whose ctx is done: the peer is told to cancel
// the task, and a Response that still comes is dropped. The peer counts
// the task until it answers: the slot stays taken until then (a call
// without one is forgotten).
func (s *Session) abandon(ctx context.Context, id uint64, c *pendingCall) (*Response, error) {
	s.mu.Lock()
	_, ours := s.pending[id]
	switch {
	case ours && c.slot:
		s.pending[id] = nil
	case ours:
		delete(s.pending, id)
	}
	delete(s.watchers, id)
	s.mu.Unlock()
	if !ours { // the reader settled it: it is on its way
		return <-c.ch, nil
	}
	s.cancelTask(id)
	return nil, ctx.Err()
}

// sendRequest writes a Call's request frame; under a context made by
// MayHold it may wait a little to go out with others (frameQueue.hold).
func (s *Session) sendRequest(ctx context.Context, id uint64, req *Request) error {
	b, err := encodeEnvelope(&envelope{ID: id, Type: frameRequest, Req: req}, s.cfg.MaxFrame)
	if err != nil {
		return err
	}
	if ctx.Value(mayHoldKey{}) != nil {
		return s.out.hold(b, s.writeBytes)
	}
	return s.writeCtrlFrame(b)
}

type mayHoldKey struct{}

// MayHold returns a context under which a Call's request may wait up to
// a fraction of a millisecond (maxHold) before it is sent, to go out in
// one Write with other frames. The master uses it for a task queued on
// a slave's engine behind others still in flight there (Pipeline): the
// engine is busy for longer than that anyway, and the connection carries
// fewer, larger writes.
func MayHold(ctx context.Context) context.Context {
	return context.WithValue(ctx, mayHoldKey{}, true)
}

// acquire takes a slot for one task to the peer, waiting while the peer
// has as many in flight as it admits. A slave's session has no slots
// (it sends no tasks).
func (s *Session) acquire(ctx context.Context) error {
	if s.slots == nil {
		return nil
	}
	select {
	case s.slots <- struct{}{}:
		return nil
	default:
	}
	if ctx.Value(ifRoomKey{}) != nil {
		return ErrNoRoom
	}
	select {
	case s.slots <- struct{}{}:
		return nil
	case <-s.done:
		return s.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release gives back a slot taken by acquire.
func (s *Session) release() {
	if s.slots != nil {
		<-s.slots
	}
}

// settle ends the Call with the given ID: it forgets it and frees its
// slot, once. It returns the Call if its caller still waits for it, and
// whether this settle was the one that ended it: only one of the reader
// and the caller does, and the Call's outcome is that one's.
func (s *Session) settle(id uint64) (*pendingCall, bool) {
	s.mu.Lock()
	c, ok := s.pending[id]
	delete(s.pending, id)
	delete(s.watchers, id)
	s.mu.Unlock()
	if ok && (c == nil || c.slot) { // nil: given up, its slot still held
		s.release()
	}
	return c, ok
}

// ErrNoRoom is the error of a Call or OpenTask under a context made by
// IfRoom when the peer already has as many tasks in flight as it admits.
var ErrNoRoom = errors.New("session: the peer has as many tasks in flight as it admits")

type ifRoomKey struct{}

// IfRoom returns a context under which Call, CallStop and OpenTask do
// not wait for a free slot (see doc.go, "Limits and liveness"): with
// none free they fail at once with ErrNoRoom. The master's sub-tasks use
// it: waiting for a slot that only their waiting parents could free
// would deadlock.
func IfRoom(ctx context.Context) context.Context {
	return context.WithValue(ctx, ifRoomKey{}, true)
}

// Handler runs the tasks a peer sends. ServeTask is called on its own
// goroutine for every task, concurrently; ctx is cancelled when the peer
// cancels the task, the session dies, or Serve's ctx is done. stream is
// nil except for KindStream tasks, where it connects to the master's
// TaskStream. A nil Response is sent as an empty one.
type Handler interface {
	ServeTask(ctx context.Context, req *Request, stream io.ReadWriter) *Response
}

// Serve runs h on every task the peer sends, each on its own goroutine.
// It blocks until the session ends or ctx is done, then waits for the
// handlers it started to return (their contexts are cancelled first).
// It returns ctx.Err() or the session's Err(). Only a slave runs tasks:
// on a master's session Serve fails with ErrRole at once.
//
// The goroutines are workers that take tasks straight from the session's
// queue: the task goes from the reader of the connection to the worker
// that runs it without a hop through Serve, and a worker that finished
// one task takes the next with the stack it has already grown (yaegi's
// is deep). One worker always waits idle; a worker that takes a task
// from the last idle one starts another, so tasks never wait for each
// other, and a worker exits after its task when keepIdle others already
// wait, so a burst leaves few behind.
func (s *Session) Serve(ctx context.Context, h Handler) error {
	if err := s.mustBe(RoleSlave, "Serve"); err != nil {
		return err
	}
	p := &workers{s: s, h: h, ctx: ctx, quit: make(chan struct{})}
	p.spawn()
	defer p.wg.Wait()
	defer close(p.quit)
	select {
	case <-s.done:
		return s.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// keepIdle is how many idle workers one Serve keeps after a burst.
const keepIdle = 4

// workers are the goroutines of one Serve call.
type workers struct {
	s    *Session
	h    Handler
	ctx  context.Context // Serve's: cancels every task when done
	quit chan struct{}   // closed when Serve returns: idle workers exit
	idle atomic.Int64    // workers waiting for a task
	wg   sync.WaitGroup  // every worker; Serve waits
}

// spawn starts a worker that counts as idle from the start, so that a
// task admitted meanwhile never finds no worker waiting.
func (p *workers) spawn() {
	p.idle.Add(1)
	p.wg.Add(1)
	go p.work()
}

// work takes tasks until Serve returns, or until it finds enough other
// workers idle after a task.
func (p *workers) work() {
	defer p.wg.Done()
	for {
		select {
		case <-p.quit: // Serve returned while this worker ran a task
			p.idle.Add(-1)
			return
		default:
		}
		select {
		case t := <-p.s.incoming:
			if p.idle.Add(-1) == 0 {
				p.spawn()
			}
			stop := context.AfterFunc(p.ctx, t.cancel)
			p.s.run(t, p.h)
			stop()
			if p.idle.Load() >= keepIdle {
				return
			}
			p.idle.Add(1)
		case <-p.quit:
			p.idle.Add(-1)
			return
		}
	}
}

// run serves one task and sends its Response.
func (s *Session) run(t *task, h Handler) {
	defer s.end(t)
	defer t.cancel()
	if t.stream != nil {
		s.serveStream(t, h)
		return
	}
	ctx, live := s.taskContext(t)
	resp := h.ServeTask(ctx, t.req, nil)
	live.close()
	s.mu.Lock()
	delete(s.running, t.id)
	s.mu.Unlock()
	b := s.encodeResponse(resp, t.id)
	s.end(t)
	if s.inflight.Load() > 0 {
		// More tasks of this peer are in flight: one of them is likely
		// to finish soon, and its Response can go in the same Write
		// (frameQueue.hold, at most maxHold later).
		s.out.hold(b, s.writeBytes)
		return
	}
	s.writeCtrlFrame(b)
}

// end stops counting t as in flight, once. It runs before t's Response
// is written: the master frees the task's slot when the Response
// arrives and may send the next task at once, which must find room.
func (s *Session) end(t *task) {
	if t.ended.CompareAndSwap(false, true) {
		s.counter(t).Add(-1)
	}
}

// spareLimit bounds the Spare tasks in flight from the peer: a chain of
// waiting parents lends one engine per level (16 levels by the master's
// default), so no less than DefaultMaxStreams whatever MaxStreams is.
func spareLimit(cfg Config) int { return max(cfg.MaxStreams, DefaultMaxStreams) }

// counter is the count t is admitted under: spares for a sub-task on a
// spare engine, inflight for every other task.
func (s *Session) counter(t *task) *atomic.Int64 {
	if t.spare {
		return &s.spares
	}
	return &s.inflight
}

// withLive gives a task that asked for live events its Live, which
// sends them with send; the caller closes it before the Response.
func (s *Session) withLive(ctx context.Context, id uint64, req *Request, send func(*envelope) error) (context.Context, *Live) {
	if !wantsLive(req) {
		return ctx, nil
	}
	live := newLive(id, send, s.spawn)
	return context.WithValue(ctx, liveKey{}, live), live
}

// wantsLive reports whether a task of req gets a Live.
func wantsLive(req *Request) bool { return req.Live && req.Kind != KindBatch }

// taskContext is the context a Handler gets for a task of the control
// stream: with its reference for Spawn (eval, call and batch tasks) and
// its Live (when asked for), in one allocation (taskCtx) instead of a
// context.WithValue and a value each.
func (s *Session) taskContext(t *task) (context.Context, *Live) {
	parent, live := mayParent(t.req.Kind), wantsLive(t.req)
	if !parent && !live {
		return t.ctx, nil
	}
	c := &taskCtx{Context: t.ctx}
	if parent {
		c.ref = taskRef{s: s, id: t.id, depth: t.req.Depth}
	}
	if live {
		c.live = newLive(t.id, s.sendCtrl, s.spawn)
	}
	return c, c.live
}

// taskCtx is taskContext's context: ctx with the values of its fields.
type taskCtx struct {
	context.Context
	ref  taskRef // ref.s is nil when the task sends no sub-tasks
	live *Live
}

// Value returns c's own values, or those of the context it extends.
func (c *taskCtx) Value(key any) any {
	switch key.(type) {
	case taskRefKey:
		if c.ref.s != nil {
			return &c.ref
		}
	case liveKey:
		if c.live != nil {
			return c.live
		}
	}
	return c.Context.Value(key)
}

// Traffic returns the bytes this session has received and sent on its
// connection since the handshake, yamux framing included.
func (s *Session) Traffic() (in, out int64) {
	return s.traffic.in.Load(), s.traffic.out.Load()
}

// encodeResponse encodes resp as a response frame; when it would not
// fit in one frame, a too-large error goes in its place.
func (s *Session) encodeResponse(resp *Response, id uint64) []byte {
	if resp == nil {
		resp = &Response{}
	}
	e := &envelope{ID: id, Type: frameResponse, Resp: resp}
	b, err := encodeEnvelope(e, s.cfg.MaxFrame)
	if err == nil {
		return b
	}
	kind := failure.KindInternal
	if errors.Is(err, ErrFrameTooLarge) {
		kind = failure.KindTooLarge
	}
	e.Resp = &Response{Took: resp.Took, Reset: resp.Reset, Lost: resp.Lost, Err: &RemoteError{Kind: kind, Msg: "response not sendable: " + err.Error()}}
	b, _ = encodeEnvelope(e, s.cfg.MaxFrame)
	return b
}
