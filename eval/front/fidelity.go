package front

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/dpfw/dpfw/eval/front/shim"
)

// Fidelity rewrites: where yaegi's representation of interpreted values
// shows through the standard library's reflection, the lowered code is
// changed so that what reflection sees is what go run's would.

// hideUnexported tags every unexported field of the struct types in node
// json:"-" and xml:"-": yaegi gives interpreted structs reflect types
// whose unexported fields are exported under an "X" prefix
// ("password" becomes "Xpassword"), which encoding/json and encoding/xml
// would then marshal and unmarshal; go run's never touch them.
func hideUnexported(node ast.Node) {
	ast.Inspect(node, func(n ast.Node) bool {
		st, ok := n.(*ast.StructType)
		if !ok || st.Fields == nil {
			return true
		}
		var fields []*ast.Field
		for _, f := range st.Fields.List {
			fields = append(fields, splitByExport(f)...)
		}
		st.Fields.List = fields
		for _, f := range fields {
			if len(f.Names) > 0 && !f.Names[0].IsExported() && f.Names[0].Name != "_" {
				f.Tag = hiddenTag(f.Tag)
			}
		}
		return true
	})
}

// splitByExport splits "a, B int" into one field per kind of name.
func splitByExport(f *ast.Field) []*ast.Field {
	if len(f.Names) < 2 {
		return []*ast.Field{f}
	}
	mixed := false
	for _, id := range f.Names {
		mixed = mixed || id.IsExported() != f.Names[0].IsExported()
	}
	if !mixed {
		return []*ast.Field{f}
	}
	var out []*ast.Field
	for _, id := range f.Names {
		out = append(out, &ast.Field{Names: []*ast.Ident{id}, Type: f.Type, Tag: f.Tag})
	}
	return out
}

// hiddenTag returns tag with json and xml set to "-", other keys kept.
func hiddenTag(tag *ast.BasicLit) *ast.BasicLit {
	var keep []string
	if tag != nil {
		if s, err := strconv.Unquote(tag.Value); err == nil {
			keep = otherKeys(reflect.StructTag(s), "json", "xml")
		}
	}
	text := strings.Join(append(keep, `json:"-"`, `xml:"-"`), " ")
	pos := token.NoPos
	if tag != nil {
		pos = tag.ValuePos
	}
	return &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(text), ValuePos: pos}
}

