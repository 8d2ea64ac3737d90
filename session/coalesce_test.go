package session

import (
	"bytes"
	"errors"
	"fmt"
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
