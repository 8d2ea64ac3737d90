package front

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"
)

// lowering turns one checked snippet into yaegi source. It works on the
// snippet's own syntax trees, which it edits in place.
type lowering struct {
	s       *snippet
	checker bool              // spell types for the checker (hoisting), not for yaegi
	imports map[string]string // path -> alias, of packages the output uses

	cellVars map[*types.Var]string   // top-level statement variables -> yaegi names
	ynames   map[types.Object]string // yaegi names of this snippet's (re)declarations
	refs     map[string]types.Object
	declUses map[types.Object]bool // objects the declarations use (for Reset)
	inDecls  bool                  // rename is visiting the declarations
	err      *Error
	decls    []string // synthesized declarations

	orig       map[ast.Expr]ast.Expr     // rewritten expression -> original, for types
	labels     map[ast.Stmt]string       // labeled statements
	newHelpers map[string]string         // helpers this snippet declares: key -> name
	viaVar     map[*ast.Ident]*ast.Ident // helper variable -> the function name it replaced (signedzero.go)
	natives    []NativeType
	mains      []*types.TypeName // the program's named types (fidelity.go), once computed
	gotos      map[string]bool   // labels that goto statements name (typeswitch.go)
	fmtPos     token.Pos         // the print operand being converted (fmtmethods.go)
	bounds     int               // index expressions checked: 0 not known yet, 1 yes, -1 no (bounds.go)

	ifaceTargets []ifaceTarget           // interfaces whose assertions became assertions to their implementers
	typedNil     map[ast.Expr]types.Type // conversions that may lose a typed nil (typednil.go)
	implTypes    map[string]types.Type   // implementers' spellings -> types (typeswitch.go)
}

// alias returns the name under which lowered code refers to package path:
// "ǂ" and the package name, a letter no user identifier contains, so that
// user declarations never shadow it.
func (l *lowering) alias(path, name string) string {
	if a, ok := l.imports[path]; ok {
		return a
	}
	f := l.s.f
	a, ok := f.aliases[path]
	if !ok {
		a = "ǂ" + name
		for i := 2; f.owners[a] != "" && f.owners[a] != path; i++ {
			a = "ǂ" + name + "ᐧ" + strconv.Itoa(i)
		}
		if !l.checker {
			f.aliases[path], f.owners[a] = a, path
		}
	}
	l.imports[path] = a
	return a
}

