// A map whose key type is or holds an interface, keyed by the program's
// values: yaegi keyed it by its own wrappers of them, which record where
// a value was converted, so one *MyErr put in through two any variables
// made two entries (len 2 where Go says 1, and a lookup by the pointer
// found 0), and an error holding it could not be hashed at all (a panic:
// hash of unhashable type interp._error). Keys that are std errors in a
// map keyed by error run as well.
package main

import (
	"errors"
	"fmt"
	"sort"
)

type MyErr struct{ code int }

func (e *MyErr) Error() string { return fmt.Sprintf("myerr %d", e.code) }

type Pair struct {
	A any
	N int
}

func main() {
	eof, bad := errors.New("eof"), errors.New("bad")
	m := map[error]int{eof: 1}
	m[bad] = 2
	var err error = eof
	m[err] += 10
	v, ok := m[errors.New("eof")]
	fmt.Println(len(m), m[eof], m[bad], v, ok)
	delete(m, bad)
	fmt.Println(len(m))

	p := &MyErr{1}
	var a, b any = p, p
	var e error = p
	n := map[any]int{p: 1, "s": 2}
	n[a]++
	n[b]++
	n[e]++
	delete(n, "s")
	fmt.Println(len(n), n[p], n[a])
	s := map[Pair]int{}
	s[Pair{a, 1}]++
	s[Pair{b, 1}]++
	s[Pair{p, 2}]++
	var keys []string
	for k, v := range s {
		keys = append(keys, fmt.Sprintf("%v:%d", k.A.(*MyErr).code+k.N, v))
	}
	sort.Strings(keys)
	fmt.Println(len(s), keys)
	for k := range n {
		fmt.Println(k.(error).Error())
	}
}
