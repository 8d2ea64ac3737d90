// Strings, bytes and runes: UTF-8 iteration, conversion, building.
package main

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

func main() {
	s := "héllo, 世界"
	fmt.Println(len(s), utf8.RuneCountInString(s))
	for i, r := range s {
		if r > 127 {
			fmt.Printf("%d:%c(%U) ", i, r, r)
		}
	}
	fmt.Println()
	fmt.Println(reverse(s))
	fmt.Println(s[1:3] == "é", string(s[0]), s[0])

	fmt.Println(strings.ToUpper(s), strings.Title("x"))
	fmt.Println(strings.Repeat("ab", 3), strings.Count("cheese", "e"))
	fmt.Println(strings.Split("a,b,,c", ","), len(strings.Split("a,b,,c", ",")))
	fmt.Println(strings.Fields("  many   spaces here "))
	fmt.Println(strings.Join([]string{"x", "y", "z"}, "-"))
	fmt.Println(strings.HasPrefix(s, "hé"), strings.Index(s, "世"), strings.Contains(s, "lo"))
	fmt.Println(strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return unicode.ToUpper(r)
		}
		return -1
	}, "a1b2c3"))
	before, after, found := strings.Cut("key=value", "=")
	fmt.Println(before, after, found)
	fmt.Println(strings.EqualFold("Go", "GO"), strings.TrimLeft("xxhixx", "x"), strings.TrimSuffix("file.go", ".go"))

	b := []byte("hello")
	b[0] = 'J'
	fmt.Println(string(b), b)
	fmt.Printf("%q %v %x\n", "tab\there", []byte("hi"), "hi")
}
