package front

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"

	"github.com/dpfw/dpfw/eval/front/shim"
	"golang.org/x/tools/go/ast/astutil"
)

// The rewrites below turn Go 1.21–1.26 constructs that yaegi v0.16.1
// rejects or runs differently from Go into equivalent older Go:
//
//   - range over an integer: a three-clause loop;
//   - Go 1.22 loop variables (each iteration its own variable) where a
//     closure, a goroutine or an address can observe the difference:
//     per-iteration copies, copied back before the post statement;
//   - min, max, clear and new(expr): calls of small helpers (constant
//     min/max fold to their value);
//   - type switches: comma-ok assertions in case order (typeswitch.go);
//   - defer and go: arguments (and a func value held in a variable)
//     evaluated at the statement, as Go does; yaegi reads them when the
//     call runs.
//
// Range over a function is lowered before these (rangefunc.go).

// rewrite applies the rewrites to node, bottom up.
func (l *lowering) rewrite(node ast.Node) {
	astutil.Apply(node, nil, func(c *astutil.Cursor) bool {
		switch n := c.Node().(type) {
		case *ast.RangeStmt:
			l.rangeStmt(c, n)
		case *ast.ForStmt:
			l.forStmt(n)
		case *ast.CallExpr:
			l.unparenFunc(n)
			l.signedZeroCall(n)
			l.builtinCall(c, n)
			l.variadicIface(n)
			l.mapKeyDelete(n)
		case *ast.AssignStmt:
			l.commaOkIface(n.Rhs, len(n.Lhs))
			l.parallelAssign(c, n)
		case *ast.ValueSpec:
			l.commaOkIface(n.Values, len(n.Names))
		case *ast.DeferStmt:
			l.deferred(c, n.Call, func(call *ast.CallExpr) ast.Stmt { n.Call = call; return n })
		case *ast.GoStmt:
			l.deferred(c, n.Call, func(call *ast.CallExpr) ast.Stmt { n.Call = call; return n })
		case *ast.FuncType:
			nameParams(n)
		case *ast.FuncLit:
			l.closure(c, n)
		case *ast.SelectorExpr:
			if call, ok := c.Parent().(*ast.CallExpr); ok && c.Name() == "Fun" && call.Fun == n {
				break // a call; defer and go calls: deferred
			}
			if mv := l.methodValue(n); mv != nil {
				l.replace(c, n, mv)
			}
		case *ast.TypeSwitchStmt, *ast.LabeledStmt:
			l.lowerTypeSwitch(c)
		case *ast.IndexExpr:
			l.boundsCheck(n)
			l.mapKeyIndex(n)
		case *ast.CompositeLit:
			l.mapKeyLit(n)
		case *ast.GenDecl:
			l.constDecl(n)
		case *ast.TypeAssertExpr:
			l.ifaceAssertion(c, n)
		case *ast.BinaryExpr:
			l.ifaceCompare(c, n)
		case *ast.SwitchStmt:
			l.lowerSwitch(c, n)
		}
		if l.err == nil {
			l.typedNilCheck(c)
		}
		return l.err == nil
	})
}

// replace replaces expression old at c by new, keeping old's type.
func (l *lowering) replace(c *astutil.Cursor, old, new ast.Expr) {
	l.orig[new] = old
	c.Replace(new)
}

// typeOf returns the type of an expression of the original tree.
func (l *lowering) typeOf(e ast.Expr) types.TypeAndValue {
	if tv, ok := l.s.info.Types[e]; ok {
		return tv
	}
	if o, ok := l.orig[e]; ok {
		return l.typeOf(o)
	}
	return types.TypeAndValue{}
}

func (l *lowering) fresh(prefix string) string {
	l.s.f.temps++
	return "ᐧ" + prefix + strconv.Itoa(l.s.f.temps)
}

