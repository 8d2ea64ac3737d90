package eval

import (
	"fmt"
	"reflect"
	"strconv"
)

var (
	errorType = reflect.TypeOf((*error)(nil)).Elem()
	// yaegi returns a *interface{} for declarations and for calls of funcs
	// without results: it means "no value".
	noValueType = reflect.TypeOf((*any)(nil))
)

// MaxDepth is the deepest nesting of slices, arrays, maps and structs
// that a result may have; pointers and interfaces do not count. It is
// the wire's limit (session.MaxValueDepth; package slave, which joins
// the two, does not compile if they differ), so a result the engine
// accepts is one the session can send. A deeper result fails with
// KindTooLarge; a cyclic one is too deep, or a cycle of pointers
// (KindUnsendable).
const MaxDepth = 1000

// maxHops bounds a chain of pointers and interfaces with no container in
// between; only a cycle makes a longer one.
const maxHops = 64

// tooDeep is deepCopy's report of a value nested deeper than MaxDepth.
const tooDeep = "too deep"

// setValue records v, the raw result of seg, in the task's Result.
func (t *task) setValue(v reflect.Value, seg segment) *Error {
	switch {
	case !seg.lastExpr:
		return nil
	case seg.isNil:
		// yaegi returns a stale value for a bare nil (notes §7).
		t.res.HasValue, t.res.Text = true, "nil"
		return nil
	case !v.IsValid() || v.Type() == noValueType:
		return nil
	case t.keep:
		if v.Kind() == reflect.Interface {
			v = v.Elem()
		}
		if v.IsValid() && v.CanInterface() {
			t.res.Value = v.Interface()
		}
		t.res.HasValue, t.res.Text = true, display(t.res.Value, 0)
		return nil
	}
	return t.setCopy(v, t.maxResult)
}

// setCopy deep-copies v into the Result, so that it no longer aliases
// interpreter memory that the next task may change. A value larger than
// the limit is refused before anything is copied or formatted: a 4 GiB
// result must not cost 4 GiB more.
func (t *task) setCopy(v reflect.Value, limit int) *Error {
	size, over := dataSize(v, limit, 0)
	if over {
		return errorf(KindTooLarge, "result is larger than %d bytes (the result limit)", limit)
	}
	c, err := sendable(v)
	if err != nil {
		return err
	}
	t.res.Value, t.res.HasValue, t.res.Text = c, true, display(c, size)
	return nil
}

// maxText bounds Result.Text, which is for people, not programs.
const maxText = 4 << 10

// dataSize estimates the bytes of data in v, stopping as soon as it is
// over limit.
func dataSize(v reflect.Value, limit, depth int) (int, bool) {
	if !v.IsValid() || depth > 4*MaxDepth {
		return 0, false
	}
	switch v.Kind() {
	case reflect.String:
		return v.Len(), v.Len() > limit
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return 0, false
		}
		return dataSize(v.Elem(), limit, depth+1)
	case reflect.Slice, reflect.Array:
		if k := v.Type().Elem().Kind(); k <= reflect.Complex128 {
			n := v.Len() * int(v.Type().Elem().Size())
			return n, n > limit
		}
		return sumSizes(v.Len(), func(i int) reflect.Value { return v.Index(i) }, limit, depth)
	case reflect.Struct:
		return sumSizes(v.NumField(), v.Field, limit, depth)
	case reflect.Map:
		total := 0
		for it := v.MapRange(); it.Next(); {
			k, _ := dataSize(it.Key(), limit, depth+1)
			e, _ := dataSize(it.Value(), limit, depth+1)
			if total += k + e + 16; total > limit {
				return total, true
			}
		}
		return total, false
	}
	return int(v.Type().Size()), false
}

func sumSizes(n int, at func(int) reflect.Value, limit, depth int) (int, bool) {
	total := 0
	for i := range n {
		s, _ := dataSize(at(i), limit, depth+1)
		if total += s; total > limit {
			return total, true
		}
	}
	return total, false
}

// sendable returns a deep copy of v as a plain Go value; errors become
// their message.
func sendable(v reflect.Value) (any, *Error) {
	if v.IsValid() && v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	if !v.IsValid() {
		return nil, nil
	}
	if s, ok := errorText(v); ok {
		return s, nil
	}
	c, bad := deepCopy(v, 0, 0)
	switch bad {
	case "":
	case tooDeep:
		return nil, errorf(KindTooLarge, "result of type %s nests more than %d levels of slices, maps and structs (the limit)", v.Type(), MaxDepth)
	default:
		return nil, errorf(KindUnsendable, "result of type %s cannot be sent: it contains %s", v.Type(), bad)
	}
	if !c.IsValid() || !c.CanInterface() {
		return nil, nil
	}
	return c.Interface(), nil
}

// errorText returns the message of a non-nil error value.
func errorText(v reflect.Value) (string, bool) {
	if v.Kind() == reflect.Interface || !v.Type().Implements(errorType) || !v.CanInterface() {
		return "", false
	}
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return "", false
	}
	err, ok := v.Interface().(error)
	if !ok {
		return "", false
	}
	return err.Error(), true
}

