package shim

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Desc describes a type of the program for %#v, as go run's reflection
// would: yaegi's reflect types have no names and rename unexported
// fields, so the front end, which knows the static type, writes them.
type Desc struct {
	Name   string  // the type as reflect's String gives it: "main.Point", "[]main.Point"
	Elem   *Desc   // of an array, slice, map or (at the top) pointer
	Key    *Desc   // of a map
	Fields []Field // of a struct, in order
}

// Field is a struct field: its name (an embedded one's type name) and type.
type Field struct {
	Name string
	Type *Desc
}

// GoSyntax returns fmt's %#v of v, whose type d describes (fmt's
// printValue with the # flag; the front end refuses the types whose
// GoString or Format methods fmt would call instead).
func GoSyntax(v any, d *Desc) string {
	var b strings.Builder
	writeGo(&b, reflect.ValueOf(v), d, 0)
	return b.String()
}

func writeGo(b *strings.Builder, v reflect.Value, d *Desc, depth int) {
	switch v.Kind() {
	case reflect.Invalid:
		b.WriteString(d.Name + "(nil)")
	case reflect.Bool:
		fmt.Fprintf(b, "%#v", v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fmt.Fprintf(b, "%#v", v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		fmt.Fprintf(b, "%#v", v.Uint())
	case reflect.Float32:
		fmt.Fprintf(b, "%#v", float32(v.Float()))
	case reflect.Float64:
		fmt.Fprintf(b, "%#v", v.Float())
	case reflect.Complex64:
		fmt.Fprintf(b, "%#v", complex64(v.Complex()))
	case reflect.Complex128:
		fmt.Fprintf(b, "%#v", v.Complex())
	case reflect.String:
		fmt.Fprintf(b, "%#v", v.String())
	case reflect.Struct:
		b.WriteString(d.Name + "{")
		for i, f := range d.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Name + ":")
			writeGo(b, v.Field(i), f.Type, depth+1)
		}
		b.WriteByte('}')
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			b.WriteString(d.Name + "(nil)")
			return
		}
		b.WriteString(d.Name + "{")
		for i := range v.Len() {
			if i > 0 {
				b.WriteString(", ")
			}
			writeGo(b, v.Index(i), d.Elem, depth+1)
		}
		b.WriteByte('}')
	case reflect.Map:
		if v.IsNil() {
			b.WriteString(d.Name + "(nil)")
			return
		}
		b.WriteString(d.Name + "{")
		keys := v.MapKeys()
		slices.SortFunc(keys, compareKeys)
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			writeGo(b, k, d.Key, depth+1)
			b.WriteByte(':')
			writeGo(b, v.MapIndex(k), d.Elem, depth+1)
		}
		b.WriteByte('}')
	case reflect.Pointer:
		if depth == 0 && !v.IsNil() && d.Elem != nil {
			switch v.Elem().Kind() {
			case reflect.Array, reflect.Slice, reflect.Struct, reflect.Map:
				b.WriteByte('&')
				writeGo(b, v.Elem(), d.Elem, depth+1)
				return
			}
		}
		writePointer(b, v, d.Name)
	case reflect.Interface:
		if v.IsNil() {
			b.WriteString(d.Name + "(nil)")
			return
		}
		e := v.Elem()
		switch {
		case e.Kind() == reflect.Pointer || e.Kind() == reflect.Chan || e.Kind() == reflect.Func:
			writePointer(b, e, e.Type().String())
		case e.CanInterface():
			fmt.Fprintf(b, "%#v", e.Interface())
		default:
			fmt.Fprintf(b, "%#v", e)
		}
	default: // chan, func, unsafe.Pointer
		writePointer(b, v, d.Name)
	}
}

// writePointer writes a pointer as fmt's %#v does: (T)(0x...) or (T)(nil).
func writePointer(b *strings.Builder, v reflect.Value, name string) {
	b.WriteString("(" + name + ")(")
	if v.IsNil() {
		b.WriteString("nil")
	} else {
		fmt.Fprintf(b, "%#x", v.Pointer())
	}
	b.WriteByte(')')
}

// compareKeys orders map keys as fmt does (internal/fmtsort) for the key
// kinds the front end lets through: numbers, strings and booleans.
func compareKeys(a, b reflect.Value) int {
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp.Compare(a.Uint(), b.Uint())
	case reflect.String:
		return cmp.Compare(a.String(), b.String())
	case reflect.Float32, reflect.Float64:
		return cmp.Compare(a.Float(), b.Float())
	case reflect.Bool:
		switch {
		case a.Bool() == b.Bool():
			return 0
		case !a.Bool():
			return -1
		}
		return 1
	}
	return 0
}
