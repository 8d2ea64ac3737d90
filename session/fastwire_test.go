package session

import (
	"bytes"
	"encoding/binary"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/dpfw/dpfw/eval/failure"
)

// libraryDecode is the envelope decoder before fastwire.go: the library
// alone, and the same checks after it.
func libraryDecode(body []byte) (*envelope, error) {
	e := new(envelope)
	if err := wireDec.Unmarshal(body, e); err != nil {
		return nil, err
	}
	if err := checkEnvelope(e); err != nil {
		return nil, err
	}
	return e, nil
}

// libraryFrame is encodeEnvelope before fastwire.go: the library alone.
func libraryFrame(e *envelope, max int) ([]byte, error) {
	body, err := wireEnc.Marshal(e)
	if err != nil {
		return nil, err
	}
	if len(body) > max {
		return nil, ErrFrameTooLarge
	}
	if err := wireDec.Wellformed(body); err != nil {
		return nil, err
	}
	return binary.BigEndian.AppendUint32(nil, uint32(len(body))), nil
}

// checkFastDecode holds readFastEnvelope and decodeEnvelope to the
// library on one frame body.
func checkFastDecode(t *testing.T, body []byte) (fast bool) {
	t.Helper()
	var lib envelope
	libErr := wireDec.Unmarshal(body, &lib)
	e, ok := readFastEnvelope(body)
	if ok {
		if libErr != nil {
			t.Fatalf("fast path took % x, which the library refuses: %v", body, libErr)
		}
		if !reflect.DeepEqual(e, &lib) {
			t.Fatalf("% x: fast path decodes\n%#v\nthe library\n%#v", body, e, &lib)
		}
	}
	want, wantErr := libraryDecode(body)
	got, err := decodeEnvelope(body)
	if (err == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
		t.Fatalf("% x: decodeEnvelope = %#v, %v; the library's = %#v, %v", body, got, err, want, wantErr)
	}
	return ok
}

// checkFastEncode holds encodeEnvelope to the library on e, and what it
// writes to checkFastDecode.
func checkFastEncode(t *testing.T, e *envelope, max int) (fast bool) {
	t.Helper()
	_, fast = fastEncodable(e)
	if fast {
		got := appendEnvelope(nil, e)
		want, err := wireEnc.Marshal(e)
		if err != nil {
			t.Fatalf("library: %v", err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%#v: fast path writes\n% x\nthe library\n% x", e, got, want)
		}
		if !checkFastDecode(t, got) {
			t.Fatalf("fast path does not read back what it wrote: % x", got)
		}
	}
	frame, err := encodeEnvelope(e, max)
	head, wantErr := libraryFrame(e, max)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("encodeEnvelope: %v; the library: %v", err, wantErr)
	}
	if err == nil && !bytes.Equal(frame[:4], head) {
		t.Fatalf("frame header % x, want % x", frame[:4], head)
	}
	return fast
}

// fastEnvelopes are the envelopes of the hot path, and some of each
// field fastwire.go writes by hand.
func fastEnvelopes() []*envelope {
	val, _ := EncodeValue([]any{"\xff", 1.5})
	out := []*envelope{
		{ID: 1, Type: frameRequest, Req: &Request{Kind: KindEval, Src: "1+1"}},
		{ID: 2, Type: frameRequest, Req: &Request{Kind: KindEval, Src: "\"\xff\xfe\"", Fresh: true, Live: true}},
		{ID: 3, Type: frameRequest, Req: &Request{Kind: KindCall, Func: "f", Args: [][]byte{val, {0x81}, nil, {}}}},
		{ID: 4, Type: frameRequest, Req: &Request{Kind: KindSub, Parent: 3, Depth: 2, Src: "1", Spare: true}},
		{ID: 5, Type: frameRequest, Req: &Request{Kind: KindTable, Op: TableSet, Key: "k", Value: val, Engine: 300, Timeout: -1}},
		{ID: math.MaxUint64, Type: frameRequest, Req: &Request{Engine: math.MinInt, Depth: math.MaxInt, Timeout: math.MinInt64, Parent: 1 << 40}},
		{ID: 3, Type: frameResponse, Resp: &Response{Value: val, Text: "[\xff 1.5]", Err: &RemoteError{Kind: failure.KindPanic, Msg: "\xfe"}}},
		{ID: 6, Type: frameResponse, Resp: &Response{Output: []byte("o"), Reset: true, Took: time.Hour, Keys: []string{"a", ""}, Lost: []string{"x"},
			Exit: &Exit{Code: -3, Stderr: "fatal\n"}, Err: &RemoteError{Kind: "exit", Pos: "1:2", Stack: "s", Slave: "s1"}}},
		{ID: 7, Type: frameResponse, Resp: &Response{Exit: &Exit{}}},
		{ID: 8, Type: frameResponse, Resp: &Response{}},
		{ID: 4, Type: frameEvent, Event: &Event{Offset: 7, Output: []byte("step 1\n"), Progress: &Progress{Done: 1, Total: 3}}},
		{ID: 5, Type: frameEvent, Event: &Event{Progress: &Progress{Done: -1}}},
		{ID: 9, Type: frameData, Data: bytes.Repeat([]byte{'d'}, 70000)},
		{ID: 9, Type: frameEOF},
		{Type: frameCancel},
		{Type: 200, Req: &Request{}, Resp: &Response{}, Event: &Event{}, Data: []byte{}},
	}
	for _, e := range benchEnvelopes {
		out = append(out, e)
	}
	return out
}

