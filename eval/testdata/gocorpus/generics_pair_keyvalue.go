// Generic structs with two type parameters: Pair, Zip, and a generic cache with methods.
package main

import "fmt"

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

func (p Pair[K, V]) String() string { return fmt.Sprintf("%v=%v", p.Key, p.Val) }

func Zip[K comparable, V any](ks []K, vs []V) []Pair[K, V] {
	n := len(ks)
	if len(vs) < n {
		n = len(vs)
	}
	out := make([]Pair[K, V], n)
	for i := 0; i < n; i++ {
		out[i] = Pair[K, V]{ks[i], vs[i]}
	}
	return out
}

type Cache[K comparable, V any] struct {
	data  map[K]V
	order []K
	cap   int
}

func NewCache[K comparable, V any](capacity int) *Cache[K, V] {
	return &Cache[K, V]{data: map[K]V{}, cap: capacity}
}

func (c *Cache[K, V]) Put(k K, v V) {
	if _, ok := c.data[k]; !ok {
		if len(c.order) == c.cap {
			oldest := c.order[0]
			c.order = c.order[1:]
			delete(c.data, oldest)
		}
		c.order = append(c.order, k)
	}
	c.data[k] = v
}

func (c *Cache[K, V]) Get(k K) (V, bool) {
	v, ok := c.data[k]
	return v, ok
}

func main() {
	ps := Zip([]string{"a", "b", "c"}, []int{1, 2})
	fmt.Println(ps, len(ps))
	fmt.Println(ps[0])
	c := NewCache[string, []int](2)
	c.Put("x", []int{1})
	c.Put("y", []int{2})
	c.Put("x", []int{1, 1})
	c.Put("z", nil)
	_, okX := c.Get("x")
	y, okY := c.Get("y")
	fmt.Println(okX, y, okY, c.order)
	fmt.Printf("%v %+v\n", Pair[int, bool]{1, true}, Pair[string, float64]{"pi", 3.14})
}
