// An any holding the program's *T asserted to error (or another
// package's interface): yaegi gave a nil error with ok true, and without
// ok a value whose Error panicked ("reflect.Set: value of type *bool is
// not assignable"); the front end asserts to the program's implementers.
package main

import (
	"fmt"
	"io"
)

type MyErr struct{ op string }

func (e *MyErr) Error() string { return "failed: " + e.op }

type R struct{}

func (R) Read(p []byte) (int, error) { return 0, io.EOF }

func describe(v any) string {
	if err, ok := v.(error); ok {
		return "error " + err.Error()
	}
	if r, ok := v.(io.Reader); ok {
		n, err := r.Read(nil)
		return fmt.Sprint("reader ", n, err)
	}
	return "other"
}

func main() {
	var box any = &MyErr{"box"}
	err, ok := box.(error)
	fmt.Println(err == nil, ok, err)
	fmt.Println(box.(error))
	for _, v := range []any{&MyErr{"x"}, R{}, 3, nil, io.EOF} {
		fmt.Println(describe(v))
	}
}
