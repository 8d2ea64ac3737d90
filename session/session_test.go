package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dpfw/dpfw/eval/failure"
	"github.com/hashicorp/yamux"
)

const testToken = "test-token"

// quiet discards logs; set DPFW_TEST_LOG=1 to see them.
var quiet = func() *slog.Logger {
	if os.Getenv("DPFW_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}()

func testCfg() Config {
	return Config{Token: testToken, HandshakeTimeout: 2 * time.Second, Logger: quiet}
}

var (
	masterID = Identity{Role: RoleMaster, Name: "m", Host: "hm", PID: 1, Version: "v1", Instance: "im"}
	slaveID  = Identity{Role: RoleSlave, Name: "s", Host: "hs", PID: 2, Engines: 4, Version: "v1", Instance: "is"}
)

// connect makes a session pair over loopback TCP. The listening side
// uses lcfg/lid, the dialing side dcfg/did.
func connect(t testing.TB, lcfg Config, lid Identity, dcfg Config, did Identity) (lsess, dsess *Session, lerr, derr error) {
	t.Helper()
	ln, err := Listen("")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	type res struct {
		s   *Session
		err error
	}
	ch := make(chan res, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			ch <- res{nil, err}
			return
		}
		s, err := New(context.Background(), c, lcfg, lid)
		ch <- res{s, err}
	}()
	dsess, derr = Dial(context.Background(), ln.Addr().String(), dcfg, did)
	r := <-ch
	for _, s := range []*Session{r.s, dsess} {
		if s != nil {
			t.Cleanup(func() { s.Close() })
		}
	}
	return r.s, dsess, r.err, derr
}

// pair returns a connected master and slave; the slave serves h.
func pair(t testing.TB, h Handler) (m, s *Session) {
	t.Helper()
	s, m, serr, merr := connect(t, testCfg(), slaveID, testCfg(), masterID)
	if serr != nil || merr != nil {
		t.Fatalf("connect: slave %v, master %v", serr, merr)
	}
	if h != nil {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { s.Serve(ctx, h); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
	}
	return m, s
}

// testHandler echoes Src; "block" waits for cancellation; streams are
// upper-cased.
type testHandler struct {
	started  chan struct{} // receives when a "block" task starts
	canceled chan struct{} // receives when a "block" task sees ctx.Done
}

func newTestHandler() *testHandler {
	return &testHandler{started: make(chan struct{}, 100), canceled: make(chan struct{}, 100)}
}

func (h *testHandler) ServeTask(ctx context.Context, req *Request, stream io.ReadWriter) *Response {
	switch req.Kind {
	case KindStream:
		if stream == nil {
			return &Response{Err: &RemoteError{Kind: failure.KindInternal, Msg: "no stream"}}
		}
		if req.Src == "block" {
			h.started <- struct{}{}
			<-ctx.Done()
			h.canceled <- struct{}{}
			return &Response{Err: &RemoteError{Kind: failure.KindCanceled}}
		}
		buf := make([]byte, 4096)
		n := 0
		for {
			k, err := stream.Read(buf)
			stream.Write(bytes.ToUpper(buf[:k]))
			n += k
			if err != nil {
				break
			}
		}
		return &Response{Text: fmt.Sprint(n)}
	case KindPing:
		return nil
	}
	switch {
	case req.Src == "block":
		h.started <- struct{}{}
		<-ctx.Done()
		h.canceled <- struct{}{}
		return &Response{Err: &RemoteError{Kind: failure.KindCanceled}}
	case strings.HasPrefix(req.Src, "big:"):
		var n int
		fmt.Sscan(req.Src[4:], &n)
		return &Response{Output: make([]byte, n)}
	}
	if stream != nil {
		return &Response{Err: &RemoteError{Kind: failure.KindInternal, Msg: "unexpected stream"}}
	}
	return &Response{Text: req.Src}
}

func TestHandshakeBothDirections(t *testing.T) {
	for _, masterListens := range []bool{false, true} {
		t.Run(fmt.Sprint("masterListens=", masterListens), func(t *testing.T) {
			var m, s *Session
			var merr, serr error
			if masterListens {
				m, s, merr, serr = connect(t, testCfg(), masterID, testCfg(), slaveID)
			} else {
				s, m, serr, merr = connect(t, testCfg(), slaveID, testCfg(), masterID)
			}
			if merr != nil || serr != nil {
				t.Fatalf("master %v, slave %v", merr, serr)
			}
			wantSlave, wantMaster := slaveID, masterID
			wantSlave.MaxInFlight, wantMaster.MaxInFlight = DefaultMaxStreams, DefaultMaxStreams
			if m.Peer() != wantSlave || s.Peer() != wantMaster {
				t.Fatalf("peers: %+v %+v", m.Peer(), s.Peer())
			}
			go s.Serve(context.Background(), newTestHandler())
			resp, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: "x"})
			if err != nil || resp.Text != "x" {
				t.Fatalf("call: %v %+v", err, resp)
			}
			ts, err := m.OpenTask(context.Background(), &Request{Kind: KindStream})
			if err != nil {
				t.Fatal(err)
			}
			defer ts.Close()
			io.WriteString(ts, "abc")
			ts.CloseWrite()
			out, _ := io.ReadAll(ts)
			if resp, err := ts.Result(context.Background()); err != nil || string(out) != "ABC" || resp.Text != "3" {
				t.Fatalf("stream: %q %v %+v", out, err, resp)
			}
		})
	}
}

