package master

import (
	"testing"
	"time"
)

func TestResultCacheExpiresAndEvicts(t *testing.T) {
	c := newResultCache(&CacheConfig{Size: 2, TTL: time.Minute})
	t0 := time.Unix(1000, 0)
	c.put("a", Result{Value: 1}, t0)
	c.put("b", Result{Value: 2}, t0)
	if r, ok := c.get("a", t0.Add(59*time.Second)); !ok || r.Value != 1 {
		t.Fatalf("a before its TTL: %v %v", r, ok)
	}
	c.put("c", Result{Value: 3}, t0) // b is the least recently used
	if _, ok := c.get("b", t0); ok {
		t.Fatal("b should have been evicted")
	}
	if _, ok := c.get("a", t0.Add(time.Minute)); ok || c.len() != 1 {
		t.Fatalf("a answered at its expiry; %d entries", c.len())
	}
}
