// Go 1.26 new(expr): new with an initial value expression.
package main

import (
	"encoding/json"
	"fmt"
)

type Config struct {
	Name    *string `json:"name,omitempty"`
	Retries *int    `json:"retries,omitempty"`
	Debug   *bool   `json:"debug,omitempty"`
}

func double(n int) int { return n * 2 }

func main() {
	p := new(42)
	fmt.Println(*p)
	*p++
	fmt.Println(*p)

	s := new("hello")
	fmt.Println(*s, len(*s))

	q := new(double(21))
	fmt.Println(*q)

	cfg := Config{Name: new("svc"), Retries: new(3)}
	b, _ := json.Marshal(cfg)
	fmt.Println(string(b))

	f := new(1.5)
	fmt.Printf("%T %v\n", f, *f)
	pts := []*int{new(1), new(2), new(3)}
	sum := 0
	for _, pt := range pts {
		sum += *pt
	}
	fmt.Println(sum)
}
