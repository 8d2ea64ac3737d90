package session

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/fxamacker/cbor/v2"
)

// This file is the single home of the wire format; doc.go describes it in
// prose. Everything after the 5-byte preamble is a frame: a 4-byte
// big-endian body length followed by that many bytes of CBOR.

const (
	magic = "DPFW"
	// protocolVersion 2 carries values as byte strings (1 had them inline).
	protocolVersion = 2
	// maxHandshakeFrame bounds every handshake frame.
	maxHandshakeFrame = 4 << 10
	// maxDataChunk is the most payload bytes one data frame carries.
	maxDataChunk = 32 << 10
	// authLabel starts the input of every handshake MAC.
	authLabel = "dpfw auth"
	nonceSize = 32
)

// frameType says what an envelope carries.
type frameType uint8

const (
	frameRequest  frameType = 1 // Req is set; opens a task
	frameResponse frameType = 2 // Resp is set; ends a task
	frameCancel   frameType = 3 // the master gave up on task ID
	frameData     frameType = 4 // task streams only: Data is stream payload
	frameEOF      frameType = 5 // task streams only: the sender is done writing
	frameEvent    frameType = 6 // slave to master only: Event is set
)

// MaxEventOutput is the most output bytes one Event carries.
const MaxEventOutput = 16 << 10

// envelope is the body of every frame after the handshake.
type envelope struct {
	ID   uint64    `cbor:"1,keyasint,omitempty"`
	Type frameType `cbor:"2,keyasint"`
	Req  *Request  `cbor:"3,keyasint,omitempty"`
	Resp *Response `cbor:"4,keyasint,omitempty"`
	Data []byte    `cbor:"5,keyasint,omitempty"`
	// Event is set on frameEvent.
	Event *Event `cbor:"6,keyasint,omitempty"`
}

// hello, proof and verdict are the three handshake messages.
type hello struct {
	Self  Identity `cbor:"1,keyasint"`
	Nonce []byte   `cbor:"2,keyasint"`
}

type proof struct {
	MAC []byte `cbor:"1,keyasint"`
}

type verdict struct {
	OK     bool   `cbor:"1,keyasint,omitempty"`
	Reason string `cbor:"2,keyasint,omitempty"`
}

var (
	wireEnc = mustValueEncMode(cbor.EncOptions{Sort: cbor.SortNone})
	// wireEncBuf encodes a frame's body after its header, in one buffer.
	wireEncBuf = wireEnc.(cbor.UserBufferEncMode)
	// wireDec bounds what a hostile frame can make us build; the frame
	// length bounds the bytes. Values are byte strings here, decoded on
	// their own by DecodeValue, so these limits apply to the envelope
	// only. Strings are Go strings: any bytes, valid UTF-8 or not.
	// encodeEnvelope holds every frame we send to the same limits.
	wireDec = mustValueDecMode(cbor.DecOptions{
		MaxNestedLevels:  32,
		MaxArrayElements: wireMaxArray,
		MaxMapPairs:      1 << 16,
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		IndefLength:      cbor.IndefLengthForbidden,
		UTF8:             cbor.UTF8DecodeInvalid,
	})
)

// writeFrame writes one frame holding body, which it may not alter.
func writeFrame(w io.Writer, body []byte) error {
	buf := make([]byte, 4+len(body))
	binary.BigEndian.PutUint32(buf, uint32(len(body)))
	copy(buf[4:], body)
	_, err := w.Write(buf)
	return err
}

// readFrame reads one frame body of at most max bytes. A longer frame
// yields ErrFrameTooLarge without reading its body.
func readFrame(r io.Reader, max int) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if uint64(n) > uint64(max) {
		return nil, fmt.Errorf("%w: %d bytes (limit %d)", ErrFrameTooLarge, n, max)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return body, nil
}

// frameReader reads the frames of one stream whose reads may be cut
// short by a read deadline: it keeps what it has read, so that the next
// read, by the same goroutine or another, goes on where the last one
// stopped (the control stream's reader changes hands on a master's
// session: Session.reader). It reads what the stream holds, up to its
// buffer, at once, and decodes the frames in it one by one with no read
// each: a peer that sent many frames in one Write (frameQueue) costs one
// read, not two a frame. A goroutine must hold the reading turn to call
// next.
type frameReader struct {
	r   io.Reader
	max int
	buf []byte // buf[start:end] is read and not yet decoded
	// start and end delimit what buf holds.
	start, end int
	err        error // from a read that also returned bytes, for later
}

// frameBuffer is the size of frameReader's buffer: tens of small frames
// at once. A larger frame grows it for its own time, and the grown
// buffer is let go once its frame is decoded.
const frameBuffer = 4 << 10

