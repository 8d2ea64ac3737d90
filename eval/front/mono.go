package front

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Generics are monomorphized before yaegi sees them: every generic
// function and generic type (with its methods) is a template, and each
// instantiation — one type-argument list, as go/types records it in
// Info.Instances — becomes a plain copy of the template under a hidden
// name ("Mapᐸ3"), its type parameters replaced by the type arguments.
// The copies are type-checked again with the snippet; instantiations
// inside them (a generic calling another, a List[T] holding a *node[T])
// are copied in the next round, until no instantiation is left.
//
// Templates outlive their snippet: the engine keeps their syntax, so a
// later snippet can instantiate a generic declared earlier, and each
// instance is declared once per engine. The generic functions and types
// of the standard library that have an equivalent in prelude/ are
// templates too: a call of slices.Sort is a call of a copy of
// ᐧslices_Sort, checked against the real signature first.

// template is a generic declaration, or a prelude declaration (generic or
// not) that is copied into the program where used.
type template struct {
	id      int
	name    string
	fn      *ast.FuncDecl   // a function, or
	spec    *ast.TypeSpec   // a type,
	methods []*ast.FuncDecl // with its methods
	nparams int
	tparams map[*ast.Ident]int    // identifiers naming type parameters -> index
	pkgs    map[*ast.Ident]string // identifiers naming packages -> import path
	prelude bool                  // from prelude/: positions are not the user's
}

// mono is the monomorphization of one snippet.
type mono struct {
	s         *snippet
	local     []*template // this snippet's generic declarations
	byObj     map[types.Object]*template
	instances map[string]string // key -> name of the copies made here
	added     []ast.Decl        // copies made in this round
	spell     *lowering         // spells type arguments for the checker
	rounds    int
	err       *Error
}

// maxInstances bounds the copies of one snippet (a generic that
// instantiates itself with ever larger types never ends).
const maxInstances = 500

// monomorphize replaces every instantiation of a generic in the checked
// snippet by a copy, and leaves the snippet checked again.
func (s *snippet) monomorphize() *Error {
	s.tmplDecls = map[ast.Node]bool{}
	if len(s.info.Instances) == 0 && !s.hasGenericDecl() && !s.usesPrelude {
		return nil
	}
	m := &mono{s: s, instances: map[string]string{}}
	m.findLocal()
	var errs []types.Error
	for {
		m.index()
		changed := m.round()
		if m.err != nil {
			return m.err
		}
		if !changed {
			break
		}
		m.rounds++
		if len(m.instances) > maxInstances || m.rounds > 100 {
			return &Error{Unsupported: true, Pos: s.userPos(s.f.fset.Position(s.firstStmt)),
				Msg: fmt.Sprintf("instantiating the generics of this snippet does not end (more than %d copies): a generic instantiates itself with ever new type arguments", maxInstances)}
		}
		// Until the last round, copies may still mention instances that
		// the next round replaces: errors count only at the end.
		errs = s.typecheck()
		if s.refused != nil {
			return s.refused
		}
	}
	if len(errs) > 0 {
		e := s.firstError(errs)
		e.Unsupported = true
		e.Msg = "instantiating generics: " + e.Msg
		return e
	}
	m.index()
	s.newTemplates = map[types.Object]*template{}
	for _, t := range m.local {
		if obj := s.info.Defs[t.nameIdent()]; obj != nil {
			s.newTemplates[obj] = t
		}
	}
	s.newInstances = m.instances
	return nil
}

func (t *template) nameIdent() *ast.Ident {
	if t.fn != nil {
		return t.fn.Name
	}
	return t.spec.Name
}

func (s *snippet) hasGenericDecl() bool {
	for _, d := range s.declFile.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Type.TypeParams != nil {
				return true
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				if ts, ok := sp.(*ast.TypeSpec); ok && ts.TypeParams != nil {
					return true
				}
			}
		}
	}
	return false
}

