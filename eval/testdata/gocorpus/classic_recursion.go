// Recursion: factorial with big numbers, Hanoi, permutations, memoized fibonacci, flood fill.
package main

import (
	"fmt"
	"math/big"
)

func fact(n int64) *big.Int {
	if n <= 1 {
		return big.NewInt(1)
	}
	return new(big.Int).Mul(big.NewInt(n), fact(n-1))
}

func hanoi(n int, from, to, via string, moves *[]string) {
	if n == 0 {
		return
	}
	hanoi(n-1, from, via, to, moves)
	*moves = append(*moves, from+to)
	hanoi(n-1, via, to, from, moves)
}

func permutations(s []rune) []string {
	if len(s) <= 1 {
		return []string{string(s)}
	}
	var out []string
	for i := range s {
		rest := append(append([]rune{}, s[:i]...), s[i+1:]...)
		for _, p := range permutations(rest) {
			out = append(out, string(s[i])+p)
		}
	}
	return out
}

var memo = map[int]int{}

func fib(n int) int {
	if n < 2 {
		return n
	}
	if v, ok := memo[n]; ok {
		return v
	}
	memo[n] = fib(n-1) + fib(n-2)
	return memo[n]
}

func fill(g [][]byte, r, c int) int {
	if r < 0 || c < 0 || r >= len(g) || c >= len(g[r]) || g[r][c] != '.' {
		return 0
	}
	g[r][c] = '#'
	return 1 + fill(g, r+1, c) + fill(g, r-1, c) + fill(g, r, c+1) + fill(g, r, c-1)
}

func main() {
	fmt.Println(fact(25))
	var moves []string
	hanoi(4, "A", "C", "B", &moves)
	fmt.Println(len(moves), moves[:5])
	fmt.Println(permutations([]rune("abc")))
	fmt.Println(fib(80))
	g := [][]byte{[]byte("..x.."), []byte(".xx.."), []byte("x...x")}
	fmt.Println(fill(g, 0, 0), fill(g, 0, 4))
	for _, row := range g {
		fmt.Println(string(row))
	}
}
