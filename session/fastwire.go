package session

import (
	"encoding/binary"
	"math"
)

// This file is the fast path of the envelope codec. A task's request
// and its answer cost the CBOR library's reflection about 8% of a busy
// master's CPU and 7% of a slave's (perf, W2). The envelopes of the hot
// path are few and flat, so they are written and read here by hand:
//
//   - appendEnvelope writes exactly the bytes the library writes for the
//     same envelope (wireEnc: fields in declaration order, empty ones left
//     out, every head in its shortest form), so the wire stays protocol 2
//     and old and new peers read each other's frames unchanged.
//   - readFastEnvelope accepts only input the library would decode without
//     error, into the same values. Whatever it does not recognise (an
//     unknown or repeated key, a nested Batch, Native, Job or Status, an
//     indefinite length, a tag, a null where it expects no null, trailing
//     bytes, …) sends the frame to the library, so every frame decodes as
//     the library decodes it, limits and errors included.
//
// FuzzFastWireDecode and FuzzFastWireEncode hold both halves to the
// library.

// CBOR's major types, in the top three bits of an item's first byte.
const (
	cborUint  byte = 0 << 5
	cborNeg   byte = 1 << 5
	cborBytes byte = 2 << 5
	cborText  byte = 3 << 5
	cborArray byte = 4 << 5
	cborMap   byte = 5 << 5

	cborFalse byte = 0xf4
	cborTrue  byte = 0xf5
	cborNull  byte = 0xf6
)

// wireMaxArray is the most elements wireDec admits in one array. The
// fast path leaves longer ones to the library, which refuses them.
const wireMaxArray = 1 << 20

// appendHead appends a CBOR head: major type m with argument n, in the
// shortest form, as the library writes every head.
func appendHead(b []byte, m byte, n uint64) []byte {
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= math.MaxUint8:
		return append(b, m|24, byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, m|25), uint16(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(b, m|26), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, m|27), n)
}

// cborMapWriter writes one struct as a map, counting the fields it
// writes. Every struct of the fast path has fewer than 24 fields, so the
// map's head is one byte, reserved first and filled in by end.
type cborMapWriter struct {
	b  []byte
	at int  // index of the map's head
	n  byte // fields written
}

func beginMap(b []byte) cborMapWriter {
	return cborMapWriter{b: append(b, cborMap), at: len(b)}
}

// end fills in the map's head and returns the bytes.
func (w *cborMapWriter) end() []byte {
	w.b[w.at] = cborMap | w.n
	return w.b
}

func (w *cborMapWriter) key(k uint64) {
	w.b = appendHead(w.b, cborUint, k)
	w.n++
}

// Each field writer below writes its field unless it is empty (the
// omitempty rule); the always variants write it anyway.

func (w *cborMapWriter) uint(k, v uint64) {
	if v != 0 {
		w.uintAlways(k, v)
	}
}

func (w *cborMapWriter) uintAlways(k, v uint64) {
	w.key(k)
	w.b = appendHead(w.b, cborUint, v)
}

func (w *cborMapWriter) int(k uint64, v int64) {
	if v == 0 {
		return
	}
	w.key(k)
	if v < 0 {
		w.b = appendHead(w.b, cborNeg, uint64(^v))
	} else {
		w.b = appendHead(w.b, cborUint, uint64(v))
	}
}

func (w *cborMapWriter) text(k uint64, s string) {
	if s != "" {
		w.textAlways(k, s)
	}
}

func (w *cborMapWriter) textAlways(k uint64, s string) {
	w.key(k)
	w.b = append(appendHead(w.b, cborText, uint64(len(s))), s...)
}

func (w *cborMapWriter) bytes(k uint64, p []byte) {
	if len(p) != 0 {
		w.key(k)
		w.b = append(appendHead(w.b, cborBytes, uint64(len(p))), p...)
	}
}

func (w *cborMapWriter) bool(k uint64, v bool) {
	if v {
		w.key(k)
		w.b = append(w.b, cborTrue)
	}
}

// byteStrings writes a [][]byte; a nil element is a null, as the
// library writes a nil slice.
func (w *cborMapWriter) byteStrings(k uint64, s [][]byte) {
	if len(s) == 0 {
		return
	}
	w.key(k)
	w.b = appendHead(w.b, cborArray, uint64(len(s)))
	for _, p := range s {
		if p == nil {
			w.b = append(w.b, cborNull)
			continue
		}
		w.b = append(appendHead(w.b, cborBytes, uint64(len(p))), p...)
	}
}

