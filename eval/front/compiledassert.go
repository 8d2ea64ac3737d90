package front

import (
	"go/ast"
	"go/types"
	"strconv"
	"strings"

	"github.com/dpfw/dpfw/eval/front/shim"
)

// yaegi v0.16.1 never matches a value of a compiled type (one the
// standard library or a native package made: *strings.Reader,
// time.Duration) to an interface type the program declares or writes in
// place: r.(interface{ Len() int }) is false although the value has the
// method. The front end cannot make the assertion succeed (it cannot
// name the value's type), so where yaegi's assertion to such an
// interface fails, shim.Unmatched checks the value: a compiled value
// with all the interface's methods, which Go would have matched, makes
// the task fail with kind unsupported instead of going on with ok false.

// unmatchedCheck returns the statement text that calls shim.Unmatched on
// the value named v for an assertion to target, or "" when yaegi's own
// answer stands: target is an interface of another package, or has no
// methods, or has unexported ones (no compiled type implements those).
func (l *lowering) unmatchedCheck(v string, target types.Type) string {
	it, ok := target.Underlying().(*types.Interface)
	if !ok || it.NumMethods() == 0 {
		return ""
	}
	if n, ok := types.Unalias(target).(*types.Named); ok && (n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != "main") {
		return ""
	}
	args := []string{v, strconv.Quote(types.TypeString(target, qualifyMain))}
	for m := range it.Methods() {
		if !m.Exported() {
			return ""
		}
		args = append(args, strconv.Quote(m.Name()))
	}
	return l.alias(shim.Path, "shim") + ".Unmatched(" + strings.Join(args, ", ") + ")"
}

// emptyIfaceAssertion lowers x.(I), where none of the program's types
// implements I, to a call that checks a failed assertion with
// unmatchedCheck.
func (l *lowering) emptyIfaceAssertion(n *ast.TypeAssertExpr, target types.Type, commaOK bool) ast.Expr {
	check := l.unmatchedCheck("ᐧx", target)
	if check == "" {
		return nil
	}
	text := "func() ᐧI { ᐧx := ᐧX; m, ok := ᐧx.(ᐧI); if !ok { " + check + " }; return ᐧx.(ᐧI) }()"
	if commaOK {
		text = "func() (ᐧI, bool) { ᐧx := ᐧX; m, ok := ᐧx.(ᐧI); if !ok { " + check + " }; return m, ok }()"
	}
	return l.expr(text, map[string]ast.Expr{"ᐧX": n.X, "ᐧI": n.Type})
}
