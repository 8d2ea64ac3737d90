package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// A lone frame is written by its sender, at once, from its own buffer;
// frames handed in while that Write runs go out together in the next
// Write, in the order they came, and nothing is written twice.
func TestFrameQueueGathersWhileWriting(t *testing.T) {
	var q frameQueue
	inWrite, resume := make(chan struct{}), make(chan struct{})
	var writes [][]byte
	write := func(b []byte) error {
		writes = append(writes, bytes.Clone(b))
		if len(writes) == 1 {
			close(inWrite)
			<-resume
		}
		return nil
	}
	first := []byte("first|")
	done := make(chan error)
	go func() { done <- q.write(first, write) }()
	<-inWrite
	// The first Write is in progress: these are handed on, and their
	// senders return at once.
	for i := range 3 {
		if err := q.write([]byte(fmt.Sprintf("f%d|", i)), write); err != nil {
			t.Fatal(err)
		}
	}
	close(resume)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(writes) != 2 || string(writes[0]) != "first|" || string(writes[1]) != "f0|f1|f2|" {
		t.Fatalf("writes %q, want [first| f0|f1|f2|]", writes)
	}
	// Idle again: the next frame is its sender's own Write.
	if err := q.write([]byte("last|"), write); err != nil || len(writes) != 3 || string(writes[2]) != "last|" {
		t.Fatalf("err %v, writes %q", err, writes)
	}
}

// A failed Write is its writer's error; the frames waiting behind it are
// dropped (the session ends with the failure) and the queue is idle.
func TestFrameQueueWriteFails(t *testing.T) {
	var q frameQueue
	boom := errors.New("boom")
	inWrite, resume := make(chan struct{}), make(chan struct{})
	calls := 0
	write := func(b []byte) error {
		calls++
		if calls == 1 {
			close(inWrite)
			<-resume
			return boom
		}
		return nil
	}
	done := make(chan error)
	go func() { done <- q.write([]byte("a"), write) }()
	<-inWrite
	q.write([]byte("b"), write)
	close(resume)
	if err := <-done; !errors.Is(err, boom) {
		t.Fatalf("err %v, want boom", err)
	}
	if calls != 1 || len(q.buf) != 0 || q.writing {
		t.Fatalf("calls %d, buf %q, writing %v", calls, q.buf, q.writing)
	}
}

// Under concurrent senders every frame arrives whole and once, each
// sender's frames in its order.
func TestFrameQueueConcurrent(t *testing.T) {
	var q frameQueue
	var mu sync.Mutex // the writer holds it, as the session's wmu
	var out bytes.Buffer
	write := func(b []byte) error {
		mu.Lock()
		defer mu.Unlock()
		out.Write(b)
		return nil
	}
	const senders, each = 8, 500
	var wg sync.WaitGroup
	for g := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				q.write([]byte(fmt.Sprintf("%d:%d;", g, i)), write)
			}
		}()
	}
	wg.Wait()
	next := make([]int, senders)
	n := 0
	for _, f := range bytes.Split(bytes.TrimSuffix(out.Bytes(), []byte(";")), []byte(";")) {
		var g, i int
		if _, err := fmt.Sscanf(string(f), "%d:%d", &g, &i); err != nil || next[g] != i {
			t.Fatalf("frame %q out of order or garbled (want %d:%d): %v", f, g, next[g], err)
		}
		next[g]++
		n++
	}
	if n != senders*each {
		t.Fatalf("%d frames, want %d", n, senders*each)
	}
}

// A held frame goes out with the next frame written, before it, in one
// Write; a frame held alone goes out when the timer fires.
func TestFrameQueueHold(t *testing.T) {
	var q frameQueue
	defer q.close()
	writes := make(chan string, 10)
	write := func(b []byte) error {
		writes <- string(b)
		return nil
	}
	q.hold([]byte("a|"), write)
	q.hold([]byte("b|"), write)
	q.write([]byte("c|"), write)
	if w := <-writes; w != "a|b|c|" {
		t.Fatalf("write %q, want a|b|c|", w)
	}
	q.mu.Lock()
	armed := q.armed
	q.mu.Unlock()
	if armed { // its frames are gone: the timer would wake for nothing
		t.Fatal("the hold timer is still armed after a write took the held frames")
	}
	q.hold([]byte("d|"), write)
	if w := <-writes; w != "d|" { // the timer's, maxHold later
		t.Fatalf("write %q, want d|", w)
	}
	select {
	case w := <-writes:
		t.Fatalf("one more write %q", w)
	default:
	}
	// A full buffer is not held.
	big := bytes.Repeat([]byte{'x'}, maxHeld)
	q.hold([]byte("e|"), write)
	q.hold(big, write)
	if w := <-writes; w != "e|"+string(big) {
		t.Fatalf("write of %d bytes, want %d", len(w), 2+len(big))
	}
}

// Calls under MayHold are answered, one at a time (each request goes
// out when its hold ends) and many at once (the slave holds responses
// while others are in flight): every one with its own answer.
func TestCallMayHold(t *testing.T) {
	ctx := context.Background()
	m, _ := pair(t, newTestHandler())
	for i := range 3 {
		resp, err := m.Call(MayHold(ctx), &Request{Kind: KindEval, Src: fmt.Sprint(i)})
		if err != nil || resp.Text != fmt.Sprint(i) {
			t.Fatalf("call %d: %v %v", i, resp, err)
		}
	}
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx := ctx
			if i%2 == 0 {
				cctx = MayHold(ctx)
			}
			resp, err := m.Call(cctx, &Request{Kind: KindEval, Src: fmt.Sprint(i)})
			if err != nil || resp.Text != fmt.Sprint(i) {
				t.Errorf("call %d: %v %v", i, resp, err)
			}
		}()
	}
	wg.Wait()
}

// Senders faster than the connection are held back: a frame that makes
// the frames waiting behind a Write longer than maxQueued returns only
// once the writer has taken them.
func TestFrameQueueBackpressure(t *testing.T) {
	var q frameQueue
	inWrite, resume := make(chan struct{}), make(chan struct{})
	writes := 0
	write := func(b []byte) error {
		writes++
		if writes == 1 {
			close(inWrite)
			<-resume
		}
		return nil
	}
	done := make(chan error)
	go func() { done <- q.write([]byte("first"), write) }()
	<-inWrite
	q.write(make([]byte, maxQueued/2), write) // within the bound: returns
	returned := make(chan struct{})
	go func() {
		q.write(make([]byte, maxQueued), write) // past it: waits
		close(returned)
	}()
	for {
		q.mu.Lock()
		n := len(q.buf)
		q.mu.Unlock()
		if n > maxQueued {
			break
		}
		runtime.Gosched() // the sender is on its way to append
	}
	select {
	case <-returned:
		t.Fatal("a sender past maxQueued returned before the writer took the frames")
	default:
	}
	close(resume)
	<-returned
	if err := <-done; err != nil || writes != 2 {
		t.Fatalf("err %v, %d writes, want 2", err, writes)
	}
}