func TestWrongToken(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	results := make(chan error, 2)
	go func() {
		for i := 0; i < 2; i++ {
			c, err := ln.Accept()
			if err != nil {
				results <- err
				return
			}
			s, err := New(context.Background(), c, testCfg(), slaveID)
			results <- err
			if s != nil {
				<-s.Done() // until the dialer hangs up
				s.Close()
			}
		}
	}()
	bad := testCfg()
	bad.Token = "wrong"
	_, err = Dial(context.Background(), ln.Addr().String(), bad, masterID)
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("dialer: %v, want ErrAuth", err)
	}
	if err := <-results; !errors.Is(err, ErrAuth) {
		t.Fatalf("listener: %v, want ErrAuth", err)
	}
	// The listener still serves a good peer.
	s, err := Dial(context.Background(), ln.Addr().String(), testCfg(), masterID)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := <-results; err != nil {
		t.Fatal(err)
	}
}

func TestNoToken(t *testing.T) {
	c1, c2 := net.Pipe()
	defer c2.Close()
	if _, err := New(context.Background(), c1, Config{Logger: quiet}, masterID); !errors.Is(err, ErrNoToken) {
		t.Fatal(err)
	}
	if _, err := Dial(context.Background(), "127.0.0.1:1", Config{}, masterID); !errors.Is(err, ErrNoToken) {
		t.Fatal(err)
	}
}

func TestBothMasters(t *testing.T) {
	_, _, lerr, derr := connect(t, testCfg(), masterID, testCfg(), masterID)
	if !errors.Is(lerr, ErrRole) || !errors.Is(derr, ErrRole) {
		t.Fatalf("got %v / %v, want ErrRole", lerr, derr)
	}
	if !strings.Contains(derr.Error(), "both sides are masters") {
		t.Fatal(derr)
	}
}

// syncBuffer is a log sink safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestHandshakeRejectsJunk(t *testing.T) {
	cases := []struct {
		name, send, want string
	}{
		{"garbage", "\x00\x01\x02garbage garbage", "bad magic (not a dpfw peer?)"},
		{"http", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP request"},
		{"tls", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", "TLS ClientHello"},
		{"version", "DPFW\x07", "unsupported protocol version 7 from the peer (this side speaks 2; run the same dpfw release on both sides)"},
		{"version 1", "DPFW\x01", "unsupported protocol version 1 from the peer (this side speaks 2"},
		{"truncated", "DPFW\x02\x00\x00", "closed by peer"},
		{"oversize", "DPFW\x02\xff\xff\xff\xff", "frame too large"},
		{"silence", "", "timed out"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ln, err := Listen("")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			var logs syncBuffer
			cfg := testCfg()
			cfg.HandshakeTimeout = 200 * time.Millisecond
			cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			errc := make(chan error, 1)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					errc <- err
					return
				}
				_, err = New(context.Background(), c, cfg, slaveID)
				errc <- err
			}()
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.Write([]byte(c.send))
			if c.name == "truncated" {
				conn.(*net.TCPConn).CloseWrite()
			}
			start := time.Now()
			err = <-errc
			if !errors.Is(err, ErrHandshake) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want ErrHandshake with %q", err, c.want)
			}
			if isVersion := strings.HasPrefix(c.name, "version"); errors.Is(err, ErrVersion) != isVersion {
				t.Fatalf("err %v: errors.Is(err, ErrVersion) = %v", err, !isVersion)
			}
			if d := time.Since(start); d > time.Second {
				t.Fatalf("took %v", d)
			}
			// The server closed the connection.
			conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			// A reset (our junk went unread) counts as closed too.
			if _, err := io.Copy(io.Discard, conn); errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("conn not closed: %v", err)
			}
			out := logs.String()
			if strings.Count(out, "\n") != 1 || !strings.Contains(out, `msg="handshake failed"`) || !strings.Contains(out, "remote=127.0.0.1:") {
				t.Fatalf("log: %q", out)
			}
		})
	}
}

