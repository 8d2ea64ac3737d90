package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/yamux"
)

// TaskStream is the master's end of a KindStream task: a byte stream to
// and from the function running on the slave, and its final Response.
// Read and Write may be used from different goroutines; Result may be
// called concurrently with Read.
type TaskStream struct {
	s  *Session
	st *yamux.Stream
	id uint64 // the task's ID, shared with Calls, for cancel frames

	onEvent func(*Event) // OpenTaskLive's; called by readLoop

	wmu sync.Mutex // serializes frame writes on st

	pr *io.PipeReader // data the slave wrote, fed by readLoop
	pw *io.PipeWriter

	resMu   sync.Mutex    // serializes finish
	resDone chan struct{} // closed once resp or resErr is set
	resp    *Response
	resErr  error

	closeOnce sync.Once
	closed    atomic.Bool // set by Close; Write and CloseWrite then fail
}

// OpenTask starts req, which must be a KindStream request, on a stream
// of its own. It returns once the request is sent; the task runs until
// the slave's function returns. Close the TaskStream when done with it.
// Only a master sends tasks: on a slave's session it fails with ErrRole.
func (s *Session) OpenTask(ctx context.Context, req *Request) (*TaskStream, error) {
	if err := s.mustBe(RoleMaster, "OpenTask"); err != nil {
		return nil, err
	}
	return s.openTask(ctx, req, nil)
}

// OpenTaskLive is OpenTask for a task whose live Events the caller
// wants: it sets req.Live, and onEvent gets each Event as Session.CallLive
// describes, until the Response arrives. The Events travel on the task's
// own stream, so data the caller does not read holds them back too.
func (s *Session) OpenTaskLive(ctx context.Context, req *Request, onEvent func(*Event)) (*TaskStream, error) {
	if err := s.mustBe(RoleMaster, "OpenTaskLive"); err != nil {
		return nil, err
	}
	if req != nil {
		req.Live = true
	}
	return s.openTask(ctx, req, onEvent)
}

// openTask is OpenTask (OpenTaskLive with onEvent) without the role check.
func (s *Session) openTask(ctx context.Context, req *Request, onEvent func(*Event)) (*TaskStream, error) {
	if req == nil || req.Kind != KindStream {
		return nil, errors.New("session: OpenTask needs a KindStream request")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The task holds a slot until readLoop ends: the slave counts it
	// until it has sent its Response.
	if err := s.acquire(ctx); err != nil {
		return nil, err
	}
	st, err := s.mux.OpenStream()
	if err != nil {
		s.release()
		if s.Err() != nil {
			return nil, s.Err()
		}
		return nil, fmt.Errorf("%w: opening task stream: %v", ErrConnectionLost, err)
	}
	t := &TaskStream{s: s, st: st, id: s.nextID.Add(1), onEvent: onEvent, resDone: make(chan struct{})}
	t.pr, t.pw = io.Pipe()
	if err := t.send(&envelope{ID: t.id, Type: frameRequest, Req: req}); err != nil {
		s.release()
		st.Close()
		return nil, err
	}
	// When the session dies, unblock readLoop even if it is stuck
	// handing data to a reader that is not reading.
	stop := context.AfterFunc(s.ctx, func() { t.pw.CloseWithError(s.closedErr()) })
	if !s.background(func() { t.readLoop(); stop(); s.release() }) {
		stop()
		s.release()
		st.Close()
		return nil, s.closedErr()
	}
	return t, nil
}

// send writes one envelope on the stream.
func (t *TaskStream) send(e *envelope) error {
	if t.closed.Load() {
		return fmt.Errorf("%w: task stream closed", ErrClosed)
	}
	t.wmu.Lock()
	defer t.wmu.Unlock()
	err := writeEnvelope(t.st, e, t.s.cfg.MaxFrame)
	if err != nil && !errors.Is(err, ErrFrameTooLarge) {
		if se := t.s.Err(); se != nil {
			return se
		}
	}
	return err
}

// readLoop is the only reader of the stream.
func (t *TaskStream) readLoop() {
	defer t.st.Close()
	for {
		e, err := readEnvelope(t.st, t.s.cfg.MaxFrame)
		if err != nil {
			t.finish(nil, err)
			return
		}
		switch e.Type {
		case frameData:
			t.pw.Write(e.Data) // fails only once Close discarded the rest
		case frameEOF:
			t.pw.Close()
		case frameEvent:
			if t.onEvent != nil {
				t.onEvent(e.Event)
			}
		case frameResponse:
			t.pw.Close()
			t.finish(e.Resp, nil)
			return
		default:
			t.finish(nil, fmt.Errorf("%w: unexpected type %d on task stream", errMalformed, e.Type))
			return
		}
	}
}

// finish records the outcome once and wakes Result.
func (t *TaskStream) finish(resp *Response, err error) {
	t.resMu.Lock()
	defer t.resMu.Unlock()
	select {
	case <-t.resDone:
		return
	default:
	}
	if err != nil {
		if se := t.s.Err(); se != nil {
			err = se
		} else if errors.Is(err, io.EOF) {
			err = fmt.Errorf("%w: task stream ended without a result", ErrConnectionLost)
		}
		t.pw.CloseWithError(err)
	}
	t.resp, t.resErr = resp, err
	close(t.resDone)
}

// Read reads what the slave's function wrote. It returns io.EOF when the
// function is done writing. Unread data holds the function back (flow
// control), so read to io.EOF before, or while, waiting for Result.
func (t *TaskStream) Read(p []byte) (int, error) { return t.pr.Read(p) }

// Write sends p to the slave's function's reader.
func (t *TaskStream) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		c := p[:min(len(p), maxDataChunk)]
		if err := t.send(&envelope{Type: frameData, Data: c}); err != nil {
			return n, err
		}
		n += len(c)
		p = p[len(c):]
	}
	return n, nil
}

