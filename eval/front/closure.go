package front

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Closures and method values are made where yaegi v0.16.1 gets them
// wrong, measured on its source (interp/run.go):
//
//   - A func literal made in a function's own frame reads that frame's
//     variables when it runs when it is deferred, passed to a native
//     function (wg.Go(func(){…})) or started with go: a loop's closures
//     all see the last iteration's variables. A literal assigned first
//     (d := func(){…}) binds them when made, but once it has run it locks
//     the frame it was made in, which its function's deferred calls hold:
//     d := func(){…}; defer d() hangs the engine.
//   - A method value (t.M, and defer t.M()) reads its receiver when the
//     call runs, not when the value is made.
//
// Both are lowered the same way: the closure is made by a function
// literal called on the spot, whose parameters carry what Go binds when
// the value is made — the addresses of the variables a literal captures
// (Go captures variables, so the closure reads and writes them through
// the pointers), the receiver of a method value. The closure is then
// made in that call's frame, which no deferred call holds, and binds
// exactly what Go binds:
//
//	func() { use(x) }   =>   func(ᐧp1 *T) func() { return func() { use((*ᐧp1)) } }(&x)
//	t.M                 =>   func(ᐧr T) func(int) string { return func(ᐧa0 int) string { return ᐧr.M(ᐧa0) } }(t)
//
// A literal that calls recover is left alone: yaegi's recover looks at
// the frame the literal is made in.

// closure lowers the func literal at c (its body already rewritten).
func (l *lowering) closure(c *astutil.Cursor, lit *ast.FuncLit) {
	if hasRecover(l, lit.Body) {
		return
	}
	var captured []*types.Var
	seen := map[*types.Var]bool{}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := l.s.info.Uses[id].(*types.Var)
		if !ok || seen[v] || !l.isLocal(v) || (v.Pos() >= lit.Pos() && v.Pos() < lit.End()) {
			return true
		}
		seen[v] = true
		captured = append(captured, v)
		return true
	})
	if len(captured) == 0 {
		return
	}
	ft, err := l.typeString(l.typeOf(lit).Type)
	if err != nil {
		return // a type local to a function: as yaegi makes it
	}
	var params []string
	ptr := map[*types.Var]string{}
	args := map[string]ast.Expr{}
	var argNames []string
	for _, v := range captured {
		ts, err := l.typeString(v.Type())
		if err != nil {
			return
		}
		p := l.fresh("p")
		ptr[v] = p
		params = append(params, p+" *"+ts)
		a := "ᐧA" + strconv.Itoa(len(argNames))
		argNames = append(argNames, a)
		id := ast.NewIdent(v.Name())
		l.s.info.Uses[id] = v
		args[a] = &ast.UnaryExpr{Op: token.AND, X: id}
	}
	astutil.Apply(lit.Body, nil, func(c *astutil.Cursor) bool {
		if id, ok := c.Node().(*ast.Ident); ok {
			if v, ok := l.s.info.Uses[id].(*types.Var); ok && ptr[v] != "" {
				if _, isKey := c.Parent().(*ast.KeyValueExpr); isKey && c.Name() == "Key" {
					return true
				}
				l.replace(c, id, &ast.ParenExpr{X: &ast.StarExpr{X: &ast.Ident{Name: ptr[v], NamePos: id.Pos()}}})
			}
		}
		return true
	})
	args["ᐧLIT"] = lit
	call := l.expr("func("+strings.Join(params, ", ")+") "+ft+" { return ᐧLIT }("+strings.Join(argNames, ", ")+")", args)
	if call != nil {
		l.replace(c, lit, call)
	}
}

// isLocal reports whether v is a variable of a function (not a field,
// not a package variable, not a top-level statement's variable, which
// lowered code makes a package variable).
func (l *lowering) isLocal(v *types.Var) bool {
	if v.IsField() || v.Pkg() == nil || v.Parent() == nil || v.Parent() == v.Pkg().Scope() {
		return false
	}
	_, cell := l.cellVars[v]
	return !cell
}

