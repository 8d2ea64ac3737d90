// iter.Seq2[T, error]: an iterator yielding parsed records or errors, stopped on the first error.
package main

import (
	"bufio"
	"fmt"
	"iter"
	"strconv"
	"strings"
)

type Record struct {
	Name  string
	Score int
}

func Records(input string) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		sc := bufio.NewScanner(strings.NewReader(input))
		line := 0
		for sc.Scan() {
			line++
			name, score, ok := strings.Cut(sc.Text(), ":")
			if !ok {
				if !yield(Record{}, fmt.Errorf("line %d: missing colon", line)) {
					return
				}
				continue
			}
			n, err := strconv.Atoi(strings.TrimSpace(score))
			if err != nil {
				if !yield(Record{}, fmt.Errorf("line %d: %w", line, err)) {
					return
				}
				continue
			}
			if !yield(Record{strings.TrimSpace(name), n}, nil) {
				return
			}
		}
	}
}

func main() {
	input := "ann: 90\nbob: 75\nbroken line\ncid: x\ndee: 88"
	total := 0
	for r, err := range Records(input) {
		if err != nil {
			fmt.Println("skip:", err)
			continue
		}
		total += r.Score
		fmt.Printf("%-4s %3d\n", r.Name, r.Score)
	}
	fmt.Println("total", total)
	for r, err := range Records(input) {
		if err != nil {
			fmt.Println("stop at first error:", err)
			break
		}
		fmt.Println("ok", r.Name)
	}
}
