// Constants and iota: typed enums with String, bit flags, skipped values, untyped constants.
package main

import "fmt"

type Color int

const (
	Red Color = iota
	Green
	Blue
)

func (c Color) String() string {
	switch c {
	case Red:
		return "Red"
	case Green:
		return "Green"
	case Blue:
		return "Blue"
	}
	return fmt.Sprintf("Color(%d)", int(c))
}

type Perm uint8

const (
	Read Perm = 1 << iota
	Write
	Exec
)

const (
	_  = iota
	KB = 1 << (10 * iota)
	MB
	GB
)

const (
	a, b = iota, iota * 10
	c, d
)

const big = 1 << 100
const pi = 3.14159265358979323846

func main() {
	fmt.Println(Red, Green, Blue, Color(7))
	fmt.Printf("%v %d %s\n", Blue, Blue, Green)
	p := Read | Exec
	fmt.Println(p, p&Write != 0, p&Exec != 0)
	fmt.Printf("%03b\n", p)
	fmt.Println(KB, MB, GB)
	fmt.Println(a, b, c, d)
	fmt.Println(big >> 98)
	var f32 float32 = pi
	fmt.Println(f32, pi*2)
	const typed int64 = 5
	fmt.Printf("%T %T %T\n", typed, pi, 'x')
}