// next returns the next frame's envelope. An error from the stream is
// returned as it is, with what was read so far kept; the limit and the
// decoding are as readEnvelope's. The envelope shares no memory with the
// buffer (the decoder copies bytes and strings out of it).
func (f *frameReader) next() (*envelope, error) {
	for {
		have := f.end - f.start
		need := 4
		if have >= 4 {
			n := binary.BigEndian.Uint32(f.buf[f.start:])
			if uint64(n) > uint64(f.max) {
				return nil, fmt.Errorf("%w: %d bytes (limit %d)", ErrFrameTooLarge, n, f.max)
			}
			need = 4 + int(n)
			if have >= need {
				body := f.buf[f.start+4 : f.start+need]
				f.start += need
				e, err := decodeEnvelope(body)
				f.settle()
				return e, err
			}
		}
		if err := f.fill(need); err != nil {
			if errors.Is(err, io.EOF) && f.end > f.start {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
}

// fill reads at least one more byte into the buffer, which it first
// makes room in for need bytes from start.
func (f *frameReader) fill(need int) error {
	if f.err != nil {
		err := f.err
		f.err = nil
		return err
	}
	switch {
	case need > len(f.buf):
		buf := make([]byte, max(need, frameBuffer))
		f.end = copy(buf, f.buf[f.start:f.end])
		f.buf, f.start = buf, 0
	case f.start > 0:
		f.end = copy(f.buf, f.buf[f.start:f.end])
		f.start = 0
	}
	n, err := f.r.Read(f.buf[f.end:])
	f.end += n
	if n > 0 {
		f.err = err // after the frames these bytes complete
		return nil
	}
	return err // nil: next reads again
}

// settle starts the buffer over once all it held is decoded, letting go
// of one grown for a large frame.
func (f *frameReader) settle() {
	if f.start == f.end {
		f.start, f.end = 0, 0
		if len(f.buf) > frameBuffer {
			f.buf = nil
		}
	}
}

// envBuffers holds the bytes.Buffer headers encodeEnvelope encodes
// into: only the header is reused, each frame's bytes are its own.
var envBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// encodeEnvelope encodes e as a whole frame, header and body in one
// buffer (one allocation, and one Write with no copy to send it), with a
// body no larger than max and within the limits the peer's decoder
// enforces: a frame the peer would take for a protocol violation fails
// here, for its own task only. The envelopes of the hot path are written
// by hand (fastwire.go), byte for byte as the library writes them, and
// within those limits by construction.
func encodeEnvelope(e *envelope, max int) ([]byte, error) {
	if size, ok := fastEncodable(e); ok {
		return frameOf(appendEnvelope(make([]byte, 4, 4+size), e), max)
	}
	// Room for a small task's whole frame at once: the buffer does
	// not grow (and copy) on its way there.
	buf := envBuffers.Get().(*bytes.Buffer)
	*buf = *bytes.NewBuffer(make([]byte, 4, 256)) // the length, once known
	err := wireEncBuf.MarshalToBuffer(e, buf)
	b := buf.Bytes()
	*buf = bytes.Buffer{} // b is the frame's own
	envBuffers.Put(buf)
	if err == nil {
		b, err = frameOf(b, max)
	}
	if err != nil {
		return nil, err
	}
	if err := wireDec.Wellformed(b[4:]); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFrameTooLarge, err)
	}
	return b, nil
}

// frameOf checks the size of the frame b holds after its 4-byte header,
// and fills in the header.
func frameOf(b []byte, max int) ([]byte, error) {
	n := len(b) - 4
	if n > max {
		return nil, fmt.Errorf("%w: %d bytes (limit %d)", ErrFrameTooLarge, n, max)
	}
	binary.BigEndian.PutUint32(b, uint32(n))
	return b, nil
}

// errMalformed reports a frame that decodes but breaks the protocol.
var errMalformed = errors.New("session: malformed frame")

// decodeEnvelope decodes and validates one frame body: by hand where
// fastwire.go knows the frame, else with the library.
func decodeEnvelope(body []byte) (*envelope, error) {
	e, ok := readFastEnvelope(body)
	if !ok {
		e = new(envelope)
		if err := wireDec.Unmarshal(body, e); err != nil {
			return nil, fmt.Errorf("%w: %v", errMalformed, err)
		}
	}
	if err := checkEnvelope(e); err != nil {
		return nil, err
	}
	return e, nil
}

// checkEnvelope holds a decoded envelope to its frame type.
func checkEnvelope(e *envelope) error {
	ok := false
	switch e.Type {
	case frameRequest:
		ok = e.Req != nil
	case frameResponse:
		ok = e.Resp != nil
	case frameCancel, frameData, frameEOF:
		ok = true
	case frameEvent:
		ok = validEvent(e.Event)
	}
	if !ok {
		return fmt.Errorf("%w: type %d", errMalformed, e.Type)
	}
	return nil
}

// validEvent holds an Event to the bounds doc.go states.
func validEvent(ev *Event) bool {
	if ev == nil || len(ev.Output) > MaxEventOutput {
		return false
	}
	p := ev.Progress
	return p == nil || (p.Done >= 0 && p.Total >= 0)
}

// readEnvelope reads and decodes one frame.
func readEnvelope(r io.Reader, max int) (*envelope, error) {
	body, err := readFrame(r, max)
	if err != nil {
		return nil, err
	}
	return decodeEnvelope(body)
}

// writeEnvelope encodes e and writes it as one frame.
func writeEnvelope(w io.Writer, e *envelope, max int) error {
	frame, err := encodeEnvelope(e, max)
	if err != nil {
		return err
	}
	_, err = w.Write(frame)
	return err
}

// readHandshake reads one handshake frame into v.
func readHandshake(r io.Reader, v any) error {
	body, err := readFrame(r, maxHandshakeFrame)
	if err != nil {
		return err
	}
	if err := wireDec.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%w: %v", errMalformed, err)
	}
	return nil
}

// handshakeFrame encodes v as one handshake frame, header included.
func handshakeFrame(v any) []byte {
	b, err := wireEnc.Marshal(v)
	if err != nil {
		panic(err) // our own fixed types always encode
	}
	out := make([]byte, 4+len(b))
	binary.BigEndian.PutUint32(out, uint32(len(b)))
	copy(out[4:], b)
	return out
}
