// Package slices (Go 1.21): searching, sorting, editing and comparing.
package main

import (
	"fmt"
	"slices"
	"strings"
)

type User struct {
	Name string
	Age  int
}

func main() {
	xs := []int{5, 2, 8, 2, 9, 1}
	fmt.Println(slices.Contains(xs, 8), slices.Index(xs, 2), slices.Max(xs), slices.Min(xs))
	s := slices.Clone(xs)
	slices.Sort(s)
	fmt.Println(s, xs, slices.IsSorted(s))
	i, found := slices.BinarySearch(s, 8)
	j, found2 := slices.BinarySearch(s, 7)
	fmt.Println(i, found, j, found2)
	fmt.Println(slices.Compact(s), slices.Equal([]int{1, 2}, []int{1, 2}))
	r := []string{"a", "b", "c", "d"}
	slices.Reverse(r)
	fmt.Println(r)
	r = slices.Insert(r, 1, "x", "y")
	fmt.Println(r)
	r = slices.Delete(r, 0, 2)
	fmt.Println(r, slices.IndexFunc(r, func(s string) bool { return s > "b" }))

	users := []User{{"cy", 30}, {"al", 25}, {"bo", 30}}
	slices.SortFunc(users, func(a, b User) int {
		if a.Age != b.Age {
			return b.Age - a.Age
		}
		return strings.Compare(a.Name, b.Name)
	})
	fmt.Println(users)
	k, ok := slices.BinarySearchFunc([]User{{"a", 1}, {"b", 5}, {"c", 9}}, 5, func(u User, age int) int { return u.Age - age })
	fmt.Println(k, ok)
	fmt.Println(slices.ContainsFunc(users, func(u User) bool { return u.Age < 26 }))
	fmt.Println(slices.DeleteFunc([]int{1, 2, 3, 4, 5, 6}, func(n int) bool { return n%3 == 0 }))
	fmt.Println(slices.Concat([]int{1}, []int{2, 3}, nil, []int{4}), slices.Repeat([]string{"ab"}, 3))
	fmt.Println(slices.Compare([]int{1, 2}, []int{1, 3}), slices.Grow([]int{1}, 10)[0])
}
