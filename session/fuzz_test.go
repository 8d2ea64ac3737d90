package session

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dpfw/dpfw/eval/failure"
)

// FuzzHandshake feeds arbitrary bytes to New as the peer's side of the
// handshake. It must fail cleanly: no panic, no hang.
func FuzzHandshake(f *testing.F) {
	f.Add([]byte("DPFW\x02"))
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))
	f.Add(append([]byte("DPFW\x02"), handshakeFrame(&hello{Self: masterID, Nonce: make([]byte, nonceSize)})...))
	f.Fuzz(func(t *testing.T, data []byte) {
		ours, theirs := net.Pipe()
		go io.Copy(io.Discard, theirs)
		go func() {
			theirs.Write(data)
			theirs.Close()
		}()
		cfg := Config{Token: testToken, HandshakeTimeout: time.Second, Logger: quiet}
		s, err := New(context.Background(), ours, cfg, slaveID)
		if err == nil {
			s.Close()
			t.Fatal("handshake succeeded without the token")
		}
	})
}

// FuzzFrame feeds arbitrary bytes to the frame and envelope decoder.
func FuzzFrame(f *testing.F) {
	var buf bytes.Buffer
	writeEnvelope(&buf, &envelope{ID: 1, Type: frameRequest, Req: &Request{Kind: KindEval, Src: "1+1"}}, 1<<20)
	f.Add(buf.Bytes())
	val, _ := EncodeValue([]any{"\xff", 1.5})
	for _, e := range []*envelope{
		{ID: 2, Type: frameRequest, Req: &Request{Kind: KindEval, Src: "\"\xff\xfe\""}},
		{ID: 3, Type: frameRequest, Req: &Request{Kind: KindCall, Func: "f", Args: [][]byte{val, {0x81}}}},
		{ID: 3, Type: frameResponse, Resp: &Response{Value: val, Text: "[\xff 1.5]", Err: &RemoteError{Kind: failure.KindPanic, Msg: "\xfe"}}},
		{ID: 4, Type: frameEvent, Event: &Event{Offset: 7, Output: []byte("step 1\n"), Progress: &Progress{Done: 1, Total: 3}}},
		{ID: 5, Type: frameEvent, Event: &Event{Progress: &Progress{}}},
		{ID: 6, Type: frameRequest, Req: &Request{Kind: KindEval, Src: "1", Live: true}},
		{ID: 7, Type: frameResponse, Resp: &Response{Status: &NodeStatus{RSS: 1 << 20, Engines: []EngineStatus{{Busy: true, Tasks: 3}}}}},
	} {
		buf.Reset()
		writeEnvelope(&buf, e, 1<<20)
		f.Add(bytes.Clone(buf.Bytes()))
	}
	f.Add([]byte{0, 0, 0, 0})
	buf.Reset()
	writeEnvelope(&buf, &envelope{ID: 4, Type: frameRequest, Req: &Request{Kind: KindSub, Parent: 3, Depth: 2, Src: "1", Spare: true}}, 1<<20)
	f.Add(bytes.Clone(buf.Bytes()))
	buf.Reset()
	writeEnvelope(&buf, &envelope{ID: 2, Type: frameRequest, Req: &Request{Kind: KindCompile, Native: &NativeSource{
		Name: "fib", Files: []NativeFile{{Name: "fib.go", Data: []byte("package fib\n")}}}}}, 1<<20)
	f.Add(buf.Bytes())
	for _, e := range []*envelope{
		{ID: 4, Type: frameRequest, Req: &Request{Kind: KindDetach, Src: "1+1", Timeout: 1e9}},
		{ID: 5, Type: frameRequest, Req: &Request{Kind: KindJobWait, Job: &JobRef{Instance: "ab12", ID: "00ff00ff00ff00ff"}}},
		{ID: 5, Type: frameResponse, Resp: &Response{Value: val, Output: []byte("out\n"), Job: &JobInfo{ID: "00ff", Instance: "ab12", State: JobEnded, Started: 1, Ended: 2, Expires: 3}}},
	} {
		buf.Reset()
		writeEnvelope(&buf, e, 1<<20)
		f.Add(bytes.Clone(buf.Bytes()))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		for {
			e, err := readEnvelope(r, 1<<16)
			if err != nil {
				return
			}
			// What decodes must re-encode.
			if _, err := encodeEnvelope(e, 1<<20); err != nil {
				t.Fatalf("re-encode: %v", err)
			}
			// A compile request's limits are checked on what decoded.
			if e.Req != nil && e.Req.Native != nil {
				e.Req.Native.Check()
			}
			// So are a job request's.
			if e.Req != nil && e.Req.Job != nil {
				e.Req.Job.Check()
			}
		}
	})
}

