package eval

import (
	"context"
	"errors"
	"testing"
	"time"
)

func isKind(err error, k Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == k
}

func TestCallFree(t *testing.T) {
	for body, want := range map[string]bool{
		"2+3":                               true,
		"return x * 2":                      true,
		"for i := 0; i < 3; i++ { x++ }; x": true,
		"m := map[string]int{}; m[\"a\"] = 1; a := []int{1, 2}; a[0]": true,
		"f()":                          false,
		"(2+3)":                        false,
		"int64(x)":                     false,
		"<-c":                          false,
		"c <- 1":                       false,
		"go g":                         false,
		"select {}":                    false,
		"for v := range xs { s += v }": false,
		"var f func":                   false,
		"defer x":                      false,
		"var c chan int":               false,
		"\"unterminated":               false,
	} {
		if got := callFree(body); got != want {
			t.Errorf("callFree(%q) = %v, want %v", body, got, want)
		}
	}
	for cell, want := range map[string]bool{
		"func ᐧcell1() int {\n//line _.go:1:1\nreturn 2 + 3\n}": true,
		"func ᐧcell3() {\nx = 4\n}":                             true,
		"func ᐧcell3() struct{} {\nreturn struct{}{}\n}":        false,
		"func ᐧcell3() (int, error) {\nreturn 1, nil\n}":        false,
		"func ᐧcell3() int {\nreturn f()\n}":                    false,
		"func ᐧcell3(a int) int {\nreturn a\n}":                 false,
		"func ᐧcell3() int {\nreturn 1\n":                       false,
	} {
		if got := callFreeCell(cell); got != want {
			t.Errorf("callFreeCell(%q) = %v, want %v", cell, got, want)
		}
	}
}

// A call-free snippet runs on the task's goroutine (executeHere) and
// still stops when its context ends: a timeout and a cancel end a loop
// that never returns, with and without the front end, and the engine
// goes on working.
func TestCallFreeRunsHereAndStops(t *testing.T) {
	for _, noFront := range []bool{false, true} {
		e := newEngine(t, Config{NoFrontEnd: noFront})
		ctx := context.Background()
		if _, err := e.Run(ctx, "x := 0"); err != nil {
			t.Fatal(err)
		}
		for i := range 2 { // compiled, then cached
			res, err := e.Run(ctx, "2+3")
			if err != nil || res.Value != 5 {
				t.Fatalf("front end %v, run %d: %+v, %v", !noFront, i, res, err)
			}
		}
		if e.ip.hereRuns == 0 {
			t.Fatalf("front end %v: 2+3 did not run on the task's goroutine", !noFront)
		}
		for _, src := range []string{"n := 0; for { n++ }", "for {}"} {
			ip := e.ip // the timeout replaces it
			before := ip.hereRuns
			tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
			_, err := e.Run(tctx, src)
			cancel()
			if !isKind(err, KindTimeout) {
				t.Fatalf("front end %v, %q with a timeout: %v, want kind timeout", !noFront, src, err)
			}
			if ip.hereRuns == before {
				t.Fatalf("front end %v: %q did not run here", !noFront, src)
			}
			cctx, cancel := context.WithCancel(ctx)
			time.AfterFunc(50*time.Millisecond, cancel)
			if _, err := e.Run(cctx, src); !isKind(err, KindCanceled) {
				t.Fatalf("front end %v, %q cancelled: %v, want kind canceled", !noFront, src, err)
			}
			if res, err := e.Run(ctx, "2+3"); err != nil || res.Value != 5 {
				t.Fatalf("after %q: %+v, %v", src, res, err)
			}
		}
	}
}

// An os.Exit in a goroutine an earlier task left running ends a
// call-free loop running on the task's goroutine, as it ends a task on
// the runner: the task reports the exit. (The earlier task's goroutine
// calls os.Exit every millisecond once the table says so, from new
// goroutines: outside a task an os.Exit ends only its goroutine.)
func TestCallFreeLoopEndsOnExit(t *testing.T) {
	e := newEngine(t, Config{})
	ctx := context.Background()
	if _, err := e.Run(ctx, `import ("os"; "time"); go func() { for dpfw.Table().Get("exit") == nil { time.Sleep(time.Millisecond) }; for { go os.Exit(3); time.Sleep(time.Millisecond) } }()`); err != nil {
		t.Fatal(err)
	}
	ip := e.ip
	e.Table().Set("exit", true)
	tctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	res, err := e.Run(tctx, "for {}")
	if tctx.Err() != nil || res.Exit == nil || res.Exit.Code != 3 {
		t.Fatalf("call-free loop with an os.Exit meanwhile: %+v, %v (deadline: %v); want the exit at once", res, err, tctx.Err())
	}
	// The exit may also come while the front end declares the loop's
	// cell, on the runner, before the loop starts: executeHere must then
	// not start it (it checks after arming its run).
	t.Logf("the loop ran on the task's goroutine: %v", ip.hereRuns > 0)
}

// executeHere's stop state is reused by an interpreter's runs: runs
// whose context is cancelled as they end, or not at all, leave nothing
// behind for the next, and one cancelled mid-run after many of them
// still stops (go test -race checks the hand-over between the run and
// its AfterFunc).
func TestCallFreeStopReusedAcrossRuns(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	for i := range 200 {
		cctx, cancel := context.WithCancel(ctx)
		if i%2 == 1 { // races with the run's end
			go cancel()
		}
		res, err := e.Run(cctx, "2+3")
		cancel()
		if err != nil && !isKind(err, KindCanceled) || err == nil && res.Value != 5 {
			t.Fatalf("run %d: %+v, %v; want 5 or kind canceled", i, res, err)
		}
	}
	ip := e.ip
	before := ip.hereRuns
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(20*time.Millisecond, cancel)
	if _, err := e.Run(cctx, "for {}"); !isKind(err, KindCanceled) {
		t.Fatalf("for {} cancelled: %v, want kind canceled", err)
	}
	if ip.hereRuns == before {
		t.Fatal("for {} did not run here")
	}
	if res, err := e.Run(ctx, "2+3"); err != nil || res.Value != 5 {
		t.Fatalf("after the cancelled loop: %+v, %v", res, err)
	}
}
