// Generic code over funcs and type sets: a memoizer, a retry helper, and an Equal for slices.
package main

import (
	"errors"
	"fmt"
)

func Memo[K comparable, V any](f func(K) V) (func(K) V, *int) {
	cache := map[K]V{}
	misses := 0
	return func(k K) V {
		if v, ok := cache[k]; ok {
			return v
		}
		misses++
		v := f(k)
		cache[k] = v
		return v
	}, &misses
}

func Retry[T any](attempts int, f func(int) (T, error)) (T, error) {
	var err error
	for i := 1; i <= attempts; i++ {
		var v T
		if v, err = f(i); err == nil {
			return v, nil
		}
	}
	var zero T
	return zero, fmt.Errorf("after %d attempts: %w", attempts, err)
}

func Equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func main() {
	sq, misses := Memo(func(n int) int { return n * n })
	fmt.Println(sq(4), sq(4), sq(5), *misses)
	v, err := Retry(3, func(i int) (string, error) {
		if i < 3 {
			return "", errors.New("flaky")
		}
		return fmt.Sprint("ok on ", i), nil
	})
	fmt.Println(v, err)
	_, err = Retry(2, func(int) (float64, error) { return 0, errors.New("down") })
	fmt.Println(err)
	fmt.Println(Equal([]string{"a"}, []string{"a"}), Equal([]int{1, 2}, []int{2, 1}))
}
