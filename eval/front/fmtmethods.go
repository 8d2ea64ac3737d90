package front

import (
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"github.com/dpfw/dpfw/eval/front/shim"
)

// fmt, log and log/slog look for the methods they call (Format, Error,
// String; slog's LogValue) by type assertion on the values they are
// given. yaegi's values of the program's types carry none of them into
// compiled code except at the top level of an argument of a few kinds:
// inside slices, arrays, maps, struct fields and pointers fmt prints the
// raw fields, and %d of a Stringer prints yaegi's wrapper. printMethods
// passes every such argument converted: a value whose type has those
// methods as a shim.Value (a compiled fmt.Formatter that calls them with
// fmt's rules), containers that hold one as copies whose elements are
// converted (as fmt would reach them: exported fields only, pointers only
// at the top level, where fmt prints &{…}). A value of an interface type
// that one of the program's types with such methods implements cannot be
// converted before it runs (its dynamic type is unknown, and yaegi loses
// it): that is refused.

// printFuncs are the functions of fmt and log (and log.Logger's methods)
// that print their ...any operands.
var printFuncs = map[string]bool{
	"Print": true, "Println": true, "Printf": true, "Sprint": true, "Sprintln": true, "Sprintf": true,
	"Fprint": true, "Fprintln": true, "Fprintf": true, "Errorf": true, "Append": true, "Appendln": true,
	"Appendf": true, "Fatal": true, "Fatalf": true, "Fatalln": true, "Panic": true, "Panicf": true, "Panicln": true,
}

// printMethods rewrites the print calls in node (see above).
func (l *lowering) printMethods(node ast.Node) {
	ast.Inspect(node, func(n ast.Node) bool {
		if l.err != nil {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok {
			l.printCall(call)
		}
		return true
	})
}

func (l *lowering) printCall(call *ast.CallExpr) {
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.SelectorExpr:
		id = f.Sel
	default:
		return
	}
	fn, ok := l.s.info.Uses[id].(*types.Func)
	if !ok || fn.Pkg() == nil {
		return
	}
	sig := fn.Type().(*types.Signature)
	switch path := fn.Pkg().Path(); {
	case (path == "fmt" || path == "log") && printFuncs[fn.Name()] && sig.Variadic():
		l.printArgs(call, fn, sig)
	case path == "log/slog":
		l.slogArgs(call, fn, sig)
	}
}

// printArgs converts the operands of a fmt or log print call.
func (l *lowering) printArgs(call *ast.CallExpr, fn *types.Func, sig *types.Signature) {
	first := sig.Params().Len() - 1
	name := fn.Name()
	var verbs []fmtVerb
	formatted := strings.HasSuffix(name, "f")
	if formatted {
		if tv := l.s.info.Types[call.Args[first-1]]; tv.Value != nil {
			verbs = fmtVerbs(constantString(tv))
		} else if lit, ok := call.Args[first-1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if format, err := strconv.Unquote(lit.Value); err == nil {
				verbs = fmtVerbs(format) // the constant format rewritten for %T or %#v (fmtCall)
			}
		}
	}
	plain := !formatted && !strings.HasSuffix(name, "ln") // Print: no space next to a string operand
	what := fn.Pkg().Name() + "." + name
	if call.Ellipsis.IsValid() {
		if t := l.s.info.TypeOf(call.Args[len(call.Args)-1]); t != nil {
			if s, ok := t.Underlying().(*types.Slice); ok {
				l.refuseDynamic(call.Args[len(call.Args)-1], s.Elem(), what, false)
			}
		}
		return
	}
	for ai := first; ai < len(call.Args) && l.err == nil; ai++ {
		arg := call.Args[ai]
		t := l.s.info.TypeOf(arg)
		if t == nil {
			continue // already rewritten (%T)
		}
		k := ai - first
		if formatted {
			if verbs == nil {
				if l.fmtNeeds(t, true, false, nil) {
					l.fail(arg.Pos(), "%s with a format that is not a constant, of a value of type %s whose methods fmt would call: the interpreter's values do not carry their methods; use a constant format", what, types.TypeString(t, qualifyMain))
				}
				continue
			}
			if k < len(verbs) && strings.IndexByte("Tpw", verbs[k].verb) >= 0 {
				continue
			}
		}
		if !l.refuseDynamic(arg, t, what, false) {
			continue
		}
		if l.fmtNeeds(t, true, false, nil) {
			l.fmtPos = arg.Pos()
			h := l.fmtHelper(t, true, false)
			if h == "" {
				return
			}
			var x ast.Expr = &ast.CallExpr{Fun: &ast.Ident{Name: h, NamePos: arg.Pos()}, Args: []ast.Expr{arg}}
			if plain && isStringKind(t) {
				// Print puts no space next to an operand of string kind:
				// the operand stays a string, printed as %v prints it.
				x = &ast.CallExpr{Fun: &ast.SelectorExpr{X: ast.NewIdent(l.alias("fmt", "fmt")), Sel: ast.NewIdent("Sprint")}, Args: []ast.Expr{x}}
			}
			call.Args[ai] = x
		}
	}
}