// FuzzSubRequest sends whatever request a frame decodes to from a slave
// to its master, while the master runs no task: every one must be
// refused at once, none may run, and the session must carry on.
func FuzzSubRequest(f *testing.F) {
	var buf bytes.Buffer
	for _, req := range []*Request{
		{Kind: KindSub, Parent: 1, Src: "1+1"},
		{Kind: KindSub, Parent: 0, Depth: -1, Src: "\xff"},
		{Kind: KindSub, Parent: 1 << 63, Depth: 1 << 40, Timeout: -1, Spare: true},
		{Kind: KindEval, Src: "1"},
		{Kind: KindBatch, Batch: []Request{{Kind: KindSub, Parent: 1}}},
	} {
		buf.Reset()
		writeEnvelope(&buf, &envelope{ID: 1, Type: frameRequest, Req: req}, 1<<20)
		f.Add(bytes.Clone(buf.Bytes()))
	}
	m, s := pair(f, nil)
	var ran atomic.Int64
	m.HandleSubs(func(context.Context, int, *Request) *Response { ran.Add(1); return nil })
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := readEnvelope(bytes.NewReader(data), 1<<16)
		if err != nil || e.Type != frameRequest || e.Req == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		resp, err := s.call(ctx, e.Req, nil, nil, nil)
		if err != nil {
			t.Fatalf("the session did not carry on: %v", err)
		}
		if resp.Err == nil || !strings.HasPrefix(resp.Err.Msg, "refused: ") && resp.Err.Kind != failure.KindBusy {
			t.Fatalf("request %+v was not refused: %+v", e.Req, resp)
		}
		if ran.Load() != 0 {
			t.Fatal("a refused request ran")
		}
	})
}

// errCut stands for the error of a read cut short by a deadline
// (yamux.ErrTimeout, Session.interruptRead): nothing was read.
var errCut = errors.New("read cut short")

// chopReader hands out its data a few bytes at a time, and fails every
// other Read with errCut, as the control stream's reads on a master are
// when the reading turn changes hands.
type chopReader struct {
	data []byte
	n    int // the next Read's size
	cut  bool
}

func (c *chopReader) Read(p []byte) (int, error) {
	if c.cut = !c.cut; c.cut {
		return 0, errCut
	}
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	k := min(len(p), c.n, len(c.data))
	c.n = c.n%7 + 1
	copy(p, c.data[:k])
	c.data = c.data[k:]
	return k, nil
}

// FuzzFrameReader checks the control stream's resumable frame reader
// against readEnvelope: fed in small pieces, with reads cut short
// between them, it yields the same envelopes and fails the same way.
func FuzzFrameReader(f *testing.F) {
	var buf bytes.Buffer
	for _, e := range []*envelope{
		{ID: 1, Type: frameRequest, Req: &Request{Kind: KindEval, Src: "1+1"}},
		{ID: 1, Type: frameResponse, Resp: &Response{Text: "2", Output: []byte("out\n")}},
		{ID: 2, Type: frameCancel},
	} {
		writeEnvelope(&buf, e, 1<<20)
	}
	f.Add(bytes.Clone(buf.Bytes()), uint8(1))
	f.Add(append(bytes.Clone(buf.Bytes()), 0, 0), uint8(5))
	many := bytes.Clone(buf.Bytes())
	for i := range 8 {
		e := &envelope{ID: uint64(i), Type: frameResponse, Resp: &Response{Output: []byte{byte('a' + i)}}}
		b, _ := encodeEnvelope(e, 1<<20)
		many = append(many, b...)
	}
	f.Add(many, uint8(200))
	f.Add([]byte{0, 0, 0, 0}, uint8(3))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 1}, uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		want := bytes.NewReader(data)
		n := int(chunk%16) + 1
		if chunk >= 128 { // many frames at once, then small pieces
			n = len(data)*int(chunk-127)/128 + 1
		}
		fr := frameReader{r: &chopReader{data: data, n: n}, max: 1 << 16}
		// The envelopes read, with their encodings when read: reads
		// after them must not change them (the reader reuses its buffer).
		var got []*envelope
		var gotEnc [][]byte
		defer func() {
			for i, e := range got {
				if b, _ := encodeEnvelope(e, 1<<20); !bytes.Equal(b, gotEnc[i]) {
					t.Fatalf("envelope %d changed by later reads: %+v", i, e)
				}
			}
		}()
		for {
			we, werr := readEnvelope(want, 1<<16)
			ge, gerr := fr.next()
			for errors.Is(gerr, errCut) {
				ge, gerr = fr.next()
			}
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("readEnvelope: %v; frameReader: %v", werr, gerr)
			}
			if werr != nil {
				for _, kind := range []error{io.EOF, io.ErrUnexpectedEOF, ErrFrameTooLarge, errMalformed} {
					if errors.Is(werr, kind) != errors.Is(gerr, kind) {
						t.Fatalf("readEnvelope: %v; frameReader: %v", werr, gerr)
					}
				}
				return
			}
			wb, _ := encodeEnvelope(we, 1<<20)
			gb, _ := encodeEnvelope(ge, 1<<20)
			if !bytes.Equal(wb, gb) {
				t.Fatalf("readEnvelope gave %+v; frameReader %+v", we, ge)
			}
			got, gotEnc = append(got, ge), append(gotEnc, gb)
		}
	})
}