// otherKeys returns the key:"value" pairs of tag whose keys are not drop.
func otherKeys(tag reflect.StructTag, drop ...string) []string {
	var out []string
	s := string(tag)
	for s != "" {
		s = strings.TrimLeft(s, " ")
		i := strings.IndexByte(s, ':')
		if i <= 0 || i+1 >= len(s) || s[i+1] != '"' {
			break
		}
		key := s[:i]
		rest := s[i+1:]
		j := 1
		for j < len(rest) && rest[j] != '"' {
			if rest[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(rest) {
			break
		}
		pair := key + ":" + rest[:j+1]
		s = rest[j+1:]
		dropped := false
		for _, d := range drop {
			dropped = dropped || d == key
		}
		if !dropped {
			out = append(out, pair)
		}
	}
	return out
}

// marshalMethods are the methods encoding packages look up by reflection:
// an interpreted type's methods are not in the reflect type yaegi gives
// its values, so encoding/json and encoding/xml would never call them.
var marshalMethods = map[string]bool{
	"MarshalJSON": true, "UnmarshalJSON": true, "MarshalText": true, "UnmarshalText": true,
	"MarshalXML": true, "UnmarshalXML": true, "MarshalXMLAttr": true, "UnmarshalXMLAttr": true,
}

// refuseUnseenMethods refuses, before anything runs, a snippet that
// declares a marshalling method while it uses encoding/json or
// encoding/xml, and an omitzero field whose type has its own IsZero:
// go run would call those methods, the interpreter's encoders cannot.
func (l *lowering) refuseUnseenMethods(decls []ast.Decl) {
	s := l.s
	uses := map[string]bool{}
	for _, obj := range s.info.Uses {
		if pn, ok := obj.(*types.PkgName); ok {
			uses[pn.Imported().Path()] = true
		}
	}
	if !uses["encoding/json"] && !uses["encoding/xml"] {
		return
	}
	for _, d := range decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || !marshalMethods[fd.Name.Name] {
			continue
		}
		base := recvBase(fd.Recv.List[0].Type)
		l.fail(fd.Name.Pos(), "the method %s.%s would not be called by encoding/json or encoding/xml here: the interpreter's values do not carry their methods into reflection; call it yourself (b, err := v.%s()) or marshal a plain struct or map built from v", base, fd.Name.Name, fd.Name.Name)
		return
	}
	for _, d := range decls {
		ast.Inspect(d, func(n ast.Node) bool {
			f, ok := n.(*ast.Field)
			if !ok || f.Tag == nil || !strings.Contains(f.Tag.Value, "omitzero") {
				return true
			}
			t := s.info.TypeOf(f.Type)
			if t == nil {
				return true
			}
			for _, typ := range []types.Type{t, types.NewPointer(t)} {
				if m, _, _ := types.LookupFieldOrMethod(typ, true, s.pkg, "IsZero"); m != nil && m.Pkg() != nil && m.Pkg().Path() == "main" {
					l.fail(f.Tag.Pos(), "omitzero on a field of type %s, whose IsZero method encoding/json cannot see in the interpreter, is not supported; leave the field out yourself (a pointer field with omitempty)", t)
					return false
				}
			}
			return true
		})
	}
}

// refuseTemplateMethods refuses, before anything runs, a call of
// Execute or ExecuteTemplate of text/template or html/template whose data
// holds a value of a program type with methods: the template would call
// them ({{.Total}}) or print through them (String), and the interpreter's
// values do not carry their methods into reflection. Data of an
// interface type (any) is not looked into.
func (l *lowering) refuseTemplateMethods(node ast.Node) {
	ast.Inspect(node, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || l.err != nil || len(call.Args) == 0 {
			return l.err == nil
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok || (sel.Sel.Name != "Execute" && sel.Sel.Name != "ExecuteTemplate") {
			return true
		}
		fn, ok := l.s.info.Uses[sel.Sel].(*types.Func)
		if !ok || fn.Pkg() == nil || (fn.Pkg().Path() != "text/template" && fn.Pkg().Path() != "html/template") {
			return true
		}
		data := call.Args[len(call.Args)-1]
		if named := l.methodsOfMain(l.s.info.TypeOf(data)); named != nil {
			l.fail(data.Pos(), "%s of %s with data holding %s, whose methods the template cannot see in the interpreter (the interpreter's values do not carry their methods into reflection), is not supported; pass a map or a struct of plain values, with the methods' results computed beforehand", sel.Sel.Name, fn.Pkg().Path(), named)
			return false
		}
		return true
	})
}

// methodsOfMain returns a named type of the program that has methods and
// that t holds (itself, or through pointers, elements and fields), or nil.
func (l *lowering) methodsOfMain(t types.Type) *types.Named {
	var found *types.Named
	seen := map[types.Type]bool{}
	var walk func(t types.Type)
	walk = func(t types.Type) {
		if t == nil || found != nil || seen[t] {
			return
		}
		seen[t] = true
		switch u := t.(type) {
		case *types.Named:
			if u.Obj().Pkg() != nil && u.Obj().Pkg().Path() == "main" && !types.IsInterface(u) &&
				types.NewMethodSet(types.NewPointer(u)).Len() > 0 {
				found = u
				return
			}
			walk(u.Underlying())
		case *types.Pointer:
			walk(u.Elem())
		case *types.Slice:
			walk(u.Elem())
		case *types.Array:
			walk(u.Elem())
		case *types.Map:
			walk(u.Key())
			walk(u.Elem())
		case *types.Struct:
			for i := range u.NumFields() {
				walk(u.Field(i).Type())
			}
		}
	}
	walk(t)
	return found
}

// fmtFuncs are the fmt functions whose format is their argument i.
var fmtFuncs = map[string]int{"Printf": 0, "Sprintf": 0, "Errorf": 0, "Fprintf": 1, "Appendf": 1}

// fmtTypes makes %T of a value whose static type names an interpreted
// type print go run's name for it ("main.Point": yaegi's reflect types
// are unnamed), by passing the name as a string; it refuses %T and %#v
// where the name cannot be known before the program runs (an interface
// value that may hold an interpreted type) or written (%#v).
func (l *lowering) fmtTypes(node ast.Node) {
	ast.Inspect(node, func(n ast.Node) bool {
		if l.err != nil {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok || call.Ellipsis.IsValid() {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		fn, ok := l.s.info.Uses[sel.Sel].(*types.Func)
		if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "fmt" {
			return true
		}
		i, ok := fmtFuncs[fn.Name()]
		if !ok || len(call.Args) <= i {
			return true
		}
		tv := l.s.info.Types[call.Args[i]]
		if tv.Value == nil || tv.Value.Kind() != constant.String {
			return true
		}
		l.fmtCall(call, i, constant.StringVal(tv.Value))
		return true
	})
}

func (l *lowering) fmtCall(call *ast.CallExpr, fi int, format string) {
	verbs := fmtVerbs(format)
	if verbs == nil {
		return
	}
	changed := false
	out := []byte(format)
	for k := len(verbs) - 1; k >= 0; k-- {
		v := verbs[k]
		ai := fi + 1 + k
		if ai >= len(call.Args) || (v.verb != 'T' && !(v.verb == 'v' && v.sharp)) {
			continue
		}
		arg := call.Args[ai]
		t := l.s.info.TypeOf(arg)
		if t == nil || !l.mayHoldMain(t) && !(v.verb == 'T' && l.mayHoldStandIn(t)) {
			continue
		}
		if v.verb == 'v' {
			if types.IsInterface(t) {
				l.fail(arg.Pos(), "%%#v of a value of type %s would print the interpreter's unnamed struct type instead of Go syntax with main's names; use %%+v, or print the fields yourself", types.TypeString(t, qualifyMain))
				return
			}
			desc, why := l.goDesc(t, true, map[types.Type]bool{})
			if why != "" {
				l.fail(arg.Pos(), "%%#v of a value of type %s is not supported (%s); use %%+v, or print the fields yourself", types.TypeString(t, qualifyMain), why)
				return
			}
			ts, _ := reflectName(t)
			shimPkg := l.alias(shim.Path, "shim")
			helper := l.helper("gosyntax "+ts, func(name string) string {
				return "func " + name + "() *" + shimPkg + ".Desc { return " + desc + " }"
			})
			call.Args[ai] = &ast.CallExpr{Fun: &ast.SelectorExpr{X: ast.NewIdent(shimPkg), Sel: ast.NewIdent("GoSyntax")},
				Args: []ast.Expr{arg, &ast.CallExpr{Fun: ast.NewIdent(helper)}}}
			out[v.end-1] = 's'
			changed = true
			continue
		}
		var helper string
		if types.IsInterface(t) {
			helper = l.typeNameSwitch(t, arg)
		} else {
			name, ok := l.typeName(t)
			if !ok {
				l.fail(arg.Pos(), "%%T of a value of type %s is not supported (the interpreter's types have no names); print the type's name yourself", types.TypeString(t, qualifyMain))
				return
			}
			helper = l.helper("typename", func(name string) string {
				return "func " + name + "(_ any, s string) string { return s }"
			})
			arg = &ast.CallExpr{Fun: ast.NewIdent(helper), Args: []ast.Expr{arg, &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(name)}}}
		}
		if helper == "" {
			return
		}
		if _, isCall := arg.(*ast.CallExpr); !isCall || !types.IsInterface(t) {
			call.Args[ai] = arg
		}
		if types.IsInterface(t) {
			call.Args[ai] = &ast.CallExpr{Fun: ast.NewIdent(helper), Args: []ast.Expr{arg}}
		}
		out[v.end-1] = 's'
		changed = true
	}
	if changed {
		call.Args[fi] = &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(string(out)), ValuePos: call.Args[fi].Pos()}
	}
}

// fmtVerb is a verb of a format: its end offset, the verb, the # flag.
type fmtVerb struct {
	end   int
	verb  byte
	sharp bool
}

// fmtVerbs lists the verbs of format that consume an argument, in order;
// nil if the format uses explicit argument indexes or * (left alone).
func fmtVerbs(format string) []fmtVerb {
	var out []fmtVerb
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		sharp := false
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			sharp = sharp || format[i] == '#'
			i++
		}
		if i >= len(format) {
			break
		}
		switch format[i] {
		case '%':
			continue
		case '[', '*':
			return nil
		}
		out = append(out, fmtVerb{end: i + 1, verb: format[i], sharp: sharp})
	}
	if out == nil {
		out = []fmtVerb{}
	}
	return out
}

