package shim

import (
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Go's run-time errors, as recover returns them. yaegi reports some
// run-time errors with panics of its own (reflect's words, its own
// error type) where Go panics with a runtime.Error; Recovered gives the
// program what go run would recover, made by compiled code that fails
// the same way (so type, message and runtime.Error are Go's own), or,
// where yaegi's panic does not say enough to rebuild Go's value, fails
// the task with Unsupported rather than hand the program a wrong one.

// Unsupported is the panic by which lowered code refuses, while running,
// what it cannot make right; the engine reports it as kind unsupported.
type Unsupported struct{ Msg string }

func (u *Unsupported) Error() string { return u.Msg }

// IndexError returns the runtime.Error Go panics with when index i is
// out of range for a length n ("index out of range [5] with length 3").
// Lowered code checks indexes with it where a program recovers.
func IndexError(i, n int) (err error) {
	defer func() { err, _ = recover().(error) }()
	s := make([]struct{}, max(n, 0))
	_ = s[i]
	return nil
}

var nilPointer *struct{ x int }

// nilDereference returns the runtime.Error of a nil pointer dereference.
func nilDereference() (err error) {
	defer func() { err, _ = recover().(error) }()
	_ = nilPointer.x
	return nil
}

// yaegi's reflect panics for an index or slice expression out of range:
// Go's own message would also give the index and the length.
var boundsPanics = map[string]bool{
	"reflect: slice index out of range":                     true,
	"reflect: array index out of range":                     true,
	"reflect: string index out of range":                    true,
	"reflect.Value.Slice: slice index out of bounds":        true,
	"reflect.Value.Slice3: slice index out of bounds":       true,
	"reflect.Value.Slice: string slice index out of bounds": true,
}

// Recovered returns what go run's recover would return for v, a value
// recover returned in yaegi that did not come from an interpreted panic
// (those reach the program unchanged). It panics with *Unsupported where
// v is an interpreter panic whose Go equivalent it cannot rebuild.
func Recovered(v any) any {
	switch x := v.(type) {
	case *Unsupported:
		panic(x) // a refusal is not the program's to recover
	case string:
		if boundsPanics[x] {
			what, fix := "an index", "declare the function that recovers in the same snippet as the code that indexes, or check the index before"
			if strings.Contains(x, "Slice") {
				what, fix = "a slice expression", "check the bounds before slicing"
			}
			panic(&Unsupported{Msg: "recover of " + what + " out of range (yaegi's " + x +
				" does not give Go's runtime error with its index and length): " + fix})
		}
	case *reflect.ValueError:
		if x.Kind == reflect.Invalid {
			// yaegi dereferences a nil pointer into the zero Value.
			return nilDereference()
		}
	case error:
		if reflect.TypeOf(x).String() == "*interp.cfgError" {
			return interpError(x.Error())
		}
	}
	return v
}

var position = regexp.MustCompile(`^\d+:\d+: `)

var conversion = regexp.MustCompile(`^interface conversion: interface \{\} is (.+), not (.+)$`)

// interpError rebuilds Go's runtime.Error for one of yaegi's run-time
// errors: a failed type assertion from interface{} between types whose
// names yaegi and Go spell alike.
func interpError(msg string) any {
	msg = position.ReplaceAllString(msg, "")
	if m := conversion.FindStringSubmatch(msg); m != nil {
		if assert, ok := asserts[m[2]]; ok {
			var v any
			if zero, ok := zeros[m[1]]; ok || m[1] == "nil" {
				v = zero
				if err := assert(v); err != nil && err.Error() == msg {
					return err
				}
			}
		}
	}
	panic(&Unsupported{Msg: "recover of the interpreter's run-time error " + strings.TrimSpace(msg) +
		": go run's value for it cannot be rebuilt; test the condition instead of recovering from it"})
}

func assertTo[T any](v any) (err error) {
	defer func() { err, _ = recover().(error) }()
	_ = v.(T)
	return nil
}

// zeros and asserts: the types a failed assertion is rebuilt for, by
// their name in the message.
var zeros = map[string]any{}
var asserts = map[string]func(any) error{}

func init() {
	add := func(zero any, assert func(any) error) {
		name := reflect.TypeOf(zero).String()
		zeros[name], asserts[name] = zero, assert
	}
	add(false, assertTo[bool])
	add("", assertTo[string])
	add(int(0), assertTo[int])
	add(int8(0), assertTo[int8])
	add(int16(0), assertTo[int16])
	add(int32(0), assertTo[int32])
	add(int64(0), assertTo[int64])
	add(uint(0), assertTo[uint])
	add(uint8(0), assertTo[uint8])
	add(uint16(0), assertTo[uint16])
	add(uint32(0), assertTo[uint32])
	add(uint64(0), assertTo[uint64])
	add(uintptr(0), assertTo[uintptr])
	add(float32(0), assertTo[float32])
	add(float64(0), assertTo[float64])
	add(complex64(0), assertTo[complex64])
	add(complex128(0), assertTo[complex128])
	add([]int(nil), assertTo[[]int])
	add([]string(nil), assertTo[[]string])
	add([]byte(nil), assertTo[[]byte])
	add([]any(nil), assertTo[[]any])
	add(map[string]any(nil), assertTo[map[string]any])
	add(map[string]int(nil), assertTo[map[string]int])
	add(map[string]string(nil), assertTo[map[string]string])
}

// interned holds unique.Make's handles (prelude/unique.go), by value;
// handles is the last number given.
var (
	interned sync.Map
	handles  atomic.Uint64
)

type handle struct {
	id    uint64
	value reflect.Value // the first value interned, as Go's Value returns it
}

// Intern takes a pointer p to a value and returns its handle's number:
// the same for equal values (of one type as the interpreter represents
// it), another for any other value; *p becomes the value first interned
// equal to it (+0 for -0, as unique.Handle.Value gives).
func Intern(p any) uint64 {
	v := reflect.ValueOf(p).Elem()
	key := v.Interface()
	h, ok := interned.Load(key)
	if !ok {
		h, _ = interned.LoadOrStore(key, handle{handles.Add(1), reflect.ValueOf(key)})
	}
	first := h.(handle).value
	if first.Type() == v.Type() {
		v.Set(first)
	}
	return h.(handle).id
}

// Equal is x == y for lowered code (eval/front/ifaceeq.go): Go's ==
// on the values that yaegi's wrappers hold (interp._error,
// interp.valueInterface, the stdlib's _fmt_Stringer…), which it compares
// wrongly itself. It panics, as Go does, for an uncomparable dynamic
// type. It takes its operands as ...any so that yaegi passes them as
// they are.
func Equal(xy ...any) bool {
	return equal(reflect.ValueOf(xy[0]), reflect.ValueOf(xy[1]), 0)
}

func equal(a, b reflect.Value, depth int) bool {
	a, b = unwrap(a), unwrap(b)
	if !a.IsValid() || !b.IsValid() {
		return a.IsValid() == b.IsValid()
	}
	if a.Type() != b.Type() {
		return false
	}
	if depth > 100 {
		panic(runtimeError("runtime error: comparison nested too deeply"))
	}
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if !equal(a.Field(i), b.Field(i), depth+1) {
				return false
			}
		}
		return true
	case reflect.Array:
		for i := range a.Len() {
			if !equal(a.Index(i), b.Index(i), depth+1) {
				return false
			}
		}
		return true
	}
	if !a.Comparable() {
		panic(runtimeError("runtime error: comparing uncomparable type " + a.Type().String()))
	}
	return a.Equal(b)
}