// findLocal makes templates of the snippet's generic declarations.
func (m *mono) findLocal() {
	s := m.s
	byName := map[string]*template{}
	for _, d := range s.declFile.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Type.TypeParams != nil {
				t := s.f.newTemplate(s.info, d.Name.Name, false)
				t.fn, t.nparams = d, countFields(d.Type.TypeParams)
				t.collect(s.info, d, typeParamIdents(d.Type.TypeParams))
				m.local = append(m.local, t)
				s.tmplDecls[d] = true
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				if ts, ok := sp.(*ast.TypeSpec); ok && ts.TypeParams != nil {
					t := s.f.newTemplate(s.info, ts.Name.Name, false)
					t.spec, t.nparams = ts, countFields(ts.TypeParams)
					t.collect(s.info, ts, typeParamIdents(ts.TypeParams))
					byName[ts.Name.Name] = t
					m.local = append(m.local, t)
					s.tmplDecls[ts] = true
				}
			}
		}
	}
	for _, d := range s.declFile.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
			continue
		}
		params := recvParams(fd.Recv.List[0].Type)
		if params == nil {
			continue
		}
		t := byName[recvBase(fd.Recv.List[0].Type)]
		if t == nil {
			m.fail(fd.Name.Pos(), "a method of the generic type %s must be declared in the snippet that declares the type", recvBase(fd.Recv.List[0].Type))
			return
		}
		t.methods = append(t.methods, fd)
		t.collect(s.info, fd, params)
		s.tmplDecls[fd] = true
	}
}

func (f *Front) newTemplate(info *types.Info, name string, prelude bool) *template {
	f.templateIDs++
	return &template{id: f.templateIDs, name: name, prelude: prelude,
		tparams: map[*ast.Ident]int{}, pkgs: map[*ast.Ident]string{}}
}

func countFields(fl *ast.FieldList) int {
	n := 0
	if fl == nil {
		return 0
	}
	for _, f := range fl.List {
		n += len(f.Names)
	}
	return n
}

func typeParamIdents(fl *ast.FieldList) []*ast.Ident {
	var out []*ast.Ident
	if fl == nil {
		return nil
	}
	for _, f := range fl.List {
		out = append(out, f.Names...)
	}
	return out
}

// recvParams returns the type parameters a method's receiver names
// (List[K, V]), or nil for a method of a plain type.
func recvParams(e ast.Expr) []*ast.Ident {
	if st, ok := e.(*ast.StarExpr); ok {
		e = st.X
	}
	if p, ok := e.(*ast.ParenExpr); ok {
		return recvParams(p.X)
	}
	var idx []ast.Expr
	switch x := e.(type) {
	case *ast.IndexExpr:
		idx = []ast.Expr{x.Index}
	case *ast.IndexListExpr:
		idx = x.Indices
	default:
		return nil
	}
	out := make([]*ast.Ident, 0, len(idx))
	for _, i := range idx {
		id, _ := i.(*ast.Ident)
		if id == nil {
			id = ast.NewIdent("_")
		}
		out = append(out, id)
	}
	return out
}

// collect records, in node, the identifiers that name the given type
// parameters (by index) and those that name packages.
func (t *template) collect(info *types.Info, node ast.Node, params []*ast.Ident) {
	objs := map[types.Object]int{}
	for i, id := range params {
		if obj := info.Defs[id]; obj != nil {
			objs[obj] = i
		}
	}
	ast.Inspect(node, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		obj := info.Uses[id]
		if obj == nil {
			obj = info.Defs[id]
		}
		if i, ok := objs[obj]; ok {
			t.tparams[id] = i
		}
		if pn, ok := obj.(*types.PkgName); ok {
			t.pkgs[id] = pn.Imported().Path()
		}
		return true
	})
}

// index maps the objects of the last check to this snippet's templates.
func (m *mono) index() {
	m.byObj = map[types.Object]*template{}
	for _, t := range m.local {
		if obj := m.s.info.Defs[t.nameIdent()]; obj != nil {
			m.byObj[obj] = t
		}
	}
}

func (m *mono) fail(pos token.Pos, format string, args ...any) {
	if m.err == nil {
		m.err = &Error{Unsupported: true, Pos: m.s.userPos(m.s.f.fset.Position(pos)), Msg: fmt.Sprintf(format, args...)}
	}
}