// mayHoldMain reports whether t names a type of the program, or is an
// interface that a type of the program implements.
func (l *lowering) mayHoldMain(t types.Type) bool {
	if types.IsInterface(t) {
		if _, ok := t.(*types.TypeParam); ok {
			return false
		}
		iface := t.Underlying().(*types.Interface)
		for _, obj := range l.mainTypes() {
			if types.Implements(obj.Type(), iface) || types.Implements(types.NewPointer(obj.Type()), iface) {
				return true
			}
		}
		return false
	}
	found := false
	var walk func(t types.Type, depth int)
	walk = func(t types.Type, depth int) {
		if found || depth > 16 {
			return
		}
		if a, ok := t.(*types.Alias); ok && generated(a.Obj()) {
			found = true // a generic type of the standard library (prelude)
			return
		}
		// An alias (type A = []P) hides what it stands for from the
		// switch: walk that.
		switch t := types.Unalias(t).(type) {
		case *types.Named:
			if t.Obj().Pkg() != nil && t.Obj().Pkg().Path() == "main" {
				found = true
			}
		case *types.Pointer:
			walk(t.Elem(), depth+1)
		case *types.Slice:
			walk(t.Elem(), depth+1)
		case *types.Array:
			walk(t.Elem(), depth+1)
		case *types.Map:
			walk(t.Key(), depth+1)
			walk(t.Elem(), depth+1)
		case *types.Chan:
			walk(t.Elem(), depth+1)
		case *types.Struct:
			for i := range t.NumFields() {
				walk(t.Field(i).Type(), depth+1)
			}
		case *types.Signature:
			for _, tup := range []*types.Tuple{t.Params(), t.Results()} {
				for i := range tup.Len() {
					walk(tup.At(i).Type(), depth+1)
				}
			}
		}
	}
	walk(t, 0)
	return found
}