func (s *snippet) lower() (*Program, *Error) {
	l := &lowering{s: s, imports: map[string]string{}, cellVars: map[*types.Var]string{},
		ynames: map[types.Object]string{}, refs: map[string]types.Object{}, declUses: map[types.Object]bool{},
		orig: map[ast.Expr]ast.Expr{}, typedNil: map[ast.Expr]types.Type{}, labels: map[ast.Stmt]string{}, newHelpers: map[string]string{},
		viaVar: map[*ast.Ident]*ast.Ident{},
		gotos:  map[string]bool{}}
	p := &Program{src: s.src, declares: map[string]types.Object{}}
	l.nameDeclarations(p)
	if l.err != nil {
		return nil, l.err
	}
	p.methodOf = s.receiverTypes()
	if l.laterImplementer(p); l.err != nil {
		return nil, l.err
	}
	var decls []ast.Decl
	var lateInits []ast.Stmt
	leading := l.leadingVarsLate()
	for _, d := range s.declFile.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			continue
		}
		if d = s.withoutTemplates(d); d == nil {
			continue
		}
		// (A declaration the front end made, from another file, is no
		// user's: it goes first.)
		inText := d.Pos() >= s.declFile.FileStart && d.Pos() <= s.declFile.FileEnd
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR && inText && s.firstStmt.IsValid() && (leading || s.declPos(g) > s.firstStmt) {
			lateInits = append(lateInits, l.lateVar(g)...)
			p.cellVars = append(p.cellVars, lateVars(s, g)...)
			continue
		}
		decls = append(decls, d)
	}
	s.insertLate(lateInits)
	stay := s.cellVarsStay(p.cellVars)
	l.refuseUnseenMethods(decls)
	for _, d := range decls {
		l.checkAssertions(d)
	}
	l.checkAssertions(s.cell)
	for _, d := range decls {
		l.refuseTemplateMethods(d)
		l.fmtTypes(d)
	}
	l.refuseTemplateMethods(s.cell)
	l.fmtTypes(s.cell)
	for _, d := range decls {
		l.printMethods(d)
	}
	l.printMethods(s.cell)
	for _, d := range decls {
		l.rangeFuncs(d)
	}
	l.rangeFuncs(s.cell)
	if l.err != nil {
		return nil, l.err
	}
	for _, n := range append([]ast.Node{s.cell}, declNodes(decls)...) {
		ast.Inspect(n, func(x ast.Node) bool {
			if ls, ok := x.(*ast.LabeledStmt); ok {
				l.labels[ls.Stmt] = ls.Label.Name
			}
			return true
		})
		l.typedNilSites(n)
	}
	if l.err != nil {
		return nil, l.err
	}
	for _, d := range decls {
		l.rewrite(d)
	}
	l.rewrite(s.cell)
	if l.err != nil {
		return nil, l.err
	}
	l.rename(decls, s.cell)
	if l.err != nil {
		return nil, l.err
	}
	for _, d := range decls {
		hideUnexported(d)
	}
	hideUnexported(s.cell)
	results, value := l.cellResults(p)
	if l.err != nil {
		return nil, l.err
	}
	var out bytes.Buffer
	if len(decls) > 0 {
		l.print(&out, decls)
	}
	for _, d := range l.decls {
		out.WriteString("\n" + d)
	}
	if out.Len() > 0 {
		// The newline puts the first //line directive at the start of a
		// line once yaegi has prefixed its package clause.
		p.Decls = "\n" + strings.TrimLeft(out.String(), "\n")
	}
	if len(s.cell.List) > 0 {
		s.f.cells++
		name := "ᐧcell" + strconv.Itoa(s.f.cells)
		fd := s.cellFile.Decls[len(s.cellFile.Decls)-1].(*ast.FuncDecl)
		fd.Name.Name = name
		fd.Type.Results = l.fieldList(results)
		var cell bytes.Buffer
		cell.WriteString("\n")
		l.print(&cell, fd)
		p.Cell, p.Call, p.Value = cell.String(), ";"+name+"()", value
	}
	if l.err != nil {
		return nil, l.err
	}
	paths := make([]string, 0, len(l.imports))
	for path := range l.imports {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		p.Imports = append(p.Imports, Import{Name: l.imports[path], Path: path})
	}
	p.ynames, p.refs, p.helpers, p.Natives = l.ynames, l.refs, l.newHelpers, l.natives
	p.templates, p.instances = s.newTemplates, s.newInstances
	p.declUses = l.declUses
	p.errKey, p.errNames, p.errCompiled = s.errKey, s.errNames, s.errCompiled
	p.ifaceTargets = l.ifaceTargets
	p.cacheable = p.Call != "" && len(decls) == 0 && stay && s.onlyVarsAndImports(p, len(l.decls))
	return p, nil
}

// cellVarsStay reports whether the statement variables vars stay the
// snippet's own while its cell runs: no func literal refers to one (nor
// the body of a range over a func, which becomes one), and nothing takes
// the address of one (&x, x[:] of an array, a method with a pointer
// receiver called or taken as a value on x). Only then may the snippet
// run again on the same variables (Front.Lower's cache): Go would
// declare new ones, and a closure or pointer kept from an earlier run
// must not see the values of a later one. (Later snippets that refer to
// them take the snippet out of the cache: Front.Commit.)
func (s *snippet) cellVarsStay(vars []types.Object) bool {
	own := map[types.Object]bool{}
	for _, v := range vars {
		own[v] = true
	}
	uses := func(n ast.Node) bool {
		found := false
		ast.Inspect(n, func(x ast.Node) bool {
			if id, ok := x.(*ast.Ident); ok && own[s.info.Uses[id]] {
				found = true
			}
			return !found
		})
		return found
	}
	under := func(e ast.Expr) types.Type {
		if t := s.info.TypeOf(e); t != nil {
			return t.Underlying()
		}
		return nil
	}
	passed := s.closuresThatEndWithTheCall()
	stay := true
	ast.Inspect(s.cell, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			stay = stay && (passed[n] || !uses(n.Body))
		case *ast.UnaryExpr:
			stay = stay && !(n.Op == token.AND && uses(n.X))
		case *ast.SliceExpr:
			_, array := under(n.X).(*types.Array)
			stay = stay && !(array && uses(n.X))
		case *ast.RangeStmt:
			_, fn := under(n.X).(*types.Signature)
			stay = stay && !(fn && uses(n.Body))
		case *ast.SelectorExpr:
			stay = stay && !(s.pointerMethodOn(n) && uses(n.X))
		}
		return stay
	})
	return stay
}

