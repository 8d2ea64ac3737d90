// Generic constraints that refer to the type parameter (F-bounded): Cloner and comparable trees.
package main

import "fmt"

type Cloner[T any] interface {
	Clone() T
}

func CloneAll[T Cloner[T]](xs []T) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = x.Clone()
	}
	return out
}

type Doc struct {
	Title string
	Tags  []string
}

func (d *Doc) Clone() *Doc {
	return &Doc{Title: d.Title, Tags: append([]string(nil), d.Tags...)}
}

type Lesser[T any] interface {
	Less(T) bool
}

func MinOf[T Lesser[T]](xs ...T) T {
	m := xs[0]
	for _, x := range xs[1:] {
		if x.Less(m) {
			m = x
		}
	}
	return m
}

type Version struct{ Major, Minor int }

func (v Version) Less(o Version) bool {
	if v.Major != o.Major {
		return v.Major < o.Major
	}
	return v.Minor < o.Minor
}

func main() {
	docs := []*Doc{{"a", []string{"x"}}, {"b", nil}}
	cl := CloneAll(docs)
	cl[0].Tags[0] = "changed"
	fmt.Println(docs[0].Tags, cl[0].Tags, cl[1].Title)
	fmt.Println(MinOf(Version{1, 4}, Version{0, 9}, Version{1, 0}))
}