// stmts parses Go statements written as text; placeholders named in subst
// are replaced by the given (original) expressions.
func (l *lowering) stmts(text string, subst map[string]ast.Expr) []ast.Stmt {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p;func _(){"+text+"\n}", parser.SkipObjectResolution)
	if err != nil {
		l.fail(token.NoPos, "front end: internal rewrite %q: %v", text, err)
		return nil
	}
	body := f.Decls[0].(*ast.FuncDecl).Body
	clearPos(body)
	astutil.Apply(body, nil, func(c *astutil.Cursor) bool {
		if id, ok := c.Node().(*ast.Ident); ok {
			if x, ok := subst[id.Name]; ok {
				c.Replace(x)
			}
		}
		return true
	})
	return body.List
}

// clearPos drops the positions of parsed helper text, which belong to a
// throw-away file set.
func clearPos(n ast.Node) {
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			n.NamePos = token.NoPos
		case *ast.BasicLit:
			n.ValuePos = token.NoPos
		case *ast.BlockStmt:
			n.Lbrace, n.Rbrace = token.NoPos, token.NoPos
		case *ast.CallExpr:
			n.Lparen, n.Rparen = token.NoPos, token.NoPos
		case *ast.AssignStmt:
			n.TokPos = token.NoPos
		case *ast.ForStmt:
			n.For = token.NoPos
		case *ast.RangeStmt:
			n.For, n.TokPos = token.NoPos, token.NoPos
		case *ast.IncDecStmt:
			n.TokPos = token.NoPos
		case *ast.BinaryExpr:
			n.OpPos = token.NoPos
		case *ast.UnaryExpr:
			n.OpPos = token.NoPos
		case *ast.StarExpr:
			n.Star = token.NoPos
		case *ast.ParenExpr:
			n.Lparen, n.Rparen = token.NoPos, token.NoPos
		case *ast.ReturnStmt:
			n.Return = token.NoPos
		case *ast.DeferStmt:
			n.Defer = token.NoPos
		case *ast.BranchStmt:
			n.TokPos = token.NoPos
		case *ast.IfStmt:
			n.If = token.NoPos
		case *ast.FuncType:
			n.Func = token.NoPos
		case *ast.FieldList:
			n.Opening, n.Closing = token.NoPos, token.NoPos
		case *ast.CompositeLit:
			n.Lbrace, n.Rbrace = token.NoPos, token.NoPos
		case *ast.TypeAssertExpr:
			n.Lparen, n.Rparen = token.NoPos, token.NoPos
		case *ast.SwitchStmt:
			n.Switch = token.NoPos
		case *ast.ValueSpec:
			n.Names[0].NamePos = token.NoPos
		case *ast.GenDecl:
			n.TokPos = token.NoPos
		case *ast.IndexExpr:
			n.Lbrack, n.Rbrack = token.NoPos, token.NoPos
		case *ast.ArrayType:
			n.Lbrack = token.NoPos
		}
		return true
	})
}

// rangeStmt lowers range over an integer, refuses range over a function
// and gives captured range variables a copy per iteration.
func (l *lowering) rangeStmt(c *astutil.Cursor, n *ast.RangeStmt) {
	tv := l.typeOf(n.X)
	if tv.Type == nil {
		return
	}
	switch u := tv.Type.Underlying().(type) {
	case *types.Signature:
		l.fail(n.For, "range over a function (an iterator such as iter.Seq) is not supported by this interpreter; call the function with a yield func instead: seq(func(v T) bool { …; return true })")
		return
	case *types.Basic:
		if u.Info()&types.IsInteger != 0 {
			l.rangeInt(c, n, tv)
			return
		}
	}
	if n.Value != nil && !isBlank(n.Value) && chanElems(tv.Type) {
		if _, isMap := tv.Type.Underlying().(*types.Map); isMap {
			l.fail(n.For, "range over a map whose values are channels is not supported by this interpreter (it dereferences a nil pointer); range over the keys and index the map: for k := range m { c := m[k]; … }")
			return
		}
		l.rangeChans(c, n)
		return
	}
	if n.Tok == token.DEFINE {
		var names []string
		for _, e := range []ast.Expr{n.Key, n.Value} {
			if id, ok := e.(*ast.Ident); ok && id.Name != "_" && l.captured(l.s.info.Defs[id], n.Body) {
				names = append(names, id.Name)
			}
		}
		l.copyPerIteration(n.Body, names)
	}
}