func TestReplayFails(t *testing.T) {
	// Record what a genuine master sends, then replay it to a slave.
	ln, _ := Listen("")
	defer ln.Close()
	rec := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			rec <- nil
			return
		}
		// Play a genuine slave so the master sends all its frames.
		var buf recordingConn
		buf.Conn = c
		s, _ := New(context.Background(), &buf, testCfg(), slaveID)
		if s != nil {
			<-s.Done() // until the master hangs up
			s.Close()
		}
		rec <- buf.read()
	}()
	m, err := Dial(context.Background(), ln.Addr().String(), testCfg(), masterID)
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	recorded := <-rec
	errc := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			errc <- err
			return
		}
		_, err = New(context.Background(), c, testCfg(), slaveID)
		errc <- err
	}()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	go io.Copy(io.Discard, conn)
	conn.Write(recorded)
	if err := <-errc; !errors.Is(err, ErrAuth) {
		t.Fatalf("replay: %v, want ErrAuth", err)
	}
}

// recordingConn records what is read from it.
type recordingConn struct {
	net.Conn
	mu  sync.Mutex
	buf bytes.Buffer
}

func (r *recordingConn) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	r.mu.Lock()
	r.buf.Write(p[:n])
	r.mu.Unlock()
	return n, err
}

func (r *recordingConn) read() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Clone(r.buf.Bytes())
}

func TestCallRoundTrip(t *testing.T) {
	m, _ := pair(t, newTestHandler())
	resp, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: "1+1"})
	if err != nil || resp.Text != "1+1" {
		t.Fatalf("%v %+v", err, resp)
	}
	resp, err = m.Call(context.Background(), &Request{Kind: KindPing})
	if err != nil || resp == nil || resp.Err != nil {
		t.Fatalf("ping %v %+v", err, resp)
	}
}

func TestCallValues(t *testing.T) {
	m, _ := pair(t, HandlerFunc(func(ctx context.Context, req *Request, _ io.ReadWriter) *Response {
		return &Response{Value: req.Args[0]}
	}))
	bi, _ := new(big.Int).SetString("123456789012345678901234567890", 10)
	for _, v := range []any{int64(1), "s", []any{1.5, true}, map[string]any{"k": []byte("v")}, time.Unix(5, 0).UTC(), bi} {
		raw, err := EncodeValue(v)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := m.Call(context.Background(), &Request{Kind: KindCall, Func: "f", Args: [][]byte{raw}})
		if err != nil || !bytes.Equal(resp.Value, raw) {
			t.Fatalf("%T: %v %+v", v, err, resp)
		}
	}
}

// HandlerFunc adapts a function to Handler (tests only).
type HandlerFunc func(ctx context.Context, req *Request, stream io.ReadWriter) *Response

func (f HandlerFunc) ServeTask(ctx context.Context, req *Request, stream io.ReadWriter) *Response {
	return f(ctx, req, stream)
}

