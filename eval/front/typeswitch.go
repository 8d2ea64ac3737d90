package front

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Dynamic types. yaegi v0.16.1 gets type switches badly wrong (a case of
// an interface type such as error or fmt.Stringer never matches; a
// binding switch misses the program's own types) while its comma-ok
// assertions are right for interface targets and, for concrete targets,
// compare the reflect types yaegi gives values: a named type of the
// program is its underlying type there, so name and string, cnt and int,
// or two struct types of one layout (and *P and *Q, []P and []Q…) cannot
// be told apart. The measured matrix is in typeswitch_test.go.
//
// So every type switch is lowered to comma-ok assertions tried in case
// order (typeSwitch), and an assertion or case whose target type yaegi
// cannot tell from another type that the operand may hold is refused
// before anything runs (confusable).

// typeSwitch lowers a type switch, labeled or not (label may be nil), to
//
//	{ init; ᐧv := x; ᐧk := 0
//	  if ᐧv == nil { ᐧk = nilCase } else if _, ok := ᐧv.(T1); ok { ᐧk = 1 } else if …
//	  label: switch ᐧk { case 1: v := ᐧv.(T1); _ = v; body1 … default: v := ᐧv; … } }
//
// A clause binds the variable with its type for a single-type case and
// with the operand's (ᐧv's) type otherwise, as Go does. A case of an
// interface type is also tried, and bound, as each of the program's
// types that implement it (implementers).
func (l *lowering) typeSwitch(ts *ast.TypeSwitchStmt, label *ast.LabeledStmt) ast.Stmt {
	var bind string
	var x ast.Expr
	switch a := ts.Assign.(type) {
	case *ast.AssignStmt:
		bind = a.Lhs[0].(*ast.Ident).Name
		x = a.Rhs[0].(*ast.TypeAssertExpr).X
	case *ast.ExprStmt:
		x = a.X.(*ast.TypeAssertExpr).X
	default:
		return nil
	}
	v, k := l.fresh("v"), l.fresh("k")
	subst := map[string]ast.Expr{"ᐧX": x}
	var chain []string
	nilCase := "0"
	sw := &ast.SwitchStmt{Switch: ts.Switch, Tag: ast.NewIdent(k), Body: &ast.BlockStmt{Lbrace: ts.Body.Lbrace, Rbrace: ts.Body.Rbrace}}
	implOf := map[int][]string{}
	for i, st := range ts.Body.List {
		cc := st.(*ast.CaseClause)
		idx := strconv.Itoa(i + 1)
		out := &ast.CaseClause{Case: cc.Case, Colon: cc.Colon}
		if cc.List != nil {
			out.List = []ast.Expr{&ast.BasicLit{Kind: token.INT, Value: idx}}
		}
		single := len(cc.List) == 1 && !l.typeOf(cc.List[0]).IsNil()
		for j, t := range cc.List {
			if l.typeOf(t).IsNil() {
				nilCase = idx
				continue
			}
			ph := "ᐧT" + idx + "_" + strconv.Itoa(j)
			subst[ph] = t
			chain = append(chain, "if _, ok := "+v+".("+ph+"); ok { "+k+" = "+idx+" }")
			if tt := l.typeOf(t).Type; types.IsInterface(tt) {
				impl := l.implementers(l.typeOf(x).Type, tt, t)
				if op, ok := l.typeOf(x).Type.Underlying().(*types.Interface); ok && op.NumMethods() > 0 {
					// (On an any, yaegi's own assertion matches a later type.)
					l.ifaceTargets = append(l.ifaceTargets, ifaceTarget{tt, l.s.userPos(l.s.f.fset.Position(t.Pos()))})
				}
				for _, m := range impl {
					chain = append(chain, "if _, ok := "+v+".("+m+"); ok { "+k+" = "+idx+" }")
				}
				if check := l.unmatchedCheck(v, tt); check != "" {
					chain = append(chain, "if "+check+" { "+k+" = "+idx+" }")
				}
				if single {
					implOf[i] = impl
				}
			}
		}
		var body []ast.Stmt
		if bind != "" {
			rhs, subst := v, map[string]ast.Expr{}
			if single {
				rhs, subst["ᐧB"] = v+".(ᐧB)", cc.List[0]
			}
			text := bind + " := " + rhs
			if single && types.IsInterface(l.typeOf(cc.List[0]).Type) {
				text = "var " + bind + " ᐧB; "
				for _, m := range implOf[i] {
					text += "if m, ok := " + v + ".(" + m + "); ok { " + l.typedNilImplCheck("m", l.implTypes[m], l.typeOf(cc.List[0]).Type) + bind + " = m } else "
				}
				text += "{ " + bind + " = " + v + ".(ᐧB) }"
				if it := l.typeOf(cc.List[0]).Type.Underlying().(*types.Interface); it.NumMethods() == 0 {
					text = "var " + bind + " ᐧB = " + v
				}
			}
			body = l.stmts(text+"; _ = "+bind, subst)
		}
		out.Body = append(body, cc.Body...)
		sw.Body.List = append(sw.Body.List, out)
	}
	text := v + " := ᐧX; " + k + " := 0; if " + v + " == nil { " + k + " = " + nilCase + " }"
	for _, c := range chain {
		text += " else " + c
	}
	pre := l.stmts(text, subst)
	if pre == nil {
		return nil
	}
	var list []ast.Stmt
	if ts.Init != nil {
		list = append(list, ts.Init)
	}
	list = append(list, pre...)
	if label != nil {
		label.Stmt = sw
		list = append(list, label)
	} else {
		list = append(list, sw)
	}
	return &ast.BlockStmt{Lbrace: ts.Switch, List: list, Rbrace: ts.Body.Rbrace}
}

// implementers spells the program's types (T and *T) that implement the
// interface type iface, for a case of a switch on a value of type
// operand. yaegi's assertion to an interface type misses them when the
// operand is error (its wrapper has only Error) and, with a result, gives
// a broken value for them ("Method on nil interface value" when called);
// their own assertions are right. A type that yaegi cannot tell from
// another one implementing iface, or that error loses, is refused.
func (l *lowering) implementers(operand, iface types.Type, pos ast.Expr) []string {
	it := iface.Underlying().(*types.Interface)
	if it.NumMethods() == 0 {
		return nil
	}
	var out []string
	for _, tn := range l.mainTypes() {
		for _, t := range []types.Type{tn.Type(), types.NewPointer(tn.Type())} {
			if !types.Implements(t, it) {
				continue
			}
			ts, err := l.typeString(t)
			if err != nil {
				continue // a type local to a function: asserted to iface only
			}
			if lostInInterface(operand, t) {
				l.fail(pos.Pos(), "this case of type %s on a %s is not supported here: the interpreter loses the type of a %s (not a pointer) held in error or another package's interface; use pointers (*%s), or switch on an any",
					types.TypeString(iface, qualifyMain), types.TypeString(operand, qualifyMain), types.TypeString(t, qualifyMain), types.TypeString(t, qualifyMain))
				return nil
			}
			if other := l.confusable(iface, t); other != nil {
				l.fail(pos.Pos(), "this case of type %s is not supported here: the interpreter cannot tell a %s from a %s, which both implement it (it keeps only their underlying type); give the types distinct layouts", types.TypeString(iface, qualifyMain), types.TypeString(t, qualifyMain), types.TypeString(other, qualifyMain))
				return nil
			}
			if l.implTypes == nil {
				l.implTypes = map[string]types.Type{}
			}
			l.implTypes[ts] = t
			out = append(out, ts)
		}
	}
	return out
}

// lowerTypeSwitch is the rewrite step: a labeled type switch is lowered
// when its label statement is visited, so that the label stays on the
// switch that break refers to.
func (l *lowering) lowerTypeSwitch(c *astutil.Cursor) {
	switch n := c.Node().(type) {
	case *ast.TypeSwitchStmt:
		if _, labeled := c.Parent().(*ast.LabeledStmt); labeled {
			return
		}
		if b := l.typeSwitch(n, nil); b != nil {
			c.Replace(b)
		}
	case *ast.LabeledStmt:
		ts, ok := n.Stmt.(*ast.TypeSwitchStmt)
		if !ok {
			return
		}
		if l.gotos[n.Label.Name] {
			l.fail(n.Pos(), "goto %s, the label of a type switch, is not supported here; put the label on a statement before the switch", n.Label.Name)
			return
		}
		if b := l.typeSwitch(ts, n); b != nil {
			c.Replace(b)
		}
	}
}

// checkAssertions refuses, before anything runs, each type assertion and
// type-switch case whose target yaegi cannot tell from another type the
// operand may hold (see confusable).
func (l *lowering) checkAssertions(node ast.Node) {
	ast.Inspect(node, func(n ast.Node) bool {
		if l.err != nil {
			return false
		}
		switch n := n.(type) {
		case *ast.BranchStmt:
			if n.Tok == token.GOTO && n.Label != nil {
				l.gotos[n.Label.Name] = true
			}
		case *ast.TypeAssertExpr:
			if n.Type != nil {
				l.checkAssertion(l.typeOf(n.X).Type, n.Type)
			}
		case *ast.TypeSwitchStmt:
			var x ast.Expr
			switch a := n.Assign.(type) {
			case *ast.AssignStmt:
				x = a.Rhs[0].(*ast.TypeAssertExpr).X
			case *ast.ExprStmt:
				x = a.X.(*ast.TypeAssertExpr).X
			}
			for _, st := range n.Body.List {
				for _, t := range st.(*ast.CaseClause).List {
					if !l.typeOf(t).IsNil() {
						l.checkAssertion(l.typeOf(x).Type, t)
					}
				}
			}
		}
		return true
	})
}

func (l *lowering) checkAssertion(operand types.Type, target ast.Expr) {
	t := l.typeOf(target).Type
	if operand == nil || t == nil || types.IsInterface(t) {
		return
	}
	if lostInInterface(operand, t) {
		l.fail(target.Pos(), "the type assertion of a %s to %s is not supported here: the interpreter loses the type of a value (not a pointer) of the program's own types once it is held in error or another package's interface; use pointers (*%s) for values held in a %s, or hold the value in an any",
			types.TypeString(operand, qualifyMain), types.TypeString(t, qualifyMain), types.TypeString(t, qualifyMain), types.TypeString(operand, qualifyMain))
		return
	}
	if other := l.confusable(operand, t); other != nil {
		l.fail(target.Pos(), "the type assertion to %s is not supported here: the interpreter cannot tell a %s from a %s (it keeps only their underlying type) and this program has both; give the types distinct layouts or methods and use a method (or a field such as kind) to tell them apart",
			types.TypeString(t, qualifyMain), types.TypeString(t, qualifyMain), types.TypeString(other, qualifyMain))
	}
}

// lostInInterface reports whether t is a non-pointer type of the
// program and operand error or a named interface type with methods of
// another package: yaegi wraps such a value (interp._error{IValue: …} for an error) so that it matches no
// assertion to its own type, and may even crash on it.
func lostInInterface(operand, t types.Type) bool {
	it, ok := operand.Underlying().(*types.Interface)
	if !ok || it.NumMethods() == 0 {
		return false
	}
	if on, ok := types.Unalias(operand).(*types.Named); !ok || (on.Obj().Pkg() != nil && on.Obj().Pkg().Path() == "main") {
		return false // the program's own interfaces keep the type (measured)
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "main" && !types.IsInterface(n)
}

// confusable returns a type other than t that the interpreter's
// assertions do not tell from t, and that a value of the interface type
// operand may hold; nil if there is none. The candidates are the
// program's named types and their underlying types (other than struct
// types: a value of an unnamed struct type is left out), in the forms T,
// *T, []T and []*T, and t itself.
func (l *lowering) confusable(operand types.Type, t types.Type) types.Type {
	iface, _ := operand.Underlying().(*types.Interface)
	if iface == nil {
		return nil
	}
	key := yaegiKey(t)
	for _, tn := range l.mainTypes() {
		bases := []types.Type{tn.Type()}
		if _, isStruct := tn.Type().Underlying().(*types.Struct); !isStruct {
			bases = append(bases, tn.Type().Underlying())
		}
		for _, b := range bases {
			for _, c := range []types.Type{b, types.NewPointer(b), types.NewSlice(b), types.NewSlice(types.NewPointer(b))} {
				if types.Identical(c, t) || yaegiKey(c) != key {
					continue
				}
				if types.AssignableTo(c, operand) || types.Implements(c, iface) {
					return c
				}
			}
		}
	}
	return nil
}

// yaegiKey writes t as the interpreter's assertions see it: the
// program's named non-interface types as their underlying types.
func yaegiKey(t types.Type) string {
	var b strings.Builder
	writeKey(&b, t, 0)
	return b.String()
}

func writeKey(b *strings.Builder, t types.Type, depth int) {
	if depth > 32 {
		b.WriteString("…")
		return
	}
	switch t := t.(type) {
	case *types.Alias:
		writeKey(b, types.Unalias(t), depth+1)
	case *types.Named:
		if t.Obj().Pkg() != nil && t.Obj().Pkg().Path() == "main" && !types.IsInterface(t) {
			writeKey(b, t.Underlying(), depth+1)
			return
		}
		b.WriteString(types.TypeString(t, nil))
	case *types.Basic:
		b.WriteString("basic" + strconv.Itoa(int(t.Kind())))
	case *types.Pointer:
		b.WriteString("*")
		writeKey(b, t.Elem(), depth+1)
	case *types.Slice:
		b.WriteString("[]")
		writeKey(b, t.Elem(), depth+1)
	case *types.Array:
		b.WriteString("[" + strconv.FormatInt(t.Len(), 10) + "]")
		writeKey(b, t.Elem(), depth+1)
	case *types.Map:
		b.WriteString("map[")
		writeKey(b, t.Key(), depth+1)
		b.WriteString("]")
		writeKey(b, t.Elem(), depth+1)
	case *types.Chan:
		b.WriteString("chan" + strconv.Itoa(int(t.Dir())) + " ")
		writeKey(b, t.Elem(), depth+1)
	case *types.Struct:
		b.WriteString("struct{")
		for i := range t.NumFields() {
			f := t.Field(i)
			b.WriteString(f.Name() + " ")
			writeKey(b, f.Type(), depth+1)
			b.WriteString(";")
		}
		b.WriteString("}")
	case *types.Signature:
		b.WriteString("func(")
		for i := range t.Params().Len() {
			writeKey(b, t.Params().At(i).Type(), depth+1)
			b.WriteString(",")
		}
		b.WriteString(")(")
		for i := range t.Results().Len() {
			writeKey(b, t.Results().At(i).Type(), depth+1)
			b.WriteString(",")
		}
		b.WriteString(")")
	default:
		b.WriteString(types.TypeString(t, nil))
	}
}

// ifaceAssertion lowers x.(I), for an interface I with methods and an
// operand x of an interface type with methods (error, fmt.Stringer…),
// to assertions to each of the program's types that implement I, then
// to I itself for compiled values:
//
//	func() (I, bool) { ᐧx := x; if m, ok := ᐧx.(*T); ok { return m, true }; …; m, ok := ᐧx.(I); return m, ok }()
//
// (the single-value form returns ᐧx.(I) last, which panics as Go does).
// yaegi matches no assertion to an interface on the program's values
// held in such an operand (an error from errors.Join asserted to
// interface{ Unwrap() []error }, say); its assertions to concrete types
// are right. A type of the program that implements I but that lowered
// code cannot name (declared inside a function) is refused.
func (l *lowering) ifaceAssertion(c *astutil.Cursor, n *ast.TypeAssertExpr) {
	if n.Type == nil {
		return // x.(type)
	}
	target, operand := l.typeOf(n.Type).Type, l.typeOf(n.X).Type
	if target == nil || operand == nil || !types.IsInterface(target) || !types.IsInterface(operand) {
		return
	}
	it, ok := target.Underlying().(*types.Interface)
	if !ok || it.NumMethods() == 0 {
		return
	}
	commaOK := false
	switch p := c.Parent().(type) {
	case *ast.AssignStmt:
		commaOK = len(p.Lhs) == 2 && len(p.Rhs) == 1
	case *ast.ValueSpec:
		commaOK = len(p.Names) == 2 && len(p.Values) == 1
	}
	if operand.Underlying().(*types.Interface).NumMethods() == 0 && l.unmatchedCheck("", target) == "" && !l.implementedByProgram(target) {
		// An any to another package's interface that none of the
		// program's types implements: yaegi is right. (With one that
		// does, yaegi v0.16.1 gives a nil error for any(&T{}).(error)
		// with ok true, and a value whose Error panics without.)
		return
	}
	for _, tn := range l.mainTypes() {
		for _, t := range []types.Type{tn.Type(), types.NewPointer(tn.Type())} {
			if _, err := l.typeString(t); err != nil && types.Implements(t, it) {
				l.fail(n.Type.Pos(), "the type assertion to %s is not supported here: the interpreter matches no assertion to an interface on the program's values held in a %s, so it is made of assertions to each type that implements it, and %s, declared inside a function, cannot be named there; declare %s at the top level",
					types.TypeString(target, qualifyMain), types.TypeString(operand, qualifyMain), tn.Name(), tn.Name())
				return
			}
		}
	}
	// Whether or not a type implements it now: yaegi's own assertion
	// would miss one declared later.
	l.ifaceTargets = append(l.ifaceTargets, ifaceTarget{target, l.s.userPos(l.s.f.fset.Position(n.Type.Pos()))})
	impl := l.implementers(operand, target, n.Type)
	if l.err != nil {
		return
	}
	if len(impl) == 0 {
		if e := l.emptyIfaceAssertion(n, target, commaOK); e != nil {
			l.replace(c, n, e)
		}
		return
	}
	check := l.unmatchedCheck("ᐧx", target)
	if check != "" {
		check = "if !ok { " + check + " }; "
	}
	var text string
	if commaOK {
		text = "func() (ᐧI, bool) { ᐧx := ᐧX; if ᐧx == nil { return nil, false }; "
		for _, m := range impl {
			text += "if m, ok := ᐧx.(" + m + "); ok { " + l.typedNilImplCheck("m", l.implTypes[m], target) + "return m, true }; "
		}
		text += "m, ok := ᐧx.(ᐧI); " + check + "return m, ok }()"
	} else {
		text = "func() ᐧI { ᐧx := ᐧX; if ᐧx == nil { return ᐧx.(ᐧI) }; "
		for _, m := range impl {
			text += "if m, ok := ᐧx.(" + m + "); ok { " + l.typedNilImplCheck("m", l.implTypes[m], target) + "return m }; "
		}
		text += "return ᐧx.(ᐧI) }()"
	}
	if e := l.expr(text, map[string]ast.Expr{"ᐧX": n.X, "ᐧI": n.Type}); e != nil {
		l.replace(c, n, e)
	}
}

// ifaceTarget is an interface whose assertions (or type switch cases)
// were lowered to assertions to the program's types that implemented it
// then, and where (in its snippet).
type ifaceTarget struct {
	iface types.Type
	pos   string
}

// laterImplementer refuses a snippet that declares a type (or attaches a
// method to an earlier one) that implements an interface whose
// assertions earlier snippets lowered to assertions to its implementers
// of the time: that code would not try the new type.
func (l *lowering) laterImplementer(p *Program) {
	if len(l.s.f.ifaceTargets) == 0 {
		return
	}
	var news []*types.TypeName
	scope := l.s.pkg.Scope()
	for _, name := range scope.Names() {
		if tn, ok := scope.Lookup(name).(*types.TypeName); ok && !l.s.prelive[tn] && !tn.IsAlias() {
			news = append(news, tn)
		}
	}
	for _, obj := range p.methodOf {
		if tn, ok := obj.(*types.TypeName); ok {
			news = append(news, tn)
		}
	}
	for _, tn := range news {
		if types.IsInterface(tn.Type()) {
			continue
		}
		for _, tg := range l.s.f.ifaceTargets {
			it, ok := tg.iface.Underlying().(*types.Interface)
			if !ok {
				continue
			}
			if types.Implements(tn.Type(), it) || types.Implements(types.NewPointer(tn.Type()), it) {
				if strings.HasPrefix(tn.Name(), "ᐧ") { // a wrapper of the prelude (errorsfn.go)
					l.fail(l.s.declFile.Pos(), "fmt.Errorf with %%w or errors.Join, whose errors implement %s, is not supported after an earlier snippet asserted an error to that interface (at %s): that code tries the types that implemented it then; use fmt.Errorf with %%w or errors.Join once before that snippet (:reset, then send them in that order)",
						types.TypeString(tg.iface, qualifyMain), tg.pos)
					return
				}
				l.fail(tn.Pos(), "declaring main.%s, which implements %s, is not supported after an earlier snippet asserted to that interface (at %s): the interpreter matches no such assertion on its own values, so that code tries the types that implemented it then, and not main.%[1]s; declare the types before the code that asserts to the interface (:reset, then send them in that order)",
					tn.Name(), types.TypeString(tg.iface, qualifyMain), tg.pos)
				return
			}
		}
	}
}
