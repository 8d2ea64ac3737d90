package front

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dpfw/dpfw/eval/front/shim"
	"golang.org/x/tools/go/ast/astutil"
)

// yaegi v0.16.1 compares an interface value with == wrongly when it holds
// a value of the program's types: an error holding the program's *T is
// not equal to that *T, nor to an any or another interface holding it
// (false where Go says true), and two errors holding one are not
// comparable (a panic). The interpreter wraps such values (interp._error,
// the stdlib's _fmt_Stringer…, interp.valueInterface) and compares the
// wrappers. So a comparison where an operand is of interface type and
// neither is nil is lowered to shim.Equal, which compares what the
// wrappers hold (as Go does, a panic for uncomparable dynamic types).

// ifaceCompare lowers x == y and x != y as said above.
func (l *lowering) ifaceCompare(c *astutil.Cursor, n *ast.BinaryExpr) {
	if n.Op != token.EQL && n.Op != token.NEQ || !l.needsEqual(n.X, n.Y) {
		return
	}
	var e ast.Expr = l.equalCall(n.X, n.Y, n.OpPos)
	if n.Op == token.NEQ {
		e = &ast.UnaryExpr{OpPos: n.OpPos, Op: token.NOT, X: e}
	}
	l.replace(c, n, e)
}

// needsEqual reports whether comparing x and y needs shim.Equal: one is
// of interface type, or of a struct or array type holding one, and
// neither is nil. It refuses a comparison that shim.Equal cannot make
// right either: a value of the program's non-pointer type against
// error or another package's interface (which loses its type).
func (l *lowering) needsEqual(x, y ast.Expr) bool {
	tx, ty := l.typeOf(x), l.typeOf(y)
	if tx.Type == nil || ty.Type == nil || tx.IsNil() || ty.IsNil() {
		return false
	}
	for _, p := range [][2]types.Type{{tx.Type, ty.Type}, {ty.Type, tx.Type}} {
		if lostInInterface(p[0], p[1]) {
			l.fail(x.Pos(), "comparing a %s with a %s is not supported: the interpreter loses the type of a %[2]s (not a pointer) held in error or another package's interface; compare pointers, or a field", types.TypeString(p[0], qualifyMain), types.TypeString(p[1], qualifyMain))
			return false
		}
	}
	if !holdsInterface(tx.Type, 0) && !holdsInterface(ty.Type, 0) {
		return false
	}
	for _, t := range []types.Type{tx.Type, ty.Type} {
		if a, b := l.confusedIn(t, 0); a != nil {
			l.fail(x.Pos(), "comparing values of %s is not supported here: the interpreter does not tell a %s held in an interface from a value of type %s (it keeps only the underlying type); compare the values with their own types", types.TypeString(t, qualifyMain), types.TypeString(a, qualifyMain), types.TypeString(b, qualifyMain))
			return false
		}
	}
	return true
}

// holdsInterface reports whether t is an interface, or a struct or array
// holding one by value.
func holdsInterface(t types.Type, depth int) bool {
	if depth > 32 {
		return true
	}
	switch u := t.Underlying().(type) {
	case *types.Interface:
		return true
	case *types.Struct:
		for f := range u.Fields() {
			if holdsInterface(f.Type(), depth+1) {
				return true
			}
		}
	case *types.Array:
		return holdsInterface(u.Elem(), depth+1)
	}
	return false
}