func TestCallPipelined(t *testing.T) {
	m, _ := pair(t, newTestHandler())
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := fmt.Sprint("req", i)
			resp, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: src})
			if err != nil {
				errs <- err
			} else if resp.Text != src {
				errs <- fmt.Errorf("got %q want %q", resp.Text, src)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// CallNotify hands the Response to arrived, on the reader, before it
// returns that same Response; a Call given up on never calls it.
func TestCallNotify(t *testing.T) {
	h := newTestHandler()
	m, sl := pair(t, h)
	var got atomic.Pointer[Response]
	calls := atomic.Int32{}
	arrived := func(r *Response) { calls.Add(1); got.Store(r) }
	resp, err := m.CallNotify(context.Background(), &Request{Kind: KindEval, Src: "one"}, nil, arrived)
	if err != nil || resp.Text != "one" || got.Load() != resp || calls.Load() != 1 {
		t.Fatalf("CallNotify: %+v, %v; arrived %d times with %p, want once with %p", resp, err, calls.Load(), got.Load(), resp)
	}
	got.Store(nil)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := m.CallNotify(ctx, &Request{Kind: KindEval, Src: "block"}, nil, arrived)
		errc <- err
	}()
	<-h.started
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	<-h.canceled
	if resp, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: "ok"}); err != nil || resp.Text != "ok" {
		t.Fatal(err, resp)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("arrived ran %d times; the Call given up on must not run it", n)
	}
	if _, err := sl.CallNotify(context.Background(), &Request{Kind: KindPing}, nil, arrived); !errors.Is(err, ErrRole) {
		t.Fatalf("CallNotify on a slave's session: %v, want ErrRole", err)
	}
}

func TestCallCancel(t *testing.T) {
	h := newTestHandler()
	m, _ := pair(t, h)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := m.Call(ctx, &Request{Kind: KindEval, Src: "block"})
		errc <- err
	}()
	<-h.started
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	select {
	case <-h.canceled:
	case <-time.After(5 * time.Second):
		t.Fatal("handler never saw cancellation")
	}
	// The session still works.
	if resp, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: "ok"}); err != nil || resp.Text != "ok" {
		t.Fatal(err, resp)
	}
}

func TestSessionDeathFailsCalls(t *testing.T) {
	for _, how := range []string{"slave Close", "master Close", "conn close"} {
		t.Run(how, func(t *testing.T) {
			h := newTestHandler()
			m, s := pair(t, h)
			const n = 10
			errc := make(chan error, n)
			for range n {
				go func() {
					_, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: "block"})
					errc <- err
				}()
			}
			for range n {
				<-h.started
			}
			switch how {
			case "slave Close":
				s.Close()
			case "master Close":
				m.Close()
			case "conn close":
				s.conn.Close()
			}
			// ErrClosed only for the side that called Close.
			want, notWant := ErrConnectionLost, ErrClosed
			if how == "master Close" {
				want, notWant = ErrClosed, ErrConnectionLost
			}
			timeout := time.After(5 * time.Second)
			for range n {
				select {
				case err := <-errc:
					if !errors.Is(err, want) || errors.Is(err, notWant) {
						t.Fatalf("got %v, want %v", err, want)
					}
				case <-timeout:
					t.Fatal("pending calls not failed")
				}
			}
			select {
			case <-m.Done():
			case <-time.After(5 * time.Second):
				t.Fatal("master Done not closed")
			}
			if !errors.Is(m.Err(), want) {
				t.Fatal(m.Err())
			}
			for range n { // handlers were cancelled
				<-h.canceled
			}
			if _, err := m.Call(context.Background(), &Request{Kind: KindPing}); !errors.Is(err, want) {
				t.Fatal(err)
			}
		})
	}
}

func TestTaskStream(t *testing.T) {
	m, _ := pair(t, newTestHandler())
	ts, err := m.OpenTask(context.Background(), &Request{Kind: KindStream, Src: "upper"})
	if err != nil {
		t.Fatal(err)
	}
	defer ts.Close()
	in := strings.Repeat("hello, stream! ", 10000) // several data frames
	go func() {
		io.WriteString(ts, in)
		ts.CloseWrite()
	}()
	out, err := io.ReadAll(ts)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != strings.ToUpper(in) {
		t.Fatalf("got %d bytes, want %d", len(out), len(in))
	}
	resp, err := ts.Result(context.Background())
	if err != nil || resp.Text != fmt.Sprint(len(in)) {
		t.Fatal(err, resp)
	}
}