// copyPerIteration starts body with x := x for each name: yaegi shares a
// loop's variables across iterations, but not variables of its body.
func (l *lowering) copyPerIteration(body *ast.BlockStmt, names []string) {
	if len(names) == 0 {
		return
	}
	var pre []ast.Stmt
	for _, name := range names {
		pre = append(pre, l.stmts(name+" := "+name+"; _ = "+name, nil)...)
	}
	body.List = append(pre, body.List...)
}

// rangeInt lowers for k := range n to a three-clause loop over a hidden
// counter, with k a fresh copy in each iteration (Go 1.22 semantics: the
// body may change k without changing the iteration).
func (l *lowering) rangeInt(c *astutil.Cursor, n *ast.RangeStmt, tv types.TypeAndValue) {
	ts, err := l.typeString(tv.Type)
	if err != nil {
		l.fail(n.For, "range over a value of type %s: %v", tv.Type, err)
		return
	}
	i, max := l.fresh("i"), l.fresh("n")
	loop := l.stmts("for "+i+", "+max+" := "+ts+"(0), ᐧX; "+i+" < "+max+"; "+i+"++ {}", map[string]ast.Expr{"ᐧX": n.X})
	if loop == nil {
		return
	}
	f := loop[0].(*ast.ForStmt)
	f.For = n.For
	f.Body = n.Body
	if n.Key != nil && !isBlank(n.Key) {
		tok := " = "
		if n.Tok == token.DEFINE {
			tok = " := "
		}
		key := l.stmts("ᐧK"+tok+i+"; _ = ᐧK", map[string]ast.Expr{"ᐧK": n.Key})
		if n.Tok == token.DEFINE {
			// The second mention must not be the defining identifier.
			key[1].(*ast.AssignStmt).Rhs[0] = ast.NewIdent(n.Key.(*ast.Ident).Name)
		} else {
			key = key[:1]
		}
		f.Body.List = append(key, f.Body.List...)
	}
	c.Replace(f)
}

// chanElems reports whether t is a slice, array, pointer to array or map
// whose elements are channels: yaegi's range with a value variable over
// one panics ("reflect: call of reflect.Value.Len on int Value", a nil
// pointer for a map).
func chanElems(t types.Type) bool {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	var elem types.Type
	switch u := t.Underlying().(type) {
	case *types.Slice:
		elem = u.Elem()
	case *types.Array:
		elem = u.Elem()
	case *types.Map:
		elem = u.Elem()
	default:
		return false
	}
	_, ok := elem.Underlying().(*types.Chan)
	return ok
}

// rangeChans lowers for k, v := range X, X a slice or array of channels
// (or a pointer to such an array), to a loop over an index that yaegi
// runs right: X is evaluated once, as by range (an array is copied), and
// k and v are fresh variables in each iteration.
func (l *lowering) rangeChans(c *astutil.Cursor, n *ast.RangeStmt) {
	i, r := l.fresh("i"), l.fresh("r")
	loop := l.stmts("for "+i+", "+r+" := 0, ᐧX; "+i+" < len("+r+"); "+i+"++ {}", map[string]ast.Expr{"ᐧX": n.X})
	if loop == nil {
		return
	}
	f := loop[0].(*ast.ForStmt)
	f.For = n.For
	f.Body = n.Body
	var pre []ast.Stmt
	if n.Key != nil && !isBlank(n.Key) {
		pre = append(pre, l.rangeVar(n, n.Key, i)...)
	}
	pre = append(pre, l.rangeVar(n, n.Value, r+"["+i+"]")...)
	f.Body.List = append(pre, f.Body.List...)
	c.Replace(f)
}