// slogArgs converts the operands of log/slog functions typed any whose
// type has a LogValue method (log/slog resolves it by assertion).
func (l *lowering) slogArgs(call *ast.CallExpr, fn *types.Func, sig *types.Signature) {
	what := "slog." + fn.Name()
	params := sig.Params()
	for ai, arg := range call.Args {
		var pt types.Type
		switch {
		case sig.Variadic() && ai >= params.Len()-1:
			pt = params.At(params.Len() - 1).Type()
			if !call.Ellipsis.IsValid() {
				pt = pt.(*types.Slice).Elem()
			}
		case ai < params.Len():
			pt = params.At(ai).Type()
		}
		if pt == nil || !isEmptyInterface(pt) || l.err != nil {
			continue
		}
		t := l.s.info.TypeOf(arg)
		if t == nil || !l.refuseDynamic(arg, t, what, true) {
			continue
		}
		if l.hasMethod(t, "LogValue") {
			ts, err := l.typeString(t)
			if err != nil {
				l.fail(arg.Pos(), "%s of a value of type %s (a type local to a function) whose LogValue method log/slog would call is not supported; declare the type at the top level", what, types.TypeString(t, qualifyMain))
				return
			}
			h := l.helper("slogw "+ts, func(name string) string {
				return "func " + name + "(v " + ts + ") any { return " + l.alias(shim.Path, "shim") + ".LogValuer{F: func() " + l.alias("log/slog", "slog") + ".Value { return v.LogValue() }} }"
			})
			call.Args[ai] = &ast.CallExpr{Fun: &ast.Ident{Name: h, NamePos: arg.Pos()}, Args: []ast.Expr{arg}}
			continue
		}
		if l.fmtNeeds(t, true, false, nil) {
			l.fail(arg.Pos(), "%s of a value of type %s, whose methods log/slog would call (String, Error or Format, through fmt or its JSON encoding), is not supported: the interpreter's values do not carry their methods; pass v.String() or v.Error() yourself", what, types.TypeString(t, qualifyMain))
		}
	}
}

func constantString(tv types.TypeAndValue) string {
	s, _ := strconv.Unquote(tv.Value.ExactString())
	return s
}

func isEmptyInterface(t types.Type) bool {
	i, ok := t.Underlying().(*types.Interface)
	return ok && i.NumMethods() == 0
}

