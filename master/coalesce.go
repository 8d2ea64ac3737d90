package master

import (
	"container/list"
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// CacheConfig configures the Master's result cache (Config.Cache):
// results of successful tasks with a Key, kept for later tasks with the
// same Key (girder's cached results, seed 004).
type CacheConfig struct {
	// Size bounds the entries; the least recently used goes first. 0
	// means 1024.
	Size int
	// TTL is how long an entry answers after its task finished; 0 means
	// until evicted.
	TTL time.Duration
}

// KeyStats counts what Task.Key saved (Master.KeyStats).
type KeyStats struct {
	Runs      int64 // keyed tasks that ran on a slave
	Merged    int64 // keyed tasks that shared a run already in flight
	CacheHits int64 // keyed tasks answered from the cache
	Cached    int   // entries in the cache now
}

// flights is the Master's table of keyed tasks in flight and its result
// cache.
type flights struct {
	mu     sync.Mutex // protects calls and cache
	calls  map[string]*Future
	cache  *resultCache // nil without Config.Cache
	runs   atomic.Int64
	merged atomic.Int64
	hits   atomic.Int64
}

// KeyStats returns how many keyed tasks ran, were merged with one in
// flight, or were answered from the cache, since the Master started.
func (m *Master) KeyStats() KeyStats {
	f := &m.flights
	f.mu.Lock()
	n := 0
	if f.cache != nil {
		n = f.cache.len()
	}
	f.mu.Unlock()
	return KeyStats{Runs: f.runs.Load(), Merged: f.merged.Load(), CacheHits: f.hits.Load(), Cached: n}
}

// submitKeyed is Submit for a task with a Key: from the cache, merged
// with the run in flight, or run (singleflight's Do, futures-style).
func (m *Master) submitKeyed(ctx context.Context, t Task) *Future {
	f := &m.flights
	f.mu.Lock()
	if res, ok := f.cache.get(t.Key, time.Now()); ok {
		f.mu.Unlock()
		f.hits.Add(1)
		fut := newFuture()
		fut.resolve(res, nil)
		return fut
	}
	if lead := f.calls[t.Key]; lead != nil {
		f.mu.Unlock()
		f.merged.Add(1)
		fut := newFuture()
		m.watches.add(fut, ctx, nil)
		lead.onDone(func() { fut.resolve(lead.outcome()) })
		return fut
	}
	if f.calls == nil {
		f.calls = map[string]*Future{}
	}
	j := newJob(ctx, m, t)
	lead := j.fut
	f.calls[t.Key] = lead
	f.mu.Unlock()
	f.runs.Add(1)
	lead.onDone(func() {
		res, err := lead.outcome()
		f.mu.Lock()
		if f.calls[t.Key] == lead {
			delete(f.calls, t.Key)
		}
		if err == nil {
			f.cache.put(t.Key, res, time.Now())
		}
		f.mu.Unlock()
	})
	m.enqueue(j)
	return lead
}

// resultCache is a size-bounded LRU of results with an expiry. Its
// owner (flights) locks it.
type resultCache struct {
	size  int
	ttl   time.Duration
	order *list.List // of *cacheEntry, most recently used first
	byKey map[string]*list.Element
}

type cacheEntry struct {
	key     string
	res     Result
	expires time.Time // zero: never
}

func newResultCache(cfg *CacheConfig) *resultCache {
	if cfg == nil {
		return nil
	}
	size := cfg.Size
	if size <= 0 {
		size = 1024
	}
	return &resultCache{size: size, ttl: cfg.TTL, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *resultCache) get(key string, now time.Time) (Result, bool) {
	if c == nil {
		return Result{}, false
	}
	el := c.byKey[key]
	if el == nil {
		return Result{}, false
	}
	e := el.Value.(*cacheEntry)
	if !e.expires.IsZero() && !now.Before(e.expires) {
		c.order.Remove(el)
		delete(c.byKey, key)
		return Result{}, false
	}
	c.order.MoveToFront(el)
	return e.res, true
}

func (c *resultCache) put(key string, res Result, now time.Time) {
	if c == nil {
		return
	}
	e := &cacheEntry{key: key, res: res}
	if c.ttl > 0 {
		e.expires = now.Add(c.ttl)
	}
	if el := c.byKey[key]; el != nil {
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.byKey[key] = c.order.PushFront(e)
	for c.order.Len() > c.size {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.byKey, old.Value.(*cacheEntry).key)
	}
}

func (c *resultCache) len() int { return c.order.Len() }