func TestTaskStreamCancel(t *testing.T) {
	h := newTestHandler()
	m, _ := pair(t, h)
	ts, err := m.OpenTask(context.Background(), &Request{Kind: KindStream, Src: "block"})
	if err != nil {
		t.Fatal(err)
	}
	<-h.started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ts.Result(ctx); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	select {
	case <-h.canceled:
	case <-time.After(5 * time.Second):
		t.Fatal("handler not cancelled")
	}
	ts.Close()
	if _, err := ts.Write([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
	// Close while the task runs: the handler is cancelled, Result fails.
	ts, err = m.OpenTask(context.Background(), &Request{Kind: KindStream, Src: "block"})
	if err != nil {
		t.Fatal(err)
	}
	<-h.started
	ts.Close()
	if _, err := ts.Result(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
	select {
	case <-h.canceled:
	case <-time.After(5 * time.Second):
		t.Fatal("handler not cancelled by Close")
	}
}

func TestTaskStreamSessionDeath(t *testing.T) {
	m, s := pair(t, newTestHandler())
	ts, err := m.OpenTask(context.Background(), &Request{Kind: KindStream})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(ts, "a")
	io.ReadFull(ts, make([]byte, 1))
	s.Close()
	if _, err := ts.Result(context.Background()); !errors.Is(err, ErrConnectionLost) {
		t.Fatal(err)
	}
	if _, err := ts.Read(make([]byte, 1)); err == nil || err == io.EOF {
		t.Fatal("read after death:", err)
	}
}

func TestOversize(t *testing.T) {
	s, m, serr, merr := connect(t, Config{Token: testToken, MaxFrame: 1 << 10, Logger: quiet}, slaveID, Config{Token: testToken, MaxFrame: 1 << 10, Logger: quiet}, masterID)
	if serr != nil || merr != nil {
		t.Fatal(serr, merr)
	}
	go s.Serve(context.Background(), newTestHandler())
	// A request too large to send fails locally; the session stays.
	_, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: strings.Repeat("x", 2000)})
	if !errors.Is(err, ErrFrameTooLarge) {
		t.Fatal(err)
	}
	// A response too large becomes a too-large RemoteError.
	resp, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: "big:5000"})
	if err != nil || resp.Err == nil || resp.Err.Kind != failure.KindTooLarge {
		t.Fatal(err, resp)
	}
	// A peer that sends a frame over our limit is cut off.
	m.wmu.Lock()
	writeFrame(m.ctrl, make([]byte, 2000))
	m.wmu.Unlock()
	select {
	case <-s.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("slave did not close")
	}
	if !errors.Is(s.Err(), ErrFrameTooLarge) {
		t.Fatal(s.Err())
	}
}

// A master keeps its tasks to a slave under the limit the slave
// announced: a task beyond it waits for a slot (freed when a task's
// Response arrives, a cancelled one's included) instead of being refused.
func TestMaxStreams(t *testing.T) {
	cfg := testCfg()
	cfg.MaxStreams = 2
	s, m, serr, merr := connect(t, cfg, slaveID, testCfg(), masterID)
	if serr != nil || merr != nil {
		t.Fatal(serr, merr)
	}
	if got := m.Peer().MaxInFlight; got != 2 {
		t.Fatalf("the slave announced %d tasks in flight, want 2", got)
	}
	h := newTestHandler()
	go s.Serve(context.Background(), h)
	first, cancelFirst := context.WithCancel(context.Background())
	rest, cancelRest := context.WithCancel(context.Background())
	defer cancelRest()
	go m.Call(first, &Request{Kind: KindEval, Src: "block"})
	<-h.started
	go m.Call(rest, &Request{Kind: KindEval, Src: "block"})
	<-h.started
	third := make(chan error, 1)
	go func() {
		resp, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: "x"})
		if err == nil && resp.Err != nil {
			err = resp.Err
		}
		third <- err
	}()
	cancelFirst() // its slot is free once the slave has answered
	<-h.canceled
	if err := <-third; err != nil {
		t.Fatalf("the third task failed (the slave was overrun?): %v", err)
	}
}

