// Sorting: sort.Ints/Strings, sort.Slice, sort.SliceStable, sort.Sort with an interface, sort.Search.
package main

import (
	"fmt"
	"sort"
)

type Person struct {
	Name string
	Age  int
}

type ByAge []Person

func (a ByAge) Len() int           { return len(a) }
func (a ByAge) Swap(i, j int)      { a[i], a[j] = a[j], a[i] }
func (a ByAge) Less(i, j int) bool { return a[i].Age < a[j].Age }

func main() {
	ints := []int{5, 2, 8, 1, 9, 3}
	sort.Ints(ints)
	fmt.Println(ints, sort.IntsAreSorted(ints))
	strs := []string{"pear", "apple", "fig", "banana"}
	sort.Strings(strs)
	fmt.Println(strs)

	people := []Person{{"Alice", 30}, {"Bob", 25}, {"Carol", 35}, {"Dan", 25}, {"Eve", 30}}
	sort.Sort(ByAge(people))
	fmt.Println(people[0].Age, people[4].Name)

	sort.SliceStable(people, func(i, j int) bool { return people[i].Name < people[j].Name })
	sort.SliceStable(people, func(i, j int) bool { return people[i].Age < people[j].Age })
	fmt.Println(people)

	sort.Sort(sort.Reverse(sort.IntSlice(ints)))
	fmt.Println(ints)

	sorted := []int{1, 3, 5, 7, 9, 11}
	i := sort.SearchInts(sorted, 7)
	j := sort.Search(len(sorted), func(k int) bool { return sorted[k] >= 8 })
	fmt.Println(i, j)

	words := []string{"bb", "a", "ccc", "dd"}
	sort.Slice(words, func(i, j int) bool {
		if len(words[i]) != len(words[j]) {
			return len(words[i]) < len(words[j])
		}
		return words[i] < words[j]
	})
	fmt.Println(words)
}
