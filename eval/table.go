package eval

import (
	"sort"
	"sync"
)

// Table is a native, persistent key/value table. Each Engine owns one; it
// outlives interpreter recycling because it lives on the host side, not in
// interpreter memory. Values may be any Go value, including interpreted
// closures (which yaegi hands to native code as ordinary func values).
//
// The zero value is an empty table ready for use. All methods are safe for
// concurrent use and never block beyond a short critical section.
type Table struct {
	mu sync.Mutex // protects m
	m  map[string]any
}

// Get returns the value stored under key, or nil if there is none.
func (t *Table) Get(key string) any {
	v, _ := t.Lookup(key)
	return v
}

// Lookup returns the value stored under key and whether it was present.
func (t *Table) Lookup(key string) (any, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.m[key]
	return v, ok
}

// Set stores v under key, replacing any previous value.
func (t *Table) Set(key string, v any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = make(map[string]any)
	}
	t.m[key] = v
}

// Delete removes key; deleting a missing key is a no-op.
func (t *Table) Delete(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, key)
}

// Keys returns the keys in sorted order, as a snapshot.
func (t *Table) Keys() []string {
	t.mu.Lock()
	keys := make([]string, 0, len(t.m))
	for k := range t.m {
		keys = append(keys, k)
	}
	t.mu.Unlock()
	sort.Strings(keys)
	return keys
}

// Len returns the number of keys.
func (t *Table) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.m)
}
