// A typed event bus: generic Subscribe/Publish functions keyed by event type name.
package main

import (
	"fmt"
	"sort"
)

type Bus struct {
	handlers map[string][]func(any)
}

func NewBus() *Bus { return &Bus{handlers: map[string][]func(any){}} }

func typeName[E any]() string {
	var e E
	return fmt.Sprintf("%T", e)
}

func Subscribe[E any](b *Bus, h func(E)) {
	name := typeName[E]()
	b.handlers[name] = append(b.handlers[name], func(v any) { h(v.(E)) })
}

func Publish[E any](b *Bus, e E) int {
	hs := b.handlers[typeName[E]()]
	for _, h := range hs {
		h(e)
	}
	return len(hs)
}

type UserCreated struct{ Name string }
type OrderPlaced struct {
	ID    int
	Total float64
}

func main() {
	bus := NewBus()
	var log []string
	Subscribe(bus, func(e UserCreated) { log = append(log, "welcome "+e.Name) })
	Subscribe(bus, func(e UserCreated) { log = append(log, "audit user "+e.Name) })
	Subscribe(bus, func(e OrderPlaced) { log = append(log, fmt.Sprintf("order %d: %.2f", e.ID, e.Total)) })
	fmt.Println(Publish(bus, UserCreated{"ann"}))
	fmt.Println(Publish(bus, OrderPlaced{7, 19.99}))
	fmt.Println(Publish(bus, "unhandled"))
	for _, l := range log {
		fmt.Println(l)
	}
	var names []string
	for k := range bus.handlers {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Println(names)
}