// rangeVar assigns (or, for :=, declares) the range variable e of n from
// the expression text val.
func (l *lowering) rangeVar(n *ast.RangeStmt, e ast.Expr, val string) []ast.Stmt {
	if n.Tok != token.DEFINE {
		return l.stmts("ᐧK = "+val, map[string]ast.Expr{"ᐧK": e})
	}
	st := l.stmts("ᐧK := "+val+"; _ = ᐧK", map[string]ast.Expr{"ᐧK": e})
	if st != nil {
		// The second mention must not be the defining identifier.
		st[1].(*ast.AssignStmt).Rhs[0] = ast.NewIdent(e.(*ast.Ident).Name)
	}
	return st
}

// variadicIface passes the variadic arguments of a call to a native
// package's function as an explicit slice when the variadic parameter is
// a non-empty interface: io.MultiWriter(&buf, cw) becomes
// io.MultiWriter([]io.Writer{&buf, cw}...), the same call in Go. yaegi
// converts each interpreted argument of such a call itself and fails
// ("reflect: cannot use *struct {…} as type io.Writer in Call"); in a
// composite literal it wraps them as it does for any interface value.
func (l *lowering) variadicIface(call *ast.CallExpr) {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || call.Ellipsis.IsValid() {
		return
	}
	fn, ok := l.s.info.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() == l.s.pkg.Path() {
		return
	}
	sig := fn.Type().(*types.Signature)
	if !sig.Variadic() || sig.Recv() != nil || len(call.Args) < sig.Params().Len() {
		return
	}
	elem := sig.Params().At(sig.Params().Len() - 1).Type().(*types.Slice).Elem()
	if iface, ok := elem.Underlying().(*types.Interface); !ok || iface.NumMethods() == 0 {
		return
	}
	ts, err := l.typeString(elem)
	if err != nil {
		return // left as it was
	}
	t, err := parser.ParseExpr(ts)
	if err != nil {
		return
	}
	clearPos(t)
	k := sig.Params().Len() - 1
	lit := &ast.CompositeLit{Type: &ast.ArrayType{Elt: t}, Elts: call.Args[k:]}
	call.Args = append(call.Args[:k:k], lit)
	call.Ellipsis = call.Rparen
}