// lookup returns the template obj is an instance of, or nil.
func (m *mono) lookup(obj types.Object, pos token.Pos) *template {
	if t, ok := m.byObj[obj]; ok {
		return t
	}
	f := m.s.f
	if t, ok := f.templates[obj]; ok {
		return t
	}
	if obj.Pkg() == nil || !isStd(obj.Pkg().Path()) || !isGeneric(obj) {
		return nil
	}
	key := obj.Pkg().Path() + "." + obj.Name()
	if err := f.loadPrelude(); err != nil {
		m.fail(pos, "front end: the generic standard library equivalents do not load: %v", err)
		return nil
	}
	if t, ok := f.stdTemplates[key]; ok {
		return t
	}
	m.fail(pos, "%s is a generic function or type of the standard library that this interpreter cannot run yet (the front end has no equivalent for it); write it out for your types", key)
	return nil
}

func isGeneric(obj types.Object) bool {
	switch o := obj.(type) {
	case *types.Func:
		sig, ok := o.Type().(*types.Signature)
		return ok && sig.TypeParams().Len() > 0
	case *types.TypeName:
		if n, ok := o.Type().(*types.Named); ok {
			return n.TypeParams().Len() > 0
		}
		if a, ok := o.Type().(*types.Alias); ok {
			return a.TypeParams().Len() > 0
		}
	}
	return false
}

// round replaces the instantiations in the snippet's non-generic code by
// copies, and reports whether it replaced any.
func (m *mono) round() bool {
	s := m.s
	m.added = nil
	m.spell = &lowering{s: s, checker: true, imports: map[string]string{}}
	changed := false
	site := func(id *ast.Ident) (string, bool) {
		obj := s.info.Uses[id]
		if obj == nil {
			return "", false
		}
		t := m.lookup(obj, id.Pos())
		if t == nil {
			return "", false
		}
		var args []types.Type
		if inst, ok := s.info.Instances[id]; ok {
			for i := range inst.TypeArgs.Len() {
				args = append(args, inst.TypeArgs.At(i))
			}
		}
		if len(args) != t.nparams {
			return "", false
		}
		for _, a := range args {
			if hasTypeParam(a) {
				return "", false
			}
		}
		name := m.instance(t, args, id.Pos())
		return name, name != ""
	}
	visit := func(c *astutil.Cursor) bool {
		if m.err != nil {
			return false
		}
		var id *ast.Ident
		switch x := c.Node().(type) {
		case *ast.IndexExpr:
			id = siteIdent(x.X)
		case *ast.IndexListExpr:
			id = siteIdent(x.X)
		case *ast.SelectorExpr:
			if _, isPkg := s.info.Uses[identOf(x.X)].(*types.PkgName); isPkg {
				id = x.Sel
			}
		case *ast.Ident:
			id = x
		}
		if id == nil {
			return true
		}
		if name, ok := site(id); ok {
			c.Replace(&ast.Ident{Name: name, NamePos: c.Node().Pos()})
			changed = true
			return false
		}
		return true
	}
	for _, d := range s.declFile.Decls {
		if s.isTemplate(d) {
			continue
		}
		if g, ok := d.(*ast.GenDecl); ok {
			for _, sp := range g.Specs {
				if !s.tmplDecls[sp] {
					astutil.Apply(sp, visit, nil)
				}
			}
			continue
		}
		astutil.Apply(d, visit, nil)
	}
	astutil.Apply(s.cell, visit, nil)
	if m.err != nil {
		return false
	}
	m.addImports()
	s.declFile.Decls = append(s.declFile.Decls, m.added...)
	return changed
}

// isTemplate reports whether d is a generic declaration, left out of
// what yaegi sees.
func (s *snippet) isTemplate(d ast.Decl) bool {
	if s.tmplDecls[d] {
		return true
	}
	g, ok := d.(*ast.GenDecl)
	if !ok || g.Tok != token.TYPE || len(g.Specs) == 0 {
		return false
	}
	for _, sp := range g.Specs {
		if !s.tmplDecls[sp] {
			return false
		}
	}
	return true
}