// CloseWrite tells the slave's function its reader is at io.EOF.
func (t *TaskStream) CloseWrite() error {
	return t.send(&envelope{Type: frameEOF})
}

// Result waits for the task's final Response. It blocks until the
// slave's function returns, ctx is done (the task is then cancelled and
// ctx.Err() returned), or the stream or session ends (ErrClosed after
// this side's Close, else an error wrapping ErrConnectionLost).
// The Response arrives after all the function's output, so output that
// nobody reads delays it.
func (t *TaskStream) Result(ctx context.Context) (*Response, error) {
	select {
	case <-t.resDone:
		return t.resp, t.resErr
	case <-t.s.done:
		select {
		case <-t.resDone:
			return t.resp, t.resErr
		default:
			return nil, t.s.err
		}
	case <-ctx.Done():
		t.cancelTask()
		return nil, ctx.Err()
	}
}

// Cancel asks the slave to cancel the task, unless it has finished, and
// returns at once. Unlike a done ctx in Result, it does not give up on
// the task: Result still returns the slave's Response, which says how
// the task ended.
func (t *TaskStream) Cancel() { t.cancelTask() }

// cancelTask asks the slave to cancel the task, unless it has finished.
// It does not block: the cancel frame goes on the control stream, which
// is never held up by this stream's flow control, and, in case it
// overtakes the request, on the task stream too.
func (t *TaskStream) cancelTask() {
	if !t.finished() {
		t.sendCancel()
	}
}

// finished reports whether the outcome is known.
func (t *TaskStream) finished() bool {
	select {
	case <-t.resDone:
		return true
	default:
		return false
	}
}

// sendCancel sends the cancel frames, without blocking.
func (t *TaskStream) sendCancel() {
	t.s.background(func() {
		t.s.writeCtrl(&envelope{ID: t.id, Type: frameCancel})
	})
	t.s.background(func() {
		t.wmu.Lock()
		defer t.wmu.Unlock()
		t.st.SetWriteDeadline(time.Now().Add(t.s.cfg.WriteTimeout))
		writeEnvelope(t.st, &envelope{ID: t.id, Type: frameCancel}, t.s.cfg.MaxFrame)
		t.st.SetWriteDeadline(time.Time{})
		if t.closed.Load() {
			t.st.Close() // half-close: the slave's reader sees the end
		}
	})
}

