package front

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"
	"strings"
	"sync"
)

// Native packages (the engine's dpfw package, eval.Config.Packages, and
// any package registered in the interpreter at run time) exist only as
// yaegi symbol tables: maps from names to reflect.Values. Their types are
// built from those values: a nil *T is the type T, an addressable value a
// variable, a func value a function, a constant.Value an untyped constant
// and any other value a typed constant. Types that belong to the standard
// library map to the standard library's own objects, so a native func
// taking an io.Writer accepts what os.Stdout is.

// natives caches types built from reflect types, process-wide: the same
// reflect.Type always yields the same types.Type, whichever engine asks.
var natives = struct {
	mu    sync.Mutex // protects the fields below
	types map[reflect.Type]types.Type
	pkgs  map[string]*types.Package // synthetic packages of non-std named types
	back  map[*types.TypeName]reflect.Type
}{types: map[reflect.Type]types.Type{}, pkgs: map[string]*types.Package{}, back: map[*types.TypeName]reflect.Type{}}

// reflectType returns the reflect type a native named type was built from.
func reflectType(obj *types.TypeName) (reflect.Type, bool) {
	natives.mu.Lock()
	defer natives.mu.Unlock()
	t, ok := natives.back[obj]
	return t, ok
}

// nativePackage builds the types of a yaegi symbol table.
func nativePackage(path, name string, syms map[string]reflect.Value) (*types.Package, error) {
	natives.mu.Lock()
	defer natives.mu.Unlock()
	pkg := types.NewPackage(path, name)
	scope := pkg.Scope()
	for sym, v := range syms {
		if strings.HasPrefix(sym, "_") || !token.IsIdentifier(sym) || !v.IsValid() {
			continue // yaegi's interface wrappers
		}
		obj, err := nativeObject(pkg, sym, v)
		if err != nil {
			return nil, fmt.Errorf("native package %s: %s: %w", path, sym, err)
		}
		scope.Insert(obj)
	}
	pkg.MarkComplete()
	return pkg, nil
}

func nativeObject(pkg *types.Package, name string, v reflect.Value) (types.Object, error) {
	if cv, ok := v.Interface().(constant.Value); ok && !v.CanAddr() {
		return types.NewConst(token.NoPos, pkg, name, untypedOf(cv), cv), nil
	}
	t := v.Type()
	switch {
	case v.CanAddr():
		return types.NewVar(token.NoPos, pkg, name, typeOf(t)), nil
	case t.Kind() == reflect.Func:
		sig, _ := typeOf(t).(*types.Signature)
		return types.NewFunc(token.NoPos, pkg, name, sig), nil
	case t.Kind() == reflect.Pointer && v.IsNil():
		// yaegi's way of registering a type: (*T)(nil).
		tt := typeOf(t.Elem())
		if n, ok := tt.(*types.Named); ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkg.Path() {
			return n.Obj(), nil
		}
		return types.NewTypeName(token.NoPos, pkg, name, tt), nil
	}
	if c, ok := constOf(v); ok {
		return types.NewConst(token.NoPos, pkg, name, typeOf(t), c), nil
	}
	return types.NewVar(token.NoPos, pkg, name, typeOf(t)), nil
}

func untypedOf(c constant.Value) types.Type {
	switch c.Kind() {
	case constant.Bool:
		return types.Typ[types.UntypedBool]
	case constant.String:
		return types.Typ[types.UntypedString]
	case constant.Int:
		return types.Typ[types.UntypedInt]
	case constant.Float:
		return types.Typ[types.UntypedFloat]
	case constant.Complex:
		return types.Typ[types.UntypedComplex]
	}
	return types.Typ[types.Invalid]
}

