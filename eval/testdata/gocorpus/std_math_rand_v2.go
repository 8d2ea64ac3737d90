// math/rand/v2 with explicit seeded sources (deterministic): PCG and ChaCha8.
package main

import (
	"fmt"
	"math/rand/v2"
)

func main() {
	r := rand.New(rand.NewPCG(1, 2))
	var ints []int
	for range 5 {
		ints = append(ints, r.IntN(100))
	}
	fmt.Println(ints)
	fmt.Println(r.Uint64(), r.Int64N(1000), r.Uint32N(10))
	fmt.Printf("%.6f\n", r.Float64())
	p := r.Perm(6)
	fmt.Println(p)
	deck := []string{"A", "K", "Q", "J", "10"}
	r.Shuffle(len(deck), func(i, j int) { deck[i], deck[j] = deck[j], deck[i] })
	fmt.Println(deck)

	var seed [32]byte
	copy(seed[:], "a fixed seed for chacha8 tests!!")
	c := rand.New(rand.NewChaCha8(seed))
	fmt.Println(c.IntN(1000), c.IntN(1000), c.Uint64()%97)

	// the top-level functions are random; only their ranges are checked
	n := rand.IntN(10)
	fmt.Println(n >= 0 && n < 10, rand.N(5) < 5)
}
