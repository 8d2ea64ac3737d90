// Package shim holds the compiled helpers that lowered code calls where
// the standard library would look for an interpreted value's methods by
// reflection or type assertion, which cannot see them in yaegi: the
// front end passes such values wrapped in these types, whose methods
// call the interpreted ones.
package shim

import (
	"fmt"
	"log/slog"
	"reflect"
	"strings"
)

// Path is the import path lowered code uses for this package.
const Path = "github.com/dpfw/dpfw/eval/front/shim"

// Symbols is the package in yaegi's Exports format, for registering with
// an interpreter.
var Symbols = map[string]map[string]reflect.Value{
	Path + "/shim": {
		"Value":     reflect.ValueOf((*Value)(nil)),
		"LogValuer": reflect.ValueOf((*LogValuer)(nil)),

		"Unsupported": reflect.ValueOf((*Unsupported)(nil)),
		"IndexError":  reflect.ValueOf(IndexError),
		"Recovered":   reflect.ValueOf(Recovered),
		"Intern":      reflect.ValueOf(Intern),
		"Desc":        reflect.ValueOf((*Desc)(nil)),
		"Field":       reflect.ValueOf((*Field)(nil)),
		"GoSyntax":    reflect.ValueOf(GoSyntax),
		"Equal":       reflect.ValueOf(Equal),
		"MapKey":      reflect.ValueOf(MapKey),
		"NilHeld":     reflect.ValueOf(NilHeld),
		"Unmatched":   reflect.ValueOf(Unmatched),
		"TypedNil":    reflect.ValueOf(TypedNil),
	},
}

// Value is a value of an interpreted type with some of the methods fmt
// calls (Format, Error, String), printed as fmt prints the original:
// Format gets every verb; otherwise %v %s %x %X %q print Error() or else
// String(); any other verb prints V, the value with no methods.
type Value struct {
	V    any                   // the value as the verbs that call no method print it
	Type string                // go run's name of its type, for a verb wrong for it
	Nil  bool                  // a nil pointer: a method that panics prints <nil>
	Fmt  func(fmt.State, rune) // its Format method, or nil
	Err  func() string         // its Error method, or nil
	Str  func() string         // its String method, or nil
}

// Format implements fmt.Formatter with fmt's own rules (handleMethods).
func (w Value) Format(f fmt.State, verb rune) {
	if w.Fmt != nil {
		defer w.catch(f, verb, "Format")
		w.Fmt(f, verb)
		return
	}
	switch verb {
	case 'v', 's', 'x', 'X', 'q':
		if w.Err != nil {
			defer w.catch(f, verb, "Error")
			fmt.Fprintf(f, fmt.FormatString(f, verb), w.Err())
			return
		}
		if w.Str != nil {
			defer w.catch(f, verb, "String")
			fmt.Fprintf(f, fmt.FormatString(f, verb), w.Str())
			return
		}
	}
	if w.Type != "" && badVerb(reflect.ValueOf(w.V).Kind(), verb) {
		fmt.Fprintf(f, "%%!%c(%s=%v)", verb, w.Type, w.V)
		return
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), w.V)
}

// catch prints a panic of the method as fmt's catchPanic does.
func (w Value) catch(f fmt.State, verb rune, method string) {
	err := recover()
	if err == nil {
		return
	}
	if w.Nil {
		fmt.Fprint(f, "<nil>") // as fmt writes it: no padding
		return
	}
	fmt.Fprintf(f, "%%!%c(PANIC=%s method: %v)", verb, method, err)
}

// badVerb reports whether fmt rejects verb for a basic value of kind k
// (the verbs that call methods are decided before).
func badVerb(k reflect.Kind, verb rune) bool {
	switch {
	case k == reflect.Bool:
		return verb != 't'
	case k >= reflect.Int && k <= reflect.Uintptr:
		return !strings.ContainsRune("bcdoOU", verb)
	case k >= reflect.Float32 && k <= reflect.Complex128:
		return !strings.ContainsRune("beEfFgG", verb)
	case k == reflect.String:
		return true
	}
	return false
}

// LogValuer is a value of an interpreted type with a LogValue method,
// for log/slog.
type LogValuer struct{ F func() slog.Value }

// LogValue implements slog.LogValuer.
func (l LogValuer) LogValue() slog.Value { return l.F() }