func (w *cborMapWriter) texts(k uint64, s []string) {
	if len(s) == 0 {
		return
	}
	w.key(k)
	w.b = appendHead(w.b, cborArray, uint64(len(s)))
	for _, t := range s {
		w.b = append(appendHead(w.b, cborText, uint64(len(t))), t...)
	}
}

// fastEncodable reports whether appendEnvelope writes e, and how many
// bytes it will take at most, near enough to allocate the frame once.
func fastEncodable(e *envelope) (size int, ok bool) {
	size = 48 + len(e.Data)
	if r := e.Req; r != nil {
		if len(r.Batch) != 0 || r.Native != nil || r.Job != nil || len(r.Args) > wireMaxArray {
			return 0, false
		}
		size += 64 + len(r.Src) + len(r.Func) + len(r.Key) + len(r.Value)
		for _, a := range r.Args {
			size += 9 + len(a)
		}
	}
	if r := e.Resp; r != nil {
		if len(r.Batch) != 0 || r.Native != nil || r.Job != nil || r.Status != nil ||
			len(r.Keys) > wireMaxArray || len(r.Lost) > wireMaxArray {
			return 0, false
		}
		size += 48 + len(r.Value) + len(r.Text) + len(r.Output)
		if r.Err != nil {
			size += 24 + len(r.Err.Kind) + len(r.Err.Msg) + len(r.Err.Pos) + len(r.Err.Stack) + len(r.Err.Slave)
		}
		if r.Exit != nil {
			size += 16 + len(r.Exit.Stderr)
		}
		for _, s := range r.Keys {
			size += 9 + len(s)
		}
		for _, s := range r.Lost {
			size += 9 + len(s)
		}
	}
	if ev := e.Event; ev != nil {
		size += 48 + len(ev.Output)
	}
	return size, true
}

// appendEnvelope appends e as the library encodes it. The caller has
// checked fastEncodable(e).
func appendEnvelope(b []byte, e *envelope) []byte {
	w := beginMap(b)
	w.uint(1, e.ID)
	w.uintAlways(2, uint64(e.Type))
	if e.Req != nil {
		w.key(3)
		w.b = appendRequest(w.b, e.Req)
	}
	if e.Resp != nil {
		w.key(4)
		w.b = appendResponse(w.b, e.Resp)
	}
	w.bytes(5, e.Data)
	if e.Event != nil {
		w.key(6)
		w.b = appendEvent(w.b, e.Event)
	}
	return w.end()
}

// appendRequest writes r's fields in Request's declaration order, which
// is the library's order (not the keys').
func appendRequest(b []byte, r *Request) []byte {
	w := beginMap(b)
	w.uintAlways(1, uint64(r.Kind))
	w.int(2, int64(r.Engine))
	w.text(3, r.Src)
	w.text(4, r.Func)
	w.byteStrings(5, r.Args)
	w.int(6, int64(r.Timeout))
	w.uint(7, uint64(r.Op))
	w.text(8, r.Key)
	w.bytes(9, r.Value)
	w.bool(11, r.Fresh)
	w.bool(13, r.Live)
	w.uint(30, r.Parent)
	w.int(31, int64(r.Depth))
	w.bool(32, r.Spare)
	return w.end()
}

func appendResponse(b []byte, r *Response) []byte {
	w := beginMap(b)
	w.bytes(1, r.Value)
	w.text(2, r.Text)
	w.bytes(3, r.Output)
	if r.Err != nil {
		w.key(4)
		w.b = appendRemoteError(w.b, r.Err)
	}
	w.bool(5, r.Reset)
	w.int(6, int64(r.Took))
	w.texts(7, r.Keys)
	w.texts(10, r.Lost)
	if r.Exit != nil {
		w.key(11)
		e := beginMap(w.b)
		e.int(1, int64(r.Exit.Code))
		e.text(2, r.Exit.Stderr)
		w.b = e.end()
	}
	return w.end()
}

func appendRemoteError(b []byte, e *RemoteError) []byte {
	w := beginMap(b)
	w.textAlways(1, string(e.Kind))
	w.text(2, e.Msg)
	w.text(3, e.Pos)
	w.text(4, e.Stack)
	w.text(5, e.Slave)
	return w.end()
}

