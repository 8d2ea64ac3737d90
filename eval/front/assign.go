package front

import (
	"go/ast"
	"go/token"

	"golang.org/x/tools/go/ast/astutil"
)

// parallelAssign lowers a, b = x, y (several values, not :=) to
// ᐧt1, ᐧt2 := x, y; a, b = ᐧt1, ᐧt2: Go evaluates every right-hand
// operand before it assigns any, yaegi assigns each as it goes, so that
// xs, out = xs[n:], append(out, xs[:n]) read the new xs.
func (l *lowering) parallelAssign(c *astutil.Cursor, as *ast.AssignStmt) {
	if as.Tok != token.ASSIGN || len(as.Lhs) < 2 || len(as.Lhs) != len(as.Rhs) {
		return
	}
	switch c.Parent().(type) {
	case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
	default:
		return
	}
	temps := make([]ast.Expr, len(as.Rhs))
	lhs := make([]ast.Expr, len(as.Rhs))
	for i, r := range as.Rhs {
		name := l.fresh("p")
		temps[i] = &ast.Ident{Name: name, NamePos: r.Pos()}
		lhs[i] = &ast.Ident{Name: name, NamePos: r.Pos()}
		if tv := l.typeOf(r); tv.Type != nil && tv.IsNil() {
			// An untyped nil needs the type of what it is assigned to.
			return
		}
		if l.typeOf(r).Value != nil {
			temps[i], lhs[i] = r, nil
		}
	}
	var defLhs, defRhs []ast.Expr
	for i, r := range as.Rhs {
		if lhs[i] != nil {
			defLhs, defRhs = append(defLhs, lhs[i]), append(defRhs, r)
		}
	}
	if len(defLhs) < 2 {
		return
	}
	def := &ast.AssignStmt{Lhs: defLhs, TokPos: as.TokPos, Tok: token.DEFINE, Rhs: defRhs}
	as.Rhs = temps
	c.Replace(&ast.BlockStmt{Lbrace: as.Pos(), List: []ast.Stmt{def, as}, Rbrace: as.End()})
}