// valueType is the type of interp.valueInterface's value field.
var valueType = reflect.TypeFor[reflect.Value]()

// unwrap returns what v holds: the dynamic value of an interface, and
// the value inside yaegi's wrappers of interpreted values.
func unwrap(v reflect.Value) reflect.Value {
	for range 16 {
		if v.Kind() == reflect.Interface {
			v = v.Elem()
			continue
		}
		if v.Kind() != reflect.Struct || !strings.HasPrefix(v.Type().PkgPath(), "github.com/traefik/yaegi/") {
			return v
		}
		t := v.Type()
		switch {
		case t.NumField() > 0 && t.Field(0).Name == "IValue":
			v = v.Field(0)
		case t.Name() == "valueInterface":
			f, ok := t.FieldByName("value")
			if !ok || f.Type != valueType {
				return v
			}
			// An unexported field: read through an addressable copy.
			c := reflect.New(t).Elem()
			c.Set(v)
			v = *(*reflect.Value)(unsafe.Pointer(c.FieldByIndex(f.Index).UnsafeAddr()))
		default:
			return v
		}
	}
	return v
}

// runtimeError is a run-time error of Equal, a runtime.Error as Go's.
type runtimeError string

func (e runtimeError) Error() string { return string(e) }
func (runtimeError) RuntimeError()   {}

// Unmatched is called where the interpreter's assertion of v to the
// program's interface type target (with the methods named) failed
// (eval/front/compiledassert.go): it makes the task fail with kind
// unsupported when v is a value with all those methods, which Go would
// have matched, and otherwise returns false.
func Unmatched(v any, target string, methods ...string) bool {
	rv := unwrap(reflect.ValueOf(v))
	if !rv.IsValid() {
		return false
	}
	for _, m := range methods {
		if _, ok := rv.Type().MethodByName(m); !ok {
			return false
		}
	}
	panic(&Unsupported{Msg: "the type assertion of a " + rv.Type().String() + " to " + target +
		" is not supported: the interpreter does not match a value of a compiled type to an interface the program declares; assert to the concrete type, or to an interface of the standard library"})
}

