// switch: expression switches, fallthrough, no-condition switch, type switch.
package main

import (
	"fmt"
	"strconv"
)

func grade(score int) string {
	switch {
	case score >= 90:
		return "A"
	case score >= 80:
		return "B"
	case score >= 70:
		return "C"
	default:
		return "F"
	}
}

func weekday(d int) string {
	switch d {
	case 0, 6:
		return "weekend"
	case 1, 2, 3, 4, 5:
		return "weekday"
	}
	return "invalid"
}

func fall(n int) []string {
	var out []string
	switch n {
	case 1:
		out = append(out, "one")
		fallthrough
	case 2:
		out = append(out, "two")
		fallthrough
	case 3:
		out = append(out, "three")
	case 4:
		out = append(out, "four")
	}
	return out
}

func kind(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case int, int64:
		return fmt.Sprintf("integer %v", x)
	case string:
		return "string of " + strconv.Itoa(len(x))
	case []int:
		return fmt.Sprintf("slice len %d", len(x))
	case error:
		return "error " + x.Error()
	case fmt.Stringer:
		return "stringer " + x.String()
	default:
		return fmt.Sprintf("other %T", x)
	}
}

type name string

func (n name) String() string { return "<" + string(n) + ">" }

func main() {
	for _, s := range []int{95, 85, 75, 10} {
		fmt.Print(grade(s), " ")
	}
	fmt.Println()
	fmt.Println(weekday(0), weekday(3), weekday(9))
	fmt.Println(fall(1), fall(2), fall(4), fall(5))
	for _, v := range []any{nil, 3, int64(4), "abc", []int{1, 2}, fmt.Errorf("e"), name("n"), 2.5} {
		fmt.Println(kind(v))
	}
	switch x := 5; {
	case x > 3:
		fmt.Println("big")
	}
}
