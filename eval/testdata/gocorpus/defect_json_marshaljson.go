// Issue 9 defect: encoding/json must call MarshalJSON / MarshalText defined on interpreted types.
package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

type Celsius float64

func (c Celsius) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`"%.1f°C"`, float64(c))), nil
}

type Status int

func (s Status) MarshalText() ([]byte, error) {
	return []byte(strings.ToLower([]string{"OK", "FAIL"}[s])), nil
}

type Reading struct {
	Temp   Celsius `json:"temp"`
	Status Status  `json:"status"`
	ByTag  map[Status]int
}

func main() {
	r := Reading{Temp: 21.456, Status: 1, ByTag: map[Status]int{0: 5}}
	b, err := json.Marshal(r)
	fmt.Println(string(b), err)
	b, _ = json.Marshal(Celsius(-3))
	fmt.Println(string(b))
}
