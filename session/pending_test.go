package session

import (
	"context"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"
)

// Calls reuse the records of Calls that received their Response: many
// concurrent Calls, some given up while their Response is on its way,
// each get their own Response and never another's (go test -race checks
// the hand-over between the reader and the Call).
func TestCallsGetTheirOwnResponses(t *testing.T) {
	m, _ := pair(t, HandlerFunc(func(ctx context.Context, req *Request, _ io.ReadWriter) *Response {
		return &Response{Text: req.Src}
	}))
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				src := fmt.Sprintf("%d-%d", g, i)
				ctx, cancel := context.WithCancel(context.Background())
				if i%3 == 0 { // gives up at about the time the answer comes
					time.AfterFunc(time.Duration(i%50)*time.Microsecond, cancel)
				}
				resp, err := m.Call(ctx, &Request{Kind: KindEval, Src: src})
				cancel()
				if err == nil && resp.Text != src {
					errs <- fmt.Errorf("call %s got the response of %s", src, resp.Text)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