func appendEvent(b []byte, ev *Event) []byte {
	w := beginMap(b)
	w.uint(1, ev.Offset)
	w.bytes(2, ev.Output)
	if p := ev.Progress; p != nil {
		w.key(3)
		m := beginMap(w.b)
		m.int(1, p.Done)
		m.int(2, p.Total)
		w.b = m.end()
	}
	return w.end()
}

// cborReader reads the items of one frame body. Each method reports
// false on anything the fast path leaves to the library; the reader is
// then abandoned.
type cborReader struct {
	b []byte
	i int // next byte to read
}

// head reads a head of definite length: its major type and argument.
func (r *cborReader) head() (major byte, arg uint64, ok bool) {
	if r.i >= len(r.b) {
		return 0, 0, false
	}
	c := r.b[r.i]
	r.i++
	major, info := c&0xe0, c&0x1f
	if info < 24 {
		return major, uint64(info), true
	}
	if info > 27 {
		return 0, 0, false // indefinite length or reserved
	}
	n := 1 << (info - 24)
	if len(r.b)-r.i < n {
		return 0, 0, false
	}
	p := r.b[r.i : r.i+n]
	r.i += n
	switch n {
	case 1:
		arg = uint64(p[0])
	case 2:
		arg = uint64(binary.BigEndian.Uint16(p))
	case 4:
		arg = uint64(binary.BigEndian.Uint32(p))
	default:
		arg = binary.BigEndian.Uint64(p)
	}
	return major, arg, true
}

// fields reads a map of integer keys, calling field for each key to
// read its value. A repeated key (the library refuses it) or a key field
// does not know ends it with false.
func (r *cborReader) fields(field func(key uint64) bool) bool {
	m, n, ok := r.head()
	if !ok || m != cborMap || n > 64 {
		return false
	}
	var seen uint64
	for ; n > 0; n-- {
		m, k, ok := r.head()
		if !ok || m != cborUint || k >= 64 || seen&(1<<k) != 0 {
			return false
		}
		seen |= 1 << k
		if !field(k) {
			return false
		}
	}
	return true
}

// take reports whether the next byte is c, and takes it if so.
func (r *cborReader) take(c byte) bool {
	if r.i < len(r.b) && r.b[r.i] == c {
		r.i++
		return true
	}
	return false
}

// length reads the head of a string or array of major type m and checks
// that its n items can be there: each takes a byte at least.
func (r *cborReader) length(m byte) (int, bool) {
	major, n, ok := r.head()
	if !ok || major != m || n > uint64(len(r.b)-r.i) {
		return 0, false
	}
	return int(n), true
}

func (r *cborReader) raw(m byte) ([]byte, bool) {
	n, ok := r.length(m)
	if !ok {
		return nil, false
	}
	p := r.b[r.i : r.i+n]
	r.i += n
	return p, true
}

func readUint[T ~uint8 | ~uint64](r *cborReader, p *T) bool {
	m, v, ok := r.head()
	if !ok || m != cborUint || uint64(T(v)) != v {
		return false
	}
	*p = T(v)
	return true
}

func readInt[T ~int | ~int64](r *cborReader, p *T) bool {
	m, v, ok := r.head()
	if !ok || v > math.MaxInt64 {
		return false
	}
	var n int64
	switch m {
	case cborUint:
		n = int64(v)
	case cborNeg:
		n = -1 - int64(v)
	default:
		return false
	}
	if int64(T(n)) != n {
		return false
	}
	*p = T(n)
	return true
}

func readText[T ~string](r *cborReader, p *T) bool {
	s, ok := r.raw(cborText)
	*p = T(s)
	return ok
}

// readBytes copies a byte string out of the frame, as the library does:
// an empty one is a non-nil empty slice.
func readBytes(r *cborReader, p *[]byte) bool {
	s, ok := r.raw(cborBytes)
	if ok {
		*p = append(make([]byte, 0, len(s)), s...)
	}
	return ok
}

func readBool(r *cborReader, p *bool) bool {
	switch {
	case r.take(cborTrue):
		*p = true
	case r.take(cborFalse):
		*p = false
	default:
		return false
	}
	return true
}

// readByteStrings reads Request.Args, whose nil elements are nulls.
func readByteStrings(r *cborReader, p *[][]byte) bool {
	n, ok := r.length(cborArray)
	if !ok || n > wireMaxArray {
		return false
	}
	s := make([][]byte, n)
	for i := range s {
		if !r.take(cborNull) && !readBytes(r, &s[i]) {
			return false
		}
	}
	*p = s
	return true
}

