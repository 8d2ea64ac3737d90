// Matrices as [][]float64: multiply, transpose, identity, determinant, pretty print.
package main

import (
	"fmt"
	"strings"
)

type Matrix [][]float64

func New(r, c int) Matrix {
	m := make(Matrix, r)
	for i := range m {
		m[i] = make([]float64, c)
	}
	return m
}

func Identity(n int) Matrix {
	m := New(n, n)
	for i := 0; i < n; i++ {
		m[i][i] = 1
	}
	return m
}

func (a Matrix) Mul(b Matrix) Matrix {
	out := New(len(a), len(b[0]))
	for i := range a {
		for j := range b[0] {
			for k := range b {
				out[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return out
}

func (a Matrix) T() Matrix {
	out := New(len(a[0]), len(a))
	for i := range a {
		for j := range a[i] {
			out[j][i] = a[i][j]
		}
	}
	return out
}

func (a Matrix) Det() float64 {
	if len(a) == 1 {
		return a[0][0]
	}
	det := 0.0
	sign := 1.0
	for c := range a[0] {
		sub := New(len(a)-1, len(a)-1)
		for i := 1; i < len(a); i++ {
			k := 0
			for j := range a[i] {
				if j == c {
					continue
				}
				sub[i-1][k] = a[i][j]
				k++
			}
		}
		det += sign * a[0][c] * sub.Det()
		sign = -sign
	}
	return det
}

func (a Matrix) String() string {
	var sb strings.Builder
	for _, row := range a {
		for j, v := range row {
			if j > 0 {
				sb.WriteByte(' ')
			}
			fmt.Fprintf(&sb, "%6.1f", v)
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

func main() {
	a := Matrix{{1, 2, 3}, {4, 5, 6}}
	b := Matrix{{7, 8}, {9, 10}, {11, 12}}
	fmt.Print(a.Mul(b))
	fmt.Print(a.T())
	fmt.Print(Identity(3).Mul(b))
	m := Matrix{{2, -3, 1}, {2, 0, -1}, {1, 4, 5}}
	fmt.Println(m.Det(), Identity(4).Det())
}
