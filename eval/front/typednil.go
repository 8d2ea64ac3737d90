package front

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"

	"github.com/dpfw/dpfw/eval/front/shim"
	"golang.org/x/tools/go/ast/astutil"
)

// yaegi v0.16.1 converts a nil pointer (map, slice, func, chan) of the
// program's type to error or another package's non-empty interface as a
// nil interface (interp/run.go genInterfaceWrapper: "if v.IsNil() {
// return reflect.New(typ).Elem() }"), where Go's interface holds the
// typed nil: `var p *MyErr; var err error = p; err == nil` is false in
// Go and true in yaegi, and so are a type switch's case nil, fmt's %v
// and %T, err.Error() and every use after. An interface loses nothing
// when converted to any or to the program's own interfaces (measured).
// Such a conversion of a value that may be nil is lowered to a helper
// that returns the value when it is not nil and otherwise makes the task
// fail with kind unsupported (shim.TypedNil) before anything differs;
// a value known not to be nil (&x, &T{}, new, make, a literal, a func)
// is left alone.

// typedNilSites records the expressions of n converted implicitly or
// explicitly as said above: expression -> the interface type.
func (l *lowering) typedNilSites(n ast.Node) {
	var funcs []*types.Signature
	var stack []ast.Node
	ast.Inspect(n, func(x ast.Node) bool {
		if x == nil {
			if top := stack[len(stack)-1]; isFunc(top) {
				funcs = funcs[:len(funcs)-1]
			}
			stack = stack[:len(stack)-1]
			return true
		}
		stack = append(stack, x)
		switch x := x.(type) {
		case *ast.FuncDecl:
			funcs = append(funcs, l.funcSignature(x))
		case *ast.FuncLit:
			sig, _ := l.typeOf(x).Type.(*types.Signature)
			funcs = append(funcs, sig)
		case *ast.ReturnStmt:
			if len(funcs) == 0 || funcs[len(funcs)-1] == nil {
				break
			}
			res := funcs[len(funcs)-1].Results()
			if len(x.Results) == res.Len() {
				for i, e := range x.Results {
					l.typedNilSite(e, res.At(i).Type())
				}
			} else if len(x.Results) == 1 {
				l.typedNilTuple(x.Results[0], func(i int) types.Type { return res.At(i).Type() })
			}
		case *ast.AssignStmt:
			if x.Tok != token.ASSIGN {
				break
			}
			if len(x.Lhs) == len(x.Rhs) {
				for i, e := range x.Rhs {
					l.typedNilSite(e, l.lhsType(x.Lhs[i]))
				}
			} else if len(x.Rhs) == 1 {
				l.typedNilTuple(x.Rhs[0], func(i int) types.Type { return l.lhsType(x.Lhs[i]) })
			}
		case *ast.ValueSpec:
			if x.Type == nil {
				break
			}
			t := l.typeOf(x.Type).Type
			if len(x.Values) == len(x.Names) {
				for _, e := range x.Values {
					l.typedNilSite(e, t)
				}
			} else if len(x.Values) == 1 {
				l.typedNilTuple(x.Values[0], func(int) types.Type { return t })
			}
		case *ast.SendStmt:
			if ch, ok := l.typeOf(x.Chan).Type.Underlying().(*types.Chan); ok {
				l.typedNilSite(x.Value, ch.Elem())
			}
		case *ast.CompositeLit:
			l.typedNilLit(x)
		case *ast.IndexExpr:
			if mt, ok := l.typeOf(x.X).Type.Underlying().(*types.Map); ok {
				l.typedNilSite(x.Index, mt.Key())
			}
		case *ast.CallExpr:
			l.typedNilCall(x)
		}
		return true
	})
}

func isFunc(n ast.Node) bool {
	switch n.(type) {
	case *ast.FuncDecl, *ast.FuncLit:
		return true
	}
	return false
}

// typedNilCall records the arguments of a call or conversion.
func (l *lowering) typedNilCall(call *ast.CallExpr) {
	ft := l.typeOf(call.Fun)
	if ft.IsType() {
		if len(call.Args) == 1 {
			l.typedNilSite(call.Args[0], ft.Type)
		}
		return
	}
	if ft.IsBuiltin() {
		id, _ := ast.Unparen(call.Fun).(*ast.Ident)
		if id != nil && id.Name == "delete" && len(call.Args) == 2 {
			if mt, ok := l.typeOf(call.Args[0]).Type.Underlying().(*types.Map); ok {
				l.typedNilSite(call.Args[1], mt.Key())
			}
		}
		if id != nil && id.Name == "append" && call.Ellipsis == token.NoPos && len(call.Args) > 1 {
			if s, ok := l.typeOf(call).Type.Underlying().(*types.Slice); ok {
				for _, a := range call.Args[1:] {
					l.typedNilSite(a, s.Elem())
				}
			}
		}
		return
	}
	if ft.Type == nil {
		return
	}
	sig, ok := ft.Type.Underlying().(*types.Signature)
	if !ok {
		return
	}
	params := sig.Params()
	param := func(i int) types.Type {
		if sig.Variadic() && i >= params.Len()-1 {
			last := params.At(params.Len() - 1).Type()
			if call.Ellipsis.IsValid() {
				return last
			}
			return last.Underlying().(*types.Slice).Elem()
		}
		if i < params.Len() {
			return params.At(i).Type()
		}
		return nil
	}
	if len(call.Args) == 1 && params.Len() > 1 {
		l.typedNilTuple(call.Args[0], param)
		return
	}
	for i, a := range call.Args {
		if t := param(i); t != nil {
			l.typedNilSite(a, t)
		}
	}
}

