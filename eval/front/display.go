package front

import (
	"go/types"
	"regexp"
	"strings"
)

// Messages name types as the user wrote them: a copy of a generic type
// (mono.go) or of a standard library stand-in (prelude.go) has a hidden
// name, "main.Listᐸ3" or "main.ᐧiter_Seqᐸ1", which a refusal must not
// show; Lower writes them back as "main.List[int]" and "iter.Seq[int]".

// copyName matches the hidden name of a copy, qualified or not.
var copyName = regexp.MustCompile(`(?:main\.)?[\p{L}\p{N}_ᐧ]+ᐸ[0-9]+`)

// userSpelling is how the user writes t instantiated with args.
func (f *Front) userSpelling(t *template, args []types.Type) string {
	name := t.name
	if t.prelude {
		if pkg, sym, ok := strings.Cut(strings.TrimPrefix(name, "ᐧ"), "_"); ok {
			name = pkg + "." + sym
		}
	}
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = f.userNames(types.TypeString(a, qualifyMain))
	}
	return name + "[" + strings.Join(parts, ",") + "]" // as reflect spells it
}

// userNames replaces the hidden names of copies in msg with userSpelling.
func (f *Front) userNames(msg string) string {
	if !strings.Contains(msg, "ᐸ") {
		return msg
	}
	return copyName.ReplaceAllStringFunc(msg, func(m string) string {
		bare := strings.TrimPrefix(m, "main.")
		d, ok := f.display[bare]
		if !ok {
			return m
		}
		if strings.HasPrefix(bare, "ᐧ") || bare == m {
			return d // a stand-in is the standard library's; unqualified stays so
		}
		return "main." + d
	})
}

// typeName is reflectName with the user's names of copies, as go run's
// reflect prints them: "main.List[int]", "iter.Seq[int]".
func (l *lowering) typeName(t types.Type) (string, bool) {
	if name, ok := reflectName(t); ok {
		return l.s.f.userNames(name), true
	}
	// A stand-in alias (iter.Seq[int]) is named by its display name alone.
	if a, ok := t.(*types.Alias); ok && generated(a.Obj()) {
		if d, ok := l.s.f.display[a.Obj().Name()]; ok && !strings.Contains(d, "ᐸ") {
			return d, true
		}
	}
	return "", false
}

// standInHeld returns a stand-in alias of the program (iter.Seq[int] is
// an alias of func(yield func(int) bool)) whose values an interface of
// type iface may hold, or nil.
func (l *lowering) standInHeld(iface *types.Interface) *types.Alias {
	check := func(obj types.Object) *types.Alias {
		tn, ok := obj.(*types.TypeName)
		if !ok || !tn.IsAlias() || !generated(tn) {
			return nil
		}
		a, ok := tn.Type().(*types.Alias)
		if !ok || l.s.f.display[tn.Name()] == "" || !types.Implements(types.Unalias(a), iface) {
			return nil
		}
		return a
	}
	for _, obj := range l.s.info.Defs {
		if obj != nil {
			if a := check(obj); a != nil {
				return a
			}
		}
	}
	for _, obj := range l.s.f.live {
		if a := check(obj); a != nil {
			return a
		}
	}
	return nil
}

// mayHoldStandIn reports whether a value of type t may hold a stand-in
// (standInHeld).
func (l *lowering) mayHoldStandIn(t types.Type) bool {
	it, ok := t.Underlying().(*types.Interface)
	return ok && l.standInHeld(it) != nil
}