func isStringKind(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// fmtMethodNames are the methods fmt calls, in the order it looks.
var fmtMethodNames = []string{"Format", "Error", "String"}

// hasMethod reports whether t (an interpreted type: not a named type of
// a compiled package, nor a pointer to one) has the method name in its
// method set.
func (l *lowering) hasMethod(t types.Type, name string) bool {
	if nativeNamed(t) {
		return false
	}
	sel := types.NewMethodSet(t).Lookup(nil, name)
	if sel == nil {
		return false
	}
	sig := sel.Obj().Type().(*types.Signature)
	switch name {
	case "Format":
		return sig.Params().Len() == 2 && sig.Results().Len() == 0
	case "LogValue":
		return sig.Params().Len() == 0 && sig.Results().Len() == 1
	}
	res := sig.Results()
	return sig.Params().Len() == 0 && res.Len() == 1 && types.Identical(res.At(0).Type(), types.Typ[types.String])
}

func (l *lowering) hasFmtMethods(t types.Type) bool {
	for _, m := range fmtMethodNames {
		if l.hasMethod(t, m) {
			return true
		}
	}
	return false
}

// nativeNamed reports whether t is a named type of a compiled package,
// or a pointer to one: its methods are in reflection.
func nativeNamed(t types.Type) bool {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() != "main"
}

// fmtNeeds reports whether a value of type t must be converted for fmt
// to call the methods go run's would: t has them, or holds a value that
// has them where fmt looks (top: an operand itself, where a pointer to a
// composite is printed as &{…} of its elements).
func (l *lowering) fmtNeeds(t types.Type, top, structural bool, seen map[types.Type]bool) bool {
	t = types.Unalias(t)
	if types.IsInterface(t) || nativeNamed(t) {
		return false
	}
	if !structural && l.hasFmtMethods(t) {
		return true
	}
	if seen[t] {
		return false
	}
	if seen == nil {
		seen = map[types.Type]bool{}
	}
	seen[t] = true
	defer delete(seen, t)
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		if !top {
			return false
		}
		switch u.Elem().Underlying().(type) {
		case *types.Struct, *types.Slice, *types.Array, *types.Map:
			return l.fmtNeeds(u.Elem(), false, true, seen)
		}
	case *types.Slice:
		return l.fmtNeeds(u.Elem(), false, false, seen)
	case *types.Array:
		return l.fmtNeeds(u.Elem(), false, false, seen)
	case *types.Map:
		return l.fmtNeeds(u.Key(), false, false, seen) || l.fmtNeeds(u.Elem(), false, false, seen)
	case *types.Struct:
		for i := range u.NumFields() {
			if f := u.Field(i); f.Exported() && l.fmtNeeds(f.Type(), false, false, seen) {
				return true
			}
		}
	}
	return false
}

// refuseDynamic refuses an operand of type t that holds, where fmt (or
// slog) looks, a value of an interface type which one of the program's
// types with the methods fmt calls implements; error and fmt.Stringer
// values are yaegi's compiled wrappers, right unless such a type also has
// Format (or, for a Stringer, Error). It reports whether t is accepted.
func (l *lowering) refuseDynamic(arg ast.Expr, t types.Type, what string, slog bool) bool {
	var except []types.Type // types the operand cannot hold (a type switch's default)
	if cc, others := l.caseBinding(arg); cc != nil && types.IsInterface(t) {
		if cc.List == nil {
			except = others
		} else if l.concreteCase(cc, slog) {
			return true
		}
	}
	var bad types.Type
	var who *types.TypeName
	var walk func(t types.Type, top bool, depth int)
	walk = func(t types.Type, top bool, depth int) {
		t = types.Unalias(t)
		if bad != nil || depth > 8 || nativeNamed(t) {
			return
		}
		if types.IsInterface(t) {
			if _, ok := t.(*types.TypeParam); ok {
				return
			}
			var ex []types.Type
			if depth == 0 {
				ex = except
			}
			if tn := l.implementer(t, slog, ex); tn != nil {
				bad, who = t, tn
			}
			return
		}
		switch u := t.Underlying().(type) {
		case *types.Pointer:
			if top {
				walk(u.Elem(), false, depth+1)
			}
		case *types.Slice:
			walk(u.Elem(), false, depth+1)
		case *types.Array:
			walk(u.Elem(), false, depth+1)
		case *types.Map:
			walk(u.Key(), false, depth+1)
			walk(u.Elem(), false, depth+1)
		case *types.Struct:
			for i := range u.NumFields() {
				if f := u.Field(i); f.Exported() {
					walk(f.Type(), false, depth+1)
				}
			}
		}
	}
	walk(t, true, 0)
	if bad == nil {
		return true
	}
	l.fail(arg.Pos(), "%s of a value of interface type %s, which may hold a %s whose methods %s would call, is not supported: the interpreter loses those methods in an interface value; pass the value with its own type (or call its String/Error method yourself)",
		what, types.TypeString(bad, qualifyMain), who.Name(), map[bool]string{false: "fmt", true: "log/slog"}[slog])
	return false
}