// closuresThatEndWithTheCall returns the func literals of the cell that
// no one can keep after the call they appear in: those called at once
// (not by a go statement), and those passed to a standard function that
// calls its func argument only while it runs (sort.Slice's less).
func (s *snippet) closuresThatEndWithTheCall() map[*ast.FuncLit]bool {
	out := map[*ast.FuncLit]bool{}
	goCalls := map[*ast.CallExpr]bool{}
	ast.Inspect(s.cell, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			goCalls[n.Call] = true
		case *ast.CallExpr:
			if lit, ok := n.Fun.(*ast.FuncLit); ok && !goCalls[n] {
				out[lit] = true
			}
			if !s.callsOnlyWhileRunning(n) || goCalls[n] {
				return true
			}
			for _, a := range n.Args {
				if lit, ok := a.(*ast.FuncLit); ok {
					out[lit] = true
				}
			}
		}
		return true
	})
	return out
}

// whileRunning lists standard functions that call their func arguments
// only before they return and keep no hold of them.
var whileRunning = map[string]map[string]bool{
	"sort": {"Slice": true, "SliceStable": true, "SliceIsSorted": true, "Search": true, "Find": true},
	"slices": {"SortFunc": true, "SortStableFunc": true, "IsSortedFunc": true, "IndexFunc": true,
		"ContainsFunc": true, "DeleteFunc": true, "BinarySearchFunc": true, "CompactFunc": true,
		"EqualFunc": true, "MaxFunc": true, "MinFunc": true, "CompareFunc": true},
	"strings": {"Map": true, "FieldsFunc": true, "IndexFunc": true, "LastIndexFunc": true,
		"TrimFunc": true, "TrimLeftFunc": true, "TrimRightFunc": true, "ContainsFunc": true},
	"bytes": {"Map": true, "FieldsFunc": true, "IndexFunc": true, "LastIndexFunc": true,
		"TrimFunc": true, "TrimLeftFunc": true, "TrimRightFunc": true, "ContainsFunc": true},
	"maps": {"DeleteFunc": true, "EqualFunc": true},
}

func (s *snippet) callsOnlyWhileRunning(call *ast.CallExpr) bool {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	fn, ok := s.info.Uses[sel.Sel].(*types.Func)
	return ok && fn.Pkg() != nil && whileRunning[fn.Pkg().Path()][fn.Name()]
}

// pointerMethodOn reports whether sel is a method with a pointer receiver
// selected on an operand that is not a pointer (so on its address).
func (s *snippet) pointerMethodOn(sel *ast.SelectorExpr) bool {
	sn := s.info.Selections[sel]
	if sn == nil || sn.Kind() == types.FieldVal {
		return false
	}
	fn, ok := sn.Obj().(*types.Func)
	if !ok {
		return false
	}
	recv := fn.Type().(*types.Signature).Recv()
	if recv == nil {
		return false
	}
	if _, ptr := recv.Type().(*types.Pointer); !ptr {
		return false
	}
	_, ptr := sn.Recv().Underlying().(*types.Pointer)
	return !ptr
}

// onlyVarsAndImports reports whether the names p declares are its nvars
// statement variables (x := 5, lowered to var x T) and the packages the
// user imported, nothing else. Such a snippet runs again as it is (its
// cell, on the same interpreter, which still holds its variables and
// imports) while every name it declared or used still means what it
// meant then (Front.stillValid); any other declaration must be made
// again. Imports the front end added (mono.go) are not the user's: they
// come with declarations, so such a snippet is not a candidate anyway.
func (s *snippet) onlyVarsAndImports(p *Program, nvars int) bool {
	imported := 0
	for _, obj := range p.declares {
		if _, ok := obj.(*types.PkgName); ok {
			imported++
		}
	}
	return imported == len(s.declFile.Imports) && nvars == len(p.declares)-imported
}

