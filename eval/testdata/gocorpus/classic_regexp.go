// regexp: matching, submatches, named groups, replace with a function.
package main

import (
	"fmt"
	"regexp"
	"strings"
)

func main() {
	re := regexp.MustCompile(`(\w+)@(\w+)\.com`)
	text := "contact: ann@example.com, bob@test.com; bad@x.org"
	fmt.Println(re.MatchString(text))
	fmt.Println(re.FindAllString(text, -1))
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		fmt.Println(m[1], "at", m[2])
	}
	fmt.Println(re.ReplaceAllString(text, "<$2:$1>"))

	date := regexp.MustCompile(`(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})`)
	m := date.FindStringSubmatch("released 2024-03-15 finally")
	for i, name := range date.SubexpNames() {
		if name != "" {
			fmt.Printf("%s=%s ", name, m[i])
		}
	}
	fmt.Println()
	fmt.Println(date.FindStringIndex("x 1999-01-02"))

	words := regexp.MustCompile(`\b[a-z]`)
	fmt.Println(words.ReplaceAllStringFunc("hello big world", strings.ToUpper))
	fmt.Println(regexp.MustCompile(`\s+`).Split("a  b \t c\nd", -1))
	_, err := regexp.Compile(`a(b`)
	fmt.Println(err)
	fmt.Println(regexp.QuoteMeta("1+1=2?"))
}
