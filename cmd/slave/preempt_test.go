//go:build unix

package main

import (
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

// A one-engine slave runs its engine on one P. A snippet that loops
// without yielding holds that P, and only the runtime's preemption gives
// the connection's reader its turn to take an interrupt (and the live
// output its turn to be sent). The slave reads its socket with raw
// system calls, which do not wake the runtime's monitor thread that
// preempts (session/socket.go): reads are raw only while a timer close
// by bounds that thread's sleep, and the first read after an idle spell
// is an ordinary one. Keepalives of a minute on both sides, so that no
// keepalive timer stands in for either: without the timer, or with raw
// reads after an idle spell, the task's output and the interrupt waited
// for the next keepalive.
func TestInterruptALoopOnAOneEngineSlave(t *testing.T) {
	for _, args := range [][]string{{"-supervise=false"}, {}} {
		ctx := ctxT(t, 60*time.Second)
		addr := startSlave(t, append(args, "-n", "1", "-keepalive", "1m", "serve", "127.0.0.1:0")...).addr(t)
		m := master.New(master.Config{NoRedial: true, Session: session.Config{Token: testToken, KeepAlive: time.Minute}})
		t.Cleanup(func() { m.Close() })
		if _, err := m.Dial(ctx, addr); err != nil {
			t.Fatal(err)
		}
		s, err := m.Reserve(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 4 {
			if i >= 2 {
				// Not a wait for anything: the case under test is a
				// task that comes after the slave was idle a while.
				time.Sleep(100 * time.Millisecond)
			}
			// The task's live output says it has started; the idle
			// spell before it lets the monitor thread fall asleep.
			started := make(chan struct{}, 1)
			f := s.Submit(ctx, master.Task{Src: `fmt.Println("looping"); for {}`, Watch: func(master.Event) {
				select {
				case started <- struct{}{}:
				default:
				}
			}})
			select {
			case <-started:
			case <-ctx.Done():
				t.Fatalf("%v round %d: the task never started", args, i)
			}
			start := time.Now()
			f.Interrupt()
			_, err := f.Wait(ctx)
			took := time.Since(start)
			if !master.IsKind(err, master.KindCanceled) {
				t.Fatalf("%v round %d: %v", args, i, err)
			}
			// Go preempts after 10 ms; the bound is generous for a
			// loaded machine, and far below the minute without the timer.
			if took > 5*time.Second {
				t.Errorf("%v round %d: the interrupt took %v", args, i, took)
			}
		}
	}
}
