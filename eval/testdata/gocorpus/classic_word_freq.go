// Word frequency report: normalization, counting, sorting by count then word.
package main

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
)

const text = `It was the best of times, it was the worst of times, it was the age of
wisdom, it was the age of foolishness, it was the epoch of belief, it was the
epoch of incredulity, it was the season of Light, it was the season of Darkness.`

type wc struct {
	word  string
	count int
}

func main() {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	})
	counts := make(map[string]int)
	for _, w := range words {
		counts[w]++
	}
	var list []wc
	for w, c := range counts {
		list = append(list, wc{w, c})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].count != list[j].count {
			return list[i].count > list[j].count
		}
		return list[i].word < list[j].word
	})
	fmt.Println("total words:", len(words), "distinct:", len(counts))
	for i, e := range list {
		if i == 8 {
			break
		}
		fmt.Printf("%2d. %-8s %2d %s\n", i+1, e.word, e.count, strings.Repeat("*", e.count))
	}
	longest := ""
	for _, w := range words {
		if len(w) > len(longest) {
			longest = w
		}
	}
	fmt.Println("longest:", longest)
}
