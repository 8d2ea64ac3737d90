package front

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// Range over a function (Go 1.23) is lowered before the other rewrites,
// after the design of the compiler's own rewrite (cmd/compile/internal/
// rangefunc): the loop
//
//	for k, v := range seq { body }
//
// becomes a call of seq with a yield closure,
//
//	{
//		var ᐧnext int          // what to do once seq returns (escapes)
//		var ᐧdk []func()       // defers of the bodies, run when the function returns
//		defer func() { … run ᐧdk last-in first-out … }()
//		ᐧst := 0               // 0 ready, 1 in the body, 2 done, 3 exhausted
//		seq(func(k K, v V) bool {
//			if ᐧst != 0 { panic(Go's message for ᐧst) }
//			ᐧst = 1
//			body
//			ᐧst = 0; return true
//		})
//		if ᐧst == 1 { panic(recovered a loop body panic and did not resume panicking) }
//		ᐧst = 3
//		if ᐧnext == c { ᐧnext = 0; <the jump c> }   // per escape
//	}
//
// In the body, break is "ᐧst = 2; return false" and continue "ᐧst = 0;
// return true". A return, a goto, or a labelled break or continue whose
// target lies outside the body (an escape) stores its results in the
// enclosing function's named results (unnamed ones are given names),
// sets ᐧnext to a code of its own and returns false; each loop it leaves
// passes the code on ("if ᐧnext != 0 { ᐧst = 2; return false }") up to
// the level that holds its target, where the jump is made. A defer in
// the body appends its call (arguments evaluated at the statement) to
// ᐧdk, which a defer of the enclosing function, made when the outermost
// loop starts, runs: the calls run when the enclosing function returns,
// in Go's order.

// rangeFuncs lowers every range over a function in node (a declaration
// or the cell), one function body at a time, innermost first.
func (l *lowering) rangeFuncs(node ast.Node) {
	if !l.hasRangeFunc(node) {
		return
	}
	var fns []rfFunc
	var collect func(n ast.Node)
	collect = func(n ast.Node) {
		ast.Inspect(n, func(x ast.Node) bool {
			if fl, ok := x.(*ast.FuncLit); ok && x != n {
				collect(fl)
				fns = append(fns, rfFunc{typ: fl.Type, body: fl.Body})
				return false
			}
			return true
		})
	}
	switch n := node.(type) {
	case *ast.FuncDecl:
		if n.Body == nil {
			return
		}
		collect(n.Body)
		fns = append(fns, rfFunc{typ: n.Type, body: n.Body})
	case *ast.BlockStmt:
		collect(n)
		fns = append(fns, rfFunc{body: n})
	default:
		collect(node)
	}
	for i := range fns {
		if l.err != nil {
			return
		}
		fn := &fns[i]
		if !l.hasRangeFunc(fn.body) {
			continue
		}
		fn.l = l
		fn.lower()
	}
}

func (l *lowering) hasRangeFunc(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if r, ok := x.(*ast.RangeStmt); ok && l.isRangeFunc(r) {
			found = true
		}
		return !found
	})
	return found
}

func (l *lowering) isRangeFunc(r *ast.RangeStmt) bool {
	tv := l.typeOf(r.X)
	if tv.Type == nil {
		return false
	}
	_, ok := tv.Type.Underlying().(*types.Signature)
	return ok
}

// rfFunc is one function body being lowered.
type rfFunc struct {
	l    *lowering
	typ  *ast.FuncType // nil for the cell
	body *ast.BlockStmt

	labelLevel map[string]int  // label -> range-func level of its statement
	gotos      map[string]bool // labels some goto names
	loops      []*rfLoop       // the range-func loops around the walk
	frames     []rfFrame       // the breakable statements around the walk
	next       string          // ᐧnext of the outermost loop ("" until needed)
	dk         string          // ᐧdk of the outermost loop ("" until needed)
	codes      int
	named      bool // the results have been given names
}

// rfLoop is a range-over-func loop being lowered.
type rfLoop struct {
	level   int // 1 for the outermost in its function
	st      string
	escapes []rfEscape // jumps leaving its body, to be passed on or made
}

// rfFrame is a breakable statement around the walk.
type rfFrame struct {
	stmt  ast.Stmt
	label string
	loop  bool    // continue may target it
	level int     // the range-func level the statement sits at
	rf    *rfLoop // the loop, when it is a range over a function
}

// rfEscape is a jump out of a loop body: made by the code after the loop
// at level level.
type rfEscape struct {
	code  int
	level int
	do    func() []ast.Stmt
}