// mainTypes are the program's named non-interface types, live or new.
func (l *lowering) mainTypes() []*types.TypeName {
	if l.mains != nil {
		return l.mains
	}
	l.mains = []*types.TypeName{}
	add := func(obj types.Object) {
		if _, tmpl := l.s.f.templates[obj]; tmpl {
			return // a template (of the prelude): its copies are the types
		}
		if tn, ok := obj.(*types.TypeName); ok && !tn.IsAlias() && !types.IsInterface(tn.Type()) {
			if n, ok := tn.Type().(*types.Named); ok && n.TypeParams().Len() == 0 {
				l.mains = append(l.mains, tn)
			}
		}
	}
	for _, obj := range l.s.f.live {
		add(obj)
	}
	for _, obj := range l.s.info.Defs {
		if obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == "main" {
			add(obj)
		}
	}
	// Both sources are maps: a fixed order keeps refusals and helpers the
	// same from run to run.
	sort.SliceStable(l.mains, func(i, j int) bool { return l.mains[i].Name() < l.mains[j].Name() })
	return l.mains
}

// generated reports whether obj is a type the front end declared in
// place of one of the standard library's generic types (iter.Seq[int]
// becomes main.ᐧiter_Seqᐸ1, see prelude.go): reflect would not print
// its name as go run does.
func generated(obj *types.TypeName) bool {
	return obj.Pkg() != nil && obj.Pkg().Path() == "main" && strings.HasPrefix(obj.Name(), "ᐧ")
}