// declPos is where a declaration sits in the user's text, comparable with
// positions in the cell file.
func (s *snippet) declPos(d ast.Decl) token.Pos {
	return s.toCell(d.Pos())
}

// nameDeclarations gives every top-level name the snippet declares its
// yaegi name: the name itself the first time, a fresh one after (yaegi
// keeps the first type or method of a name, and rebinds functions
// unevenly, so a redefinition is a new declaration under a new name).
func (l *lowering) nameDeclarations(p *Program) {
	s := l.s
	name := func(obj types.Object) {
		n := obj.Name()
		if n == "_" {
			return
		}
		p.declares[n] = obj
		if k := s.f.defined[n]; k > 0 {
			l.ynames[obj] = n + "ᐧ" + strconv.Itoa(k)
		}
	}
	scope := s.pkg.Scope()
	for _, n := range scope.Names() {
		if obj := scope.Lookup(n); !s.prelive[obj] && n != "ᐧcell" && !strings.HasPrefix(n, "ᐧmethod") {
			name(obj)
		}
	}
	for _, st := range s.cell.List {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE {
			continue
		}
		for _, lhs := range as.Lhs {
			id, _ := lhs.(*ast.Ident)
			if id == nil || id.Name == "_" {
				continue // (a global "var _ T" clobbers another global in yaegi)
			}
			if v, ok := s.info.Defs[id].(*types.Var); ok {
				if hoisted, ok := scope.Lookup(v.Name()).(*types.Var); ok && s.hoisted[v.Name()] {
					// Hoisted for the declarations: one variable for both.
					l.cellVars[v] = l.yaegiName(hoisted)
					p.cellVars = append(p.cellVars, hoisted)
					continue
				}
				name(v)
				p.cellVars = append(p.cellVars, v)
				l.cellVars[v] = l.yaegiName(v)
				ts, err := l.typeString(v.Type())
				if err != nil {
					l.fail(id.Pos(), "the variable %s has type %s, which lowered code cannot name (%v); declare it inside a function", v.Name(), v.Type(), err)
					return
				}
				l.decls = append(l.decls, "var "+l.yaegiName(v)+" "+ts)
			}
		}
	}
	// Imports the user wrote are remembered for later snippets.
	for _, imp := range s.declFile.Imports {
		if obj := s.info.Defs[imp.Name]; obj != nil {
			p.declares[obj.Name()] = obj
		} else if obj := s.info.Implicits[imp]; obj != nil {
			p.declares[obj.Name()] = obj
		}
	}
}

// receiverTypes are the earlier types the snippet declares methods on.
func (s *snippet) receiverTypes() []types.Object {
	var out []types.Object
	for _, d := range s.declFile.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || len(fd.Recv.List) == 0 {
			continue
		}
		x := fd.Recv.List[0].Type
		for {
			switch t := x.(type) {
			case *ast.StarExpr:
				x = t.X
				continue
			case *ast.IndexExpr:
				x = t.X
				continue
			case *ast.IndexListExpr:
				x = t.X
				continue
			}
			break
		}
		id, ok := x.(*ast.Ident)
		if !ok || !s.prelive[s.info.Uses[id]] {
			continue
		}
		obj := s.info.Uses[id]
		if live, ok := s.liveOf[obj]; ok {
			obj = live
		}
		out = append(out, obj)
	}
	return out
}

func (l *lowering) yaegiName(obj types.Object) string {
	if n, ok := l.ynames[obj]; ok {
		return n
	}
	return l.s.f.yaegiName(obj)
}

func (l *lowering) fail(pos token.Pos, format string, args ...any) {
	if l.err == nil {
		l.err = &Error{Unsupported: true, Pos: l.s.userPos(l.s.f.fset.Position(pos)), Msg: fmt.Sprintf(format, args...)}
	}
}

