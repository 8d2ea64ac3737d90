// An errgroup-like helper written by hand: first error wins and cancels the rest.
package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
)

type Group struct {
	wg     sync.WaitGroup
	once   sync.Once
	err    error
	cancel context.CancelFunc
}

func WithContext(ctx context.Context) (*Group, context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	return &Group{cancel: cancel}, ctx
}

func (g *Group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.once.Do(func() {
				g.err = err
				g.cancel()
			})
		}
	}()
}

func (g *Group) Wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}

func main() {
	g, ctx := WithContext(context.Background())
	var mu sync.Mutex
	var done []string
	fail := make(chan struct{})
	for _, name := range []string{"fetch-a", "fetch-b", "broken", "fetch-c"} {
		g.Go(func() error {
			if name == "broken" {
				defer close(fail)
				return errors.New(name + ": connection refused")
			}
			<-fail // the others finish only after the failure
			select {
			case <-ctx.Done():
				mu.Lock()
				done = append(done, name+" canceled")
				mu.Unlock()
				return ctx.Err()
			}
		})
	}
	err := g.Wait()
	sort.Strings(done)
	fmt.Println("error:", err)
	fmt.Println(done)

	g2, _ := WithContext(context.Background())
	results := make([]int, 4)
	for i := range results {
		g2.Go(func() error { results[i] = i * 10; return nil })
	}
	fmt.Println(g2.Wait(), results)
}
