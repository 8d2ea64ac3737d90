package front

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"

	"github.com/dpfw/dpfw/eval/front/shim"
)

// yaegi v0.16.1 keys a map whose key type is or holds an interface by
// its own wrappers of the program's values: a *T held in any is wrapped
// at each conversion with the place it was converted at
// (interp.valueInterface), so `var a, b any = p, p; m[a] = 1; m[b]++`
// made two entries where Go makes one, and a *T held in error is an
// interp._error, a struct of funcs that Go cannot hash ("hash of
// unhashable type interp._error"). So each key put in or looked up in
// such a map (m[k], delete(m, k), a map literal's keys) is lowered to
// shim.MapKey, which takes the wrappers off; where what a wrapper holds
// cannot stand in the interface itself (the program's *T in error) the
// task fails with kind unsupported, naming the map type. A key type that
// holds an interface the program declares (or writes in place with
// methods) is refused before anything runs: yaegi's map type is keyed by
// its wrapper itself there, which no key can be made equal to.

// mapKeyIndex lowers the key of m[k].
func (l *lowering) mapKeyIndex(n *ast.IndexExpr) {
	if mt := l.ifaceKeyMap(n.X); mt != nil {
		n.Index = l.mapKeyCall(mt, n.Index)
	}
}

// mapKeyDelete lowers the key of delete(m, k).
func (l *lowering) mapKeyDelete(call *ast.CallExpr) {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok || len(call.Args) != 2 {
		return
	}
	if b, ok := l.s.info.Uses[id].(*types.Builtin); !ok || b.Name() != "delete" {
		return
	}
	if mt := l.ifaceKeyMap(call.Args[0]); mt != nil {
		call.Args[1] = l.mapKeyCall(mt, call.Args[1])
	}
}

// mapKeyLit lowers the keys of a map literal.
func (l *lowering) mapKeyLit(lit *ast.CompositeLit) {
	mt := l.ifaceKeyMap(lit)
	if mt == nil {
		return
	}
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		if cl, ok := kv.Key.(*ast.CompositeLit); ok && cl.Type == nil {
			// {a, 1}: an argument of the call must name its type.
			ks, err := l.typeString(mt.Key())
			if err != nil {
				l.fail(cl.Pos(), "a key of %s is not supported: the front end cannot name the key type to check it (%v)", types.TypeString(mt, qualifyMain), err)
				return
			}
			kt, err := parser.ParseExpr(ks)
			if err != nil {
				l.fail(cl.Pos(), "front end: cannot write type %s: %v", ks, err)
				return
			}
			clearPos(kt)
			cl.Type = kt
		}
		kv.Key = l.mapKeyCall(mt, kv.Key)
	}
}

// ifaceKeyMap returns the map type of e if its key type is or holds an
// interface and the program declares types (otherwise no wrapper can be
// a key); nil if not.
func (l *lowering) ifaceKeyMap(e ast.Expr) *types.Map {
	t := l.typeOf(e).Type
	if t == nil {
		return nil
	}
	mt, ok := t.Underlying().(*types.Map)
	if !ok || !holdsInterface(mt.Key(), 0) || len(l.mainTypes()) == 0 {
		return nil
	}
	return mt
}

// mapKeyCall returns shim.MapKey(m, nil, k) for a key type that is an
// empty interface; that asserted to the key type K for a struct or array
// holding interfaces; and for another interface a call of a helper that
// passes shim.MapKey a nil *K, keeps a nil K nil and asserts to K.
func (l *lowering) mapKeyCall(mt *types.Map, k ast.Expr) ast.Expr {
	if l.err != nil || l.typeOf(k).IsNil() {
		return k
	}
	pos := k.Pos()
	if it := mainInterface(mt.Key(), 0); it != nil {
		l.fail(pos, "a key of %s is not supported: the interpreter holds a value in %s, an interface the program declares, as a value that differs with where it was converted, so equal keys would be different entries; key the map by any, error or a concrete type", types.TypeString(mt, qualifyMain), types.TypeString(it, qualifyMain))
		return k
	}
	if a, b := l.confusedIn(mt.Key(), 0); a != nil {
		l.fail(pos, "a key of %s is not supported here: the interpreter does not tell a %s held in an interface from a value of type %s (it keeps only the underlying type), so they would be one key; key the map by a concrete type", types.TypeString(mt, qualifyMain), types.TypeString(a, qualifyMain), types.TypeString(b, qualifyMain))
		return k
	}
	sh := l.alias(shim.Path, "shim")
	desc := &ast.BasicLit{Kind: token.STRING, ValuePos: pos, Value: strconv.Quote(types.TypeString(mt, qualifyMain))}
	if it, ok := mt.Key().Underlying().(*types.Interface); ok && it.Empty() {
		fun := &ast.SelectorExpr{X: &ast.Ident{Name: sh, NamePos: pos}, Sel: &ast.Ident{Name: "MapKey"}}
		return &ast.CallExpr{Fun: fun, Args: []ast.Expr{desc, &ast.Ident{Name: "nil", NamePos: pos}, k}}
	}
	ks, err := l.typeString(mt.Key())
	if err != nil {
		l.fail(pos, "a key of %s is not supported: the front end cannot name the key type to check it (%v)", types.TypeString(mt, qualifyMain), err)
		return k
	}
	name := l.helper("mapkey "+ks, func(name string) string {
		if types.IsInterface(mt.Key()) {
			return "func " + name + "(m string, k " + ks + ") " + ks + " { if k == nil { return k }; return " + sh + ".MapKey(m, (*" + ks + ")(nil), k).(" + ks + ") }"
		}
		return "func " + name + "(m string, k " + ks + ") " + ks + " { return " + sh + ".MapKey(m, nil, k).(" + ks + ") }"
	})
	return &ast.CallExpr{Fun: &ast.Ident{Name: name, NamePos: pos}, Args: []ast.Expr{desc, k}}
}

// mainInterface returns an interface type declared in the program that t
// is or holds by value; nil if none.
func mainInterface(t types.Type, depth int) types.Type {
	if depth > 32 {
		return nil
	}
	if n, ok := types.Unalias(t).(*types.Named); ok && types.IsInterface(n) {
		if n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "main" {
			return n
		}
		return nil
	}
	switch u := t.Underlying().(type) {
	case *types.Interface:
		if u.NumMethods() > 0 {
			return t // written in place: the interpreter's own interface
		}
	case *types.Struct:
		for f := range u.Fields() {
			if it := mainInterface(f.Type(), depth+1); it != nil {
				return it
			}
		}
	case *types.Array:
		return mainInterface(u.Elem(), depth+1)
	}
	return nil
}
