// A negative zero passed by value to an interpreted function (yaegi skips
// copying arguments that reflect calls zero, and -0 == 0).
package main

import (
	"fmt"
	"math"
)

type P struct{ X, Y float64 }
type S struct{}

func (S) inv(x float64) float64    { return 1 / x }
func f(x float64) float64          { return 1 / x }
func f32(x float32) float32        { return 1 / x }
func fc(c complex128) float64      { return 1 / imag(c) }
func fp(p P) float64               { return 1 / p.Y }
func fa(a [2]float64) float64      { return 1 / a[1] }
func fv(xs ...float64) float64     { return 1 / xs[0] }
func g[T float32 | float64](x T) T { return 1 / x }
func two(a int, x float64) float64 { return 1 / x }

func main() {
	nz := math.Copysign(0, -1)
	fmt.Println(f(nz), f32(float32(nz)), fc(complex(0, nz)), fp(P{0, nz}), fa([2]float64{0, nz}), fv(nz))
	fmt.Println(S{}.inv(nz), g(nz), g(float32(nz)), two(1, nz))
	h := func(x float64) float64 { return 1 / x }
	fmt.Println(h(nz))
	var fi func(float64) float64 = f
	fmt.Println(fi(nz))
	nan := math.Float64frombits(0x7ff8000000000001)
	id := func(x float64) float64 { return x }
	fmt.Printf("%x\n", math.Float64bits(id(nan)))
	fmt.Println(math.Signbit(id(nz)))
	more()
}

type Q struct {
	A [2]float32
	C complex64
}

func fq(q Q) float32            { return 1 / q.A[1] }
func fq2(q Q) float32           { return 1 / imag(q.C) }
func pair() (float64, float64)  { return 0, math.Copysign(0, -1) }
func two2(a, b float64) float64 { return 1 / b }
func rec(n int, x float64) float64 {
	if n == 0 {
		return 1 / x
	}
	return rec(n-1, x)
}

type T struct{}

func (T) m(x float64) float64   { return 1 / x }
func (*T) pm(x float64) float64 { return 1 / x }

type I interface{ m(float64) float64 }

func more() {
	nz := math.Copysign(0, -1)
	n32 := float32(nz)
	fmt.Println(fq(Q{A: [2]float32{0, n32}}), fq2(Q{C: complex(0, n32)}), two2(pair()), rec(3, nz))
	var i I = T{}
	fmt.Println(T.m(T{}, nz), (*T).pm(&T{}, nz), i.m(nz), min(nz, 0), max(nz, nz), 1/(*new(nz)))
	done := make(chan float64)
	go func(x float64) { done <- 1 / x }(nz)
	fmt.Println(<-done)
	go func() { done <- f(nz) }()
	fmt.Println(<-done)
	defer func() { fmt.Println("deferred", f(nz)) }()
	fs := []func(float64) float64{f, T{}.m}
	fmt.Println(fs[0](nz), fs[1](nz), f(float64(3)), f(2))
}
