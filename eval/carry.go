package eval

import (
	"reflect"
	"strings"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// A recycle replays the program's declarations into a new interpreter,
// which runs every variable's initializer again: a package-level var
// changed since (total += 5, append, a write through a pointer) would
// read its initial value. So the variables are carried over: each one
// gets, after the replay, the very storage it had, so its value is exact
// and every pointer taken to it, anywhere, still aliases it. That is
// right for a variable whose type holds no interface and no func: its
// value cannot refer to the old interpreter's code or types. A variable
// whose type holds some is carried when its value, read through, holds
// only compiled code and types the new interpreter has as well (an any
// holding an int or a map of std types, an error from errors.New, a func
// var holding strings.ToUpper): see carrier. The others are lost
// (Result.Lost), and the front end forgets them and what uses them: a
// compile error, never a stale value.

// varsOf returns the package-level variables of in by name: the
// addressable values of its global storage (constants are left out).
func varsOf(in *interp.Interpreter) map[string]reflect.Value {
	vars := map[string]reflect.Value{}
	for name, v := range in.Globals() {
		if v.IsValid() && v.CanAddr() {
			vars[name] = v
		}
	}
	return vars
}

// uncarried returns the variables of old that cannot be carried over
// into the interpreter next. With read false their values are not read
// (code abandoned by a stop may still be writing them): those whose
// types hold an interface or a func are not carried.
func uncarried(old map[string]reflect.Value, next *interpreter, read bool) map[string]bool {
	out := map[string]bool{}
	var c *carrier
	for name, v := range old {
		if carryable(v.Type(), map[reflect.Type]bool{}) {
			continue
		}
		if c == nil && read {
			c = newCarrier(next)
		}
		if c == nil || !c.value(v) {
			out[name] = true
		}
	}
	return out
}

// carryable reports whether a value of type t holds neither an
// interface nor a func: nothing that may refer to the old interpreter's
// code or its types' methods.
func carryable(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return true
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface, reflect.Func, reflect.UnsafePointer:
		return false
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return carryable(t.Elem(), seen)
	case reflect.Map:
		return carryable(t.Key(), seen) && carryable(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if !carryable(t.Field(i).Type, seen) {
				return false
			}
		}
	}
	return true
}

// carry gives the variables of in (replayed) the storage they had in the
// old interpreter, where it is carryable and of the same type. It
// returns the names of those it could not carry (their values are the
// replay's), less the ones skip names.
func carry(in *interp.Interpreter, old map[string]reflect.Value, skip map[string]bool) (failed []string) {
	data := globalData(in)
	index := make(map[uintptr]int, len(data))
	for i, v := range data {
		if v.IsValid() && v.CanAddr() && v.Type().Size() > 0 {
			index[v.UnsafeAddr()] = i
		}
	}
	for name, nv := range varsOf(in) {
		ov, ok := old[name]
		if !ok || skip[name] {
			continue
		}
		if nv.Type().Size() == 0 {
			continue // struct{}{} and [0]T: no value to lose
		}
		i, found := index[nv.UnsafeAddr()]
		if !found || ov.Type() != nv.Type() {
			failed = append(failed, name)
			continue
		}
		data[i] = ov
	}
	return failed
}

// globalData returns the global storage of in (yaegi's root frame data,
// unexported): every global variable reads data[i] when it runs.
func globalData(in *interp.Interpreter) []reflect.Value {
	fr := reflect.ValueOf(in).Elem().FieldByName("frame")
	if fr.IsNil() {
		return nil
	}
	d := fr.Elem().FieldByName("data")
	return *(*[]reflect.Value)(unsafe.Pointer(d.UnsafeAddr()))
}

// userName is the name a user wrote for the interpreter's name n (the
// front end renames a redeclaration x to xᐧ2).
func userName(n string) string {
	if i := strings.Index(n, "ᐧ"); i > 0 {
		return n[:i]
	}
	return n
}
