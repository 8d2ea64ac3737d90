package front

import (
	"go/ast"
	"go/types"
)

// yaegi v0.16.1 copies the arguments of a call of an interpreted
// function into the callee's frame only when they are not zero by
// reflect.Value.IsZero (interp/run.go, call: "Work around a recursive
// struct zero interface issue"); a skipped parameter keeps the frame's
// zero. IsZero compares floats with ==, so a negative zero (alone, in a
// complex, or in a struct or array whose other parts are zero) arrives as
// +0: func f(x float64) float64 { return 1 / x } gives +Inf for
// f(math.Copysign(0, -1)) where Go gives -Inf. Calls through a func value
// go through reflect.Value.Call, which copies every argument, so a direct
// call of the program's function (or method expression, or of a helper
// of the front end) that passes such a value is lowered to a call of the
// same function converted to its own type: (func(float64) float64)(f)(x).
// It costs about three times a direct call in yaegi, so it is done only
// where an argument could be a negative zero: not for constants (Go
// constants have no negative zero) nor conversions of integers. Method
// calls (x.m(v)) and calls of closures already go through reflect.

// signedZeroCall lowers call as said above when it needs it.
func (l *lowering) signedZeroCall(call *ast.CallExpr) {
	fun := ast.Unparen(call.Fun)
	switch fun := fun.(type) {
	case *ast.Ident:
		fn, ok := l.s.info.Uses[fun].(*types.Func)
		if !ok || fn.Pkg() == nil || fn.Pkg().Path() != l.s.pkg.Path() {
			return
		}
		if sig, ok := l.typeOf(call.Fun).Type.(*types.Signature); ok && l.mayPassNegZero(call, sig) {
			l.callViaValue(call, fun, fn, sig)
		}
	case *ast.SelectorExpr:
		sel := l.s.info.Selections[fun]
		if sel == nil || sel.Kind() != types.MethodExpr {
			return
		}
		if pkg := sel.Obj().Pkg(); pkg == nil || pkg.Path() != l.s.pkg.Path() {
			return
		}
		// yaegi cannot convert a method expression to its type (it
		// types T.m without the receiver); T.m(r, x) is r.m(x).
		sig, ok := l.typeOf(call.Fun).Type.(*types.Signature)
		if ok && len(call.Args) == sig.Params().Len() && !call.Ellipsis.IsValid() && l.mayPassNegZero(call, sig) {
			call.Fun = &ast.SelectorExpr{X: &ast.ParenExpr{X: call.Args[0]}, Sel: fun.Sel}
			call.Args = call.Args[1:]
		}
		return
	}
}

// mayPassNegZero reports whether an argument of call that the callee
// receives by a parameter of sig (not the variadic part, which yaegi
// appends without the test) may hold a negative zero.
func (l *lowering) mayPassNegZero(call *ast.CallExpr, sig *types.Signature) bool {
	params := sig.Params()
	n := params.Len()
	if sig.Variadic() {
		n--
	}
	if len(call.Args) == 1 && n > 1 {
		// f(g()) with g's several results.
		for i := range n {
			if holdsSignedZero(params.At(i).Type(), 0) {
				return true
			}
		}
		return false
	}
	for i := 0; i < n && i < len(call.Args); i++ {
		if holdsSignedZero(params.At(i).Type(), 0) && !l.neverNegZero(call.Args[i]) {
			return true
		}
	}
	return false
}

// neverNegZero reports whether e cannot be a negative zero: a constant,
// or a conversion of an integer.
func (l *lowering) neverNegZero(e ast.Expr) bool {
	if l.typeOf(e).Value != nil {
		return true
	}
	conv, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(conv.Args) != 1 || !l.typeOf(conv.Fun).IsType() {
		return false
	}
	b, ok := l.typeOf(conv.Args[0]).Type.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

// holdsSignedZero reports whether a value of type t can be a negative
// zero that reflect.Value.IsZero calls zero: a float or complex, or a
// struct or array holding one by value.
func holdsSignedZero(t types.Type, depth int) bool {
	if depth > 32 {
		return true
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&(types.IsFloat|types.IsComplex) != 0
	case *types.Struct:
		for f := range u.Fields() {
			if holdsSignedZero(f.Type(), depth+1) {
				return true
			}
		}
	case *types.Array:
		return u.Len() > 0 && holdsSignedZero(u.Elem(), depth+1)
	}
	return false
}

// callViaValue makes call call its function (fun, naming fn) through a
// package variable holding it, a func value that yaegi calls through
// reflect. (A conversion, (func(float64) float64)(f)(x), would do in
// expression form, but yaegi makes a func value that returns zeros of
// one that is declared further down in the same compile.)
func (l *lowering) callViaValue(call *ast.CallExpr, fun *ast.Ident, fn *types.Func, sig *types.Signature) {
	ts, err := l.typeString(sig)
	if err != nil {
		l.fail(call.Pos(), "a call that passes a float (it may be a negative zero, which the interpreter would pass as +0) to %s of type %s: %v", fun.Name, sig, err)
		return
	}
	yname := l.objName(fn, fun.Name)
	name := l.helper("negzero "+yname+" "+ts, func(name string) string { return "var " + name + " " + ts + " = " + yname })
	v := &ast.Ident{Name: name, NamePos: fun.Pos()}
	l.orig[v] = call.Fun
	l.viaVar[v] = fun // rename still counts the use of fun
	call.Fun = v
}

// signedZeroHelper lowers the call of a front-end helper (min, max,
// new(expr)) of type ts whose first argument, of type t, may be a
// negative zero.
func (l *lowering) signedZeroHelper(call *ast.CallExpr, t types.Type, ts string) {
	if len(call.Args) == 0 || !holdsSignedZero(t, 0) || l.neverNegZero(call.Args[0]) {
		return
	}
	fun := call.Fun.(*ast.Ident)
	name := l.helper("negzero "+fun.Name, func(name string) string { return "var " + name + " " + ts + " = " + fun.Name })
	call.Fun = &ast.Ident{Name: name, NamePos: fun.Pos()}
}
