// Forward references to types, constants, variables and methods declared later in the file.
package main

import "fmt"

var registry = newRegistry(defaultSize)

func newRegistry(n int) *Registry {
	return &Registry{items: make([]Entry, 0, n)}
}

func main() {
	registry.Add(Entry{Name: "a", Kind: KindFile})
	registry.Add(Entry{Name: "b", Kind: KindDir})
	for _, e := range registry.items {
		fmt.Println(e)
	}
	fmt.Println(cap(registry.items), total)
}

var total = defaultSize * 2

type Registry struct {
	items []Entry
}

func (r *Registry) Add(e Entry) { r.items = append(r.items, e) }

type Entry struct {
	Name string
	Kind Kind
}

func (e Entry) String() string { return e.Name + ":" + e.Kind.String() }

type Kind int

const (
	KindFile Kind = iota
	KindDir
)

const defaultSize = 4

func (k Kind) String() string { return [...]string{"file", "dir"}[k] }