// lateVar turns a var declaration that follows statements into a
// declaration without values plus an assignment in the cell, so that it
// runs in order with the statements (as a REPL user reads it).
func (l *lowering) lateVar(g *ast.GenDecl) []ast.Stmt {
	var stmts []ast.Stmt
	for _, sp := range g.Specs {
		vs := sp.(*ast.ValueSpec)
		var lhs []ast.Expr
		for _, id := range vs.Names {
			obj := l.s.info.Defs[id]
			if obj == nil {
				lhs = append(lhs, ast.NewIdent("_"))
				continue
			}
			ts, err := l.typeString(obj.Type())
			if err != nil {
				l.fail(id.Pos(), "the variable %s has type %s, which lowered code cannot name (%v)", id.Name, obj.Type(), err)
				return nil
			}
			l.decls = append(l.decls, "var "+l.yaegiName(obj)+" "+ts)
			lhs = append(lhs, id)
		}
		if len(vs.Values) > 0 {
			stmts = append(stmts, &ast.AssignStmt{Lhs: lhs, TokPos: vs.Pos(), Tok: token.ASSIGN, Rhs: vs.Values})
		} else if zero := l.zeroVars(vs, lhs); zero != nil {
			stmts = append(stmts, zero...)
		}
	}
	return stmts
}

// leadingVarsLate reports whether the snippet's var declarations that
// precede its first statement may be lowered as those after it are
// (lateVar): a variable declared in the decls, its value assigned in the
// cell. Then a snippet like "var n = 3; n * 2" is a statement snippet
// that runs again from the cache (Front.Lower) instead of declaring n
// afresh each time. That is Go's meaning when the snippet declares
// nothing but variables (no funcs, types or consts: those would see the
// variables before the cell gives them values), none of them hoisted,
// each of a type lowered code can name, and Go initializes them in the
// order they are written (Info.InitOrder: "var a = b + 1; var b = 2"
// initializes b first, so it stays a package-level declaration).
func (l *lowering) leadingVarsLate() bool {
	s := l.s
	if !s.firstStmt.IsValid() || len(s.hoisted) > 0 {
		return false
	}
	pos := map[types.Object]token.Pos{}
	for _, d := range s.declFile.Decls {
		if d.Pos() < s.declFile.FileStart || d.Pos() > s.declFile.FileEnd {
			continue // the front end's (generic copies): declarations of their own
		}
		g, ok := d.(*ast.GenDecl)
		if !ok || (g.Tok != token.VAR && g.Tok != token.IMPORT) {
			return false
		}
		if g.Tok == token.IMPORT {
			continue
		}
		for _, sp := range g.Specs {
			for _, id := range sp.(*ast.ValueSpec).Names {
				if obj := s.info.Defs[id]; obj != nil {
					if _, err := l.typeString(obj.Type()); err != nil {
						return false
					}
					pos[obj] = id.Pos()
				}
			}
		}
	}
	last := token.NoPos
	for _, in := range s.info.InitOrder {
		for _, v := range in.Lhs {
			if p, ok := pos[v]; ok {
				if p < last {
					return false
				}
				last = p
			}
		}
	}
	return true
}

// lateVars are the variables of a declaration that lateVar lowered: like
// statement variables (x := 5), the cell gives them their values, which
// a new interpreter does not have (Front.Reset forgets them).
func lateVars(s *snippet, g *ast.GenDecl) []types.Object {
	var out []types.Object
	for _, sp := range g.Specs {
		for _, id := range sp.(*ast.ValueSpec).Names {
			if obj := s.info.Defs[id]; obj != nil {
				out = append(out, obj)
			}
		}
	}
	return out
}