// caseBinding returns the clause of a type switch whose variable arg is,
// and the types that the switch's other clauses list; nil if arg is no
// such variable. In a clause that lists types the variable holds one of
// them; in the default clause, none of the others'.
func (l *lowering) caseBinding(arg ast.Expr) (*ast.CaseClause, []types.Type) {
	id, ok := ast.Unparen(arg).(*ast.Ident)
	if !ok {
		return nil, nil
	}
	obj := l.s.info.Uses[id]
	if obj == nil {
		return nil, nil
	}
	var cc *ast.CaseClause
	for n, o := range l.s.info.Implicits {
		if o == obj {
			cc, _ = n.(*ast.CaseClause)
			break
		}
	}
	if cc == nil {
		return nil, nil
	}
	var others []types.Type
	found := false
	for _, f := range []*ast.File{l.s.declFile, l.s.cellFile} {
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSwitchStmt)
			if found || !ok || !slices.Contains(ts.Body.List, ast.Stmt(cc)) {
				return !found
			}
			found = true
			for _, st := range ts.Body.List {
				if st == cc {
					continue
				}
				for _, e := range st.(*ast.CaseClause).List {
					if tv := l.typeOf(e); !tv.IsNil() && tv.Type != nil {
						others = append(others, tv.Type)
					}
				}
			}
			return false
		})
	}
	if !found {
		return nil, nil
	}
	return cc, others
}

// concreteCase reports whether every type the clause cc lists is nil or
// a concrete type that fmt (or slog) prints right from an interface
// value: no methods it would call, none held where it looks.
func (l *lowering) concreteCase(cc *ast.CaseClause, slog bool) bool {
	for _, e := range cc.List {
		tv := l.typeOf(e)
		if tv.IsNil() {
			continue
		}
		t := tv.Type
		if t == nil || types.IsInterface(t) || l.fmtNeeds(t, true, false, nil) || (slog && l.hasMethod(t, "LogValue")) {
			return false
		}
		if !l.holdsNoDynamic(t, slog) {
			return false
		}
	}
	return true
}

// holdsNoDynamic reports whether t holds no interface value that one of
// the program's types with methods fmt (or slog) calls implements.
func (l *lowering) holdsNoDynamic(t types.Type, slog bool) bool {
	ok := true
	var walk func(t types.Type, depth int)
	walk = func(t types.Type, depth int) {
		t = types.Unalias(t)
		if !ok || depth > 8 || nativeNamed(t) {
			return
		}
		if types.IsInterface(t) {
			if _, tp := t.(*types.TypeParam); !tp && l.implementer(t, slog, nil) != nil {
				ok = false
			}
			return
		}
		switch u := t.Underlying().(type) {
		case *types.Pointer:
			walk(u.Elem(), depth+1)
		case *types.Slice:
			walk(u.Elem(), depth+1)
		case *types.Array:
			walk(u.Elem(), depth+1)
		case *types.Map:
			walk(u.Key(), depth+1)
			walk(u.Elem(), depth+1)
		case *types.Struct:
			for i := range u.NumFields() {
				walk(u.Field(i).Type(), depth+1)
			}
		}
	}
	walk(t, 0)
	return ok
}

// implementer returns a type of the program, with methods fmt (or slog)
// would call that yaegi's values of interface type iface do not carry,
// that implements iface and is none of except (nor implements an
// interface among them); nil if none.
func (l *lowering) implementer(iface types.Type, slog bool, except []types.Type) *types.TypeName {
	it := iface.Underlying().(*types.Interface)
	std := types.Identical(iface, types.Universe.Lookup("error").Type())
	stringer := false
	if n, ok := iface.(*types.Named); ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "fmt" && n.Obj().Name() == "Stringer" {
		std, stringer = true, true
	}
	for _, tn := range l.mainTypes() {
		for _, t := range []types.Type{tn.Type(), types.NewPointer(tn.Type())} {
			if !types.Implements(t, it) || excluded(t, except) {
				continue
			}
			switch {
			case slog:
				if l.hasMethod(t, "LogValue") || (!std && l.hasFmtMethods(t)) {
					return tn
				}
			case std:
				if l.hasMethod(t, "Format") || (stringer && l.hasMethod(t, "Error")) {
					return tn
				}
			default:
				if l.hasFmtMethods(t) {
					return tn
				}
			}
		}
	}
	return nil
}

// fmtHelper declares (once per engine) and names the function that
// converts a value of type t for fmt: a shim.Value when t has methods fmt
// calls (unless structural), else a copy of the container with its
// elements converted, of a concrete type. "" after a refusal.
func (l *lowering) fmtHelper(t types.Type, top, structural bool) string {
	t = types.Unalias(t)
	ts, err := l.typeString(t)
	if err != nil {
		l.fail(l.fmtPos, "printing a value of type %s (a type local to a function) whose methods fmt would call is not supported: the interpreter's values do not carry their methods; declare the type at the top level", types.TypeString(t, qualifyMain))
		return ""
	}
	key := "fmtw " + strconv.FormatBool(top) + strconv.FormatBool(structural) + " " + ts
	return l.helper(key, func(name string) string {
		if !structural && l.hasFmtMethods(t) {
			return l.wrapperText(name, t, ts, top)
		}
		return l.structuralText(name, t, ts, top)
	})
}