// hasRecover reports whether body calls the builtin recover.
func hasRecover(l *lowering, body ast.Node) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
				if b, ok := l.s.info.Uses[id].(*types.Builtin); ok && b.Name() == "recover" {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// methodValue binds the receiver of the method value sel (t.M, not
// called) when it is evaluated; nil if yaegi's own is right (a method of
// a native type) or it cannot be written.
func (l *lowering) methodValue(sel *ast.SelectorExpr) ast.Expr {
	s := l.s.info.Selections[sel]
	if s == nil || s.Kind() == types.FieldVal {
		return nil
	}
	fn := s.Obj().(*types.Func)
	if s.Kind() == types.MethodExpr {
		return l.methodExpr(s, fn)
	}
	if fn.Pkg() == nil || fn.Pkg().Path() != "main" || types.IsInterface(s.Recv()) {
		return nil
	}
	sig := fn.Type().(*types.Signature)
	recvT := sig.Recv().Type()
	if named, ok := types.Unalias(s.Recv()).(*types.Named); ok && named.TypeArgs().Len() > 0 {
		return nil // monomorphized copies are typed again
	}
	_, ptrRecv := recvT.(*types.Pointer)
	// The receiver expression: x, with the embedded fields a promoted
	// method goes through spelled out.
	var recv ast.Expr = sel.X
	t := l.typeOf(sel.X).Type
	if t == nil {
		return nil
	}
	idx := s.Index()
	for _, i := range idx[:len(idx)-1] {
		u := t
		if p, ok := u.Underlying().(*types.Pointer); ok {
			u = p.Elem()
		}
		st, ok := u.Underlying().(*types.Struct)
		if !ok {
			return nil
		}
		f := st.Field(i)
		recv = &ast.SelectorExpr{X: recv, Sel: ast.NewIdent(f.Name())}
		t = f.Type()
	}
	_, isPtr := t.Underlying().(*types.Pointer)
	switch {
	case ptrRecv && !isPtr:
		recv = &ast.UnaryExpr{Op: token.AND, X: recv}
	case !ptrRecv && isPtr:
		recv = &ast.StarExpr{X: recv}
	}
	rts, err := l.typeString(recvT)
	if err != nil {
		return nil
	}
	ps, as, results, ret, ok := l.methodParams(sig)
	if !ok {
		return nil
	}
	params := "(" + strings.Join(ps, ", ") + ")" + results
	ft, err := l.typeString(types.NewSignatureType(nil, nil, nil, sig.Params(), sig.Results(), sig.Variadic()))
	if err != nil {
		return nil
	}
	r := l.fresh("r")
	text := "func(" + r + " " + rts + ") " + ft + " { return func" + params + " { " + ret + r + "." + sel.Sel.Name + "(" + strings.Join(as, ", ") + ") } }(ᐧRECV)"
	return l.expr(text, map[string]ast.Expr{"ᐧRECV": recv})
}

// methodExpr writes the method expression T.M (yaegi's fail when
// called: "reflect.Set: value of type func() string is not assignable")
// as the func literal Go defines it to be: func(r T, args) { r.M(args) }.
func (l *lowering) methodExpr(s *types.Selection, fn *types.Func) ast.Expr {
	sig := fn.Type().(*types.Signature)
	rts, err := l.typeString(s.Recv())
	if err != nil {
		return nil
	}
	ps, as, results, ret, ok := l.methodParams(sig)
	if !ok {
		return nil
	}
	r := l.fresh("r")
	return l.expr("func("+strings.Join(append([]string{r + " " + rts}, ps...), ", ")+")"+results+" { "+ret+r+"."+fn.Name()+"("+strings.Join(as, ", ")+") }", nil)
}

// methodParams writes the parameters of a method (named ᐧa0, ᐧa1, …),
// the arguments that pass them on, its results, and "return " if it has
// any.
func (l *lowering) methodParams(sig *types.Signature) (ps, as []string, results, ret string, ok bool) {
	for i := range sig.Params().Len() {
		pt := sig.Params().At(i).Type()
		prefix, spread := "", ""
		if sig.Variadic() && i == sig.Params().Len()-1 {
			pt, prefix, spread = pt.(*types.Slice).Elem(), "...", "..."
		}
		ts, err := l.typeString(pt)
		if err != nil {
			return nil, nil, "", "", false
		}
		name := "ᐧa" + strconv.Itoa(i)
		ps = append(ps, name+" "+prefix+ts)
		as = append(as, name+spread)
	}
	var b strings.Builder
	if err := l.writeSignature(&b, types.NewSignatureType(nil, nil, nil, types.NewTuple(), sig.Results(), false), 0); err != nil {
		return nil, nil, "", "", false
	}
	if sig.Results().Len() > 0 {
		ret = "return "
	}
	return ps, as, strings.TrimPrefix(b.String(), "()"), ret, true
}

// expr parses a Go expression written as text, placeholders replaced as
// in stmts.
func (l *lowering) expr(text string, subst map[string]ast.Expr) ast.Expr {
	st := l.stmts("_ = "+text, subst)
	if len(st) != 1 {
		return nil
	}
	return st[0].(*ast.AssignStmt).Rhs[0]
}
