package front

import (
	"go/ast"
	"go/types"

	"github.com/dpfw/dpfw/eval/front/shim"
)

// Index checks where a program recovers. yaegi panics for an index out
// of range with reflect's words ("reflect: slice index out of range"),
// which carry neither Go's runtime.Error nor its index and length. In a
// program that calls recover (in this snippet or an earlier one), the
// index of a slice, array or string expression is passed through a
// helper that panics as Go does (shim.IndexError) before yaegi indexes:
// what recover returns is then go run's own value. Programs that never
// recover keep plain indexing (the check costs a call); an index the
// front end leaves unchecked and a program recovers from anyway is
// refused while running (shim.Recovered).

// recovers reports whether index expressions in this snippet are checked.
func (l *lowering) recovers() bool {
	if l.bounds == 0 {
		l.bounds = -1
		if _, ok := l.s.f.helpers["recover"]; ok {
			l.bounds = 1
		}
		for _, o := range l.s.info.Uses {
			if b, ok := o.(*types.Builtin); ok && b.Name() == "recover" {
				l.bounds = 1
				break
			}
		}
	}
	return l.bounds > 0
}

// boundsCheck rewrites x[i] to x[check(i, len(x))] where x may be
// evaluated twice (it has no calls nor receives) and i is an int.
func (l *lowering) boundsCheck(n *ast.IndexExpr) {
	if l.checker || !l.recovers() || !l.pureExpr(n.X) {
		return
	}
	xt, it := l.typeOf(n.X), l.typeOf(n.Index)
	if xt.Type == nil || it.Type == nil || xt.IsType() {
		return
	}
	switch u := xt.Type.Underlying().(type) {
	case *types.Slice:
	case *types.Basic:
		if u.Info()&types.IsString == 0 {
			return
		}
	case *types.Array:
		if it.Value != nil {
			return // a constant index into an array is checked by the compiler
		}
	case *types.Pointer:
		if _, ok := u.Elem().Underlying().(*types.Array); !ok || it.Value != nil {
			return
		}
	default:
		return
	}
	if b, ok := it.Type.Underlying().(*types.Basic); !ok || (b.Kind() != types.Int && b.Kind() != types.UntypedInt) {
		return
	}
	name := l.helper("index check", func(name string) string {
		return "func " + name + "(i, n int) int { if i < 0 || i >= n { panic(" + l.alias(shim.Path, "shim") + ".IndexError(i, n)) }; return i }"
	})
	n.Index = &ast.CallExpr{Fun: &ast.Ident{Name: name}, Args: []ast.Expr{n.Index,
		&ast.CallExpr{Fun: &ast.Ident{Name: "len"}, Args: []ast.Expr{n.X}}}}
}

// pureExpr reports whether evaluating e twice is the same as once: names,
// selectors, dereferences and indexes of such, constants, len and the
// index checks of such.
func (l *lowering) pureExpr(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return l.pureExpr(e.X)
	case *ast.SelectorExpr:
		return l.pureExpr(e.X)
	case *ast.StarExpr:
		return l.pureExpr(e.X)
	case *ast.IndexExpr:
		return l.pureExpr(e.X) && l.pureExpr(e.Index)
	case *ast.CallExpr:
		id, ok := e.Fun.(*ast.Ident)
		if !ok || id.Name != "len" && id.Name != l.s.f.helpers["index check"] && id.Name != l.newHelpers["index check"] {
			return false
		}
		if o := l.s.info.Uses[id]; o != nil {
			if _, ok := o.(*types.Builtin); !ok {
				return false // a len of the program's own
			}
		}
		for _, a := range e.Args {
			if !l.pureExpr(a) {
				return false
			}
		}
		return true
	}
	return false
}
