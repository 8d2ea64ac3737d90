package eval

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
)

// recorder is an Observer that keeps everything.
type recorder struct {
	mu       sync.Mutex
	out      bytes.Buffer
	writes   int
	progress [][2]int64
}

func (r *recorder) Output(p []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out.Write(p)
	r.writes++
}

func (r *recorder) Progress(done, total int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.progress = append(r.progress, [2]int64{done, total})
}

func TestObserverSeesOutputAndProgress(t *testing.T) {
	e := newEngine(t, Config{MaxOutput: 40})
	var rec recorder
	ctx := WithObserver(context.Background(), &rec)
	res, err := e.Run(ctx, `for i := 0; i < 8; i++ { fmt.Println("step", i); dpfw.Progress(i+1, 8) }; 7`)
	if err != nil {
		t.Fatal(err)
	}
	if res.Value != 7 {
		t.Fatalf("value %v", res.Value)
	}
	// The observer sees exactly what Output keeps, up to MaxOutput (the
	// truncation marker is not output).
	want := bytes.TrimSuffix(res.Output, []byte(truncMarker))
	if !bytes.Equal(rec.out.Bytes(), want) || len(want) != 40 {
		t.Fatalf("observer saw %q, the result has %q", rec.out.Bytes(), res.Output)
	}
	if fmt.Sprint(rec.progress) != "[[1 8] [2 8] [3 8] [4 8] [5 8] [6 8] [7 8] [8 8]]" {
		t.Fatalf("progress %v", rec.progress)
	}
	// Without an observer dpfw.Progress does nothing, and a later task's
	// observer sees only its own output.
	if _, err := e.Run(context.Background(), `dpfw.Progress(1, 2); fmt.Println("unseen")`); err != nil {
		t.Fatal(err)
	}
	var rec2 recorder
	if _, err := e.Run(WithObserver(context.Background(), &rec2), `fmt.Print("mine")`); err != nil {
		t.Fatal(err)
	}
	if rec.writes != 6 || rec2.out.String() != "mine" || len(rec2.progress) != 0 {
		t.Fatalf("first %d writes, second saw %q %v", rec.writes, rec2.out.String(), rec2.progress)
	}
}
