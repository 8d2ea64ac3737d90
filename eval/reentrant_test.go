package eval_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dpfw/dpfw/eval"
)

// engineSpawner runs sub-tasks on a second engine, as a master would on
// another slave, handing each its own sub-tasks' spawner again.
func engineSpawner(t *testing.T) eval.Spawner {
	t.Helper()
	var sp eval.Spawner
	sp = func(ctx context.Context, src string) (eval.SubResult, error) {
		e, err := eval.New(eval.Config{})
		if err != nil {
			return eval.SubResult{}, err
		}
		defer e.Close()
		res, err := e.Run(eval.WithSpawner(ctx, sp), src)
		if err != nil {
			return eval.SubResult{}, err
		}
		v := res.Value
		if n, ok := v.(int); ok {
			v = int64(n) // what the wire makes of it
		}
		return eval.SubResult{Value: v, Decode: func(dst any) error {
			*dst.(*int) = res.Value.(int)
			return nil
		}}, nil
	}
	return sp
}

func TestReentrantEngine(t *testing.T) {
	e, err := eval.New(eval.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := eval.WithSpawner(context.Background(), engineSpawner(t))
	res, err := e.Run(ctx, `
f := dpfw.Submit("20+1")
v, err := dpfw.Force(f)
if err != nil { panic(err) }
vs, err := dpfw.Parallel("1", "2", "3")
if err != nil { panic(err) }
var n int
if err := dpfw.Decode(dpfw.Submit("40+2"), &n); err != nil { panic(err) }
v.(int64) + vs[2].(int64) + int64(n)`)
	if err != nil {
		t.Fatal(err)
	}
	if res.Value != int64(66) {
		t.Fatalf("got %#v, want 66", res.Value)
	}

	// A sub-task's failure is a typed error in the snippet, and re-raised
	// it fails the task with the sub-task's kind.
	res, err = e.Run(ctx, `
_, err := dpfw.Force(dpfw.Submit("var x int = \"s\""))
de := err.(*dpfw.Error)
string(de.Kind)`)
	if err != nil || res.Value != "compile" {
		t.Fatalf("got %#v, %v; want compile", res.Value, err)
	}
	_, err = e.Run(ctx, `
if _, err := dpfw.Force(dpfw.Submit("panic(\"boom\")")); err != nil { panic(err) }`)
	var ee *eval.Error
	if !errors.As(err, &ee) || ee.Kind != eval.KindPanic || !strings.Contains(ee.Msg, "sub-task failed") || !strings.Contains(ee.Msg, "boom") {
		t.Fatalf("got %v", err)
	}
}

func TestReentrantNoSpawner(t *testing.T) {
	e, err := eval.New(eval.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	res, err := e.Run(context.Background(), `_, err := dpfw.Force(dpfw.Submit("1")); err.Error()`)
	if err != nil || !strings.Contains(res.Value.(string), "unsupported") {
		t.Fatalf("got %#v, %v", res.Value, err)
	}
}

// A Future kept past its task cannot be waited for by another task:
// waits form a tree, so no cycle can hang.
func TestReentrantForeignFuture(t *testing.T) {
	e, err := eval.New(eval.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := eval.WithSpawner(context.Background(), engineSpawner(t))
	if _, err := e.Run(ctx, `dpfw.Table().Set("f", dpfw.Submit("1"))`); err != nil {
		t.Fatal(err)
	}
	res, err := e.Run(ctx, `_, err := dpfw.Force(dpfw.Table().Get("f").(*dpfw.Future)); err.Error()`)
	if err != nil || !strings.Contains(res.Value.(string), "belongs to another task") {
		t.Fatalf("got %#v, %v", res.Value, err)
	}
}

// The sub-tasks' context is made at the first dpfw.Submit (most tasks
// send none); a sub-task still in flight when its task ends is cancelled
// all the same, and the task's end waits for it.
func TestReentrantSubTasksEndWithTheirTask(t *testing.T) {
	e, err := eval.New(eval.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	started, ended := make(chan struct{}), make(chan error, 1)
	sp := func(ctx context.Context, src string) (eval.SubResult, error) {
		close(started)
		<-ctx.Done()
		ended <- ctx.Err()
		return eval.SubResult{}, ctx.Err()
	}
	ctx := eval.WithSpawner(context.Background(), sp)
	// The snippet returns while its sub-task waits: Run's end of the
	// task cancels it, and Run returns after it has.
	res, err := e.Run(ctx, `f := dpfw.Submit("1"); _ = f; 7`)
	if err != nil || res.Value != 7 {
		t.Fatalf("got %#v, %v", res.Value, err)
	}
	<-started
	select {
	case err := <-ended:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the sub-task's context ended with %v", err)
		}
	default:
		t.Fatal("Run returned before its sub-task ended")
	}
	// A task whose context is done before its first sub-task: the
	// sub-task fails as canceled without being sent.
	cctx, cancel := context.WithCancel(eval.WithSpawner(context.Background(), func(context.Context, string) (eval.SubResult, error) {
		t.Error("a sub-task of a cancelled task was sent")
		return eval.SubResult{}, nil
	}))
	cancel()
	if _, err := e.Run(cctx, `dpfw.Force(dpfw.Submit("1"))`); err == nil {
		t.Fatal("a cancelled task ran")
	}
}