// nameParams names the parameters of a func that names none "_": yaegi
// mixes up the frame of a function with unnamed parameters whose body
// makes a call (func(int) error { return errors.New("x") } panics with
// "reflect.Set: value of type int is not assignable to type func(string)
// error"). func(_ int) is the same type and the same func.
func nameParams(ft *ast.FuncType) {
	if ft.Params == nil {
		return
	}
	for _, f := range ft.Params.List {
		if len(f.Names) > 0 {
			return
		}
	}
	for _, f := range ft.Params.List {
		f.Names = []*ast.Ident{ast.NewIdent("_")}
	}
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// forStmt gives the variables of a three-clause loop a copy per
// iteration when a closure or an address could tell: the loop runs on
// hidden variables, the body on copies made at its start and copied back
// at its end and before each continue.
func (l *lowering) forStmt(n *ast.ForStmt) {
	init, ok := n.Init.(*ast.AssignStmt)
	if !ok || init.Tok != token.DEFINE {
		return
	}
	type loopVar struct {
		obj    types.Object
		name   string
		hidden string
	}
	var vars []loopVar
	for _, e := range init.Lhs {
		id, ok := e.(*ast.Ident)
		if !ok || id.Name == "_" {
			continue
		}
		if obj := l.s.info.Defs[id]; obj != nil && l.captured(obj, n.Body) {
			vars = append(vars, loopVar{obj, id.Name, l.fresh(id.Name)})
		}
	}
	if len(vars) == 0 {
		return
	}
	hidden := map[types.Object]string{}
	for _, v := range vars {
		hidden[v.obj] = v.hidden
	}
	// The init defines the hidden variables; cond and post use them.
	for _, e := range init.Lhs {
		if id, ok := e.(*ast.Ident); ok {
			if h, ok := hidden[l.s.info.Defs[id]]; ok {
				id.Name = h
			}
		}
	}
	for _, part := range []ast.Node{n.Cond, n.Post} {
		if part == nil {
			continue
		}
		ast.Inspect(part, func(x ast.Node) bool {
			if id, ok := x.(*ast.Ident); ok {
				if h, ok := hidden[l.s.info.Uses[id]]; ok {
					id.Name = h
				}
			}
			return true
		})
	}
	var in, back string
	for _, v := range vars {
		in += v.name + " := " + v.hidden + "; _ = " + v.name + ";"
		back += v.hidden + " = " + v.name + ";"
	}
	label := l.labels[n]
	l.continues(n.Body, label, func() []ast.Stmt { return l.stmts(back, nil) })
	n.Body.List = append(append(l.stmts(in, nil), n.Body.List...), l.stmts(back, nil)...)
}

// continues puts copy-back statements before every continue in body that
// continues the loop (unlabeled ones outside nested loops, and those
// naming its label).
func (l *lowering) continues(body *ast.BlockStmt, label string, back func() []ast.Stmt) {
	var walk func(n ast.Node, nested bool)
	walk = func(n ast.Node, nested bool) {
		astutil.Apply(n, func(c *astutil.Cursor) bool {
			switch x := c.Node().(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				if c.Node() != n {
					walk(x, true)
					return false
				}
			case *ast.BranchStmt:
				if x.Tok != token.CONTINUE {
					return true
				}
				if (x.Label == nil && !nested) || (x.Label != nil && x.Label.Name == label && label != "") {
					c.Replace(&ast.BlockStmt{List: append(back(), x)})
				}
			}
			return true
		}, nil)
	}
	walk(body, false)
}

// captured reports whether obj is referenced by a closure in node, or has
// its address taken there (explicitly or by a pointer-receiver method).
func (l *lowering) captured(obj types.Object, node ast.Node) bool {
	if obj == nil {
		return false
	}
	found := false
	ast.Inspect(node, func(n ast.Node) bool {
		if found {
			return false
		}
		switch x := n.(type) {
		case *ast.FuncLit:
			ast.Inspect(x.Body, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok && l.s.info.Uses[id] == obj {
					found = true
				}
				return !found
			})
			return false
		case *ast.UnaryExpr:
			if id, ok := ast.Unparen(x.X).(*ast.Ident); ok && x.Op == token.AND && l.s.info.Uses[id] == obj {
				found = true
			}
		case *ast.SelectorExpr:
			if id, ok := ast.Unparen(x.X).(*ast.Ident); ok && l.s.info.Uses[id] == obj {
				if sel := l.s.info.Selections[x]; sel != nil && sel.Kind() != types.FieldVal {
					if _, isPtr := sel.Obj().Type().(*types.Signature).Recv().Type().(*types.Pointer); isPtr {
						found = true
					}
				}
			}
		case *ast.GoStmt:
			// go f(x) copies x at the statement (see deferred); a
			// goroutine's closure is a FuncLit, handled above.
		}
		return true
	})
	return found
}