// lowerSwitch lowers an expression switch that yaegi would run wrong:
//   - a case that compares as ifaceCompare lowers (an interface tag, or
//     an interface case value);
//   - a case list of several expressions, in a switch without tag or
//     where one of them is not a constant (yaegi v0.16.1 picks the wrong
//     clause: switch i { case g(1), g(2): } matches 0 and not 2, and
//     switch { case false, true: } runs no clause).
//
// Such a switch becomes a switch without tag whose clauses test one
// expression each: switch t := tag; { case Equal(t, a) || t == b: }, in
// a block after the switch's own init statement if it has one.
func (l *lowering) lowerSwitch(c *astutil.Cursor, n *ast.SwitchStmt) {
	iface, multi := false, false
	for _, st := range n.Body.List {
		list := st.(*ast.CaseClause).List
		for _, e := range list {
			if n.Tag != nil && l.needsEqual(n.Tag, e) {
				iface = true
			}
			if len(list) > 1 && (n.Tag == nil || l.typeOf(e).Value == nil) {
				multi = true
			}
		}
	}
	if !iface && !multi || l.err != nil {
		return
	}
	var t *ast.Ident
	if n.Tag != nil {
		t = &ast.Ident{Name: l.fresh("sw")}
	}
	for _, st := range n.Body.List {
		cc := st.(*ast.CaseClause)
		var cond ast.Expr
		for _, e := range cc.List {
			test := e
			switch {
			case t == nil:
			case l.needsEqual(n.Tag, e):
				test = l.equalCall(t, e, e.Pos())
			default:
				test = &ast.BinaryExpr{X: t, OpPos: e.Pos(), Op: token.EQL, Y: e}
			}
			if cond == nil {
				cond = test
			} else {
				cond = &ast.BinaryExpr{X: cond, OpPos: e.Pos(), Op: token.LOR, Y: test}
			}
		}
		if cond != nil {
			cc.List = []ast.Expr{cond}
		}
	}
	if t == nil {
		return
	}
	def := &ast.AssignStmt{Lhs: []ast.Expr{t}, Tok: token.DEFINE, Rhs: []ast.Expr{n.Tag}}
	n.Tag = nil
	if n.Init == nil {
		n.Init = def
		return
	}
	if _, ok := c.Parent().(*ast.LabeledStmt); ok {
		l.fail(n.Pos(), "a labeled switch with an init statement whose cases compare interface values or list calls is not supported: move the init statement before the label")
		return
	}
	init := n.Init
	n.Init = def
	c.Replace(&ast.BlockStmt{Lbrace: n.Pos(), List: []ast.Stmt{init, n}, Rbrace: n.End()})
}

func (l *lowering) equalCall(x, y ast.Expr, pos token.Pos) *ast.CallExpr {
	fun := &ast.SelectorExpr{X: &ast.Ident{Name: l.alias(shim.Path, "shim"), NamePos: pos}, Sel: &ast.Ident{Name: "Equal"}}
	return &ast.CallExpr{Fun: fun, Args: []ast.Expr{x, y}}
}

// confusedIn returns two types that a value of an interface type in t (t
// itself, or a field or element held by value) may hold and that yaegi
// does not tell apart when it compares or hashes them: one of the
// program's named types whose underlying type is not a struct
// (`type Color int`) and that underlying type, or two of the program's
// named types with one underlying type. yaegi gives such a value the
// reflect type of its underlying type, so Color(1) == any(1) and the two
// are one map key. nil, nil if there are none.
func (l *lowering) confusedIn(t types.Type, depth int) (types.Type, types.Type) {
	if depth > 32 {
		return nil, nil
	}
	switch u := t.Underlying().(type) {
	case *types.Interface:
		return l.confusedPair(u)
	case *types.Struct:
		for f := range u.Fields() {
			if a, b := l.confusedIn(f.Type(), depth+1); a != nil {
				return a, b
			}
		}
	case *types.Array:
		return l.confusedIn(u.Elem(), depth+1)
	}
	return nil, nil
}

// confusedPair returns two comparable types that a value of interface
// type it may hold and that yaegi represents alike (see confusedIn).
func (l *lowering) confusedPair(it *types.Interface) (types.Type, types.Type) {
	seen := map[string]types.Type{}
	add := func(c types.Type) types.Type {
		if !types.Comparable(c) || !types.Implements(c, it) {
			return nil
		}
		k := yaegiKey(c)
		if prev, ok := seen[k]; ok && !types.Identical(prev, c) {
			return prev
		}
		seen[k] = c
		return nil
	}
	for _, tn := range l.mainTypes() {
		if _, isStruct := tn.Type().Underlying().(*types.Struct); isStruct {
			continue
		}
		if prev := add(tn.Type()); prev != nil {
			return prev, tn.Type()
		}
		if prev := add(tn.Type().Underlying()); prev != nil {
			return prev, tn.Type().Underlying()
		}
	}
	return nil, nil
}