// withoutTemplates returns the declaration without its generic type
// specs, or nil if nothing else is left.
func (s *snippet) withoutTemplates(d ast.Decl) ast.Decl {
	if s.isTemplate(d) {
		return nil
	}
	g, ok := d.(*ast.GenDecl)
	if !ok || g.Tok != token.TYPE {
		return d
	}
	var specs []ast.Spec
	for _, sp := range g.Specs {
		if !s.tmplDecls[sp] {
			specs = append(specs, sp)
		}
	}
	if len(specs) == len(g.Specs) {
		return d
	}
	c := *g
	c.Specs = specs
	if len(specs) == 1 {
		c.Lparen, c.Rparen = token.NoPos, token.NoPos
	}
	return &c
}

func siteIdent(e ast.Expr) *ast.Ident {
	switch x := e.(type) {
	case *ast.Ident:
		return x
	case *ast.SelectorExpr:
		return x.Sel
	}
	return nil
}

func identOf(e ast.Expr) *ast.Ident {
	id, _ := e.(*ast.Ident)
	return id
}

func hasTypeParam(t types.Type) bool {
	found := false
	var walk func(t types.Type, depth int)
	walk = func(t types.Type, depth int) {
		if found || depth > 32 {
			return
		}
		switch t := t.(type) {
		case *types.TypeParam:
			found = true
		case *types.Alias:
			walk(types.Unalias(t), depth+1)
		case *types.Named:
			for i := range t.TypeArgs().Len() {
				walk(t.TypeArgs().At(i), depth+1)
			}
		case *types.Pointer:
			walk(t.Elem(), depth+1)
		case *types.Slice:
			walk(t.Elem(), depth+1)
		case *types.Array:
			walk(t.Elem(), depth+1)
		case *types.Chan:
			walk(t.Elem(), depth+1)
		case *types.Map:
			walk(t.Key(), depth+1)
			walk(t.Elem(), depth+1)
		case *types.Signature:
			walk(t.Params(), depth+1)
			walk(t.Results(), depth+1)
		case *types.Tuple:
			for i := range t.Len() {
				walk(t.At(i).Type(), depth+1)
			}
		case *types.Struct:
			for i := range t.NumFields() {
				walk(t.Field(i).Type(), depth+1)
			}
		case *types.Interface:
			for i := range t.NumMethods() {
				walk(t.Method(i).Type(), depth+1)
			}
			for i := range t.NumEmbeddeds() {
				walk(t.EmbeddedType(i), depth+1)
			}
		}
	}
	walk(t, 0)
	return found
}

// instance returns the name of t's copy for args, making the copy if
// neither this snippet nor an earlier one made it.
func (m *mono) instance(t *template, args []types.Type, pos token.Pos) string {
	var kb strings.Builder
	kb.WriteString(strconv.Itoa(t.id) + "[")
	for i, a := range args {
		if i > 0 {
			kb.WriteByte(',')
		}
		typeKey(&kb, a, 0)
	}
	kb.WriteByte(']')
	key := kb.String()
	f := m.s.f
	if name, ok := f.instances[key]; ok {
		if _, live := f.live[name]; live {
			return name
		}
	}
	if name, ok := m.instances[key]; ok {
		return name
	}
	exprs := make([]string, len(args))
	for i, a := range args {
		text, err := m.spell.typeString(a)
		if err != nil {
			m.fail(pos, "cannot instantiate %s with %s: %v (declare the type at the top level)", t.name, a, err)
			return ""
		}
		exprs[i] = text
	}
	f.instanceIDs++
	name := t.name + "ᐸ" + strconv.Itoa(f.instanceIDs)
	m.instances[key] = name
	f.display[name] = f.userSpelling(t, args)
	m.added = append(m.added, m.copyOf(t, name, exprs, pos)...)
	return name
}