func (l *lowering) wrapperText(name string, t types.Type, ts string, top bool) string {
	plain := "v"
	if l.fmtNeeds(t, top, true, nil) {
		plain = l.fmtHelper(t, top, true) + "(v)"
	}
	b := "func " + name + "(v " + ts + ") any {\n"
	b += "w := " + l.alias(shim.Path, "shim") + ".Value{V: " + plain
	if rn, ok := l.typeName(t); ok {
		b += ", Type: " + strconv.Quote(rn)
	}
	b += "}\n"
	if _, ok := t.Underlying().(*types.Pointer); ok {
		b += "w.Nil = v == nil\n"
	}
	if l.hasMethod(t, "Format") {
		b += "w.Fmt = func(f " + l.alias("fmt", "fmt") + ".State, c rune) { v.Format(f, c) }\n"
	}
	if l.hasMethod(t, "Error") {
		b += "w.Err = func() string { return v.Error() }\n"
	}
	if l.hasMethod(t, "String") {
		b += "w.Str = func() string { return v.String() }\n"
	}
	return b + "return w\n}"
}

// elem writes the conversion of x (of type t, not at the top level).
func (l *lowering) elem(t types.Type, x string) (string, string) {
	if !l.fmtNeeds(t, false, false, nil) {
		s, _ := l.typeString(t)
		return x, s
	}
	return l.fmtHelper(t, false, false) + "(" + x + ")", "any"
}

func (l *lowering) structuralText(name string, t types.Type, ts string, top bool) string {
	head := "func " + name + "(v " + ts + ") "
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		h := l.fmtHelper(u.Elem(), false, true)
		return head + "any { if v == nil { return v }; c := " + h + "(*v); return &c }"
	case *types.Slice:
		x, _ := l.elem(u.Elem(), "v[i]")
		return head + "[]any { if v == nil { return nil }; out := make([]any, len(v)); for i := range v { out[i] = " + x + " }; return out }"
	case *types.Array:
		x, _ := l.elem(u.Elem(), "v[i]")
		n := strconv.FormatInt(u.Len(), 10)
		return head + "[" + n + "]any { var out [" + n + "]any; for i := range v { out[i] = " + x + " }; return out }"
	case *types.Map:
		if l.fmtNeeds(u.Key(), false, false, nil) {
			l.fail(l.fmtPos, "printing a map whose keys have methods fmt would call (%s) is not supported in this interpreter; print its entries yourself", types.TypeString(u.Key(), qualifyNone))
			return ""
		}
		ks, _ := l.typeString(u.Key())
		x, _ := l.elem(u.Elem(), "x")
		return head + "map[" + ks + "]any { if v == nil { return nil }; out := make(map[" + ks + "]any, len(v)); for k, x := range v { out[k] = " + x + " }; return out }"
	case *types.Struct:
		var fields, vals []string
		for i := range u.NumFields() {
			f := u.Field(i)
			if f.Name() == "_" {
				continue
			}
			x, ft := "v."+f.Name(), ""
			if f.Exported() {
				x, ft = l.elem(f.Type(), x)
			} else {
				ft, _ = l.typeString(f.Type())
			}
			fields = append(fields, f.Name()+" "+ft)
			vals = append(vals, f.Name()+": "+x)
		}
		st := "struct{" + strings.Join(fields, "; ") + "}"
		return head + st + " { return " + st + "{" + strings.Join(vals, ", ") + "} }"
	}
	l.fail(l.fmtPos, "front end: no conversion for printing %s", types.TypeString(t, qualifyMain))
	return ""
}

func qualifyNone(*types.Package) string { return "" }

// excluded reports whether t is one of except or implements an interface
// among them.
func excluded(t types.Type, except []types.Type) bool {
	for _, e := range except {
		if types.Identical(t, e) {
			return true
		}
		if it, ok := e.Underlying().(*types.Interface); ok && types.Implements(t, it) {
			return true
		}
	}
	return false
}