// zeroVars makes the statements that give the variables lhs of vs, which
// has no values (var x T), their zero value where the declaration stands:
// the variable lives on in the interpreter, and a snippet run again (from
// the cache, Front.Lower), or a backward goto, declares it afresh in Go.
// It declares a hidden variable of the type and assigns it.
func (l *lowering) zeroVars(vs *ast.ValueSpec, lhs []ast.Expr) []ast.Stmt {
	var t types.Type
	for _, id := range vs.Names {
		if obj := l.s.info.Defs[id]; obj != nil {
			t = obj.Type()
		}
	}
	if t == nil {
		return nil
	}
	ts, err := l.typeString(t)
	if err != nil {
		return nil // lateVar failed already
	}
	tx, perr := parser.ParseExpr(ts)
	if perr != nil {
		l.fail(vs.Pos(), "front end: cannot write type %s: %v", ts, perr)
		return nil
	}
	clearPos(tx)
	name := l.fresh("z")
	zv := types.NewVar(vs.Pos(), l.s.pkg, name, t)
	def := &ast.Ident{NamePos: vs.Pos(), Name: name}
	l.s.info.Defs[def] = zv
	decl := &ast.DeclStmt{Decl: &ast.GenDecl{TokPos: vs.Pos(), Tok: token.VAR,
		Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{def}, Type: tx}}}}
	rhs := make([]ast.Expr, len(lhs))
	for i := range rhs {
		use := &ast.Ident{NamePos: vs.Pos(), Name: name}
		l.s.info.Uses[use] = zv
		rhs[i] = use
	}
	return []ast.Stmt{decl, &ast.AssignStmt{Lhs: lhs, TokPos: vs.Pos(), Tok: token.ASSIGN, Rhs: rhs}}
}

// insertLate puts late variable assignments among the cell's statements
// at their place in the user's text.
func (s *snippet) insertLate(stmts []ast.Stmt) {
	if len(stmts) == 0 {
		return
	}
	var list []ast.Stmt
	i := 0
	for _, st := range s.cell.List {
		for i < len(stmts) && s.cellPosOf(stmts[i]) < st.Pos() {
			list = append(list, stmts[i])
			i++
		}
		list = append(list, st)
	}
	s.cell.List = append(list, stmts[i:]...)
}

// cellPosOf maps the position of a statement made from the declaration
// file into the cell file's coordinates.
func (s *snippet) cellPosOf(st ast.Stmt) token.Pos {
	return s.toCell(st.Pos())
}

// toCell maps a position in the declaration file to the same place of
// the user's text in the cell file.
func (s *snippet) toCell(pos token.Pos) token.Pos {
	off := int(pos-s.declFile.FileStart) - len(s.head+"/*line :1:1*/")
	return s.cellFile.FileStart + token.Pos(len(s.head+cellHeader+"/*line :1:1*/")+off)
}

// rename spells every reference in the lowered code for yaegi: packages
// by their aliases, renamed declarations by their yaegi names, top-level
// := by assignments to the global variables they declare.
func (l *lowering) rename(decls []ast.Decl, cell *ast.BlockStmt) {
	for _, st := range cell.List {
		if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			as.Tok = token.ASSIGN
		}
	}
	visit := func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		if fun, ok := l.viaVar[id]; ok {
			l.renameIdent(fun) // for its bookkeeping: id replaced it
		}
		l.renameIdent(id)
		return true
	}
	l.inDecls = true
	for _, d := range decls {
		ast.Inspect(d, visit)
	}
	l.inDecls = false
	ast.Inspect(cell, visit)
}

func (l *lowering) renameIdent(id *ast.Ident) {
	s := l.s
	obj := s.info.Uses[id]
	if obj == nil {
		obj = s.info.Defs[id]
	}
	if obj == nil {
		return
	}
	if l.inDecls && s.prelive[obj] {
		if live, ok := s.liveOf[obj]; ok {
			l.declUses[live] = true
		} else {
			l.declUses[obj] = true
		}
	}
	if obj.Parent() == types.Universe || s.prelive[obj] {
		if _, seen := l.refs[id.Name]; !seen {
			if s.prelive[obj] {
				l.refs[id.Name] = obj
				if live, ok := s.liveOf[obj]; ok {
					l.refs[id.Name] = live
				}
			} else {
				l.refs[id.Name] = nil
			}
		}
	}
	switch o := obj.(type) {
	case *types.PkgName:
		if _, auto := s.autos[id.Name]; auto {
			l.refs[id.Name] = nil
		}
		id.Name = l.alias(o.Imported().Path(), o.Imported().Name())
	case *types.Var:
		if n, ok := l.cellVars[o]; ok {
			id.Name = n
			return
		}
		id.Name = l.objName(o, id.Name)
	default:
		id.Name = l.objName(obj, id.Name)
	}
}