// builtinCall lowers min, max, clear, new(expr) and recover.
func (l *lowering) builtinCall(c *astutil.Cursor, call *ast.CallExpr) {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return
	}
	b, ok := l.s.info.Uses[id].(*types.Builtin)
	if !ok {
		return
	}
	switch b.Name() {
	case "recover":
		// yaegi's recover returns the value of an interpreted panic as a
		// reflect.Value held in an any, which no assertion matches.
		name := l.helper("recover", func(name string) string {
			// Other values come from compiled code or yaegi itself:
			// shim.Recovered gives Go's run-time errors for yaegi's.
			r := l.alias("reflect", "reflect")
			return "func " + name + "(v any) any { if rv, ok := v.(" + r + ".Value); ok && rv.IsValid() && rv.CanInterface() { return rv.Interface() }; if v == nil { return nil }; return " +
				l.alias(shim.Path, "shim") + ".Recovered(v) }"
		})
		l.replace(c, call, &ast.CallExpr{Fun: &ast.Ident{Name: name, NamePos: id.Pos()}, Lparen: call.Lparen, Args: []ast.Expr{call}, Rparen: call.Rparen})
	case "min", "max":
		tv := l.typeOf(call)
		if tv.Value != nil {
			l.replace(c, call, l.constExpr(tv))
			return
		}
		ts, err := l.typeString(tv.Type)
		if err != nil {
			l.fail(call.Pos(), "%s of %s: %v", b.Name(), tv.Type, err)
			return
		}
		name := l.helper(b.Name()+" "+ts, func(name string) string { return minMaxHelper(name, b.Name(), ts, tv.Type, l) })
		hc := &ast.CallExpr{Fun: &ast.Ident{Name: name, NamePos: id.Pos()}, Lparen: call.Lparen, Args: call.Args, Rparen: call.Rparen}
		l.signedZeroHelper(hc, tv.Type, "func("+ts+", ..."+ts+") "+ts)
		l.replace(c, call, hc)
	case "clear":
		t := l.typeOf(call.Args[0]).Type
		ts, err := l.typeString(t)
		if err != nil {
			l.fail(call.Pos(), "clear of %s: %v", t, err)
			return
		}
		name := l.helper("clear "+ts, func(name string) string {
			if _, ok := t.Underlying().(*types.Map); ok {
				return "func " + name + "(m " + ts + ") { for k := range m { delete(m, k) } }"
			}
			return "func " + name + "(s " + ts + ") { var zero " + elemString(l, t) + "; for i := range s { s[i] = zero } }"
		})
		l.replace(c, call, &ast.CallExpr{Fun: &ast.Ident{Name: name, NamePos: id.Pos()}, Lparen: call.Lparen, Args: call.Args, Rparen: call.Rparen})
	case "new":
		if len(call.Args) != 1 || l.typeOf(call.Args[0]).IsType() {
			return
		}
		t := types.Default(l.typeOf(call.Args[0]).Type)
		ts, err := l.typeString(t)
		if err != nil {
			l.fail(call.Pos(), "new of %s: %v", t, err)
			return
		}
		name := l.helper("new "+ts, func(name string) string { return "func " + name + "(v " + ts + ") *" + ts + " { return &v }" })
		hc := &ast.CallExpr{Fun: &ast.Ident{Name: name, NamePos: id.Pos()}, Lparen: call.Lparen, Args: call.Args, Rparen: call.Rparen}
		l.signedZeroHelper(hc, t, "func("+ts+") *"+ts)
		l.replace(c, call, hc)
	}
}

func elemString(l *lowering, t types.Type) string {
	s, _ := l.typeString(t.Underlying().(*types.Slice).Elem())
	return s
}

// constExpr writes a constant value, converted to its type if typed.
func (l *lowering) constExpr(tv types.TypeAndValue) ast.Expr {
	lit := tv.Value.ExactString()
	if tv.Value.Kind() == constant.Float {
		if f, ok := constant.Float64Val(tv.Value); ok {
			lit = strconv.FormatFloat(f, 'g', -1, 64)
		}
	}
	text := lit
	if b, ok := tv.Type.(*types.Basic); !ok || b.Info()&types.IsUntyped == 0 {
		if ts, err := l.typeString(tv.Type); err == nil {
			text = ts + "(" + lit + ")"
		}
	}
	x, err := parser.ParseExpr(text)
	if err != nil {
		l.fail(token.NoPos, "front end: constant %s: %v", text, err)
		return &ast.BasicLit{Kind: token.INT, Value: "0"}
	}
	clearPos(x)
	return x
}

// minMaxHelper writes min or max over ts with Go's rules: NaN wins, and
// -0 is less than +0.
func minMaxHelper(name, op, ts string, t types.Type, l *lowering) string {
	less := "v < x"
	if op == "max" {
		less = "v > x"
	}
	body := "if " + less + " { x = v }"
	if b, ok := t.Underlying().(*types.Basic); ok && b.Info()&types.IsFloat != 0 {
		m := l.alias("math", "math")
		sign := m + ".Signbit(float64(v))"
		if op == "max" {
			sign = "!" + sign
		}
		body = "if v != v || x != x { if x == x { x = v }; continue }; if " + less + " || (v == x && v == 0 && " + sign + ") { x = v }"
	}
	return "func " + name + "(x " + ts + ", ys ..." + ts + ") " + ts + " { for _, v := range ys { " + body + " }; return x }"
}