func constOf(v reflect.Value) (constant.Value, bool) {
	switch v.Kind() {
	case reflect.Bool:
		return constant.MakeBool(v.Bool()), true
	case reflect.String:
		return constant.MakeString(v.String()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return constant.MakeInt64(v.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return constant.MakeUint64(v.Uint()), true
	case reflect.Float32, reflect.Float64:
		return constant.MakeFloat64(v.Float()), true
	}
	return nil, false
}

var basics = map[reflect.Kind]types.BasicKind{
	reflect.Bool: types.Bool, reflect.Int: types.Int, reflect.Int8: types.Int8, reflect.Int16: types.Int16,
	reflect.Int32: types.Int32, reflect.Int64: types.Int64, reflect.Uint: types.Uint, reflect.Uint8: types.Uint8,
	reflect.Uint16: types.Uint16, reflect.Uint32: types.Uint32, reflect.Uint64: types.Uint64,
	reflect.Uintptr: types.Uintptr, reflect.Float32: types.Float32, reflect.Float64: types.Float64,
	reflect.Complex64: types.Complex64, reflect.Complex128: types.Complex128, reflect.String: types.String,
	reflect.UnsafePointer: types.UnsafePointer,
}

var errorRType = reflect.TypeOf((*error)(nil)).Elem()

// typeOf converts a reflect type; natives.mu must be held.
func typeOf(t reflect.Type) types.Type {
	if tt, ok := natives.types[t]; ok {
		return tt
	}
	if t == errorRType {
		return types.Universe.Lookup("error").Type()
	}
	if t.Name() != "" && t.PkgPath() != "" {
		return namedOf(t)
	}
	if t.Name() != "" {
		if k, ok := basics[t.Kind()]; ok {
			return types.Typ[k]
		}
	}
	tt := structure(t)
	natives.types[t] = tt
	return tt
}

// namedOf returns the named type t: the standard library's own when it is
// one of its exported types, else a synthetic one with t's methods.
func namedOf(t reflect.Type) types.Type {
	if isStdPath(t.PkgPath()) && token.IsExported(t.Name()) && !strings.Contains(t.Name(), "[") {
		natives.mu.Unlock()
		pkg, err := importStd(t.PkgPath())
		natives.mu.Lock()
		if err == nil {
			if obj, ok := pkg.Scope().Lookup(t.Name()).(*types.TypeName); ok {
				natives.types[t] = obj.Type()
				return obj.Type()
			}
		}
	}
	pkg := natives.pkgs[t.PkgPath()]
	if pkg == nil {
		name := t.PkgPath()[strings.LastIndexByte(t.PkgPath(), '/')+1:]
		pkg = types.NewPackage(t.PkgPath(), name)
		natives.pkgs[t.PkgPath()] = pkg
	}
	obj := types.NewTypeName(token.NoPos, pkg, t.Name(), nil)
	natives.back[obj] = t
	named := types.NewNamed(obj, nil, nil)
	natives.types[t] = named // before the underlying type: it may refer to t
	named.SetUnderlying(structure(t))
	if t.Kind() != reflect.Interface {
		addMethods(named, t)
	}
	return named
}

// isStdPath reports whether path looks like a standard-library path (no
// dot in its first element).
func isStdPath(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && isStd(path)
}

func addMethods(named *types.Named, t reflect.Type) {
	pt := reflect.PointerTo(t)
	for i := range pt.NumMethod() {
		m := pt.Method(i)
		_, byValue := t.MethodByName(m.Name)
		recvType := types.Type(named)
		if !byValue {
			recvType = types.NewPointer(named)
		}
		recv := types.NewVar(token.NoPos, named.Obj().Pkg(), "", recvType)
		sig := signatureOf(m.Type, 1, recv)
		named.AddMethod(types.NewFunc(token.NoPos, named.Obj().Pkg(), m.Name, sig))
	}
}

// structure converts the structure of t (its underlying type).
func structure(t reflect.Type) types.Type {
	switch t.Kind() {
	case reflect.Pointer:
		return types.NewPointer(typeOf(t.Elem()))
	case reflect.Slice:
		return types.NewSlice(typeOf(t.Elem()))
	case reflect.Array:
		return types.NewArray(typeOf(t.Elem()), int64(t.Len()))
	case reflect.Map:
		return types.NewMap(typeOf(t.Key()), typeOf(t.Elem()))
	case reflect.Chan:
		dir := types.SendRecv
		switch t.ChanDir() {
		case reflect.SendDir:
			dir = types.SendOnly
		case reflect.RecvDir:
			dir = types.RecvOnly
		}
		return types.NewChan(dir, typeOf(t.Elem()))
	case reflect.Func:
		return signatureOf(t, 0, nil)
	case reflect.Struct:
		fields := make([]*types.Var, t.NumField())
		tags := make([]string, t.NumField())
		for i := range fields {
			f := t.Field(i)
			pkg := (*types.Package)(nil)
			if f.PkgPath != "" {
				pkg = fieldPkg(f.PkgPath)
			}
			fields[i] = types.NewField(token.NoPos, pkg, f.Name, typeOf(f.Type), f.Anonymous)
			tags[i] = string(f.Tag)
		}
		return types.NewStruct(fields, tags)
	case reflect.Interface:
		var methods []*types.Func
		for i := range t.NumMethod() {
			m := t.Method(i)
			var pkg *types.Package
			if m.PkgPath != "" {
				pkg = fieldPkg(m.PkgPath)
			}
			methods = append(methods, types.NewFunc(token.NoPos, pkg, m.Name, signatureOf(m.Type, 0, nil)))
		}
		return types.NewInterfaceType(methods, nil).Complete()
	}
	if k, ok := basics[t.Kind()]; ok {
		return types.Typ[k]
	}
	return types.Typ[types.Invalid]
}

func fieldPkg(path string) *types.Package {
	if p := natives.pkgs[path]; p != nil {
		return p
	}
	p := types.NewPackage(path, path[strings.LastIndexByte(path, '/')+1:])
	natives.pkgs[path] = p
	return p
}

// signatureOf converts a func type, skipping its first skip inputs (a
// method's receiver).
func signatureOf(t reflect.Type, skip int, recv *types.Var) *types.Signature {
	var params, results []*types.Var
	for i := skip; i < t.NumIn(); i++ {
		pt := typeOf(t.In(i))
		params = append(params, types.NewParam(token.NoPos, nil, "", pt))
	}
	for i := range t.NumOut() {
		results = append(results, types.NewParam(token.NoPos, nil, "", typeOf(t.Out(i))))
	}
	return types.NewSignatureType(recv, nil, nil, types.NewTuple(params...), types.NewTuple(results...), t.IsVariadic())
}