// A master that ignores the announced limit is refused with kind busy,
// for calls and task streams alike; the session carries on.
func TestMaxStreamsRefusesOverrun(t *testing.T) {
	cfg := testCfg()
	cfg.MaxStreams = 2
	s, m, serr, merr := connect(t, cfg, slaveID, testCfg(), masterID)
	if serr != nil || merr != nil {
		t.Fatal(serr, merr)
	}
	m.slots = make(chan struct{}, 10) // ignore the slave's figure
	h := newTestHandler()
	go s.Serve(context.Background(), h)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for range 2 {
		go m.Call(ctx, &Request{Kind: KindEval, Src: "block"})
		<-h.started
	}
	resp, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: "x"})
	if err != nil || resp.Err == nil || resp.Err.Kind != failure.KindBusy {
		t.Fatal(err, resp)
	}
	ts, err := m.OpenTask(context.Background(), &Request{Kind: KindStream})
	if err != nil {
		t.Fatal(err)
	}
	resp, err = ts.Result(context.Background())
	if err != nil || resp.Err == nil || resp.Err.Kind != failure.KindBusy {
		t.Fatal(err, resp)
	}
	ts.Close()
}

func TestGoroutineLeak(t *testing.T) {
	base := runtime.NumGoroutine()
	func() {
		m, s, _, _ := connect(t, testCfg(), masterID, testCfg(), slaveID)
		if m == nil || s == nil {
			t.Fatal("connect failed")
		}
		h := newTestHandler()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { s.Serve(ctx, h); close(done) }()
		for range 10 {
			m.Call(context.Background(), &Request{Kind: KindEval, Src: "x"})
		}
		ts, _ := m.OpenTask(context.Background(), &Request{Kind: KindStream})
		io.WriteString(ts, "abc")
		ts.CloseWrite()
		io.ReadAll(ts)
		ts.Result(context.Background())
		ts.Close()
		go m.Call(context.Background(), &Request{Kind: KindEval, Src: "block"})
		<-h.started
		m.Close()
		s.Close()
		cancel()
		<-done
	}()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutines: %d > %d\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

func TestListenLoopback(t *testing.T) {
	for _, a := range []string{"", ":0"} {
		ln, err := Listen(a)
		if err != nil {
			t.Fatal(err)
		}
		if host, _, _ := net.SplitHostPort(ln.Addr().String()); host != "127.0.0.1" {
			t.Errorf("Listen(%q) bound %s", a, ln.Addr())
		}
		ln.Close()
	}
}

func TestLoadToken(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	t.Setenv("DPFW_TOKEN", "")
	if tok, src, err := LoadToken("f"); tok != "f" || src != "flag" || err != nil {
		t.Fatal(tok, src, err)
	}
	t.Setenv("DPFW_TOKEN", "e")
	if tok, src, err := LoadToken(""); tok != "e" || src != "env" || err != nil {
		t.Fatal(tok, src, err)
	}
	t.Setenv("DPFW_TOKEN", "")
	cfgDir, _ := os.UserConfigDir()
	path := filepath.Join(cfgDir, "dpfw", "token")
	tok, src, err := LoadToken("")
	if err != nil || len(tok) != 64 || src != "new file "+path {
		t.Fatal(tok, src, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatal(fi.Mode(), err)
	}
	di, _ := os.Stat(filepath.Dir(path))
	if di.Mode().Perm() != 0o700 {
		t.Fatal(di.Mode())
	}
	tok2, _, err := LoadToken("")
	if err != nil || tok2 != tok {
		t.Fatal("token not stable", tok2, err)
	}
	os.Chmod(path, 0o644)
	if _, _, err := LoadToken(""); err == nil || !strings.Contains(err.Error(), "readable by group or others") {
		t.Fatal(err)
	}
}

func TestFrameCodec(t *testing.T) {
	var buf bytes.Buffer
	in := &envelope{ID: 7, Type: frameRequest, Req: &Request{Kind: KindEval, Src: "x"}}
	if err := writeEnvelope(&buf, in, 1<<20); err != nil {
		t.Fatal(err)
	}
	out, err := readEnvelope(&buf, 1<<20)
	if err != nil || out.ID != 7 || out.Req.Src != "x" {
		t.Fatal(err, out)
	}
	for _, bad := range [][]byte{{0, 0, 0, 1, 0xff}, {0, 0, 0, 1, 0xa0}, {0, 0}} {
		if _, err := readEnvelope(bytes.NewReader(bad), 1<<20); err == nil {
			t.Errorf("%x decoded", bad)
		}
	}
}

// freezeConn, once frozen, swallows writes and never delivers reads, as
// a peer behind a dead network would.
type freezeConn struct {
	net.Conn
	frozen chan struct{}
	closed chan struct{}
	once   sync.Once
}

func (c *freezeConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	select {
	case <-c.frozen:
		<-c.closed
		return 0, net.ErrClosed
	default:
	}
	return n, err
}

func (c *freezeConn) Write(p []byte) (int, error) {
	select {
	case <-c.frozen:
		return len(p), nil
	default:
	}
	return c.Conn.Write(p)
}

func (c *freezeConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

func TestKeepAliveDetectsDeadPeer(t *testing.T) {
	ln, err := Listen("")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	fc := make(chan *freezeConn, 1)
	sc := make(chan *Session, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			sc <- nil
			return
		}
		f := &freezeConn{Conn: c, frozen: make(chan struct{}), closed: make(chan struct{})}
		fc <- f
		s, _ := New(context.Background(), f, testCfg(), slaveID)
		sc <- s
	}()
	cfg := testCfg()
	cfg.KeepAlive = 50 * time.Millisecond
	cfg.WriteTimeout = 100 * time.Millisecond
	m, err := Dial(context.Background(), ln.Addr().String(), cfg, masterID)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	f, s := <-fc, <-sc
	if s == nil {
		t.Fatal("slave failed")
	}
	defer s.Close()
	h := newTestHandler()
	go s.Serve(context.Background(), h)
	errc := make(chan error, 1)
	go func() {
		_, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: "block"})
		errc <- err
	}()
	<-h.started
	close(f.frozen)
	start := time.Now()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrConnectionLost) {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("dead peer not detected")
	}
	t.Logf("detected after %v", time.Since(start))
}