// reflectName writes t as reflect's Type.String does, for the types
// whose spelling is certain; ok false for the others.
func reflectName(t types.Type) (string, bool) {
	switch t := t.(type) {
	case *types.Named:
		if t.TypeArgs().Len() > 0 || generated(t.Obj()) {
			return "", false
		}
		if t.Obj().Pkg() == nil {
			return t.Obj().Name(), true
		}
		return t.Obj().Pkg().Name() + "." + t.Obj().Name(), true
	case *types.Alias:
		if generated(t.Obj()) {
			return "", false
		}
		return reflectName(types.Unalias(t))
	case *types.Basic:
		return types.Typ[t.Kind()].Name(), t.Info()&types.IsUntyped == 0 // uint8 for byte, int32 for rune
	case *types.Pointer:
		s, ok := reflectName(t.Elem())
		return "*" + s, ok
	case *types.Slice:
		s, ok := reflectName(t.Elem())
		return "[]" + s, ok
	case *types.Array:
		s, ok := reflectName(t.Elem())
		return fmt.Sprintf("[%d]%s", t.Len(), s), ok
	case *types.Signature:
		return signatureName(t)
	case *types.Map:
		k, ok1 := reflectName(t.Key())
		v, ok2 := reflectName(t.Elem())
		return "map[" + k + "]" + v, ok1 && ok2
	}
	return "", false
}

func qualifyMain(p *types.Package) string { return p.Name() }

// signatureName writes a func type as reflect does.
func signatureName(sig *types.Signature) (string, bool) {
	if sig.TypeParams().Len() > 0 {
		return "", false
	}
	b := "func("
	ok := true
	for i := range sig.Params().Len() {
		if i > 0 {
			b += ", "
		}
		pt := sig.Params().At(i).Type()
		if sig.Variadic() && i == sig.Params().Len()-1 {
			b += "..."
			pt = pt.(*types.Slice).Elem()
		}
		s, k := reflectName(pt)
		b, ok = b+s, ok && k
	}
	b += ")"
	res := sig.Results()
	if res.Len() == 1 {
		s, k := reflectName(res.At(0).Type())
		return b + " " + s, ok && k
	}
	if res.Len() > 1 {
		b += " ("
		for i := range res.Len() {
			if i > 0 {
				b += ", "
			}
			s, k := reflectName(res.At(i).Type())
			b, ok = b+s, ok && k
		}
		b += ")"
	}
	return b, ok
}

