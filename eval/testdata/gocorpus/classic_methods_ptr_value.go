// Value and pointer receivers, method sets and addressability.
package main

import "fmt"

type Counter struct {
	n    int
	name string
}

func (c Counter) Value() int { return c.n }
func (c *Counter) Inc()      { c.n++ }
func (c *Counter) Add(k int) *Counter {
	c.n += k
	return c
}
func (c Counter) String() string { return fmt.Sprintf("%s=%d", c.name, c.n) }

type Incrementer interface{ Inc() }

func bump(i Incrementer, times int) {
	for k := 0; k < times; k++ {
		i.Inc()
	}
}

func main() {
	c := Counter{name: "hits"}
	c.Inc()
	c.Inc()
	fmt.Println(c.Value(), c)

	c.Add(3).Add(4).Inc()
	fmt.Println(c.Value())

	bump(&c, 5)
	fmt.Println(c)

	counters := []Counter{{name: "a"}, {name: "b"}}
	for i := range counters {
		counters[i].Inc()
	}
	for _, k := range counters {
		k.Inc() // copy: no effect
	}
	fmt.Println(counters)

	m := map[string]*Counter{"x": {name: "x"}}
	m["x"].Inc()
	fmt.Println(*m["x"])
}
