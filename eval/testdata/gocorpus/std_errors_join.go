// errors.Join (Go 1.20) with errors.Is / errors.As through joined and wrapped errors.
package main

import (
	"errors"
	"fmt"
	"io/fs"
)

var ErrEmpty = errors.New("empty value")

type FieldError struct {
	Field string
}

func (e *FieldError) Error() string { return "bad field " + e.Field }

func validate(m map[string]string) error {
	var errs []error
	for _, k := range []string{"name", "email", "age"} {
		v, ok := m[k]
		switch {
		case !ok:
			errs = append(errs, &FieldError{k})
		case v == "":
			errs = append(errs, fmt.Errorf("%s: %w", k, ErrEmpty))
		}
	}
	return errors.Join(errs...)
}

func main() {
	err := validate(map[string]string{"name": "", "age": "3"})
	fmt.Println(err)
	fmt.Println("---")
	fmt.Println(errors.Is(err, ErrEmpty), errors.Is(err, fs.ErrNotExist))
	var fe *FieldError
	if errors.As(err, &fe) {
		fmt.Println("field:", fe.Field)
	}
	fmt.Println(validate(map[string]string{"name": "a", "email": "b", "age": "c"}) == nil)
	fmt.Println(errors.Join(nil, nil) == nil)
	wrapped := fmt.Errorf("request failed: %w", err)
	fmt.Println(errors.Is(wrapped, ErrEmpty))
	if u, ok := err.(interface{ Unwrap() []error }); ok {
		fmt.Println(len(u.Unwrap()))
	}
	multi := fmt.Errorf("two: %w and %w", ErrEmpty, fs.ErrPermission)
	fmt.Println(multi, errors.Is(multi, fs.ErrPermission))
}
