package eval

import (
	"context"
	"errors"
	"io"
	"testing"
)

// ctxReader blocks until ctx is done, then fails with ctx's error, as a
// task's stream does when the task is cancelled.
type ctxReader struct{ ctx context.Context }

func (r ctxReader) Read([]byte) (int, error) {
	<-r.ctx.Done()
	return 0, r.ctx.Err()
}

// A stream func that returns the cancel's own error as the task is
// cancelled ends the task as cancelled, whichever the engine sees first
// (it saw the func's error, kind error, about half the time).
func TestStreamCancelledIsCanceled(t *testing.T) {
	e := newEngine(t, Config{})
	src := `func(r io.Reader, w io.Writer) error { _, err := io.ReadAll(r); return err }`
	for i := range 20 {
		ctx, cancel := context.WithCancel(context.Background())
		started := make(chan struct{})
		go func() {
			<-started
			cancel()
		}()
		r := ctxReader{ctx}
		_, err := e.RunStream(ctx, src, readerFunc(func(p []byte) (int, error) {
			select {
			case <-started:
			default:
				close(started)
			}
			return r.Read(p)
		}), io.Discard)
		var ee *Error
		if !errors.As(err, &ee) || ee.Kind != KindCanceled {
			t.Fatalf("run %d: %v, want kind canceled", i, err)
		}
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }
