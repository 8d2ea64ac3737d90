// strings iterator functions (Go 1.24): Lines, SplitSeq, SplitAfterSeq, FieldsSeq, FieldsFuncSeq.
package main

import (
	"fmt"
	"strings"
	"unicode"
)

const text = "first line\nsecond line\n\nlast line without newline"

func main() {
	n := 0
	for line := range strings.Lines(text) {
		n++
		fmt.Printf("%d %q\n", n, line)
	}
	for part := range strings.SplitSeq("a,b,,c", ",") {
		fmt.Printf("[%s]", part)
	}
	fmt.Println()
	for part := range strings.SplitAfterSeq("x.y.z", ".") {
		fmt.Printf("[%s]", part)
	}
	fmt.Println()
	words := 0
	for w := range strings.FieldsSeq("  the quick  brown\tfox ") {
		words++
		fmt.Print(strings.ToUpper(w), " ")
	}
	fmt.Println(words)
	for tok := range strings.FieldsFuncSeq("a1b22c333", unicode.IsDigit) {
		fmt.Print(tok, ";")
	}
	fmt.Println()
	// early break stops the iteration
	for line := range strings.Lines("1\n2\n3\n") {
		if strings.TrimSpace(line) == "2" {
			break
		}
		fmt.Print("got ", line)
	}
}
