package eval

import (
	"path"
	"reflect"
	"strings"
	"unsafe"
)

// A carrier reads a variable's value through to decide whether it can
// be carried into a new interpreter as it is (carry.go): whether it
// would behave there exactly as it did. It accepts a value made of
//   - compiled types: named ones of the standard library or of a package
//     the new interpreter registers (reflect cannot make a named type, so
//     the program's own types never are one; a type of a native
//     package's earlier version is not: its methods are the old code),
//     pointers, slices, arrays, maps and funcs of those, and unnamed
//     interfaces (yaegi gives the program's own ones its valueInterface);
//     no unnamed struct: that is how yaegi represents the program's
//     struct types (type P struct{...});
//   - nothing of yaegi's own (its interface wrappers, valueInterface,
//     which hold the old interpreter's nodes and closures);
//   - funcs that are nil or the very function value (by identity) that
//     the new interpreter's packages export: strings.ToUpper is, an
//     interpreted function, a method value, or a closure made for the
//     old interpreter (its fmt.Println writes to the old output) is not;
//   - no unsafe.Pointer and no channel of such things (its buffer cannot
//     be read);
//
// read through interfaces, pointers, slices up to their capacity (a
// reslice reaches that far), arrays, maps and struct fields, exported
// or not. The parts whose type holds no interface and no func are not
// read: nothing there can refer to the old interpreter.
//
// Reading a map that code still running writes may crash the process
// (Go's concurrent map check): values are not read after a stop, whose
// abandoned code may still run (uncarried's read false). A goroutine
// the program itself left running, writing an interface-holding map
// while a recycle reads it, is the one case left open.
type carrier struct {
	funcs  map[unsafe.Pointer]bool // the functions the new interpreter's packages export, by funcval
	paths  map[string]bool         // the import paths of the packages it registers
	static map[reflect.Type]bool   // carryable, by type
	seen   map[seenKey]bool        // what was read already (cycles, sharing)
}

type seenKey struct {
	p   uintptr
	n   int
	typ reflect.Type
}

// yaegiPath is the import path prefix of yaegi's own packages.
const yaegiPath = "github.com/traefik/yaegi"

func newCarrier(next *interpreter) *carrier {
	c := &carrier{funcs: map[unsafe.Pointer]bool{}, paths: map[string]bool{}, static: map[reflect.Type]bool{}, seen: map[seenKey]bool{}}
	for _, ex := range next.exports {
		for key, syms := range ex {
			c.paths[path.Dir(key)] = true // keys are "path/name"
			for _, v := range syms {
				if v.Kind() == reflect.Func && !v.IsNil() {
					if p, ok := funcval(v); ok {
						c.funcs[p] = true
					}
				}
			}
		}
	}
	return c
}

// funcval returns the identity of a func value: the closure record it
// points at (for a top-level function, one static record per function).
func funcval(v reflect.Value) (unsafe.Pointer, bool) {
	if !v.CanAddr() {
		if !v.CanInterface() {
			return nil, false // read from an unexported field: cannot be copied
		}
		c := reflect.New(v.Type()).Elem()
		c.Set(v)
		v = c
	}
	return *(*unsafe.Pointer)(unsafe.Pointer(v.UnsafeAddr())), true
}

// carryable is the package function, memoized.
func (c *carrier) carryable(t reflect.Type) bool {
	ok, known := c.static[t]
	if !known {
		ok = carryable(t, map[reflect.Type]bool{})
		c.static[t] = ok
	}
	return ok
}

// compiled reports whether t, the dynamic type of an interface's value,
// is a compiled type that the new interpreter has too.
func (c *carrier) compiled(t reflect.Type) bool {
	if t.Name() != "" {
		p := t.PkgPath()
		return !strings.HasPrefix(p, yaegiPath) && (p == "" || stdImportPath(p) || c.paths[p])
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return c.compiled(t.Elem())
	case reflect.Map:
		return c.compiled(t.Key()) && c.compiled(t.Elem())
	case reflect.Func:
		for i := range t.NumIn() {
			if !c.compiled(t.In(i)) {
				return false
			}
		}
		for i := range t.NumOut() {
			if !c.compiled(t.Out(i)) {
				return false
			}
		}
		return true
	case reflect.Struct, reflect.UnsafePointer:
		return false // an unnamed struct may be the program's type
	}
	return true
}

// value reports whether v can be carried as it is.
func (c *carrier) value(v reflect.Value) bool {
	t := v.Type()
	if strings.HasPrefix(t.PkgPath(), yaegiPath) {
		return false
	}
	if c.carryable(t) {
		return true
	}
	switch t.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return true
		}
		e := v.Elem()
		return c.compiled(e.Type()) && c.value(e)
	case reflect.Func:
		if v.IsNil() {
			return true
		}
		p, ok := funcval(v)
		return ok && c.funcs[p]
	case reflect.Pointer:
		if v.IsNil() || c.once(v.Pointer(), 0, t) {
			return true
		}
		return c.value(v.Elem())
	case reflect.Slice:
		if v.IsNil() || c.once(v.Pointer(), v.Cap(), t) {
			return true
		}
		return c.elems(v.Slice(0, v.Cap()))
	case reflect.Array:
		return c.elems(v)
	case reflect.Map:
		if v.IsNil() || c.once(v.Pointer(), 0, t) {
			return true
		}
		for it := v.MapRange(); it.Next(); {
			if !c.value(it.Key()) || !c.value(it.Value()) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := range v.NumField() {
			if !c.value(v.Field(i)) {
				return false
			}
		}
		return true
	}
	return false // a channel of such things, unsafe.Pointer
}

// stdImportPath reports whether p is the import path of a standard
// library package (internal ones included): its first element has no dot.
func stdImportPath(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

func (c *carrier) elems(v reflect.Value) bool {
	for i := range v.Len() {
		if !c.value(v.Index(i)) {
			return false
		}
	}
	return true
}

// once reports whether the storage at p, of n elements of type t, was
// read already, and marks it read.
func (c *carrier) once(p uintptr, n int, t reflect.Type) bool {
	k := seenKey{p, n, t}
	if c.seen[k] {
		return true
	}
	c.seen[k] = true
	return false
}
