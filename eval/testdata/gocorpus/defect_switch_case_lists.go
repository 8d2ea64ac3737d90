// Case lists of several expressions: yaegi runs the wrong clause when the
// switch has no tag or a case lists calls.
package main

import "fmt"

func g(x int) int { fmt.Print("g", x, " "); return x }

func main() {
	for i := 0; i < 4; i++ {
		switch i {
		case g(1), g(2):
			fmt.Println(i, "hit")
		case 3:
			fmt.Println(i, "three")
		default:
			fmt.Println(i, "miss")
		}
	}
	b := true
	switch {
	case !b, b:
		fmt.Println("bool hit")
	}
	switch x := 5; {
	case x > 9, x > 4:
		fmt.Println("x hit")
	}
}

func init() {
	x, y, z := 1, 2, 3
	for _, v := range []int{1, 2, 3, 4} {
		switch v {
		case x, y:
			fmt.Println(v, "xy")
		case z, 7:
			fmt.Println(v, "z7")
		default:
			fmt.Println(v, "none")
		}
	}
	s := "b"
	switch s {
	case "a", "b":
		fmt.Println("ab")
	}
}
