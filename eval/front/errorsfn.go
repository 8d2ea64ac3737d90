package front

import (
	"fmt"
	"go/ast"
	"go/types"
	"sort"
)

// errors.Is, As, AsType and Unwrap walk an error chain inside the
// standard library, by type assertion and comparison on compiled values.
// Measured on yaegi v0.16.1: an interpreted error's Unwrap, Is and As
// methods are invisible there (compiled code sees a wrapper with Error
// only); an
// interpreted value that crossed into compiled code (fmt.Errorf's %w,
// errors.Join) compares unequal to itself and no longer asserts to its
// type; errors.As with a target of the program's type panics ("*target
// must be interface or implement error"). So a call whose answer could
// depend on the program's own error types is refused before it runs,
// naming the rewrite; calls in programs without such types, and errors.Is
// against a compiled sentinel in a program whose error types have no
// Unwrap or Is method, run as before.

// errorType is one of the program's named types that implement error
// (as T or *T), with the chain methods it has.
type errorType struct {
	obj              *types.TypeName
	unwrap, is, asFn bool
}

// refuseErrors returns the refusal of the first call of errors.Is, As,
// AsType or Unwrap that the program's error types make unreliable; nil if
// there is none.
func (s *snippet) refuseErrors() *Error {
	ets := s.errorTypes()
	if len(ets) == 0 {
		return nil
	}
	var refusal *Error
	for _, file := range []*ast.File{s.declFile, s.cellFile} {
		ast.Inspect(file, func(n ast.Node) bool {
			if refusal != nil {
				return false
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if msg := s.errorsCall(call, ets); msg != "" {
				refusal = &Error{Unsupported: true, Pos: s.userPos(s.f.fset.Position(call.Pos())), Msg: msg}
			}
			return true
		})
	}
	return refusal
}

// errorsCall returns why call, a call of a chain function of package
// errors, is refused; "" if it is not refused (or no such call).
func (s *snippet) errorsCall(call *ast.CallExpr, ets []errorType) string {
	fun := ast.Unparen(call.Fun)
	if ix, ok := fun.(*ast.IndexExpr); ok {
		fun = ix.X
	}
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	fn, ok := s.info.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "errors" {
		return ""
	}
	const why = "the interpreter's errors lose their type and their Unwrap, Is and As methods inside package errors"
	switch fn.Name() {
	case "Unwrap":
		return fmt.Sprintf("errors.Unwrap in a program that declares its own error type (%s) is not supported: %s; call the Unwrap method of your type yourself (after a type assertion such as e, ok := err.(*%s))",
			names(ets, nil), why, ets[0].obj.Name())
	case "Is":
		if m := names(ets, func(e errorType) bool { return e.unwrap || e.is }); m != "" {
			return fmt.Sprintf("errors.Is through the Unwrap or Is method of %s is not supported: %s; walk the chain yourself (type-assert the error and call its Unwrap method, comparing each error with the target)", m, why)
		}
		if len(call.Args) == 2 && !s.compiledError(call.Args[1]) {
			return fmt.Sprintf("errors.Is with a target that may be of the program's error type (%s) is not supported: %s; compare with a sentinel made by errors.New, or type-assert the error", names(ets, nil), why)
		}
	case "As", "AsType":
		var target types.Type
		if fn.Name() == "AsType" {
			if inst, ok := s.info.Instances[sel.Sel]; ok && inst.TypeArgs.Len() == 1 {
				target = inst.TypeArgs.At(0)
			}
		} else if len(call.Args) == 2 {
			if p, ok := s.info.TypeOf(call.Args[1]).Underlying().(*types.Pointer); ok {
				target = p.Elem()
			}
		}
		what := "errors." + fn.Name()
		if target != nil && s.programTarget(target, ets) {
			rewrite := "use a type assertion (v, ok := err.(" + types.TypeString(target, qualifyNone) + ")) and unwrap the chain yourself"
			if n, ok := types.Unalias(target).(*types.Named); ok && !types.IsInterface(n) {
				rewrite = "declare the error as a pointer type (*" + n.Obj().Name() + "), hold it as one, and use a type assertion (v, ok := err.(*" + n.Obj().Name() + ")), unwrapping the chain yourself"
			}
			return fmt.Sprintf("%s with a target of type %s is not supported: %s; %s", what, types.TypeString(target, qualifyMain), why, rewrite)
		}
		if m := names(ets, func(e errorType) bool { return e.unwrap || e.asFn }); m != "" {
			return fmt.Sprintf("%s through the Unwrap or As method of %s is not supported: %s; type-assert the error and call its Unwrap method yourself", what, m, why)
		}
	}
	return ""
}

// programTarget reports whether an error of the program's types could
// be what As looks for: the target type is one of them, or an interface
// that one of them implements.
func (s *snippet) programTarget(t types.Type, ets []errorType) bool {
	for _, e := range ets {
		for _, c := range []types.Type{e.obj.Type(), types.NewPointer(e.obj.Type())} {
			if types.Identical(c, t) {
				return true
			}
			if it, ok := t.Underlying().(*types.Interface); ok && types.Implements(c, it) {
				return true
			}
		}
	}
	return false
}

// compiledError reports whether e certainly holds a compiled error: a
// call of errors.New, a variable of another package, or a package-level
// variable of the program declared in this snippet, initialised by
// errors.New and not assigned in it (one of an earlier snippet counts as
// unknown).
func (s *snippet) compiledError(e ast.Expr) bool {
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.CallExpr:
		return s.compiledCall(x)
	case *ast.SelectorExpr:
		if v, ok := s.info.Uses[x.Sel].(*types.Var); ok && v.Pkg() != nil && v.Pkg().Path() != "main" {
			return true
		}
	case *ast.Ident:
		v, ok := s.info.Uses[x].(*types.Var)
		if !ok || v.Pkg() == nil || v.Parent() != v.Pkg().Scope() {
			return false
		}
		return s.compiledVar(v)
	}
	return false
}