// copyOf copies t's declarations with its type parameters replaced.
func (m *mono) copyOf(t *template, name string, exprs []string, pos token.Pos) []ast.Decl {
	subst := func(id *ast.Ident) ast.Expr {
		if i, ok := t.tparams[id]; ok {
			x, err := parser.ParseExpr(exprs[i])
			if err != nil {
				m.fail(id.Pos(), "front end: cannot write type %s: %v", exprs[i], err)
				return nil
			}
			movePos(x, id.Pos())
			return x
		}
		if path, ok := t.pkgs[id]; ok {
			pkg, err := m.s.f.Import(path)
			if err != nil {
				m.fail(id.Pos(), "front end: %v", err)
				return nil
			}
			return &ast.Ident{Name: m.spell.alias(path, pkg.Name()), NamePos: id.NamePos}
		}
		return nil
	}
	var out []ast.Decl
	if t.fn != nil {
		fd := cloneNode(t.fn, subst).(*ast.FuncDecl)
		fd.Name = &ast.Ident{Name: name, NamePos: t.fn.Name.NamePos}
		fd.Type.TypeParams = nil
		fd.Doc = nil
		out = append(out, fd)
	} else {
		ts := cloneNode(t.spec, subst).(*ast.TypeSpec)
		ts.Name = &ast.Ident{Name: name, NamePos: t.spec.Name.NamePos}
		ts.TypeParams = nil
		ts.Doc, ts.Comment = nil, nil
		out = append(out, &ast.GenDecl{Tok: token.TYPE, TokPos: t.spec.Pos(), Specs: []ast.Spec{ts}})
		for _, md := range t.methods {
			fd := cloneNode(md, subst).(*ast.FuncDecl)
			fd.Doc = nil
			recv := fd.Recv.List[0]
			base := &ast.Ident{Name: name, NamePos: recv.Type.Pos()}
			if st, ok := recv.Type.(*ast.StarExpr); ok {
				st.X = base
			} else {
				recv.Type = base
			}
			out = append(out, fd)
		}
	}
	if t.prelude {
		for _, d := range out {
			movePos(d, pos)
		}
	}
	return out
}

// addImports declares the packages the copies refer to, under the
// aliases they use.
func (m *mono) addImports() {
	have := map[string]bool{}
	for _, imp := range m.s.declFile.Imports {
		if imp.Name != nil {
			have[imp.Name.Name] = true
		}
	}
	var specs []ast.Spec
	for path, alias := range m.spell.imports {
		if have[alias] {
			continue
		}
		sp := &ast.ImportSpec{Name: ast.NewIdent(alias), Path: &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(path)}}
		specs = append(specs, sp)
		m.s.declFile.Imports = append(m.s.declFile.Imports, sp)
	}
	if len(specs) > 0 {
		m.s.declFile.Decls = append([]ast.Decl{&ast.GenDecl{Tok: token.IMPORT, Specs: specs}}, m.s.declFile.Decls...)
	}
}

// typeKey writes t so that two types get the same key exactly when they
// are the same type in this engine: named types of the snippets carry
// where they were declared (a redefinition is another type).
func typeKey(b *strings.Builder, t types.Type, depth int) {
	if depth > 64 {
		b.WriteString("…")
		return
	}
	switch t := t.(type) {
	case *types.Basic:
		b.WriteString(types.Default(t).String())
	case *types.Alias:
		typeKey(b, types.Unalias(t), depth+1)
	case *types.Named:
		obj := t.Obj()
		switch {
		case obj.Pkg() == nil:
			b.WriteString(obj.Name())
		case obj.Pkg().Path() == "main":
			b.WriteString(obj.Name())
			if !strings.Contains(obj.Name(), "ᐸ") {
				fmt.Fprintf(b, "@%d", obj.Pos())
			}
		default:
			b.WriteString(obj.Pkg().Path() + "." + obj.Name())
		}
		if args := t.TypeArgs(); args.Len() > 0 {
			b.WriteByte('[')
			for i := range args.Len() {
				if i > 0 {
					b.WriteByte(',')
				}
				typeKey(b, args.At(i), depth+1)
			}
			b.WriteByte(']')
		}
	case *types.TypeParam:
		fmt.Fprintf(b, "%s@%d", t.Obj().Name(), t.Obj().Pos())
	case *types.Pointer:
		b.WriteByte('*')
		typeKey(b, t.Elem(), depth+1)
	case *types.Slice:
		b.WriteString("[]")
		typeKey(b, t.Elem(), depth+1)
	case *types.Array:
		fmt.Fprintf(b, "[%d]", t.Len())
		typeKey(b, t.Elem(), depth+1)
	case *types.Map:
		b.WriteString("map[")
		typeKey(b, t.Key(), depth+1)
		b.WriteByte(']')
		typeKey(b, t.Elem(), depth+1)
	case *types.Chan:
		fmt.Fprintf(b, "chan%d ", t.Dir())
		typeKey(b, t.Elem(), depth+1)
	case *types.Signature:
		b.WriteString("func(")
		typeKey(b, t.Params(), depth+1)
		if t.Variadic() {
			b.WriteString("...")
		}
		b.WriteString(")(")
		typeKey(b, t.Results(), depth+1)
		b.WriteByte(')')
	case *types.Tuple:
		for i := range t.Len() {
			if i > 0 {
				b.WriteByte(',')
			}
			typeKey(b, t.At(i).Type(), depth+1)
		}
	case *types.Struct:
		b.WriteString("struct{")
		for i := range t.NumFields() {
			fl := t.Field(i)
			fmt.Fprintf(b, "%s %v ", fl.Name(), fl.Embedded())
			typeKey(b, fl.Type(), depth+1)
			b.WriteString(" " + strconv.Quote(t.Tag(i)) + ";")
		}
		b.WriteByte('}')
	default:
		b.WriteString(types.TypeString(t, func(p *types.Package) string { return p.Path() }))
	}
}