// objName is the yaegi name of a top-level object, or name for any other.
func (l *lowering) objName(obj types.Object, name string) string {
	if obj.Pkg() == nil || obj.Pkg().Path() != "main" {
		return name
	}
	if n, ok := l.ynames[obj]; ok {
		return n
	}
	if n, ok := l.s.f.yname[obj]; ok {
		return n
	}
	return name
}

// cellResults makes the cell return the value of the snippet's last
// expression, if it has one, and returns the cell's result list.
func (l *lowering) cellResults(p *Program) ([]string, bool) {
	s := l.s
	n := len(s.cell.List)
	if n == 0 || !s.lastValue {
		return nil, false
	}
	es := s.cell.List[n-1].(*ast.ExprStmt)
	tv := l.typeOf(es.X)
	if tv.Type == nil || tv.IsVoid() || tv.IsType() || l.isPrint(es.X) {
		return nil, false
	}
	if tv.IsNil() {
		p.Nil = true
		return nil, false
	}
	var ts []string
	if tup, ok := tv.Type.(*types.Tuple); ok {
		for i := range tup.Len() {
			ts = append(ts, l.mustType(es.X.Pos(), tup.At(i).Type()))
		}
	} else {
		ts = append(ts, l.mustType(es.X.Pos(), tv.Type))
	}
	s.cell.List[n-1] = &ast.ReturnStmt{Return: es.X.Pos(), Results: []ast.Expr{es.X}}
	return ts, true
}

// fieldList makes a result list of the types written in ts.
func (l *lowering) fieldList(ts []string) *ast.FieldList {
	if len(ts) == 0 {
		return nil
	}
	fl := &ast.FieldList{}
	for _, t := range ts {
		x, err := parser.ParseExpr(t)
		if err != nil {
			l.fail(token.NoPos, "front end: cannot write type %s: %v", t, err)
			return nil
		}
		fl.List = append(fl.List, &ast.Field{Type: x})
	}
	return fl
}

func (l *lowering) mustType(pos token.Pos, t types.Type) string {
	ts, err := l.typeString(t)
	if err != nil {
		l.fail(pos, "the value has type %s, which lowered code cannot name (%v); assign it to a variable inside a function", t, err)
	}
	return ts
}

// isPrint reports whether x calls fmt.Print* or fmt.Fprint*, whose byte
// counts would be noise as a REPL value.
func (l *lowering) isPrint(x ast.Expr) bool {
	call, ok := x.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	fn, ok := l.s.info.Uses[sel.Sel].(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == "fmt" &&
		(strings.HasPrefix(fn.Name(), "Print") || strings.HasPrefix(fn.Name(), "Fprint"))
}

// print writes node with //line directives that carry the user's lines.
func (l *lowering) print(w *bytes.Buffer, node any) {
	var b bytes.Buffer
	cfg := printer.Config{Mode: printer.SourcePos, Tabwidth: 8}
	if err := cfg.Fprint(&b, l.s.f.fset, node); err != nil && l.err == nil {
		l.err = &Error{Msg: "front end: printing the lowered code: " + err.Error()}
	}
	w.WriteString(l.s.withColumns(b.String()))
}

// withColumns adds columns to go/printer's //line directives, which give
// lines only: the line that follows starts at the first non-blank column
// of that user line, so yaegi's positions (panics) are the user's.
func (s *snippet) withColumns(text string) string {
	if s.lines == nil {
		s.lines = strings.Split(s.src, "\n")
	}
	out := strings.Split(text, "\n")
	for i := 0; i+1 < len(out); i++ {
		rest, ok := strings.CutPrefix(out[i], "//line "+yaegiFile+":")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 || n > len(s.lines) {
			continue
		}
		user := s.lines[n-1]
		col := len(user) - len(strings.TrimLeft(user, " \t")) + 1
		out[i] = fmt.Sprintf("//line %s:%d:%d", yaegiFile, n, col)
		out[i+1] = strings.TrimLeft(out[i+1], " \t")
	}
	return strings.Join(out, "\n")
}

func declNodes(decls []ast.Decl) []ast.Node {
	out := make([]ast.Node, len(decls))
	for i, d := range decls {
		out[i] = d
	}
	return out
}