// compiledCall reports whether call is errors.New(...), whose result is
// a compiled error.
func (s *snippet) compiledCall(call *ast.CallExpr) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	fn, ok := s.info.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil {
		return false
	}
	return fn.Pkg().Path() == "errors" && fn.Name() == "New"
}

// compiledVar reports whether v, a package-level variable declared in
// this snippet, is initialised by errors.New and assigned nowhere in it.
func (s *snippet) compiledVar(v *types.Var) bool {
	ok := false
	for _, file := range []*ast.File{s.declFile, s.cellFile} {
		ast.Inspect(file, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if s.info.Defs[id] == v && len(n.Values) == len(n.Names) {
						if call, isCall := ast.Unparen(n.Values[i]).(*ast.CallExpr); isCall && s.compiledCall(call) {
							ok = true
						}
					}
				}
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if id, isID := ast.Unparen(l).(*ast.Ident); isID && s.info.Uses[id] == v {
						ok = false
						return false
					}
				}
			}
			return true
		})
	}
	return ok
}

// errorTypes lists the program's named types (of earlier snippets and
// this one) that implement error, sorted by name.
func (s *snippet) errorTypes() []errorType {
	errIface := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	seen := map[*types.TypeName]bool{}
	var out []errorType
	add := func(obj types.Object) {
		tn, ok := obj.(*types.TypeName)
		if !ok || tn.IsAlias() || seen[tn] || types.IsInterface(tn.Type()) {
			return
		}
		seen[tn] = true
		t := tn.Type()
		if !types.Implements(t, errIface) && !types.Implements(types.NewPointer(t), errIface) {
			return
		}
		ms := types.NewMethodSet(types.NewPointer(t))
		out = append(out, errorType{obj: tn,
			unwrap: ms.Lookup(nil, "Unwrap") != nil,
			is:     ms.Lookup(nil, "Is") != nil,
			asFn:   ms.Lookup(nil, "As") != nil})
	}
	for _, obj := range s.f.live {
		add(obj)
	}
	for _, obj := range s.info.Defs {
		if obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == "main" && obj.Parent() == obj.Pkg().Scope() {
			add(obj)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].obj.Name() < out[j].obj.Name() })
	return out
}

// names spells the types of ets that keep holds (all if keep is nil) as
// "main.A, main.B"; "" if none.
func names(ets []errorType, keep func(errorType) bool) string {
	var b []byte
	for _, e := range ets {
		if keep != nil && !keep(e) {
			continue
		}
		if len(b) > 0 {
			b = append(b, ", "...)
		}
		b = append(b, "main."+e.obj.Name()...)
	}
	return string(b)
}