// TestFastWireTakesTheHotPath checks that the envelopes of the hot path
// go through fastwire.go both ways, exactly as through the library.
func TestFastWireTakesTheHotPath(t *testing.T) {
	for _, e := range fastEnvelopes() {
		if !checkFastEncode(t, e, 1<<20) {
			t.Errorf("%#v: not encoded by the fast path", e)
		}
	}
}

// TestFastWireLeavesTheRestToTheLibrary checks that what fastwire.go
// does not know goes to the library, with the library's outcome.
func TestFastWireLeavesTheRestToTheLibrary(t *testing.T) {
	for _, e := range []*envelope{
		{ID: 1, Type: frameRequest, Req: &Request{Kind: KindBatch, Batch: []Request{{Kind: KindEval, Src: "1"}}}},
		{ID: 2, Type: frameRequest, Req: &Request{Kind: KindCompile, Native: &NativeSource{Name: "fib"}}},
		{ID: 3, Type: frameRequest, Req: &Request{Kind: KindJobWait, Job: &JobRef{Instance: "ab12", ID: "00ff"}}},
		{ID: 4, Type: frameResponse, Resp: &Response{Status: &NodeStatus{RSS: 1}}},
		{ID: 5, Type: frameResponse, Resp: &Response{Batch: []Response{{Text: "1"}}}},
		{ID: 6, Type: frameResponse, Resp: &Response{Job: &JobInfo{ID: "00ff"}}},
		{ID: 7, Type: frameResponse, Resp: &Response{Native: &NativeInfo{}}},
	} {
		if checkFastEncode(t, e, 1<<20) {
			t.Errorf("%#v: encoded by the fast path", e)
		}
		b, _ := wireEnc.Marshal(e)
		if checkFastDecode(t, b) {
			t.Errorf("% x: decoded by the fast path", b)
		}
	}
	for _, body := range [][]byte{
		{},
		{0xa1, 0x02, 0x01, 0x00},       // trailing byte
		{0xa2, 0x02, 0x04, 0x02, 0x04}, // repeated key
		{0xa2, 0x02, 0x04, 0x07, 0x01}, // unknown key
		{0xbf, 0x02, 0x04, 0xff},       // indefinite map
		{0xa2, 0x02, 0x04, 0x05, 0x5f, 0x41, 0x00, 0xff},                      // indefinite bytes
		{0xa2, 0x02, 0x04, 0x05, 0xf6},                                        // null Data
		{0xa2, 0x02, 0x04, 0x05, 0x60},                                        // text as Data
		{0xa1, 0x02, 0x19, 0x01, 0x00},                                        // Type overflows
		{0xa1, 0x02, 0x20},                                                    // negative Type
		{0xa1, 0x02, 0xc1, 0x04},                                              // tagged Type
		{0xa2, 0x02, 0x01, 0x03, 0xf6},                                        // null Req
		{0xa2, 0x02, 0x01, 0x03, 0xa1, 0x03, 0x42, 'h', 'i'},                  // bytes as Src
		{0xa2, 0x02, 0x01, 0x03, 0xa1, 0x02, 0x3b, 0x80, 0, 0, 0, 0, 0, 0, 0}, // Engine below MinInt64
		{0xa2, 0x02, 0x01, 0x03, 0xa1, 0x05, 0x9a, 0, 0x20, 0, 0, 0x40},       // more Args than bytes
		{0xa2, 0x02, 0x01, 0x03, 0xa1, 0x0b, 0xf8, 0x15},                      // two-byte true
		{0xa2, 0x02, 0x01, 0x03, 0xa1, 0x0b, 0xf7},                            // undefined Fresh
	} {
		if checkFastDecode(t, body) {
			t.Errorf("% x: decoded by the fast path", body)
		}
	}
	// Heads longer than they need be are the library's too: the fast
	// path reads them as it does.
	if !checkFastDecode(t, []byte{0xb8, 0x01, 0x18, 0x02, 0x1b, 0, 0, 0, 0, 0, 0, 0, 0x05}) {
		t.Error("long heads: not decoded by the fast path")
	}
}

