// bytes iterator functions (Go 1.24): Lines, SplitSeq, FieldsSeq; and bytes helpers.
package main

import (
	"bytes"
	"fmt"
)

func main() {
	data := []byte("k1=v1\nk2=v2\nbroken\nk3=v3\n")
	for line := range bytes.Lines(data) {
		k, v, ok := bytes.Cut(bytes.TrimSpace(line), []byte("="))
		if !ok {
			fmt.Printf("skip %q\n", line)
			continue
		}
		fmt.Printf("%s -> %s\n", k, v)
	}
	var parts [][]byte
	for p := range bytes.SplitSeq([]byte("a|b|c"), []byte("|")) {
		parts = append(parts, p)
	}
	fmt.Printf("%q\n", parts)
	n := 0
	for f := range bytes.FieldsSeq([]byte(" one two  three ")) {
		n += len(f)
	}
	fmt.Println(n)
	fmt.Println(bytes.ContainsFunc([]byte("abc1"), func(r rune) bool { return r >= '0' && r <= '9' }))
	c := bytes.Clone([]byte("xyz"))
	c[0] = 'X'
	fmt.Println(string(c), bytes.Equal(c, []byte("Xyz")))
	var b bytes.Buffer
	b.WriteString("hello world")
	fmt.Println(b.Available() >= 0, b.Len())
}