func (f *rfFunc) level() int { return len(f.loops) }

func (f *rfFunc) lower() {
	f.labelLevel, f.gotos = map[string]int{}, map[string]bool{}
	f.scanLabels(f.body, 0)
	f.block(f.body.List)
}

// scanLabels records each label's level and which labels gotos name.
func (f *rfFunc) scanLabels(n ast.Node, level int) {
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.FuncLit:
			return false
		case *ast.LabeledStmt:
			f.labelLevel[x.Label.Name] = level
		case *ast.BranchStmt:
			if x.Tok == token.GOTO && x.Label != nil {
				f.gotos[x.Label.Name] = true
			}
		case *ast.RangeStmt:
			if x != n && f.l.isRangeFunc(x) {
				f.scanLabels(x.Body, level+1)
				return false
			}
		}
		return true
	})
}

func (f *rfFunc) block(list []ast.Stmt) {
	for i, s := range list {
		list[i] = f.stmt(s, "")
	}
}

func (f *rfFunc) push(s ast.Stmt, label string, loop bool) {
	f.frames = append(f.frames, rfFrame{stmt: s, label: label, loop: loop, level: f.level()})
}

func (f *rfFunc) pop() { f.frames = f.frames[:len(f.frames)-1] }

// stmt walks s and returns what replaces it.
func (f *rfFunc) stmt(s ast.Stmt, label string) ast.Stmt {
	if f.l.err != nil {
		return s
	}
	switch n := s.(type) {
	case *ast.BlockStmt:
		f.block(n.List)
	case *ast.LabeledStmt:
		inner := f.stmt(n.Stmt, n.Label.Name)
		if r, ok := n.Stmt.(*ast.RangeStmt); ok && f.l.isRangeFunc(r) && !f.gotos[n.Label.Name] {
			return inner
		}
		n.Stmt = inner
	case *ast.IfStmt:
		f.block(n.Body.List)
		if n.Else != nil {
			n.Else = f.stmt(n.Else, "")
		}
	case *ast.ForStmt:
		f.push(n, label, true)
		f.block(n.Body.List)
		f.pop()
	case *ast.RangeStmt:
		if f.l.isRangeFunc(n) {
			return f.rangeFunc(n, label)
		}
		f.push(n, label, true)
		f.block(n.Body.List)
		f.pop()
	case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
		f.push(n, label, false)
		f.clauses(n)
		f.pop()
	case *ast.BranchStmt:
		if f.level() > 0 {
			return f.branch(n)
		}
	case *ast.ReturnStmt:
		if f.level() > 0 {
			return f.ret(n)
		}
	case *ast.DeferStmt:
		if f.level() > 0 {
			return f.deferStmt(n)
		}
	}
	return s
}

func (f *rfFunc) clauses(s ast.Stmt) {
	var body *ast.BlockStmt
	switch s := s.(type) {
	case *ast.SwitchStmt:
		body = s.Body
	case *ast.TypeSwitchStmt:
		body = s.Body
	case *ast.SelectStmt:
		body = s.Body
	}
	for _, c := range body.List {
		switch c := c.(type) {
		case *ast.CaseClause:
			f.block(c.Body)
		case *ast.CommClause:
			f.block(c.Body)
		}
	}
}

// exit is "ᐧst = 2; return false" for the innermost loop.
func (f *rfFunc) exit(loop *rfLoop) []ast.Stmt {
	return f.l.stmts(loop.st+" = 2; return false", nil)
}

func (f *rfFunc) resume(loop *rfLoop) []ast.Stmt {
	return f.l.stmts(loop.st+" = 0; return true", nil)
}

// branch lowers a break, continue or goto inside a loop body.
func (f *rfFunc) branch(n *ast.BranchStmt) ast.Stmt {
	d := f.level()
	inner := f.loops[d-1]
	if n.Tok == token.GOTO {
		t, ok := f.labelLevel[n.Label.Name]
		if !ok || t == d {
			return n
		}
		return f.escape(nil, t, func() []ast.Stmt { return []ast.Stmt{n} })
	}
	if n.Tok != token.BREAK && n.Tok != token.CONTINUE {
		return n
	}
	var target *rfFrame
	for i := len(f.frames) - 1; i >= 0; i-- {
		fr := &f.frames[i]
		if n.Label != nil {
			if fr.label == n.Label.Name {
				target = fr
				break
			}
			continue
		}
		if n.Tok == token.BREAK || fr.loop {
			target = fr
			break
		}
	}
	if target == nil {
		return n
	}
	brk := n.Tok == token.BREAK
	switch {
	case target.rf == inner:
		if brk {
			return &ast.BlockStmt{List: f.exit(inner)}
		}
		return &ast.BlockStmt{List: f.resume(inner)}
	case target.rf == nil && target.level == d:
		return n
	case target.rf != nil:
		rf := target.rf
		return f.escape(nil, rf.level, func() []ast.Stmt {
			if brk {
				return f.exit(rf)
			}
			return f.resume(rf)
		})
	default:
		return f.escape(nil, target.level, func() []ast.Stmt { return []ast.Stmt{n} })
	}
}