// NilHeld makes the task fail with kind unsupported where v, a value of
// an interface type t the program declares that is converted to to,
// holds a nil pointer (map, slice, func, chan): yaegi's conversion
// panics with a reflect message there (eval/front/typednil.go), where
// Go's to holds the typed nil. It takes v as ...any so that yaegi passes
// it as it is.
func NilHeld(t, to string, v ...any) {
	rv := unwrap(reflect.ValueOf(&v[0]).Elem())
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		if rv.IsNil() {
			panic(&Unsupported{Msg: "a " + t + " holding a nil " + kindNames[rv.Kind()] + " converted to " + to + " is not supported: the interpreter cannot convert it (in Go the " + to +
				" holds the typed nil and is not == nil); convert the value itself where it is not nil, and use the untyped nil where it is"})
		}
	}
}

var kindNames = map[reflect.Kind]string{reflect.Pointer: "pointer", reflect.Map: "map", reflect.Slice: "slice", reflect.Func: "func", reflect.Chan: "chan"}

// TypedNil makes the task fail with kind unsupported: the program
// converts a nil value of its type t to the interface to of another
// package (eval/front/typednil.go), which yaegi v0.16.1 makes a nil
// interface where Go's holds the typed nil (and is not == nil).
func TypedNil(t, to string) {
	panic(&Unsupported{Msg: "a nil " + t + " converted to " + to + " is not supported: the interpreter makes it a nil " + to +
		" (in Go it holds the typed nil and is not == nil); return or assign the untyped nil where the value is nil"})
}

// MapKey returns k, the key of a map of type m whose key type is or
// holds an interface (eval/front/mapkey.go), with yaegi's wrappers of
// interpreted values taken off wherever the key holds an interface:
// yaegi wraps a value of the program's types held in an interface
// differently at each conversion (interp.valueInterface records where),
// so two keys holding one pointer were two entries, and in error
// (interp._error, a struct of funcs) it cannot be hashed at all. It makes
// the task fail with kind unsupported where what a wrapper holds cannot
// stand in the interface itself (the program's *T in error: its methods
// are the interpreter's). It takes k as ...any so that yaegi passes it as
// it is; key is a nil *K where the key type K is a non-empty interface.
func MapKey(m string, key any, k ...any) any {
	v := mapKey(m, reflect.ValueOf(&k[0]).Elem(), 0)
	if key != nil {
		// The map's key type is a non-empty interface: what the wrapper
		// held must have its methods in itself.
		t := reflect.TypeOf(key).Elem()
		if e := v.Elem(); e.IsValid() && t.Kind() == reflect.Interface && !e.Type().Implements(t) {
			panic(&Unsupported{Msg: "a value of a type the interpreter runs (declared in the program, or an error of fmt.Errorf with %w or errors.Join where the program declares error types) as a key of " + m +
				" is not supported: the interpreter holds it in " + t.String() + " as a value Go cannot hash or compare; key the map by a pointer, a string or another concrete type"})
		}
	}
	return v.Interface()
}

func mapKey(m string, v reflect.Value, depth int) reflect.Value {
	if depth > 100 {
		panic(runtimeError("runtime error: map key nested too deeply"))
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		e := mapKey(m, unwrap(v), depth+1)
		if !e.Type().AssignableTo(v.Type()) {
			panic(&Unsupported{Msg: "a value of a type declared in the program held in " + v.Type().String() + " as a key of " + m +
				" is not supported: the interpreter holds it in " + v.Type().String() + " as a value Go cannot hash or compare; key the map by a pointer, a string or another concrete type"})
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(e)
		return out
	case reflect.Struct:
		var out reflect.Value
		for i := range v.NumField() {
			f := v.Field(i)
			if !f.CanInterface() || !holdsIface(f.Type(), 0) {
				continue
			}
			if !out.IsValid() {
				out = reflect.New(v.Type()).Elem()
				out.Set(v)
			}
			out.Field(i).Set(mapKey(m, f, depth+1))
		}
		if out.IsValid() {
			return out
		}
	case reflect.Array:
		if holdsIface(v.Type().Elem(), 0) {
			out := reflect.New(v.Type()).Elem()
			for i := range v.Len() {
				out.Index(i).Set(mapKey(m, v.Index(i), depth+1))
			}
			return out
		}
	}
	return v
}

// holdsIface reports whether a value of type t holds an interface value
// in itself (not behind a pointer).
func holdsIface(t reflect.Type, depth int) bool {
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Struct:
		for i := range t.NumField() {
			if depth < 32 && holdsIface(t.Field(i).Type, depth+1) {
				return true
			}
		}
	case reflect.Array:
		return depth < 32 && holdsIface(t.Elem(), depth+1)
	}
	return false
}
