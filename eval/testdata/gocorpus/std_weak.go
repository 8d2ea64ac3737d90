// Package weak (Go 1.24): a weak-keyed cache of live objects, checked while they are reachable.
package main

import (
	"fmt"
	"runtime"
	"weak"
)

type Image struct {
	Name   string
	Pixels []byte
}

type Cache struct {
	entries map[string]weak.Pointer[Image]
}

func (c *Cache) Put(img *Image) { c.entries[img.Name] = weak.Make(img) }

func (c *Cache) Get(name string) (*Image, bool) {
	wp, ok := c.entries[name]
	if !ok {
		return nil, false
	}
	img := wp.Value()
	return img, img != nil
}

func main() {
	c := &Cache{entries: map[string]weak.Pointer[Image]{}}
	a := &Image{"a.png", make([]byte, 16)}
	b := &Image{"b.png", make([]byte, 32)}
	c.Put(a)
	c.Put(b)
	got, ok := c.Get("a.png")
	fmt.Println(ok, got == a, len(got.Pixels))
	_, ok = c.Get("c.png")
	fmt.Println(ok)
	fmt.Println(weak.Make(a) == weak.Make(a), weak.Make(a) == weak.Make(b))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
}