// escape lowers a jump to level t (< the current level): it leaves the
// loop with a code that the loops between pass on and the code after the
// loop at level t acts on with do.
func (f *rfFunc) escape(pre []ast.Stmt, t int, do func() []ast.Stmt) ast.Stmt {
	f.codes++
	code := f.codes
	if f.next == "" {
		f.next = f.l.fresh("next")
	}
	d := f.level()
	for j := d; j > t; j-- {
		f.loops[j-1].escapes = append(f.loops[j-1].escapes, rfEscape{code: code, level: t, do: do})
	}
	list := append(pre, f.l.stmts(f.next+" = "+strconv.Itoa(code), nil)...)
	list = append(list, f.exit(f.loops[d-1])...)
	return &ast.BlockStmt{List: list}
}

// ret lowers a return inside a loop body: the results go to the
// function's named results, and the function returns once out of the
// loops.
func (f *rfFunc) ret(n *ast.ReturnStmt) ast.Stmt {
	var pre []ast.Stmt
	if len(n.Results) > 0 {
		names := f.resultNames(n)
		if names == nil {
			return n
		}
		var lhs []ast.Expr
		for _, name := range names {
			lhs = append(lhs, ast.NewIdent(name))
		}
		rhs := append([]ast.Expr(nil), n.Results...)
		if rtypes := f.resultTypes(); len(rtypes) == len(rhs) {
			for i, e := range rhs {
				if f.l.typeOf(e).IsNil() {
					// yaegi fails on nil in a tuple assignment: (T)(nil).
					rhs[i] = &ast.CallExpr{Fun: &ast.ParenExpr{X: rtypes[i]}, Args: []ast.Expr{e}}
				}
			}
		}
		pre = append(pre, &ast.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, TokPos: n.Return, Rhs: rhs})
	}
	return f.escape(pre, 0, func() []ast.Stmt { return []ast.Stmt{&ast.ReturnStmt{Return: n.Return}} })
}

// resultNames returns the names of the function's results, naming them
// first if they have no names (or blank ones); nil after a refusal.
func (f *rfFunc) resultNames(n *ast.ReturnStmt) []string {
	if f.typ == nil || f.typ.Results == nil {
		f.l.fail(n.Return, "front end: return with values outside a function")
		return nil
	}
	var names []string
	for _, field := range f.typ.Results.List {
		if len(field.Names) == 0 {
			field.Names = []*ast.Ident{{Name: f.l.fresh("r"), NamePos: field.Pos()}}
		}
		for _, id := range field.Names {
			if id.Name == "_" {
				id.Name = f.l.fresh("r")
			}
			names = append(names, id.Name)
		}
	}
	// A named result shadowed where the return is would be the wrong
	// variable: refuse that rare case.
	if !f.named {
		f.named = true
		for _, name := range names {
			if f.shadowed(name) {
				f.l.fail(n.Return, "return inside a range-over-func loop body where the result %s is shadowed is not supported; rename the inner %s", name, name)
				return nil
			}
		}
	}
	return names
}

// resultTypes lists the type expressions of the function's results.
func (f *rfFunc) resultTypes() []ast.Expr {
	var out []ast.Expr
	for _, field := range f.typ.Results.List {
		for range max(1, len(field.Names)) {
			out = append(out, field.Type)
		}
	}
	return out
}

func (f *rfFunc) shadowed(name string) bool {
	found := false
	ast.Inspect(f.body, func(x ast.Node) bool {
		if id, ok := x.(*ast.Ident); ok && id.Name == name {
			if obj := f.l.s.info.Defs[id]; obj != nil && obj.Parent() != nil && f.typ != nil && obj.Pos() > f.typ.End() {
				found = true
			}
		}
		return !found
	})
	return found
}

