package master

import (
	"context"
	"errors"
	"testing"
)

// An interruption is a context that the context package ties others to
// through its AfterFunc, without a goroutine each: context.AfterFunc's
// function runs once it is cancelled unless stopped first, a context
// derived from it is cancelled with it, and one cancelled first leaves
// nothing registered behind.
func TestInterruptionIsAContext(t *testing.T) {
	i := newInterruption()
	ran := make(chan string, 2)
	context.AfterFunc(i, func() { ran <- "kept" })
	stop := context.AfterFunc(i, func() { ran <- "stopped" })
	if !stop() {
		t.Fatal("stop before the cancel did not stop")
	}
	child, cancelChild := context.WithCancel(i)
	gone, cancelGone := context.WithCancel(i)
	if n := len(i.after); n != 3 {
		t.Fatalf("%d functions registered, want 3", n)
	}
	cancelGone()
	if n := len(i.after); n != 2 {
		t.Fatalf("%d functions registered after a derived context's cancel, want 2", n)
	}
	if gone.Err() == nil || i.Err() != nil {
		t.Fatal("a derived context's cancel reached the interruption")
	}
	i.cancel()
	i.cancel() // idempotent
	if got := <-ran; got != "kept" {
		t.Fatalf("ran %q", got)
	}
	<-child.Done()
	if !errors.Is(child.Err(), context.Canceled) || !errors.Is(i.Err(), context.Canceled) {
		t.Fatalf("after the cancel: child %v, interruption %v", child.Err(), i.Err())
	}
	cancelChild()
	late := context.AfterFunc(i, func() { ran <- "late" })
	if got := <-ran; got != "late" {
		t.Fatalf("ran %q", got)
	}
	if late() {
		t.Fatal("stop after the function ran reported it stopped")
	}
	select {
	case got := <-ran:
		t.Fatalf("also ran %q", got)
	default:
	}
}