// cloneNode deep-copies a syntax tree; subst may replace an identifier
// by another expression (nil: copy it).
func cloneNode(n ast.Node, subst func(*ast.Ident) ast.Expr) ast.Node {
	return cloneValue(reflect.ValueOf(n), subst).Interface().(ast.Node)
}

var (
	identType = reflect.TypeFor[*ast.Ident]()
	// The parser still fills the deprecated Object and Scope fields;
	// cloneValue must know them to leave them out of a copy.
	objectType = reflect.TypeFor[*ast.Object]() //lint:ignore SA1019 named only to skip the parser's deprecated field
	scopeType  = reflect.TypeFor[*ast.Scope]()  //lint:ignore SA1019 named only to skip the parser's deprecated field
)

func cloneValue(v reflect.Value, subst func(*ast.Ident) ast.Expr) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || v.Type() == objectType || v.Type() == scopeType {
			return reflect.Zero(v.Type())
		}
		if v.Type() == identType {
			id := v.Interface().(*ast.Ident)
			if x := subst(id); x != nil {
				return reflect.ValueOf(x)
			}
			c := *id
			c.Obj = nil
			return reflect.ValueOf(&c)
		}
		n := reflect.New(v.Type().Elem())
		n.Elem().Set(cloneValue(v.Elem(), subst))
		return n
	case reflect.Struct:
		n := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			n.Field(i).Set(fit(cloneValue(v.Field(i), subst), v.Field(i)))
		}
		return n
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		n := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			n.Index(i).Set(fit(cloneValue(v.Index(i), subst), v.Index(i)))
		}
		return n
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		n := reflect.New(v.Type()).Elem()
		n.Set(cloneValue(v.Elem(), subst))
		return n
	}
	return v
}

// fit returns c if it fits where orig was, else a plain copy of orig (an
// identifier that must stay one, such as a declared name).
func fit(c, orig reflect.Value) reflect.Value {
	if c.Type().AssignableTo(orig.Type()) {
		return c
	}
	return cloneValue(orig, func(*ast.Ident) ast.Expr { return nil })
}

// movePos moves every valid position in n to pos (the copy of prelude
// code is reported at the user's instantiation); invalid ones stay
// invalid, as some mean "absent" (no parentheses, not an alias).
func movePos(n ast.Node, pos token.Pos) {
	movePosValue(reflect.ValueOf(n), pos, 0)
}

var posType = reflect.TypeFor[token.Pos]()

func movePosValue(v reflect.Value, pos token.Pos, depth int) {
	if depth > 200 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() && v.Type() != objectType && v.Type() != scopeType {
			movePosValue(v.Elem(), pos, depth+1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fv := v.Field(i)
			if fv.Type() == posType {
				if token.Pos(fv.Int()).IsValid() {
					fv.SetInt(int64(pos))
				}
				continue
			}
			movePosValue(fv, pos, depth+1)
		}
	case reflect.Slice:
		for i := range v.Len() {
			movePosValue(v.Index(i), pos, depth+1)
		}
	}
}