// helper returns the name of a helper function for key, declaring it
// (with text(name)) the first time this engine needs it.
func (l *lowering) helper(key string, text func(name string) string) string {
	if name, ok := l.s.f.helpers[key]; ok {
		return name
	}
	if name, ok := l.newHelpers[key]; ok {
		return name
	}
	name := l.fresh("h")
	l.newHelpers[key] = name
	l.decls = append(l.decls, text(name))
	return name
}

// deferred evaluates the arguments of a deferred or go call at the
// statement, into per-statement variables that nothing changes later
// (yaegi evaluates them when the call runs).
func (l *lowering) deferred(c *astutil.Cursor, call *ast.CallExpr, rebuild func(*ast.CallExpr) ast.Stmt) {
	if _, isBlock := c.Parent().(*ast.BlockStmt); !isBlock {
		if _, isCase := c.Parent().(*ast.CaseClause); !isCase {
			if _, isComm := c.Parent().(*ast.CommClause); !isComm {
				return
			}
		}
	}
	var lhs, rhs []string
	subst := map[string]ast.Expr{}
	newCall := *call
	newCall.Args = append([]ast.Expr(nil), call.Args...)
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		// defer t.M(): the receiver too is evaluated at the statement.
		if mv := l.methodValue(sel); mv != nil {
			l.orig[mv] = call.Fun
			newCall.Fun = mv
			call = &newCall
		}
	}
	if l.needsTemp(call.Fun, true) {
		name := l.fresh("f")
		lhs, rhs = append(lhs, name), append(rhs, "ᐧF")
		subst["ᐧF"] = call.Fun
		newCall.Fun = &ast.Ident{Name: name, NamePos: call.Fun.Pos()}
	}
	if len(call.Args) == 1 {
		if tup, ok := l.typeOf(call.Args[0]).Type.(*types.Tuple); ok && tup.Len() > 1 {
			return // f(g()) with several results: left as it is
		}
	}
	for i, a := range call.Args {
		if !l.needsTemp(a, false) {
			continue
		}
		name := l.fresh("a")
		ph := "ᐧA" + strconv.Itoa(i)
		lhs, rhs = append(lhs, name), append(rhs, ph)
		subst[ph] = a
		newCall.Args[i] = &ast.Ident{Name: name, NamePos: a.Pos()}
	}
	if len(lhs) == 0 {
		return
	}
	text := ""
	for i := range lhs {
		if i > 0 {
			text += ", "
		}
		text += lhs[i]
	}
	text += " := "
	for i := range rhs {
		if i > 0 {
			text += ", "
		}
		text += rhs[i]
	}
	pre := l.stmts(text, subst)
	if pre == nil {
		return
	}
	c.Replace(&ast.BlockStmt{List: append(pre, rebuild(&newCall))})
}

// needsTemp reports whether a deferred call's function or argument must
// be evaluated at the statement: anything but constants, nil, types,
// untyped values and, for the function, named functions and methods.
func (l *lowering) needsTemp(e ast.Expr, fun bool) bool {
	tv := l.typeOf(e)
	if tv.Type == nil || tv.Value != nil || tv.IsNil() || tv.IsType() || tv.IsBuiltin() {
		return false
	}
	if b, ok := tv.Type.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
		return false
	}
	if !fun {
		return true
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		_, isVar := l.s.info.Uses[x].(*types.Var)
		return isVar
	case *ast.SelectorExpr, *ast.FuncLit, *ast.IndexExpr, *ast.IndexListExpr:
		return false // methods, package functions, literals, instantiations
	}
	return true
}

