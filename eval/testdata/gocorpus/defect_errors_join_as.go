// Issue 9 defect: errors.Join / errors.As with interpreted error types.
package main

import (
	"errors"
	"fmt"
)

type TimeoutError struct{ Op string }

func (e *TimeoutError) Error() string { return e.Op + ": timeout" }

type CodeError struct{ Code int }

func (e CodeError) Error() string { return fmt.Sprintf("code %d", e.Code) }

func main() {
	err := errors.Join(errors.New("first"), &TimeoutError{"read"}, CodeError{503})
	fmt.Println(err)
	var te *TimeoutError
	fmt.Println(errors.As(err, &te), te != nil && te.Op == "read")
	var ce CodeError
	fmt.Println(errors.As(err, &ce), ce.Code)
	wrapped := fmt.Errorf("call failed: %w", &TimeoutError{"write"})
	var te2 *TimeoutError
	if errors.As(wrapped, &te2) {
		fmt.Println("as:", te2.Op)
	}
	target := &TimeoutError{"x"}
	fmt.Println(errors.Is(fmt.Errorf("w: %w", target), target))
}