// deferStmt lowers a defer inside a loop body: its call, with function
// and arguments evaluated now, joins the outermost loop's defer list.
func (f *rfFunc) deferStmt(n *ast.DeferStmt) ast.Stmt {
	l := f.l
	if callsRecover(l, n.Call) {
		l.fail(n.Defer, "a deferred call that recovers, inside a range-over-func loop body, is not supported; defer it before the loop")
		return n
	}
	if f.dk == "" {
		f.dk = l.fresh("dk")
	}
	call := *n.Call
	call.Args = append([]ast.Expr(nil), n.Call.Args...)
	var pre []ast.Stmt
	temp := func(e ast.Expr) ast.Expr {
		name := l.fresh("a")
		pre = append(pre, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(name)}, Tok: token.DEFINE, Rhs: []ast.Expr{e}})
		return &ast.Ident{Name: name, NamePos: e.Pos()}
	}
	if l.needsTemp(call.Fun, true) {
		call.Fun = temp(call.Fun)
	} else if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s := l.s.info.Selections[sel]; s != nil && s.Kind() == types.MethodVal && !s.Indirect() && !ptrRecvOnValue(s) {
			// The receiver is evaluated at the defer statement too.
			call.Fun = &ast.SelectorExpr{X: temp(sel.X), Sel: sel.Sel}
		}
	}
	single := true
	if len(call.Args) == 1 {
		if tup, ok := l.typeOf(call.Args[0]).Type.(*types.Tuple); ok && tup.Len() > 1 {
			single = false
		}
	}
	for i, a := range call.Args {
		if single && l.needsTemp(a, false) {
			call.Args[i] = temp(a)
		}
	}
	if !single {
		l.fail(n.Defer, "defer f(g()) with g returning several values, inside a range-over-func loop body, is not supported; assign g's results to variables first")
		return n
	}
	lit := &ast.FuncLit{Type: &ast.FuncType{Params: &ast.FieldList{}}, Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: &call}}}}
	pre = append(pre, &ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(f.dk)}, Tok: token.ASSIGN,
		Rhs: []ast.Expr{&ast.CallExpr{Fun: ast.NewIdent("append"), Args: []ast.Expr{ast.NewIdent(f.dk), lit}}}})
	return &ast.BlockStmt{List: pre}
}

// callsRecover reports whether a deferred call calls recover itself or
// is a function literal that does.
func callsRecover(l *lowering, call *ast.CallExpr) bool {
	isRecover := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return false
		}
		b, ok := l.s.info.Uses[id].(*types.Builtin)
		return ok && b.Name() == "recover"
	}
	if isRecover(call.Fun) {
		return true
	}
	lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit)
	if !ok {
		return false
	}
	found := false
	ast.Inspect(lit.Body, func(x ast.Node) bool {
		if _, ok := x.(*ast.FuncLit); ok {
			return false
		}
		if c, ok := x.(*ast.CallExpr); ok && isRecover(c.Fun) {
			found = true
		}
		return !found
	})
	return found
}

