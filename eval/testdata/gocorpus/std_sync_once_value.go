// sync.OnceFunc, sync.OnceValue and sync.OnceValues (Go 1.21).
package main

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
)

func main() {
	calls := 0
	initConfig := sync.OnceFunc(func() {
		calls++
		fmt.Println("initializing config")
	})
	initConfig()
	initConfig()
	fmt.Println("calls:", calls)

	loads := 0
	getTable := sync.OnceValue(func() map[string]int {
		loads++
		return map[string]int{"a": 1, "b": 2}
	})
	fmt.Println(getTable()["b"], getTable()["a"], loads)

	parse := sync.OnceValues(func() (int, error) {
		return strconv.Atoi("1234")
	})
	v, err := parse()
	v2, _ := parse()
	fmt.Println(v, err, v2)

	fail := sync.OnceValues(func() (string, error) { return "", errors.New("no file") })
	_, err1 := fail()
	_, err2 := fail()
	fmt.Println(err1, err1 == err2)

	var wg sync.WaitGroup
	counter := 0
	inc := sync.OnceFunc(func() { counter++ })
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inc()
		}()
	}
	wg.Wait()
	fmt.Println("counter:", counter)
}
