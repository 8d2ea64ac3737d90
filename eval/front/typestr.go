package front

import (
	"fmt"
	"go/ast"
	"go/types"
	"strconv"
	"strings"
)

// typeString writes t as Go source that means t in the lowered program:
// package-qualified names use the lowered program's import aliases, and
// the user's named types their yaegi names. It fails for types that have
// no name at the top level of a program (types local to a function).
func (l *lowering) typeString(t types.Type) (string, error) {
	var b strings.Builder
	err := l.writeType(&b, t, 0)
	return b.String(), err
}

func (l *lowering) writeType(b *strings.Builder, t types.Type, depth int) error {
	if depth > 64 {
		return fmt.Errorf("type nested too deeply")
	}
	switch t := t.(type) {
	case *types.Basic:
		if t.Info()&types.IsUntyped != 0 {
			return l.writeType(b, types.Default(t), depth)
		}
		if t.Kind() == types.UnsafePointer {
			b.WriteString(l.alias("unsafe", "unsafe") + ".Pointer")
			return nil
		}
		b.WriteString(t.Name())
	case *types.Alias:
		return l.writeType(b, types.Unalias(t), depth)
	case *types.Named:
		return l.writeNamed(b, t, depth)
	case *types.TypeParam:
		return fmt.Errorf("type parameter %s", t.Obj().Name())
	case *types.Pointer:
		b.WriteByte('*')
		return l.writeType(b, t.Elem(), depth+1)
	case *types.Slice:
		b.WriteString("[]")
		return l.writeType(b, t.Elem(), depth+1)
	case *types.Array:
		fmt.Fprintf(b, "[%d]", t.Len())
		return l.writeType(b, t.Elem(), depth+1)
	case *types.Map:
		b.WriteString("map[")
		if err := l.writeType(b, t.Key(), depth+1); err != nil {
			return err
		}
		b.WriteByte(']')
		return l.writeType(b, t.Elem(), depth+1)
	case *types.Chan:
		switch t.Dir() {
		case types.SendOnly:
			b.WriteString("chan<- ")
		case types.RecvOnly:
			b.WriteString("<-chan ")
		default:
			b.WriteString("chan ")
			if c, ok := t.Elem().(*types.Chan); ok && c.Dir() == types.RecvOnly {
				b.WriteByte('(')
				defer b.WriteByte(')')
			}
		}
		return l.writeType(b, t.Elem(), depth+1)
	case *types.Signature:
		b.WriteString("func")
		return l.writeSignature(b, t, depth)
	case *types.Struct:
		b.WriteString("struct{")
		for i := range t.NumFields() {
			f := t.Field(i)
			if i > 0 {
				b.WriteString("; ")
			}
			if !f.Embedded() {
				b.WriteString(f.Name() + " ")
			}
			if err := l.writeType(b, f.Type(), depth+1); err != nil {
				return err
			}
			tag := t.Tag(i)
			if !f.Exported() && !f.Embedded() && f.Name() != "_" && !l.checker {
				tag = hiddenTag(&ast.BasicLit{Value: strconv.Quote(tag)}).Value // as hideUnexported writes it
				tag, _ = strconv.Unquote(tag)
			}
			if tag != "" {
				b.WriteString(" " + strconv.Quote(tag))
			}
		}
		b.WriteByte('}')
	case *types.Interface:
		b.WriteString("interface{")
		n := 0
		for i := range t.NumEmbeddeds() {
			if n > 0 {
				b.WriteString("; ")
			}
			n++
			if err := l.writeType(b, t.EmbeddedType(i), depth+1); err != nil {
				return err
			}
		}
		for i := range t.NumExplicitMethods() {
			m := t.ExplicitMethod(i)
			if n > 0 {
				b.WriteString("; ")
			}
			n++
			b.WriteString(m.Name())
			if err := l.writeSignature(b, m.Type().(*types.Signature), depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case *types.Tuple:
		return fmt.Errorf("tuple type")
	default:
		return fmt.Errorf("type %s", t)
	}
	return nil
}

func (l *lowering) writeSignature(b *strings.Builder, sig *types.Signature, depth int) error {
	b.WriteByte('(')
	for i := range sig.Params().Len() {
		if i > 0 {
			b.WriteString(", ")
		}
		pt := sig.Params().At(i).Type()
		if sig.Variadic() && i == sig.Params().Len()-1 {
			b.WriteString("...")
			pt = pt.(*types.Slice).Elem()
		}
		if err := l.writeType(b, pt, depth+1); err != nil {
			return err
		}
	}
	b.WriteByte(')')
	switch n := sig.Results().Len(); n {
	case 0:
	case 1:
		b.WriteByte(' ')
		return l.writeType(b, sig.Results().At(0).Type(), depth+1)
	default:
		b.WriteString(" (")
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := l.writeType(b, sig.Results().At(i).Type(), depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(')')
	}
	return nil
}

func (l *lowering) writeNamed(b *strings.Builder, t *types.Named, depth int) error {
	obj := t.Obj()
	defer func() {
		if args := t.TypeArgs(); args.Len() > 0 {
			b.WriteByte('[')
			for i := range args.Len() {
				if i > 0 {
					b.WriteString(", ")
				}
				l.writeType(b, args.At(i), depth+1)
			}
			b.WriteByte(']')
		}
	}()
	switch {
	case obj.Pkg() == nil: // error, comparable
		b.WriteString(obj.Name())
	case obj.Pkg().Path() == "main":
		if obj.Parent() != obj.Pkg().Scope() {
			return fmt.Errorf("type %s declared inside a function", obj.Name())
		}
		if l.checker {
			if obj.Pkg() != l.s.pkg && !l.s.f.isLive(obj) {
				return fmt.Errorf("type %s was redefined", obj.Name())
			}
			b.WriteString(obj.Name())
		} else {
			b.WriteString(l.yaegiName(obj))
		}
	default:
		if !obj.Exported() {
			return fmt.Errorf("unexported type %s.%s", obj.Pkg().Path(), obj.Name())
		}
		if rt, ok := reflectType(obj); ok && !l.checker {
			// A native type the interpreter may know only through values:
			// registered under its package so that lowered code can name it.
			l.natives = append(l.natives, NativeType{Path: obj.Pkg().Path(), Pkg: obj.Pkg().Name(), Name: obj.Name(), Type: rt})
		}
		b.WriteString(l.alias(obj.Pkg().Path(), obj.Pkg().Name()) + "." + obj.Name())
	}
	return nil
}
