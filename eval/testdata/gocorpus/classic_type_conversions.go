// Named types, conversions between them, untyped constants, and interface conversions.
package main

import (
	"fmt"
	"strconv"
)

type Celsius float64
type Fahrenheit float64

func CToF(c Celsius) Fahrenheit { return Fahrenheit(c*9/5 + 32) }
func FToC(f Fahrenheit) Celsius { return Celsius((f - 32) * 5 / 9) }

type UserID int64
type Email string

func (e Email) Domain() string {
	for i := len(e) - 1; i >= 0; i-- {
		if e[i] == '@' {
			return string(e[i+1:])
		}
	}
	return ""
}

type Handler func(string) string

func (h Handler) Twice(s string) string { return h(h(s)) }

func main() {
	c := Celsius(100)
	fmt.Printf("%.1f %.1f\n", CToF(c), FToC(CToF(-40)))
	id := UserID(42)
	fmt.Println(int64(id)+1, strconv.FormatInt(int64(id), 16))
	e := Email("ann@example.org")
	fmt.Println(e.Domain(), len(e), string(e[:3]))
	h := Handler(func(s string) string { return s + "!" })
	fmt.Println(h.Twice("hey"))
	b := []byte("abc")
	r := []rune("héllo")
	fmt.Println(string(b[1:]), len(r), string(r[1]), string(rune(65)))
	var i interface{} = id
	if v, ok := i.(UserID); ok {
		fmt.Println("user", v)
	}
	_, isInt := i.(int64)
	fmt.Println(isInt)
	x := 7
	f := float64(x) / 2
	fmt.Println(f, int(f), uint8(x<<6))
}