// rangeFunc lowers one range-over-func loop (its body walked first).
func (f *rfFunc) rangeFunc(n *ast.RangeStmt, label string) ast.Stmt {
	l := f.l
	sig := l.typeOf(n.X).Type.Underlying().(*types.Signature)
	yield := sig.Params().At(0).Type().Underlying().(*types.Signature)
	loop := &rfLoop{level: f.level() + 1, st: l.fresh("st")}
	f.frames = append(f.frames, rfFrame{stmt: n, label: label, loop: true, level: f.level(), rf: loop})
	f.loops = append(f.loops, loop)
	f.block(n.Body.List)
	f.loops = f.loops[:len(f.loops)-1]
	f.pop()
	if l.err != nil {
		return n
	}

	// The yield closure's parameters: the range variables themselves for
	// :=, fresh ones assigned to the variables for =.
	params := &ast.FieldList{}
	vars := []ast.Expr{n.Key, n.Value}
	var assignL, assignR []ast.Expr
	for i := range yield.Params().Len() {
		ts, err := l.typeString(yield.Params().At(i).Type())
		if err != nil {
			l.fail(n.For, "range over a function yielding %s: lowered code cannot name that type (%v); declare the type at the top level", yield.Params().At(i).Type(), err)
			return n
		}
		tx, perr := parser.ParseExpr(ts)
		if perr != nil {
			l.fail(n.For, "front end: cannot write type %s: %v", ts, perr)
			return n
		}
		name := &ast.Ident{Name: "_"}
		if i < 2 && vars[i] != nil && !isBlank(vars[i]) {
			if n.Tok == token.DEFINE {
				name = vars[i].(*ast.Ident)
			} else {
				name = ast.NewIdent(l.fresh("p"))
				assignL, assignR = append(assignL, vars[i]), append(assignR, ast.NewIdent(name.Name))
			}
		}
		clearPos(tx)
		params.List = append(params.List, &ast.Field{Names: []*ast.Ident{name}, Type: tx})
	}
	panicRange := f.panicHelper()
	body := l.stmts("if "+loop.st+" != 0 { "+panicRange+"("+loop.st+") }; "+loop.st+" = 1", nil)
	if len(assignL) > 0 {
		body = append(body, &ast.AssignStmt{Lhs: assignL, Tok: token.ASSIGN, TokPos: n.TokPos, Rhs: assignR})
	}
	body = append(body, n.Body.List...)
	body = append(body, f.resume(loop)...)
	lit := &ast.FuncLit{
		Type: &ast.FuncType{Func: n.For, Params: params, Results: &ast.FieldList{List: []*ast.Field{{Type: ast.NewIdent("bool")}}}},
		Body: &ast.BlockStmt{Lbrace: n.Body.Lbrace, List: body, Rbrace: n.Body.Rbrace},
	}
	out := l.stmts(loop.st+" := 0", nil)
	out = append(out, &ast.ExprStmt{X: &ast.CallExpr{Fun: n.X, Lparen: n.X.End(), Args: []ast.Expr{lit}}})
	out = append(out, l.stmts("if "+loop.st+" == 1 { "+panicRange+"(4) }; "+loop.st+" = 3", nil)...)
	out = append(out, f.after(loop)...)
	if loop.level > 1 {
		return &ast.BlockStmt{List: out}
	}
	// The outermost loop declares what its nested loops share.
	var head []ast.Stmt
	if f.next != "" {
		head = append(head, l.stmts("var "+f.next+" int", nil)...)
	}
	if f.dk != "" {
		run := l.helper("rangefunc defers", func(name string) string {
			// The last first; a deferred call that panics does not
			// keep the others from running.
			return "func " + name + "(dk []func()) { if len(dk) == 0 { return }; defer " + name + "(dk[:len(dk)-1]); dk[len(dk)-1]() }"
		})
		head = append(head, l.stmts("var "+f.dk+" []func(); defer func() { "+run+"("+f.dk+") }()", nil)...)
	}
	f.next, f.dk = "", ""
	return &ast.BlockStmt{Lbrace: n.For, List: append(head, out...)}
}

// after is the code after a loop's call: the escapes whose target is at
// the level around the loop are made, the others passed on.
func (f *rfFunc) after(loop *rfLoop) []ast.Stmt {
	var out []ast.Stmt
	pass := false
	for _, e := range loop.escapes {
		if e.level != loop.level-1 {
			pass = true
			continue
		}
		out = append(out, &ast.IfStmt{
			Cond: &ast.BinaryExpr{X: ast.NewIdent(f.next), Op: token.EQL, Y: &ast.BasicLit{Kind: token.INT, Value: strconv.Itoa(e.code)}},
			Body: &ast.BlockStmt{List: append(f.l.stmts(f.next+" = 0", nil), e.do()...)},
		})
	}
	if pass && loop.level > 1 {
		outer := f.loops[loop.level-2]
		out = append(out, &ast.IfStmt{
			Cond: &ast.BinaryExpr{X: ast.NewIdent(f.next), Op: token.NEQ, Y: &ast.BasicLit{Kind: token.INT, Value: "0"}},
			Body: &ast.BlockStmt{List: f.exit(outer)},
		})
	}
	return out
}

// panicHelper declares (once per engine) the function that panics with
// Go's message for a misbehaving iterator.
func (f *rfFunc) panicHelper() string {
	l := f.l
	return l.helper("rangefunc panic", func(name string) string {
		e := l.alias("errors", "errors")
		msg := func(s string) string {
			return "panic(" + e + ".New(" + strconv.Quote("runtime error: range function "+s) + "))"
		}
		return strings.Join([]string{
			"func " + name + "(st int) {",
			"switch st {",
			"case 1: " + msg("continued iteration after loop body panic"),
			"case 2: " + msg("continued iteration after function for loop body returned false"),
			"case 3: " + msg("continued iteration after whole loop exit"),
			"case 4: " + msg("recovered a loop body panic and did not resume panicking"),
			"} }",
		}, "\n")
	})
}

// ptrRecvOnValue reports whether a method value calls a pointer method
// on an addressable value (x.M meaning (&x).M): copying x would be wrong.
func ptrRecvOnValue(s *types.Selection) bool {
	_, ptr := s.Obj().Type().(*types.Signature).Recv().Type().(*types.Pointer)
	_, xptr := s.Recv().Underlying().(*types.Pointer)
	return ptr && !xptr
}
