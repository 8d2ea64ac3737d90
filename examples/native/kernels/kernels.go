// Package kernels is what examples/native compiles on the slaves at run
// time: snippets call it as kernels.Fib(27) (import "native/kernels").
package kernels

import "math"

// Fib is the call-heavy fib that the interpreter runs 400 times slower.
func Fib(n int) int {
	if n < 2 {
		return n
	}
	return Fib(n-1) + Fib(n-2)
}

// Point is a type of the package that snippets build and pass back.
type Point struct{ X, Y float64 }

// Centroid is the mean of ps.
func Centroid(ps []Point) Point {
	var c Point
	for _, p := range ps {
		c.X += p.X / float64(len(ps))
		c.Y += p.Y / float64(len(ps))
	}
	return c
}

// Integrate is the integral of f over [a, b] by Simpson's rule on n
// intervals: f is a func of the snippet's, called back n+1 times.
func Integrate(f func(float64) float64, a, b float64, n int) float64 {
	h := (b - a) / float64(n)
	sum := f(a) + f(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		sum += w * f(a+float64(i)*h)
	}
	return sum * h / 3
}

// Norm is the Euclidean length of p.
func Norm(p Point) float64 { return math.Hypot(p.X, p.Y) }