// typeNameSwitch declares a function that names the dynamic type of a
// value of the interface type operand as go run would: assertions, on
// the operand's own type, to the program's types that may be in it (T,
// *T, []T, []*T), and fmt's %T for any other type. Where yaegi's
// assertions cannot tell two of those types apart (typeswitch.go), %T
// is refused.
func (l *lowering) typeNameSwitch(operand types.Type, arg ast.Expr) string {
	ot, err := l.typeString(operand)
	if err != nil {
		l.fail(arg.Pos(), "%%T of a value of type %s is not supported here (%v); print the type's name yourself", types.TypeString(operand, qualifyMain), err)
		return ""
	}
	iface := operand.Underlying().(*types.Interface)
	var cases []string
	var keys []string
	for _, tn := range l.mainTypes() {
		base, err := l.typeString(tn.Type())
		if err != nil {
			continue // a type local to a function: named like any other below
		}
		name, _ := l.typeName(tn.Type())
		for _, form := range []string{"", "*", "[]", "[]*"} {
			var t types.Type = tn.Type()
			switch form {
			case "*":
				t = types.NewPointer(t)
			case "[]":
				t = types.NewSlice(t)
			case "[]*":
				t = types.NewSlice(types.NewPointer(t))
			}
			if !types.Implements(t, iface) {
				continue
			}
			if lostInInterface(operand, t) {
				l.fail(arg.Pos(), "%%T of a %s is not supported here: the interpreter loses the type of a %s (not a pointer) held in error or another package's interface; print the type's name yourself", types.TypeString(operand, qualifyMain), types.TypeString(t, qualifyMain))
				return ""
			}
			if other := l.confusable(operand, t); other != nil {
				l.fail(arg.Pos(), "%%T of a %s is not supported here: the interpreter cannot tell a %s from a %s (it keeps only their underlying type) and this program has both; print the type's name yourself", types.TypeString(operand, qualifyMain), types.TypeString(t, qualifyMain), types.TypeString(other, qualifyMain))
				return ""
			}
			cases = append(cases, "if _, ok := v.("+form+base+"); ok { return "+strconv.Quote(form+name)+" }")
		}
		keys = append(keys, base)
	}
	if a := l.standInHeld(iface); a != nil {
		l.fail(arg.Pos(), "%%T of a %s is not supported here: it may hold a %s, which the front end runs as %s, and the interpreter cannot tell the two apart; print the type's name yourself", types.TypeString(operand, qualifyMain), l.s.f.display[a.Obj().Name()], types.TypeString(types.Unalias(a), nil))
		return ""
	}
	sort.Strings(keys)
	sort.Strings(cases)
	return l.helper("typeswitch "+ot+" "+strings.Join(keys, ","), func(name string) string {
		f := l.alias("fmt", "fmt")
		return "func " + name + "(v " + ot + ") string {\nif v == nil { return \"<nil>\" }\n" + strings.Join(cases, "\n") + "\nreturn " + f + ".Sprintf(\"%T\", v)\n}"
	})
}

// goDesc writes the shim.Desc of t for %#v (shim.GoSyntax), or says why
// it cannot: fmt would call a GoString or Format method, or a part of t
// has no name reflect would give (an unnamed struct, a generic type), or
// fmt's order of its map keys is not one GoSyntax has.
func (l *lowering) goDesc(t types.Type, top bool, seen map[types.Type]bool) (string, string) {
	name, ok := l.typeName(t)
	if !ok {
		if it, isIface := t.Underlying().(*types.Interface); !isIface || !it.Empty() || l.mayHoldMain(t) {
			return "", "the interpreter cannot name " + types.TypeString(t, qualifyMain) + " as go run does"
		}
		name = "interface {}"
	}
	for _, m := range []string{"GoString", "Format"} {
		if obj, _, _ := types.LookupFieldOrMethod(t, false, nil, m); obj != nil {
			if _, isFunc := obj.(*types.Func); isFunc {
				return "", types.TypeString(t, qualifyMain) + " has a " + m + " method, which fmt would call"
			}
		}
	}
	if seen[t] {
		return "", types.TypeString(t, qualifyMain) + " contains itself"
	}
	seen[t] = true
	defer delete(seen, t)
	s := l.alias(shim.Path, "shim")
	desc := "&" + s + ".Desc{Name: " + strconv.Quote(name)
	part := func(field string, t types.Type) string {
		d, why := l.goDesc(t, false, seen)
		if why == "" {
			desc += ", " + field + ": " + d
		}
		return why
	}
	var why string
	switch u := t.Underlying().(type) {
	case *types.Struct:
		desc += ", Fields: []" + s + ".Field{"
		for i := range u.NumFields() {
			f := u.Field(i)
			d, w := l.goDesc(f.Type(), false, seen)
			if w != "" {
				return "", w
			}
			desc += "{Name: " + strconv.Quote(f.Name()) + ", Type: " + d + "}, "
		}
		desc += "}"
	case *types.Slice:
		why = part("Elem", u.Elem())
	case *types.Array:
		why = part("Elem", u.Elem())
	case *types.Map:
		if _, basic := u.Key().Underlying().(*types.Basic); !basic {
			return "", "a map keyed by " + types.TypeString(u.Key(), qualifyMain)
		}
		if why = part("Key", u.Key()); why == "" {
			why = part("Elem", u.Elem())
		}
	case *types.Pointer:
		if top {
			why = part("Elem", u.Elem())
		}
	}
	if why != "" {
		return "", why
	}
	return desc + "}", ""
}
