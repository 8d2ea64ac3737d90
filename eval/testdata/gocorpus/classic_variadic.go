// Variadic functions: spreading slices, empty calls, any-typed varargs.
package main

import (
	"fmt"
	"strings"
)

func sum(nums ...int) int {
	total := 0
	for _, n := range nums {
		total += n
	}
	return total
}

func join(sep string, parts ...string) string {
	return strings.Join(parts, sep)
}

func logf(format string, args ...any) {
	fmt.Printf("[log] "+format+"\n", args...)
}

func appendAll(dst []int, srcs ...[]int) []int {
	for _, s := range srcs {
		dst = append(dst, s...)
	}
	return dst
}

func main() {
	fmt.Println(sum(), sum(1), sum(1, 2, 3))
	nums := []int{4, 5, 6}
	fmt.Println(sum(nums...))
	fmt.Println(join("/", "usr", "local", "bin"), join(","))
	logf("%d items, %s", 3, "ok")
	logf("no args")
	fmt.Println(appendAll(nil, []int{1}, []int{2, 3}, nil, []int{4}))
	args := []any{"a", 1, true}
	fmt.Println(args...)
	fmt.Println(len(args))
}