// FuzzFastWireDecode holds the fast decoder to the library on any
// bytes: what it takes, the library takes into the same value, and
// decodeEnvelope decodes every body as the library does.
func FuzzFastWireDecode(f *testing.F) {
	for _, e := range fastEnvelopes() {
		if b, err := wireEnc.Marshal(e); err == nil && len(b) < 1<<12 {
			f.Add(b)
		}
	}
	f.Add([]byte{0xa2, 0x02, 0x01, 0x03, 0xa1, 0x05, 0x82, 0xf6, 0x40})
	f.Fuzz(func(t *testing.T, body []byte) {
		checkFastDecode(t, body)
	})
}

// FuzzFastWireEncode builds envelopes from the fuzzer's input and holds
// the fast encoder to the library's bytes, and their decoding to the
// library's values.
func FuzzFastWireEncode(f *testing.F) {
	f.Add(uint8(0), uint64(1), uint8(1), uint8(1), int64(0), "2+3", "", []byte{}, int64(0), int64(0), uint32(0), uint64(0), 1<<20)
	f.Add(uint8(1), uint64(2), uint8(2), uint8(0), int64(-5), "5", "panic", []byte{5}, int64(2300), int64(-1), uint32(0xffff), uint64(1<<40), 3)
	f.Add(uint8(2), uint64(3), uint8(6), uint8(3), int64(1<<40), "f", "x", []byte{1, 0, 2, 0, 0}, int64(math.MinInt64), int64(math.MaxInt64), uint32(0x5a5a), uint64(math.MaxUint64), 100)
	f.Fuzz(func(t *testing.T, sel uint8, id uint64, typ uint8, kind uint8, n1 int64, s1, s2 string, blob []byte, n2, n3 int64, flags uint32, u uint64, max int) {
		bit := func(i uint) bool { return flags&(1<<i) != 0 }
		// blob's zero bytes cut it into Args; bit 0 makes empty ones nil.
		var args [][]byte
		if len(blob) > 0 {
			for p := range bytes.SplitSeq(blob, []byte{0}) {
				if len(p) == 0 && bit(0) {
					p = nil
				}
				args = append(args, p)
			}
		}
		var strs []string
		if bit(1) {
			strs = []string{s1, s2, ""}[:1+int(flags>>20)%3]
		}
		e := &envelope{ID: id, Type: frameType(typ)}
		if sel&1 != 0 {
			e.Req = &Request{Kind: Kind(kind), Engine: int(n1), Src: s1, Func: s2, Args: args, Timeout: time.Duration(n2),
				Op: TableOp(u), Key: s2, Value: blob, Fresh: bit(2), Live: bit(3), Parent: u, Depth: int(n3), Spare: bit(4)}
			if bit(15) {
				e.Req = &Request{Kind: Kind(kind), Src: s1}
			}
		}
		if sel&2 != 0 {
			e.Resp = &Response{Value: blob, Text: s1, Output: []byte(s2), Reset: bit(5), Took: time.Duration(n1), Keys: strs}
			if bit(6) {
				e.Resp.Err = &RemoteError{Kind: failure.Kind(s2), Msg: s1, Pos: s2, Stack: s1, Slave: s2}
			}
			if bit(7) {
				e.Resp.Exit = &Exit{Code: int(n2), Stderr: s2}
			}
			if bit(8) {
				e.Resp.Lost = strs
			}
		}
		if sel&4 != 0 {
			e.Event = &Event{Offset: u, Output: blob}
			if bit(9) {
				e.Event.Progress = &Progress{Done: n2, Total: n3}
			}
		}
		if sel&8 != 0 {
			e.Data = blob
		}
		if sel&16 != 0 && e.Req != nil {
			e.Req.Batch = []Request{{Src: s1}}
		}
		if sel&32 != 0 && e.Resp != nil {
			e.Resp.Status = &NodeStatus{}
		}
		checkFastEncode(t, e, max)
	})
}