// Close releases the stream, cancelling the task if it is still running
// and discarding unread data. A Write blocked on flow control returns.
// Close does not wait for the task to end.
func (t *TaskStream) Close() error {
	t.closeOnce.Do(func() {
		t.closed.Store(true)
		running := !t.finished()
		t.finish(nil, fmt.Errorf("%w: task stream closed", ErrClosed))
		t.pr.CloseWithError(io.ErrClosedPipe)
		t.st.SetWriteDeadline(time.Now()) // unblock a stuck Write
		if running {
			t.sendCancel()
		}
		// readLoop closes st once the slave is done, or gives up.
		t.st.SetReadDeadline(time.Now().Add(t.s.cfg.WriteTimeout + t.s.cfg.HandshakeTimeout))
	})
	return nil
}

// serveStream runs a task that arrived on its own stream: read the
// Request, connect the handler to the stream, send the Response.
func (s *Session) serveStream(t *task, h Handler) {
	st := t.stream
	defer st.Close()
	st.SetReadDeadline(time.Now().Add(s.cfg.HandshakeTimeout))
	e, err := readEnvelope(st, s.cfg.MaxFrame)
	st.SetReadDeadline(time.Time{})
	if err != nil || e.Type != frameRequest {
		s.log.Warn("bad task stream", "err", fmt.Sprint(err))
		return
	}
	s.mu.Lock()
	if s.running[e.ID] == nil {
		s.running[e.ID] = t.cancel
		defer func() {
			s.mu.Lock()
			delete(s.running, e.ID)
			s.mu.Unlock()
		}()
	}
	s.mu.Unlock()
	pr, pw := io.Pipe()
	// A cancelled task's input ends and its output fails, so a handler
	// blocked on the stream returns even if it ignores ctx (and Serve can
	// return). Its Response then may not reach the master, which has
	// given up on it anyway.
	stop := context.AfterFunc(t.ctx, func() {
		pw.CloseWithError(context.Canceled)
		st.SetWriteDeadline(time.Now())
	})
	defer stop()
	w := &streamWriter{st: st, max: s.cfg.MaxFrame, ctx: t.ctx}
	if !s.background(func() { streamInput(st, pw, t.cancel, s.cfg.MaxFrame) }) {
		return
	}
	rw := struct {
		io.Reader
		io.Writer
	}{pr, w}
	ctx, live := s.withLive(t.ctx, e.ID, e.Req, w.send)
	resp := h.ServeTask(ctx, e.Req, rw)
	live.close()
	pr.CloseWithError(io.ErrClosedPipe) // unblocks streamInput
	w.send(&envelope{Type: frameEOF})
	b := s.encodeResponse(resp, e.ID)
	s.end(t)
	w.sendFrame(b)
	// The master closes its end on the Response; do not let it keep
	// streamInput waiting beyond that.
	st.SetReadDeadline(time.Now().Add(s.cfg.HandshakeTimeout))
}

// streamInput feeds the master's data to the handler's reader and
// cancels the task on a cancel frame or when the master goes away.
func streamInput(st *yamux.Stream, pw *io.PipeWriter, cancel context.CancelFunc, max int) {
	for {
		e, err := readEnvelope(st, max)
		if err != nil {
			pw.CloseWithError(io.ErrUnexpectedEOF)
			cancel()
			return
		}
		switch e.Type {
		case frameData:
			pw.Write(e.Data)
		case frameEOF:
			pw.Close()
		case frameCancel:
			cancel()
			pw.CloseWithError(context.Canceled)
		}
	}
}

// streamWriter is the handler's writer on a task stream.
type streamWriter struct {
	mu  sync.Mutex // serializes frame writes on st
	st  *yamux.Stream
	max int
	ctx context.Context // the task's; Write fails once it is done
}

func (w *streamWriter) send(e *envelope) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return writeEnvelope(w.st, e, w.max)
}

// sendFrame writes a frame encodeEnvelope made.
func (w *streamWriter) sendFrame(b []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, err := w.st.Write(b)
	return err
}

func (w *streamWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if err := w.ctx.Err(); err != nil {
			return n, err
		}
		c := p[:min(len(p), maxDataChunk)]
		if err := w.send(&envelope{Type: frameData, Data: c}); err != nil {
			return n, err
		}
		n += len(c)
		p = p[len(c):]
	}
	return n, nil
}