func readTexts(r *cborReader, p *[]string) bool {
	n, ok := r.length(cborArray)
	if !ok || n > wireMaxArray {
		return false
	}
	s := make([]string, n)
	for i := range s {
		if !readText(r, &s[i]) {
			return false
		}
	}
	*p = s
	return true
}

// requestFrame and responseFrame hold an envelope and what it carries
// in one allocation.
type requestFrame struct {
	env envelope
	req Request
}

type responseFrame struct {
	env  envelope
	resp Response
}

// readFastEnvelope decodes body as the library would, or reports false
// where it leaves body to the library.
func readFastEnvelope(body []byte) (*envelope, bool) {
	r := cborReader{b: body}
	var (
		e    envelope
		reqF *requestFrame
		resF *responseFrame
	)
	ok := r.fields(func(k uint64) bool {
		switch k {
		case 1:
			return readUint(&r, &e.ID)
		case 2:
			return readUint(&r, &e.Type)
		case 3:
			reqF = new(requestFrame)
			e.Req = &reqF.req
			return readRequest(&r, e.Req)
		case 4:
			resF = new(responseFrame)
			e.Resp = &resF.resp
			return readResponse(&r, e.Resp)
		case 5:
			return readBytes(&r, &e.Data)
		case 6:
			e.Event = new(Event)
			return readEvent(&r, e.Event)
		}
		return false
	})
	if !ok || r.i != len(body) {
		return nil, false
	}
	switch {
	case reqF != nil:
		reqF.env = e
		return &reqF.env, true
	case resF != nil:
		resF.env = e
		return &resF.env, true
	}
	out := new(envelope) // not &e: that would cost every frame one more
	*out = e
	return out, true
}

func readRequest(r *cborReader, q *Request) bool {
	return r.fields(func(k uint64) bool {
		switch k {
		case 1:
			return readUint(r, &q.Kind)
		case 2:
			return readInt(r, &q.Engine)
		case 3:
			return readText(r, &q.Src)
		case 4:
			return readText(r, &q.Func)
		case 5:
			return readByteStrings(r, &q.Args)
		case 6:
			return readInt(r, &q.Timeout)
		case 7:
			return readUint(r, &q.Op)
		case 8:
			return readText(r, &q.Key)
		case 9:
			return readBytes(r, &q.Value)
		case 11:
			return readBool(r, &q.Fresh)
		case 13:
			return readBool(r, &q.Live)
		case 30:
			return readUint(r, &q.Parent)
		case 31:
			return readInt(r, &q.Depth)
		case 32:
			return readBool(r, &q.Spare)
		}
		return false // Batch, Native, Job: the library's
	})
}

func readResponse(r *cborReader, p *Response) bool {
	return r.fields(func(k uint64) bool {
		switch k {
		case 1:
			return readBytes(r, &p.Value)
		case 2:
			return readText(r, &p.Text)
		case 3:
			return readBytes(r, &p.Output)
		case 4:
			p.Err = new(RemoteError)
			return readRemoteError(r, p.Err)
		case 5:
			return readBool(r, &p.Reset)
		case 6:
			return readInt(r, &p.Took)
		case 7:
			return readTexts(r, &p.Keys)
		case 10:
			return readTexts(r, &p.Lost)
		case 11:
			p.Exit = new(Exit)
			return r.fields(func(k uint64) bool {
				switch k {
				case 1:
					return readInt(r, &p.Exit.Code)
				case 2:
					return readText(r, &p.Exit.Stderr)
				}
				return false
			})
		}
		return false // Batch, Native, Job, Status: the library's
	})
}

func readRemoteError(r *cborReader, e *RemoteError) bool {
	return r.fields(func(k uint64) bool {
		switch k {
		case 1:
			return readText(r, &e.Kind)
		case 2:
			return readText(r, &e.Msg)
		case 3:
			return readText(r, &e.Pos)
		case 4:
			return readText(r, &e.Stack)
		case 5:
			return readText(r, &e.Slave)
		}
		return false
	})
}

func readEvent(r *cborReader, ev *Event) bool {
	return r.fields(func(k uint64) bool {
		switch k {
		case 1:
			return readUint(r, &ev.Offset)
		case 2:
			return readBytes(r, &ev.Output)
		case 3:
			ev.Progress = new(Progress)
			return r.fields(func(k uint64) bool {
				switch k {
				case 1:
					return readInt(r, &ev.Progress.Done)
				case 2:
					return readInt(r, &ev.Progress.Total)
				}
				return false
			})
		}
		return false
	})
}