// display formats a copied value for Result.Text, at most maxText bytes;
// size is the value's data size. See format for the form.
func display(v any, size int) string {
	if s, ok := v.(string); ok && len(s) > maxText {
		return strconv.Quote(s[:maxText]) + fmt.Sprintf("… (%d bytes)", len(s))
	}
	if size > 16*maxText {
		return fmt.Sprintf("(a value of about %d bytes: too large to show)", size)
	}
	s := format(v)
	if len(s) > maxText {
		s = s[:maxText] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}

// deepCopy returns a copy of v sharing no memory with it, or a description
// of the unsendable part ("a func", "a chan", ..., or tooDeep). v is
// depth containers deep, after hops pointers and interfaces.
func deepCopy(v reflect.Value, depth, hops int) (reflect.Value, string) {
	t := v.Type()
	switch v.Kind() {
	case reflect.Func:
		return reflect.Value{}, "a func"
	case reflect.Chan:
		return reflect.Value{}, "a chan"
	case reflect.UnsafePointer:
		return reflect.Value{}, "an unsafe.Pointer"
	case reflect.Pointer, reflect.Interface:
		if hops >= maxHops {
			return reflect.Value{}, "a cycle of pointers"
		}
		if v.Kind() == reflect.Pointer {
			return copyPointer(v, depth, hops+1)
		}
		return copyInterface(v, depth, hops+1)
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Struct:
		if depth >= MaxDepth && !leaf(t) {
			return reflect.Value{}, tooDeep
		}
	}
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return reflect.Zero(t), ""
		}
		return copyElems(reflect.MakeSlice(t, v.Len(), v.Len()), v, depth+1)
	case reflect.Array:
		return copyElems(reflect.New(t).Elem(), v, depth+1)
	case reflect.Map:
		return copyMap(v, depth+1)
	case reflect.Struct:
		return copyStruct(v, depth+1)
	}
	out := reflect.New(t).Elem()
	out.Set(v)
	return out, ""
}

func copyPointer(v reflect.Value, depth, hops int) (reflect.Value, string) {
	if v.IsNil() {
		return reflect.Zero(v.Type()), ""
	}
	e, bad := deepCopy(v.Elem(), depth, hops)
	if bad != "" {
		return e, bad
	}
	out := reflect.New(v.Type().Elem())
	out.Elem().Set(e)
	return out, ""
}

func copyInterface(v reflect.Value, depth, hops int) (reflect.Value, string) {
	out := reflect.New(v.Type()).Elem()
	if v.IsNil() {
		return out, ""
	}
	if s, ok := errorText(v.Elem()); ok && reflect.TypeOf(s).AssignableTo(v.Type()) {
		out.Set(reflect.ValueOf(s))
		return out, ""
	}
	e, bad := deepCopy(v.Elem(), depth, hops)
	if bad != "" {
		return e, bad
	}
	out.Set(e)
	return out, ""
}

func copyElems(out, v reflect.Value, depth int) (reflect.Value, string) {
	for i := range v.Len() {
		e, bad := deepCopy(v.Index(i), depth, 0)
		if bad != "" {
			return e, bad
		}
		out.Index(i).Set(e)
	}
	return out, ""
}

func copyMap(v reflect.Value, depth int) (reflect.Value, string) {
	if v.IsNil() {
		return reflect.Zero(v.Type()), ""
	}
	out := reflect.MakeMapWithSize(v.Type(), v.Len())
	it := v.MapRange()
	for it.Next() {
		k, bad := deepCopy(it.Key(), depth, 0)
		if bad != "" {
			return k, bad
		}
		e, bad := deepCopy(it.Value(), depth, 0)
		if bad != "" {
			return e, bad
		}
		out.SetMapIndex(k, e)
	}
	return out, ""
}

// leaf reports whether a container of type t crosses the wire as one
// item, not a level of nesting: bytes are a CBOR byte string, and a
// shallow struct its own encoding.
func leaf(t reflect.Type) bool {
	k := t.Kind()
	return shallow(t) || ((k == reflect.Slice || k == reflect.Array) && t.Elem().Kind() == reflect.Uint8)
}

// shallow reports whether values of struct type t are copied as they
// are (see copyStruct).
func shallow(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			return true
		}
	}
	return false
}

// copyStruct copies field by field. Structs with unexported fields (native
// types such as time.Time) cannot be copied that way through reflect; they
// are copied shallowly after checking their type for unsendable parts.
func copyStruct(v reflect.Value, depth int) (reflect.Value, string) {
	t := v.Type()
	out := reflect.New(t).Elem()
	if shallow(t) {
		if bad := badType(t, 0); bad != "" {
			return reflect.Value{}, bad
		}
		out.Set(v)
		return out, ""
	}
	for i := range t.NumField() {
		e, bad := deepCopy(v.Field(i), depth, 0)
		if bad != "" {
			return e, bad
		}
		out.Field(i).Set(e)
	}
	return out, ""
}

// badType reports whether values of t can hold a func, chan or
// unsafe.Pointer, judged from the type alone.
func badType(t reflect.Type, depth int) string {
	if depth > 20 {
		return ""
	}
	switch t.Kind() {
	case reflect.Func:
		return "a func"
	case reflect.Chan:
		return "a chan"
	case reflect.UnsafePointer:
		return "an unsafe.Pointer"
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return badType(t.Elem(), depth+1)
	case reflect.Map:
		if b := badType(t.Key(), depth+1); b != "" {
			return b
		}
		return badType(t.Elem(), depth+1)
	case reflect.Struct:
		for i := range t.NumField() {
			if b := badType(t.Field(i).Type, depth+1); b != "" {
				return b
			}
		}
	}
	return ""
}
