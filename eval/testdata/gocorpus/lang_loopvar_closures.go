// Go 1.22 per-iteration loop variables: closures created in 3-clause and range loops.
package main

import "fmt"

func main() {
	var fs []func() int
	for i := 0; i < 3; i++ {
		fs = append(fs, func() int { return i })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()

	var gs []func() string
	for _, s := range []string{"a", "b", "c"} {
		gs = append(gs, func() string { return s })
	}
	for _, g := range gs {
		fmt.Print(g(), " ")
	}
	fmt.Println()

	var prints []func()
	for i, v := range map[string]int{"only": 7} {
		prints = append(prints, func() { fmt.Println(i, v) })
	}
	for _, p := range prints {
		p()
	}

	// the loop variable may be modified inside the body; each iteration starts from a copy
	var seen []int
	var later []func() int
	for i := 0; i < 6; i++ {
		later = append(later, func() int { return i * 10 })
		if i%2 == 0 {
			i++ // skips the next value
		}
		seen = append(seen, i)
	}
	fmt.Println(seen)
	for _, f := range later {
		fmt.Print(f(), " ")
	}
	fmt.Println()
}