// typedNilLit records the elements of a composite literal.
func (l *lowering) typedNilLit(lit *ast.CompositeLit) {
	t := l.typeOf(lit).Type
	if t == nil {
		return
	}
	var key, elem types.Type
	switch u := t.Underlying().(type) {
	case *types.Slice:
		elem = u.Elem()
	case *types.Array:
		elem = u.Elem()
	case *types.Map:
		key, elem = u.Key(), u.Elem()
	case *types.Struct:
		for i, e := range lit.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok {
					for f := range u.Fields() {
						if f.Name() == id.Name {
							l.typedNilSite(kv.Value, f.Type())
						}
					}
				}
			} else if i < u.NumFields() {
				l.typedNilSite(e, u.Field(i).Type())
			}
		}
		return
	default:
		return
	}
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if key != nil {
				l.typedNilSite(kv.Key, key)
			}
			l.typedNilSite(kv.Value, elem)
		} else {
			l.typedNilSite(e, elem)
		}
	}
}

// typedNilTuple refuses a multi-valued call whose results are converted
// as said above (return f(), a, b = f(), g(f())): there is no expression
// to check each result by.
func (l *lowering) typedNilTuple(e ast.Expr, target func(int) types.Type) {
	tup, ok := l.typeOf(e).Type.(*types.Tuple)
	if !ok {
		return
	}
	for i := range tup.Len() {
		if to := target(i); to != nil && typedNilLost(tup.At(i).Type(), to) {
			l.fail(e.Pos(), "a %s result converted to %s is not supported: the interpreter makes a nil %[1]s a nil %[2]s (in Go it holds the typed nil and is not == nil); assign the results to variables first", types.TypeString(tup.At(i).Type(), qualifyMain), types.TypeString(to, qualifyMain))
			return
		}
	}
}

// typedNilSite records e, converted to type to, if it may be a nil value
// the conversion loses.
func (l *lowering) typedNilSite(e ast.Expr, to types.Type) {
	if to == nil {
		return
	}
	tv := l.typeOf(e)
	if tv.Type == nil || tv.IsNil() || !(typedNilLost(tv.Type, to) || heldNilLost(tv.Type, to)) || l.notNil(e) {
		return
	}
	l.typedNil[e] = to
}

// heldNilLost reports whether yaegi fails to convert a value of type t
// to to when it is nil or holds a nil pointer (map, slice, func, chan):
// t is an interface the program declares and to error or another
// package's non-empty interface. yaegi's conversion panics there
// ("reflect: call of reflect.Value.Type on zero Value", and
// "reflect.Value.Interface on zero Value" for a nil t).
func heldNilLost(t, to types.Type) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || !types.IsInterface(n) || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != "main" {
		return false
	}
	it, ok := to.Underlying().(*types.Interface)
	if !ok || it.NumMethods() == 0 {
		return false
	}
	on, ok := types.Unalias(to).(*types.Named)
	return ok && (on.Obj().Pkg() == nil || on.Obj().Pkg().Path() != "main")
}

// typedNilLost reports whether yaegi makes a nil value of type t a nil
// interface when converting it to to: to is error or another package's
// non-empty interface, and t the program's named pointer, map, slice,
// func or chan type, or a pointer to the program's named type.
func typedNilLost(t, to types.Type) bool {
	it, ok := to.Underlying().(*types.Interface)
	if !ok || it.NumMethods() == 0 || types.IsInterface(t) {
		return false
	}
	if on, ok := types.Unalias(to).(*types.Named); !ok || (on.Obj().Pkg() != nil && on.Obj().Pkg().Path() == "main") {
		return false // the program's own interfaces keep the type (measured)
	}
	t = types.Unalias(t)
	if p, ok := t.(*types.Pointer); ok {
		t = types.Unalias(p.Elem())
	} else {
		switch t.Underlying().(type) {
		case *types.Map, *types.Slice, *types.Signature, *types.Chan:
		default:
			return false
		}
	}
	n, ok := t.(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "main"
}

// notNil reports whether e is surely not nil: &x, new, make, a literal,
// a function or method, or a conversion of one.
func (l *lowering) notNil(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		return e.Op == token.AND
	case *ast.CompositeLit, *ast.FuncLit:
		return true
	case *ast.Ident:
		_, ok := l.s.info.Uses[e].(*types.Func)
		return ok
	case *ast.SelectorExpr:
		if sel, ok := l.s.info.Selections[e]; ok {
			return sel.Kind() != types.FieldVal
		}
		_, ok := l.s.info.Uses[e.Sel].(*types.Func)
		return ok
	case *ast.CallExpr:
		if ft := l.typeOf(e.Fun); ft.IsType() && len(e.Args) == 1 {
			return l.notNil(e.Args[0])
		} else if ft.IsBuiltin() {
			id, _ := ast.Unparen(e.Fun).(*ast.Ident)
			return id != nil && (id.Name == "new" || id.Name == "make")
		}
	}
	return false
}

