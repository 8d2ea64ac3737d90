// Errors: sentinel errors, wrapping with %w, errors.Is / errors.As / Unwrap.
package main

import (
	"errors"
	"fmt"
	"strconv"
)

var ErrNotFound = errors.New("not found")

type ParseError struct {
	Line int
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *ParseError) Unwrap() error { return e.Err }

func lookup(db map[string]string, key string) (string, error) {
	v, ok := db[key]
	if !ok {
		return "", fmt.Errorf("lookup %q: %w", key, ErrNotFound)
	}
	return v, nil
}

func parseLine(n int, s string) (int, error) {
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, &ParseError{Line: n, Err: err}
	}
	return v, nil
}

func main() {
	db := map[string]string{"a": "1"}
	_, err := lookup(db, "b")
	fmt.Println(err)
	fmt.Println(errors.Is(err, ErrNotFound), errors.Unwrap(err) == ErrNotFound)

	_, err = parseLine(7, "x12")
	fmt.Println(err)
	var pe *ParseError
	if errors.As(err, &pe) {
		fmt.Println("parse error at line", pe.Line)
	}
	wrapped := fmt.Errorf("loading config: %w", err)
	fmt.Println(wrapped)
	if errors.As(wrapped, &pe) {
		fmt.Println("still line", pe.Line)
	}
	var numErr *strconv.NumError
	fmt.Println(errors.As(wrapped, &numErr), numErr.Func, errors.Is(wrapped, strconv.ErrSyntax))

	v, err := parseLine(1, "42")
	fmt.Println(v, err == nil)
}
