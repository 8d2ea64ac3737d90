// Copyright 2018 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file of the Go distribution.

package prelude

import "errors"

// The error chain runs interpreted where the program declares its own
// error types (../errorsfn.go): fmt.Errorf with %w and errors.Join build
// the wrappers below, and errors.Is, As, AsType and Unwrap walk a chain
// with a step function that the front end generates for the program: it
// finds an error's Unwrap, Is and As methods by type assertions to the
// program's concrete types (yaegi matches no interface assertion on an
// interpreted value), and reports false (known) for any other error,
// which the walkers hand to package errors (a compiled error's chain).
// same compares two errors by assertions too (== on two interpreted
// errors panics in yaegi).

// ᐧfmt_wrapError is fmt's wrapError: fmt.Errorf with one %w.
type ᐧfmt_wrapError struct {
	ᐧmsg string
	ᐧerr error
}

func (e *ᐧfmt_wrapError) Error() string { return e.ᐧmsg }

func (e *ᐧfmt_wrapError) Unwrap() error { return e.ᐧerr }

// ᐧfmt_wrapErrors is fmt's wrapErrors: fmt.Errorf with several %w.
type ᐧfmt_wrapErrors struct {
	ᐧmsg  string
	ᐧerrs []error
}

func (e *ᐧfmt_wrapErrors) Error() string { return e.ᐧmsg }

func (e *ᐧfmt_wrapErrors) Unwrap() []error { return e.ᐧerrs }

// ᐧfmt_wrap is the result of fmt.Errorf: made is what the compiled
// fmt.Errorf made of the same arguments (its message is the result's),
// ws the arguments of its %w verbs, in order, when each is an error.
func ᐧfmt_wrap(made error, ws ...error) error {
	var errs []error
	for _, w := range ws {
		if w != nil {
			errs = append(errs, w)
		}
	}
	switch len(errs) {
	case 0:
		return made
	case 1:
		return &ᐧfmt_wrapError{ᐧmsg: made.Error(), ᐧerr: errs[0]}
	}
	return &ᐧfmt_wrapErrors{ᐧmsg: made.Error(), ᐧerrs: errs}
}

// ᐧerrors_joinError is errors' joinError.
type ᐧerrors_joinError struct {
	ᐧjoined []error
}

func (e *ᐧerrors_joinError) Error() string {
	if len(e.ᐧjoined) == 1 {
		return e.ᐧjoined[0].Error()
	}
	b := []byte(e.ᐧjoined[0].Error())
	for _, err := range e.ᐧjoined[1:] {
		b = append(b, '\n')
		b = append(b, err.Error()...)
	}
	return string(b)
}

func (e *ᐧerrors_joinError) Unwrap() []error { return e.ᐧjoined }

func ᐧerrors_join(errs ...error) error {
	n := 0
	for _, err := range errs {
		if err != nil {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	e := &ᐧerrors_joinError{ᐧjoined: make([]error, 0, n)}
	for _, err := range errs {
		if err != nil {
			e.ᐧjoined = append(e.ᐧjoined, err)
		}
	}
	return e
}

func ᐧerrors_unwrap(err error, step func(error) (error, []error, func(error) bool, func(any) bool, bool)) error {
	if err == nil {
		return nil
	}
	one, _, _, _, known := step(err)
	if !known {
		return errors.Unwrap(err)
	}
	return one
}

func ᐧerrors_is(err, target error, step func(error) (error, []error, func(error) bool, func(any) bool, bool), same func(error, error) bool) bool {
	if err == nil || target == nil {
		return err == nil && target == nil
	}
	return ᐧerrors_isChain(err, target, step, same)
}

func ᐧerrors_isChain(err, target error, step func(error) (error, []error, func(error) bool, func(any) bool, bool), same func(error, error) bool) bool {
	for {
		if same(err, target) {
			return true
		}
		one, many, is, _, known := step(err)
		if !known {
			return errors.Is(err, target)
		}
		if is != nil && is(target) {
			return true
		}
		if many != nil {
			for _, e := range many {
				if e != nil && ᐧerrors_isChain(e, target, step, same) {
					return true
				}
			}
			return false
		}
		if one == nil {
			return false
		}
		err = one
	}
}

// ᐧerrors_as is errors.As for a target of type *T; compiled tells that
// T is no type of the program, so package errors may look for it in a
// compiled error's chain.
func ᐧerrors_as[T any](err error, target *T, compiled bool, step func(error) (error, []error, func(error) bool, func(any) bool, bool)) bool {
	if err == nil {
		return false
	}
	if target == nil {
		panic("errors: target must be a non-nil pointer")
	}
	for {
		if x, ok := err.(T); ok {
			*target = x
			return true
		}
		one, many, _, as, known := step(err)
		if !known {
			if compiled {
				return errors.As(err, target)
			}
			one = errors.Unwrap(err)
		}
		if as != nil && as(target) {
			return true
		}
		if many != nil {
			for _, e := range many {
				if e != nil && ᐧerrors_as(e, target, compiled, step) {
					return true
				}
			}
			return false
		}
		if one == nil {
			return false
		}
		err = one
	}
}

func ᐧerrors_asType[E any](err error, compiled bool, step func(error) (error, []error, func(error) bool, func(any) bool, bool)) (E, bool) {
	var target E
	if ᐧerrors_as(err, &target, compiled, step) {
		return target, true
	}
	var zero E
	return zero, false
}