// constDecl writes out the values of a const declaration's specs that
// depend on iota (by name or by repeating the spec before), once a spec
// of several names has come: yaegi reports a "constant definition loop"
// for a repeated spec of several names (const (a, b = iota, iota * 10;
// c, d)) and counts iota by names, not specs, after one. Integer,
// boolean and string values are written exactly; a float's literal could
// lose precision, so such a spec is refused.
func (l *lowering) constDecl(d *ast.GenDecl) {
	if d.Tok != token.CONST {
		return
	}
	several := false
	for _, spec := range d.Specs {
		vs := spec.(*ast.ValueSpec)
		if several && l.usesIota(vs) {
			values := l.constValues(vs)
			if values == nil {
				l.fail(vs.Pos(), "a constant spec using iota after a spec of several names, whose values are not integers, booleans or strings, "+
					"is not supported (the interpreter counts iota wrong there); declare one constant per line")
				return
			}
			vs.Type, vs.Values = nil, values
		}
		several = several || len(vs.Names) > 1
	}
}

// usesIota reports whether spec's values depend on iota.
func (l *lowering) usesIota(vs *ast.ValueSpec) bool {
	if len(vs.Values) == 0 {
		return true
	}
	found := false
	for _, v := range vs.Values {
		ast.Inspect(v, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if c, ok := l.s.info.Uses[id].(*types.Const); ok && c.Pkg() == nil && c.Name() == "iota" {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

// constValues returns spec's values written out, or nil where one is not
// an integer, boolean or string (or a name is blank).
func (l *lowering) constValues(vs *ast.ValueSpec) []ast.Expr {
	var values []ast.Expr
	for _, name := range vs.Names {
		c, ok := l.s.info.Defs[name].(*types.Const)
		if !ok {
			return nil
		}
		switch c.Val().Kind() {
		case constant.Int, constant.Bool, constant.String:
		default:
			return nil
		}
		values = append(values, l.constExpr(types.TypeAndValue{Type: c.Type(), Value: c.Val()}))
	}
	return values
}

// commaOkIface lowers a comma-ok assertion of an interface value to a
// non-empty interface type (v, ok := x.(error)): yaegi panics there on a
// nil x ("reflect: call of reflect.Value.Type on zero Value", as after a
// recover() that found no panic) where Go gives the zero value and false.
// The operand goes through a helper that turns nil into a struct{}{},
// which no such assertion accepts either; a value that is not nil goes
// through unchanged, as an any (what the assertion looks at: its dynamic
// type and value).
func (l *lowering) commaOkIface(rhs []ast.Expr, lhs int) {
	if lhs != 2 || len(rhs) != 1 {
		return
	}
	ta, ok := ast.Unparen(rhs[0]).(*ast.TypeAssertExpr)
	if !ok || ta.Type == nil {
		return
	}
	t, xt := l.typeOf(ta.Type).Type, l.typeOf(ta.X).Type
	if t == nil || xt == nil {
		return
	}
	if it, ok := t.Underlying().(*types.Interface); !ok || it.NumMethods() == 0 {
		return
	}
	if it, ok := xt.Underlying().(*types.Interface); !ok || !it.Empty() {
		return
	}
	name := l.helper("comma-ok operand", func(name string) string {
		return "func " + name + "(v any) any { if v == nil { return struct{}{} }; return v }"
	})
	ta.X = &ast.CallExpr{Fun: &ast.Ident{Name: name, NamePos: ta.X.Pos()}, Args: []ast.Expr{ta.X}}
}

// unparenFunc drops the parentheses around a declared function called
// through them ((f)(x)): yaegi v0.16.1 panics ("reflect: call of
// reflect.Value.Call on ptr Value").
func (l *lowering) unparenFunc(call *ast.CallExpr) {
	p, ok := call.Fun.(*ast.ParenExpr)
	if !ok {
		return
	}
	if id, ok := ast.Unparen(p).(*ast.Ident); ok {
		if _, isFunc := l.s.info.Uses[id].(*types.Func); isFunc {
			call.Fun = id
		}
	}
}