// A task stream whose output nobody reads must not hold up Close.
func TestTaskStreamUnreadOutput(t *testing.T) {
	m, s := pair(t, HandlerFunc(func(ctx context.Context, req *Request, stream io.ReadWriter) *Response {
		stream.Write(make([]byte, 1<<20))
		return &Response{}
	}))
	ts, err := m.OpenTask(context.Background(), &Request{Kind: KindStream})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := ts.Result(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatal(err)
	}
	s.Close()
	done := make(chan struct{})
	go func() { m.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung")
	}
	// The slave's Close or the master's own, whichever it saw first.
	if _, err := ts.Result(context.Background()); !errors.Is(err, ErrConnectionLost) && !errors.Is(err, ErrClosed) {
		t.Fatal(err)
	}
}

// Serve returns on ctx done even when a stream handler is blocked writing
// output that the master does not read.
func TestServeReturnsWithBlockedStream(t *testing.T) {
	s, m, serr, merr := connect(t, testCfg(), slaveID, testCfg(), masterID)
	if serr != nil || merr != nil {
		t.Fatal(serr, merr)
	}
	started := make(chan struct{})
	h := HandlerFunc(func(ctx context.Context, req *Request, stream io.ReadWriter) *Response {
		close(started)
		stream.Write(make([]byte, 4<<20))
		return &Response{}
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, h) }()
	ts, err := m.OpenTask(context.Background(), &Request{Kind: KindStream})
	if err != nil {
		t.Fatal(err)
	}
	defer ts.Close()
	<-started
	cancel()
	select {
	case err := <-served:
		if !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
	// The session survives.
	go s.Serve(context.Background(), newTestHandler())
	if resp, err := m.Call(context.Background(), &Request{Kind: KindEval, Src: "ok"}); err != nil || resp.Text != "ok" {
		t.Fatal(err, resp)
	}
}

func TestMalformedFrameClosesSession(t *testing.T) {
	for _, body := range [][]byte{{0xff}, {0xa1, 0x02, 0x09}, {0xa1, 0x02, 0x01}} { // junk, bad type, request without Req
		m, s := pair(t, newTestHandler())
		m.wmu.Lock()
		writeFrame(m.ctrl, body)
		m.wmu.Unlock()
		select {
		case <-s.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("slave did not close")
		}
		if !errors.Is(s.Err(), errMalformed) || !errors.Is(s.Err(), ErrConnectionLost) {
			t.Fatal(s.Err())
		}
		select {
		case <-m.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("master did not notice")
		}
	}
}

// Only a master sends tasks and only a slave runs them: a slave's session
// cannot Call or OpenTask, a master's cannot Serve, and a task that a
// rogue slave sends anyway is refused with a clear error (logged once)
// while the session carries on.
func TestRolesRefuseTasksFromASlave(t *testing.T) {
	var logs syncBuffer
	mcfg := testCfg()
	mcfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	s, m, serr, merr := connect(t, testCfg(), slaveID, mcfg, masterID)
	if serr != nil || merr != nil {
		t.Fatal(serr, merr)
	}
	defer m.Close()
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	served := make(chan struct{})
	go func() { s.Serve(ctx, newTestHandler()); close(served) }()
	defer func() { cancel(); <-served }()

	if _, err := s.Call(ctx, &Request{Kind: KindPing}); !errors.Is(err, ErrRole) {
		t.Errorf("Call on a slave's session: %v, want ErrRole", err)
	}
	if _, err := s.OpenTask(ctx, &Request{Kind: KindStream}); !errors.Is(err, ErrRole) {
		t.Errorf("OpenTask on a slave's session: %v, want ErrRole", err)
	}
	if err := m.Serve(ctx, newTestHandler()); !errors.Is(err, ErrRole) {
		t.Errorf("Serve on a master's session: %v, want ErrRole", err)
	}
	refused := func(resp *Response, err error) {
		t.Helper()
		if err != nil || resp.Err == nil || resp.Err.Kind != failure.KindInternal || !strings.Contains(resp.Err.Msg, "refused: a master runs no tasks") {
			t.Fatalf("a task from the slave: %+v, %v; want refused", resp, err)
		}
	}
	for range 3 {
		refused(s.call(ctx, &Request{Kind: KindEval, Src: "ok"}, nil, nil, nil))
	}
	ts, err := s.openTask(ctx, &Request{Kind: KindStream}, nil)
	if err != nil {
		t.Fatal(err)
	}
	refused(ts.Result(ctx))
	ts.Close()
	if resp, err := m.Call(ctx, &Request{Kind: KindEval, Src: "ok"}); err != nil || resp.Text != "ok" {
		t.Fatalf("the master's own task after the refusals: %+v, %v", resp, err)
	}
	if n := strings.Count(logs.String(), "refused a task from a slave"); n != 1 {
		t.Errorf("%d log lines about refusals, want 1:\n%s", n, logs.String())
	}
}

// A master's session is up once it has opened the control stream; a
// slave's once it has accepted it. A master that authenticates and then
// closes the connection before the slave has accepted that stream has
// been connected and lost, not refused: the slave's New says
// ErrConnectionLost, as a master closed a moment later would make its
// session's Err say. (This was the flake of slave's
// TestConnectTellsOwnCloseFromLostMaster: "handshake failed: opening
// control stream: EOF".)
func TestMasterGoneRightAfterTheHandshake(t *testing.T) {
	for _, opened := range []bool{false, true} {
		ln, err := Listen("")
		if err != nil {
			t.Fatal(err)
		}
		masterDone := make(chan error, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				masterDone <- err
				return
			}
			defer c.Close()
			if _, err := handshake(context.Background(), c, testToken, masterID, 2*time.Second); err != nil {
				masterDone <- err
				return
			}
			if opened { // the SYN of the control stream goes out, then the master goes
				mux, err := yamux.Client(c, nil)
				if err == nil {
					_, err = mux.OpenStream()
					mux.Close()
				}
				masterDone <- err
				return
			}
			masterDone <- nil
		}()
		s, err := Dial(context.Background(), ln.Addr().String(), testCfg(), slaveID)
		ln.Close()
		if merr := <-masterDone; merr != nil {
			t.Fatal(merr)
		}
		if err == nil { // it accepted the stream in time: the session then ends, lost
			<-s.Done()
			err = s.Err()
		}
		if !errors.Is(err, ErrConnectionLost) || errors.Is(err, ErrHandshake) {
			t.Fatalf("control stream opened %v: %v, want ErrConnectionLost", opened, err)
		}
	}
}
