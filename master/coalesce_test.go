package master_test

import (
	"testing"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
)

func tasksRun(m *master.Master) (n int64) {
	for _, s := range m.Slaves() {
		n += s.Info().Tasks
	}
	return n
}

func TestKeyMergesTasksInFlight(t *testing.T) {
	m := cluster(t, 2)
	ctx := ctxT(t)
	// The first task holds its slave until the others are merged.
	gate := `import "time"; for dpfw.Table().Get("go") == nil { time.Sleep(time.Millisecond) }; 6 * 7`
	lead := m.Submit(ctx, master.Task{Src: gate, Key: "answer"})
	var futs []*master.Future
	for range 9 {
		futs = append(futs, m.Submit(ctx, master.Task{Src: gate, Key: "answer"}))
	}
	other := m.Submit(ctx, master.Task{Src: "1", Key: "other"})
	if res, err := other.Wait(ctx); err != nil || res.Value != int64(1) {
		t.Fatalf("other key: %v %v", res.Value, err)
	}
	for _, s := range m.Slaves() {
		if err := s.TableSet(ctx, "go", true); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range append(futs, lead) {
		if res, err := f.Wait(ctx); err != nil || res.Value != int64(42) {
			t.Fatalf("merged task: %v %v", res.Value, err)
		}
	}
	st := m.KeyStats()
	if st.Runs != 2 || st.Merged != 9 || st.CacheHits != 0 || tasksRun(m) != 2 {
		t.Fatalf("stats %+v, slaves ran %d tasks; want 2 runs, 9 merged", st, tasksRun(m))
	}
	// Not in flight any more, no cache: it runs again.
	if _, err := m.Submit(ctx, master.Task{Src: "1", Key: "other"}).Wait(ctx); err != nil || m.KeyStats().Runs != 3 {
		t.Fatalf("after the flight: %v %+v", err, m.KeyStats())
	}
}

func TestCacheAnswersByKey(t *testing.T) {
	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet,
		Cache: &master.CacheConfig{Size: 2}})
	t.Cleanup(func() { m.Close() })
	_, addr := startSlave(t, 1)
	ctx := ctxT(t)
	if _, err := m.Dial(ctx, addr); err != nil {
		t.Fatal(err)
	}
	run := func(key, src string) (any, error) {
		res, err := m.Submit(ctx, master.Task{Src: src, Key: key}).Wait(ctx)
		return res.Value, err
	}
	for range 3 {
		if v, err := run("a", "1 + 1"); err != nil || v != int64(2) {
			t.Fatalf("a: %v %v", v, err)
		}
	}
	if st := m.KeyStats(); st.Runs != 1 || st.CacheHits != 2 || st.Cached != 1 || tasksRun(m) != 1 {
		t.Fatalf("stats %+v, ran %d", st, tasksRun(m))
	}
	// Failures are not kept.
	for range 2 {
		if _, err := run("bad", `panic("no")`); !master.IsKind(err, master.KindPanic) {
			t.Fatalf("bad: %v", err)
		}
	}
	if st := m.KeyStats(); st.Runs != 3 || st.Cached != 1 {
		t.Fatalf("a failure was cached: %+v", st)
	}
	// Size 2: b and c push a out.
	run("b", "2")
	run("c", "3")
	if _, err := run("a", "1 + 1"); err != nil || m.KeyStats().Runs != 6 {
		t.Fatalf("a should have been evicted: %+v", m.KeyStats())
	}
}