// typedNil lowers a conversion typedNilSites recorded to a call of the
// helper that checks the value.
func (l *lowering) typedNilCheck(c *astutil.Cursor) {
	e, ok := c.Node().(ast.Expr)
	if !ok {
		return
	}
	key := e
	to, ok := l.typedNil[key]
	for !ok {
		if key, ok = l.orig[key]; !ok {
			return
		}
		to, ok = l.typedNil[key]
	}
	delete(l.typedNil, key)
	t := l.typeOf(key).Type
	ts, err := l.typeString(t)
	if err != nil {
		l.fail(e.Pos(), "a %s converted to %s is not supported: the interpreter makes a nil %[1]s a nil %[2]s, and the front end cannot name the type to check it (%v)", types.TypeString(t, qualifyMain), types.TypeString(to, qualifyMain), err)
		return
	}
	tos, err := l.typeString(to)
	if err != nil {
		l.fail(e.Pos(), "a %s converted to %s is not supported: the interpreter makes a nil %[1]s a nil %[2]s, and the front end cannot name the interface to check it (%v)", types.TypeString(t, qualifyMain), types.TypeString(to, qualifyMain), err)
		return
	}
	// The helper converts: yaegi converts a call's result to another
	// package's interface wrongly where it is an argument
	// (heap.Init(h(pq)): "reflect: Call using *[]*struct…").
	name := l.helper("typednil "+ts+" "+tos, func(name string) string {
		if types.IsInterface(t) {
			// shim.NilHeld first: whether yaegi's == nil sees through
			// its wrapper of a held nil pointer is not what matters.
			// v is copied first: yaegi v0.16.1 converts a parameter
			// that a call's result was passed in ("h(get())") to error
			// only from a local variable ("method not found: Error").
			return "func " + name + "(v " + ts + ", t, to string) " + tos + " { x := v; " + l.alias(shim.Path, "shim") + ".NilHeld(t, to, x); if x == nil { return nil }; return x }"
		}
		return "func " + name + "(v " + ts + ", t, to string) " + tos + " { if v == nil { " + l.alias(shim.Path, "shim") + ".TypedNil(t, to) }; return v }"
	})
	call := &ast.CallExpr{Fun: &ast.Ident{Name: name, NamePos: e.Pos()}, Args: []ast.Expr{e,
		&ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(types.TypeString(t, qualifyMain))},
		&ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(types.TypeString(to, qualifyMain))}}}
	l.replace(c, e, call)
}

// typedNilImplCheck returns the statement that refuses m, a value of the
// program's type t asserted from an interface in ifaceAssertion's chain,
// when it is nil and converting it to the interface to loses it; "" if
// that cannot happen.
func (l *lowering) typedNilImplCheck(m string, t, to types.Type) string {
	if !typedNilLost(t, to) {
		return ""
	}
	return "if " + m + " == nil { " + l.alias(shim.Path, "shim") + ".TypedNil(" + strconv.Quote(types.TypeString(t, qualifyMain)) + ", " + strconv.Quote(types.TypeString(to, qualifyMain)) + ") }; "
}

// implementedByProgram reports whether a type of the program implements
// the interface t.
func (l *lowering) implementedByProgram(t types.Type) bool {
	it, ok := t.Underlying().(*types.Interface)
	if !ok || it.NumMethods() == 0 {
		return false
	}
	for _, tn := range l.mainTypes() {
		if types.Implements(tn.Type(), it) || types.Implements(types.NewPointer(tn.Type()), it) {
			return true
		}
	}
	return false
}

// funcSignature returns the signature of a declared function or method
// (a method of an earlier snippet's type has no Defs entry).
func (l *lowering) funcSignature(fd *ast.FuncDecl) *types.Signature {
	obj := l.s.info.Defs[fd.Name]
	if obj == nil && fd.Recv != nil && len(fd.Recv.List) == 1 {
		if rt := l.typeOf(fd.Recv.List[0].Type).Type; rt != nil {
			obj, _, _ = types.LookupFieldOrMethod(rt, true, l.s.pkg, fd.Name.Name)
		}
	} else if obj == nil && fd.Recv == nil {
		obj = l.s.pkg.Scope().Lookup(fd.Name.Name)
	}
	if obj == nil {
		return nil
	}
	sig, _ := obj.Type().(*types.Signature)
	return sig
}

// lhsType returns the type of an assignment's left operand (an
// identifier that lateVar moved from a var declaration is a Def).
func (l *lowering) lhsType(e ast.Expr) types.Type {
	if t := l.typeOf(e).Type; t != nil {
		return t
	}
	if id, ok := e.(*ast.Ident); ok {
		if obj := l.s.info.ObjectOf(id); obj != nil {
			return obj.Type()
		}
	}
	return nil
}
