// context: WithCancelCause, Cause, AfterFunc, WithoutCancel, WithValue (Go 1.21 additions).
package main

import (
	"context"
	"errors"
	"fmt"
)

type ctxKey string

var ErrShutdown = errors.New("shutting down")

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	ctx = context.WithValue(ctx, ctxKey("user"), "ann")
	fired := make(chan string, 1)
	stop := context.AfterFunc(ctx, func() { fired <- "after func ran" })
	_ = stop

	detached := context.WithoutCancel(ctx)
	cancel(ErrShutdown)
	<-ctx.Done()
	fmt.Println(ctx.Err(), context.Cause(ctx), errors.Is(context.Cause(ctx), ErrShutdown))
	fmt.Println(<-fired)
	fmt.Println(detached.Err(), detached.Value(ctxKey("user")))

	ctx2, cancel2 := context.WithCancel(context.Background())
	stop2 := context.AfterFunc(ctx2, func() { fmt.Println("never printed") })
	fmt.Println("stopped:", stop2())
	cancel2()
	fmt.Println(context.Cause(ctx2))
}
