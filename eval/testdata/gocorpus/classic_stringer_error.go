// fmt calls String() and Error() methods, including on pointer receivers and in collections.
package main

import (
	"fmt"
	"strings"
)

type Money struct {
	Cents int64
}

func (m Money) String() string { return fmt.Sprintf("$%d.%02d", m.Cents/100, m.Cents%100) }

type Stack struct{ items []int }

func (s *Stack) String() string {
	parts := make([]string, len(s.items))
	for i, v := range s.items {
		parts[i] = fmt.Sprint(v)
	}
	return "[" + strings.Join(parts, " | ") + "]"
}

type ValidationError struct {
	Field string
}

func (e ValidationError) Error() string { return "invalid " + e.Field }

func validate(age int) error {
	if age < 0 {
		return ValidationError{"age"}
	}
	return nil
}

func main() {
	m := Money{12345}
	fmt.Println(m)
	fmt.Printf("%v %s %d\n", m, m, m.Cents)
	fmt.Println([]Money{{1}, {250}})
	fmt.Println(map[string]Money{"rent": {99900}})

	s := &Stack{items: []int{1, 2, 3}}
	fmt.Println(s)
	var st Stack
	fmt.Println(st.items, len(st.items))

	err := validate(-1)
	fmt.Println(err)
	fmt.Printf("%v | %s | %q\n", err, err, err)
	fmt.Println(validate(5) == nil)
	msg := fmt.Sprintf("%v", []error{err, ValidationError{"name"}})
	fmt.Println(msg)
}
