// A worker pool: jobs channel, results channel, WaitGroup, results sorted for output.
package main

import (
	"fmt"
	"sort"
	"sync"
)

type job struct {
	id int
	n  int
}

type result struct {
	id     int
	digits int
	sum    int
}

func digitSum(n int) (int, int) {
	d, s := 0, 0
	for n > 0 {
		s += n % 10
		n /= 10
		d++
	}
	return d, s
}

func main() {
	jobs := make(chan job)
	results := make(chan result)
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				d, s := digitSum(j.n)
				results <- result{j.id, d, s}
			}
		}()
	}
	go func() {
		for i, n := range []int{12345, 999, 10, 7, 31415926, 2024} {
			jobs <- job{i, n}
		}
		close(jobs)
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	var all []result
	for r := range results {
		all = append(all, r)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].id < all[j].id })
	for _, r := range all {
		fmt.Printf("job %d: %d digits, sum %d\n", r.id, r.digits, r.sum)
	}
}
