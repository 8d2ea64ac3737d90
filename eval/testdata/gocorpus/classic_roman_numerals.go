// Roman numerals both ways, with table-driven tests printed as a report.
package main

import (
	"fmt"
	"strings"
)

var numerals = []struct {
	val int
	sym string
}{
	{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"},
	{50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"},
}

func toRoman(n int) string {
	var sb strings.Builder
	for _, nm := range numerals {
		for n >= nm.val {
			sb.WriteString(nm.sym)
			n -= nm.val
		}
	}
	return sb.String()
}

func fromRoman(s string) (int, error) {
	vals := map[byte]int{'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}
	total := 0
	for i := 0; i < len(s); i++ {
		v, ok := vals[s[i]]
		if !ok {
			return 0, fmt.Errorf("bad numeral %q at %d", s[i], i)
		}
		if i+1 < len(s) && vals[s[i+1]] > v {
			total -= v
		} else {
			total += v
		}
	}
	return total, nil
}

func main() {
	cases := []int{1, 4, 9, 14, 40, 90, 400, 1994, 2024, 3999}
	pass := 0
	for _, c := range cases {
		r := toRoman(c)
		back, err := fromRoman(r)
		ok := err == nil && back == c
		if ok {
			pass++
		}
		fmt.Printf("%4d -> %-12s -> %4d %v\n", c, r, back, ok)
	}
	fmt.Printf("%d/%d passed\n", pass, len(cases))
	_, err := fromRoman("MCMZ")
	fmt.Println(err)
}
