package session

import (
	"testing"
	"time"

	"github.com/dpfw/dpfw/eval/failure"
)

// The envelopes of W1 and W2: a task's request and its answer, as the
// master and a slave send them; and a call, a failure and a live event.
var benchEnvelopes = map[string]*envelope{
	"eval":   {ID: 7, Type: frameRequest, Req: &Request{Kind: KindEval, Src: "2+3"}},
	"call":   {ID: 8, Type: frameRequest, Req: &Request{Kind: KindCall, Engine: 1, Func: "work", Args: [][]byte{{0x05}, {0x63, 'a', 'b', 'c'}}, Timeout: time.Second}},
	"answer": {ID: 7, Type: frameResponse, Resp: &Response{Value: []byte{0x05}, Text: "5", Took: 2300 * time.Nanosecond}},
	"failed": {ID: 9, Type: frameResponse, Resp: &Response{Output: []byte("hi\n"), Err: &RemoteError{Kind: failure.KindPanic, Msg: "boom", Pos: "1:5"}, Took: time.Millisecond}},
	"event":  {ID: 9, Type: frameEvent, Event: &Event{Offset: 3, Output: []byte("step\n"), Progress: &Progress{Done: 1, Total: 4}}},
}

var benchOrder = []string{"eval", "call", "answer", "failed", "event"}

func BenchmarkEncodeEnvelope(b *testing.B) {
	for _, name := range benchOrder {
		e := benchEnvelopes[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := encodeEnvelope(e, 1<<20); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecodeEnvelope(b *testing.B) {
	for _, name := range benchOrder {
		frame, err := encodeEnvelope(benchEnvelopes[name], 1<<20)
		if err != nil {
			b.Fatal(err)
		}
		body := frame[4:]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decodeEnvelope(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
