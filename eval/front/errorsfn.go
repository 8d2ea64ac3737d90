package front

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// errors.Is, As, AsType and Unwrap walk an error chain inside the
// standard library, by type assertion and comparison on compiled values.
// Measured on yaegi v0.16.1 (/work/plan/yaegi-dyntypes/errors): an
// interpreted error's Unwrap, Is and As methods are invisible there; an
// interpreted value that crossed into compiled code (fmt.Errorf's %w,
// errors.Join) compares unequal to itself and no longer asserts to its
// type. So in a program that declares its own error types, the chain
// stays interpreted: fmt.Errorf with %w and errors.Join build the
// wrappers of prelude/errors.go, and the chain functions are its walkers,
// given a step and a same function generated for the program, which find
// methods and compare identities by type assertions to the program's
// concrete pointer types (yaegi never matches an assertion to an
// interface on an interpreted value, and == on two interpreted errors
// panics). What yaegi still gets wrong is refused before it runs: error
// types with a value receiver (an error holding such a value panics or
// loses its type on any assertion), targets of As of an interface type,
// error types declared inside a function or generic, and fmt.Errorf
// with a format that is not a constant.

// errorType is one of the program's named types that implement error
// (as T or *T), with the chain methods of *T.
type errorType struct {
	obj      *types.TypeName
	value    bool   // T itself implements error
	fresh    bool   // declared by this snippet
	unwrap   string // "one", "many" or ""
	is, asFn bool
}

// errorsCall is one call the lowering replaces.
type errorsCall struct {
	kind     string // Is, As, AsType, Unwrap, Join or Errorf
	wraps    []int  // Errorf: the arguments of its %w verbs
	compiled bool   // As, AsType: the target type is no program type
	refuse   string // Errorf: why it is refused if the program walks a chain
}

// At the REPL the program grows: an error type declared in a later
// snippet reaches walkers lowered earlier. So lowered calls do not name a
// snippet's step and same functions but the package variables
// ᐧerrorsStep and ᐧerrorsSame, read at each call; a snippet that changes
// the program's error types (a new type, a method attached to an earlier
// one) declares new step and same functions and points the variables at
// them, first among its declarations. Calls left to the compiled errors
// package before the program had error types of its own (in functions,
// which may run again later) cannot be made right: a later error type is
// then refused, naming them (Front.errCompiled).
const (
	errorsStepVar = "ᐧerrorsStep"
	errorsSameVar = "ᐧerrorsSame"
	errorsSetFunc = "ᐧerrorsSet"
)

// lowerErrors rewrites the chain calls of a checked snippet whose
// program declares error types, and checks it again; it returns the
// refusal of a call that cannot be lowered right.
func (s *snippet) lowerErrors() *Error {
	ets := s.errorTypes()
	if len(ets) == 0 {
		s.errCompiled = s.compiledChainCall()
		return nil
	}
	calls := map[*ast.CallExpr]*errorsCall{}
	var chain *ast.CallExpr
	var refusal *Error
	for _, file := range []*ast.File{s.declFile, s.cellFile} {
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || refusal != nil {
				return refusal == nil
			}
			c, msg := s.errorsCall(call, ets)
			if msg != "" {
				refusal = &Error{Unsupported: true, Pos: s.userPos(s.f.fset.Position(call.Pos())), Msg: msg}
				return false
			}
			if c != nil {
				calls[call] = c
				if c.kind != "Join" && c.kind != "Errorf" && chain == nil {
					chain = call
				}
			}
			return true
		})
	}
	if refusal != nil {
		return refusal
	}
	if err := s.laterErrorTypes(ets, chain); err != nil {
		return err
	}
	// Walkers of earlier snippets will meet this snippet's errors too.
	declared := s.f.live[errorsStepVar] != nil && s.f.live[errorsSameVar] != nil && s.f.live[errorsSetFunc] != nil
	walks := chain != nil || declared
	if walks {
		if msg := s.unwalkable(ets); msg != "" {
			pos := s.declFile.Pos()
			if chain != nil {
				pos = chain.Pos()
			}
			return &Error{Unsupported: true, Pos: s.userPos(s.f.fset.Position(pos)), Msg: msg}
		}
	}
	for call, c := range calls {
		if c.refuse != "" {
			if walks {
				return &Error{Unsupported: true, Pos: s.userPos(s.f.fset.Position(call.Pos())), Msg: c.refuse}
			}
			delete(calls, call)
			if s.errCompiled == "" {
				s.errCompiled = fmt.Sprintf("fmt.Errorf at %s", s.userPos(s.f.fset.Position(call.Pos())))
			}
		}
	}
	if len(calls) == 0 && !declared {
		return nil
	}
	if msg, pos := s.chainAssertion(); msg != "" {
		return &Error{Unsupported: true, Pos: s.userPos(s.f.fset.Position(pos)), Msg: msg}
	}
	if err := s.f.loadPrelude(); err != nil {
		return &Error{Pos: s.userPos(s.f.fset.Position(s.declFile.Pos())), Msg: "front end: the prelude does not load: " + err.Error()}
	}
	for _, file := range []*ast.File{s.declFile, s.cellFile} {
		astutil.Apply(file, nil, func(c *astutil.Cursor) bool {
			call, ok := c.Node().(*ast.CallExpr)
			if ec := calls[call]; ok && ec != nil {
				c.Replace(lowerErrorsCall(call, ec, errorsStepVar, errorsSameVar))
			}
			return true
		})
	}
	key := errorTypesKey(ets)
	if declared && key == s.f.errKey {
		if len(calls) == 0 {
			return nil
		}
	} else {
		s.f.instanceIDs++
		id := strconv.Itoa(s.f.instanceIDs)
		file, err := parser.ParseFile(s.f.fset, yaegiFile, "package main\n"+errorsHelpers(ets, id, !declared), parser.SkipObjectResolution)
		if err != nil {
			return &Error{Msg: "front end: errors helpers: " + err.Error()}
		}
		// First: the variables point at the new functions before any
		// variable of this snippet is initialized with a walk.
		s.declFile.Decls = append(file.Decls, s.declFile.Decls...)
		s.errKey, s.errNames = key, map[string]*types.TypeName{}
		for _, e := range ets {
			s.errNames[e.obj.Name()] = e.obj
		}
	}
	s.usesPrelude = true
	if errs := s.typecheck(); len(errs) > 0 {
		e := s.firstError(errs)
		e.Unsupported = true
		e.Msg = "lowering the errors package: " + e.Msg
		return e
	}
	return s.refused
}

// laterErrorTypes refuses what an earlier snippet makes impossible to
// walk right: an error type declared after calls left to the compiled
// errors package, a walk after a compiled fmt.Errorf with %w that may
// wrap the program's errors, and an error type declared again under the
// name of one that walkers already know (its earlier values would be
// unknown to them).
func (s *snippet) laterErrorTypes(ets []errorType, chain *ast.CallExpr) *Error {
	var fresh []errorType
	for _, e := range ets {
		if e.fresh {
			fresh = append(fresh, e)
		}
	}
	if s.f.errCompiled != "" && (len(fresh) > 0 || chain != nil) {
		what, pos := "the walk of an error chain", token.Pos(0)
		if chain != nil {
			pos = chain.Pos()
		}
		if len(fresh) > 0 {
			what, pos = "declaring the error type main."+fresh[0].obj.Name(), fresh[0].obj.Pos()
		}
		return &Error{Unsupported: true, Pos: s.userPos(s.f.fset.Position(pos)), Msg: fmt.Sprintf(
			"%s is not supported after an earlier snippet's %s (in code that may run again): that call runs in the compiled errors package, which cannot see the methods of the program's own error types; declare the program's error types before the code that calls errors.Is, As, AsType, Unwrap, Join or fmt.Errorf with %%w (:reset, then send them in that order)",
			what, s.f.errCompiled)}
	}
	if s.f.errKey == "" {
		return nil
	}
	for _, e := range fresh {
		if old, ok := s.f.errNames[e.obj.Name()]; ok && old != e.obj {
			return &Error{Unsupported: true, Pos: s.userPos(s.f.fset.Position(e.obj.Pos())), Msg: fmt.Sprintf(
				"declaring the error type main.%s again is not supported once the program walks error chains (errors.Is, As, Unwrap, Join, fmt.Errorf with %%w): values of the earlier %[1]s would no longer be recognized; give the new type another name", e.obj.Name())}
		}
	}
	return nil
}

// compiledChainCall describes the first call of the errors chain
// (errors.Is, As, AsType, Unwrap, Join, fmt.Errorf with %w) in code of a
// snippet that may run again later (its declarations and the function
// literals of its statements), left to the compiled errors package
// because the program has no error types yet; "" if none.
func (s *snippet) compiledChainCall() string {
	var found string
	visit := func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found != "" {
			return found == ""
		}
		if c, msg := s.errorsCall(call, nil); c != nil || msg != "" {
			what := "fmt.Errorf"
			if c == nil || c.kind != "Errorf" {
				what = "errors." + calleeName(call)
			}
			found = fmt.Sprintf("%s at %s", what, s.userPos(s.f.fset.Position(call.Pos())))
		}
		return found == ""
	}
	ast.Inspect(s.declFile, visit)
	ast.Inspect(s.cellFile, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok {
			ast.Inspect(lit.Body, visit)
			return false
		}
		return found == ""
	})
	return found
}

// calleeName is the name of the function call calls (Is of errors.Is).
func calleeName(call *ast.CallExpr) string {
	fun := ast.Unparen(call.Fun)
	if ix, ok := fun.(*ast.IndexExpr); ok {
		fun = ix.X
	}
	if sel, ok := fun.(*ast.SelectorExpr); ok {
		return sel.Sel.Name
	}
	return ""
}

// errorTypesKey identifies the error types ets and their chain methods.
func errorTypesKey(ets []errorType) string {
	var b strings.Builder
	for _, e := range ets {
		fmt.Fprintf(&b, "%p:%s:%s:%t:%t;", e.obj, e.obj.Name(), e.unwrap, e.is, e.asFn)
	}
	return b.String()
}

// chainAssertion returns the refusal of a type assertion to an
// interface with an Unwrap, Is or As method on an operand of an empty
// interface type (any): the interpreter matches no such assertion on its
// own errors (the wrappers of fmt.Errorf and errors.Join among them).
// On an operand of an interface type with methods (error) the lowering
// makes it of assertions to the concrete types (ifaceAssertion).
func (s *snippet) chainAssertion() (string, token.Pos) {
	var msg string
	var pos token.Pos
	for _, file := range []*ast.File{s.declFile, s.cellFile} {
		ast.Inspect(file, func(n ast.Node) bool {
			ta, ok := n.(*ast.TypeAssertExpr)
			if !ok || ta.Type == nil || msg != "" {
				return msg == ""
			}
			it, ok := s.info.TypeOf(ta.Type).Underlying().(*types.Interface)
			if !ok {
				return true
			}
			if op, ok := s.info.TypeOf(ta.X).Underlying().(*types.Interface); ok && op.NumMethods() > 0 {
				return true // lowered to concrete assertions (ifaceAssertion)
			}
			for i := range it.NumMethods() {
				switch it.Method(i).Name() {
				case "Unwrap", "Is", "As":
					msg = fmt.Sprintf("the type assertion to %s in a program that declares its own error types is not supported: the interpreter matches no assertion to an interface on its own errors (nor on those of fmt.Errorf's %%w and errors.Join); use errors.Unwrap, errors.Is or errors.As, or assert to a concrete type", types.TypeString(s.info.TypeOf(ta.Type), qualifyMain))
					pos = ta.Type.Pos()
					return false
				}
			}
			return true
		})
	}
	return msg, pos
}

// errorsCall classifies call: the lowering of a call of errors.Is, As,
// AsType, Unwrap, Join or of fmt.Errorf with %w (nil for other calls),
// or why it cannot be lowered right.
func (s *snippet) errorsCall(call *ast.CallExpr, ets []errorType) (*errorsCall, string) {
	fun := ast.Unparen(call.Fun)
	if ix, ok := fun.(*ast.IndexExpr); ok {
		fun = ix.X
	}
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return nil, ""
	}
	fn, ok := s.info.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil {
		return nil, ""
	}
	switch fn.Pkg().Path() + "." + fn.Name() {
	case "fmt.Errorf":
		return s.errorfCall(call)
	case "errors.Join":
		return &errorsCall{kind: "Join"}, ""
	case "errors.Is", "errors.Unwrap":
		return &errorsCall{kind: fn.Name()}, ""
	case "errors.As", "errors.AsType":
	default:
		return nil, ""
	}
	var target types.Type
	if fn.Name() == "AsType" {
		if inst, ok := s.info.Instances[sel.Sel]; ok && inst.TypeArgs.Len() == 1 {
			target = inst.TypeArgs.At(0)
		}
	} else if len(call.Args) == 2 {
		if p, ok := s.info.TypeOf(call.Args[1]).(*types.Pointer); ok {
			target = p.Elem()
		}
	}
	what := "errors." + fn.Name()
	if target == nil {
		return nil, what + " with a target that is not a pointer to a variable is not supported in a program that declares its own error types (" + names(ets, nil) + "): declare the target (var t T) and pass &t"
	}
	if types.IsInterface(target) {
		return nil, fmt.Sprintf("%s with a target of interface type %s is not supported in a program that declares its own error types (%s): the interpreter matches no assertion to an interface on its own values; use a target of each concrete type (var t *T)",
			what, types.TypeString(target, qualifyMain), names(ets, nil))
	}
	return &errorsCall{kind: fn.Name(), compiled: !programType(target)}, ""
}

// programType reports whether t is, or points to, a type of the program.
func programType(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "main"
}

// errorfCall classifies a call of fmt.Errorf: lowered when its constant
// format has %w verbs whose arguments are errors.
func (s *snippet) errorfCall(call *ast.CallExpr) (*errorsCall, string) {
	const why = "in a program that declares its own error types is not supported: the interpreter's errors lose their type inside the compiled fmt.Errorf"
	if len(call.Args) == 0 {
		return nil, ""
	}
	tv := s.info.Types[call.Args[0]]
	if tv.Value == nil || tv.Value.Kind() != constant.String || call.Ellipsis.IsValid() {
		return &errorsCall{kind: "Errorf", refuse: "fmt.Errorf with a format that is not a constant, or with args..., " + why + "; write the format as a string constant and the arguments one by one"}, ""
	}
	verbs, indexed := wrapVerbs(constant.StringVal(tv.Value))
	if len(verbs) == 0 {
		return nil, ""
	}
	if indexed {
		return &errorsCall{kind: "Errorf", refuse: "fmt.Errorf with %w and explicit argument indexes ([n]) " + why + "; write the arguments in order"}, ""
	}
	errType := types.Universe.Lookup("error").Type()
	c := &errorsCall{kind: "Errorf"}
	for _, v := range verbs {
		if a := v + 1; a < len(call.Args) && types.AssignableTo(s.info.TypeOf(call.Args[a]), errType) && !isNil(s.info, call.Args[a]) {
			c.wraps = append(c.wraps, a)
		}
	}
	if len(c.wraps) == 0 {
		return nil, ""
	}
	// The %w arguments are evaluated first (as a function's arguments):
	// no call among the others may come before one of them.
	last := c.wraps[len(c.wraps)-1]
	for a := 1; a < last; a++ {
		if !containsInt(c.wraps, a) && hasCall(call.Args[a]) {
			return &errorsCall{kind: "Errorf", refuse: "fmt.Errorf with a function call among its arguments before a %w argument " + why + " in order; compute that argument into a variable first"}, ""
		}
	}
	return c, ""
}

func isNil(info *types.Info, e ast.Expr) bool { return info.Types[e].IsNil() }

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// hasCall reports whether e calls a function or receives from a channel.
func hasCall(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			found = true
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				found = true
			}
		case *ast.FuncLit:
			return false
		}
		return !found
	})
	return found
}

// wrapVerbs returns the argument numbers (from 0, after the format) of
// the %w verbs of format, and whether a verb has an explicit index.
func wrapVerbs(format string) (args []int, indexed bool) {
	arg := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0", format[i]) >= 0 {
			i++
		}
		for pass := 0; pass < 2 && i < len(format); pass++ { // width, then precision
			if pass == 1 {
				if format[i] != '.' {
					break
				}
				i++
			}
			if i < len(format) && format[i] == '[' {
				return nil, true
			}
			if i < len(format) && format[i] == '*' {
				arg++
				i++
				continue
			}
			for i < len(format) && format[i] >= '0' && format[i] <= '9' {
				i++
			}
		}
		if i >= len(format) {
			break
		}
		switch format[i] {
		case '%':
			continue
		case '[':
			return nil, true
		case 'w':
			args = append(args, arg)
		}
		arg++
	}
	return args, false
}

// lowerErrorsCall is the replacement of call.
func lowerErrorsCall(call *ast.CallExpr, c *errorsCall, step, same string) ast.Expr {
	pos := call.Pos()
	id := func(name string) *ast.Ident { return &ast.Ident{Name: name, NamePos: pos} }
	boolean := id(strconv.FormatBool(c.compiled))
	switch c.kind {
	case "Is":
		return &ast.CallExpr{Fun: id("ᐧerrors_is"), Lparen: call.Lparen, Args: append(call.Args, id(step), id(same)), Rparen: call.Rparen}
	case "Unwrap":
		return &ast.CallExpr{Fun: id("ᐧerrors_unwrap"), Lparen: call.Lparen, Args: append(call.Args, id(step)), Rparen: call.Rparen}
	case "Join":
		return &ast.CallExpr{Fun: id("ᐧerrors_join"), Lparen: call.Lparen, Args: call.Args, Ellipsis: call.Ellipsis, Rparen: call.Rparen}
	case "As":
		return &ast.CallExpr{Fun: id("ᐧerrors_as"), Lparen: call.Lparen, Args: append(call.Args, boolean, id(step)), Rparen: call.Rparen}
	case "AsType":
		ix := ast.Unparen(call.Fun).(*ast.IndexExpr)
		fun := &ast.IndexExpr{X: id("ᐧerrors_asType"), Lbrack: ix.Lbrack, Index: ix.Index, Rbrack: ix.Rbrack}
		return &ast.CallExpr{Fun: fun, Lparen: call.Lparen, Args: append(call.Args, boolean, id(step)), Rparen: call.Rparen}
	}
	// Errorf: func(ᐧw1 error, ...) error { return ᐧfmt_wrap(fmt.Errorf(format, ..., ᐧw1, ...), ᐧw1, ...) }(x1, ...)
	params := &ast.FieldList{Opening: pos}
	args := append([]ast.Expr(nil), call.Args...)
	var outer, ws []ast.Expr
	for _, a := range c.wraps {
		name := "ᐧw" + strconv.Itoa(a)
		params.List = append(params.List, &ast.Field{Names: []*ast.Ident{id(name)}, Type: id("error")})
		outer = append(outer, call.Args[a])
		args[a] = id(name)
		ws = append(ws, id(name))
	}
	inner := &ast.CallExpr{Fun: call.Fun, Lparen: call.Lparen, Args: args, Rparen: call.Rparen}
	ret := &ast.ReturnStmt{Return: pos, Results: []ast.Expr{&ast.CallExpr{Fun: id("ᐧfmt_wrap"), Lparen: pos, Args: append([]ast.Expr{inner}, ws...), Rparen: call.Rparen}}}
	lit := &ast.FuncLit{
		Type: &ast.FuncType{Func: pos, Params: params, Results: &ast.FieldList{List: []*ast.Field{{Type: id("error")}}}},
		Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{ret}, Rbrace: call.Rparen},
	}
	return &ast.CallExpr{Fun: &ast.ParenExpr{Lparen: pos, X: lit, Rparen: pos}, Lparen: call.Lparen, Args: outer, Rparen: call.Rparen}
}

// unwalkable returns why the program's error types cannot be walked
// right; "" if they can.
func (s *snippet) unwalkable(ets []errorType) string {
	for _, e := range ets {
		if e.value {
			return fmt.Sprintf("errors.Is, As, AsType and Unwrap in a program whose error type main.%s has a value receiver are not supported: the interpreter loses the type of such a value held in an error (an assertion on it panics); declare the methods on *%[1]s and use &%[1]s{...}", e.obj.Name())
		}
		if n, ok := e.obj.Type().(*types.Named); ok && n.TypeParams().Len() > 0 {
			return fmt.Sprintf("errors.Is, As, AsType and Unwrap in a program with the generic error type main.%s are not supported; declare a plain type", e.obj.Name())
		}
	}
	errIface := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	for _, obj := range s.info.Defs {
		tn, ok := obj.(*types.TypeName)
		if !ok || tn.Pkg() == nil || tn.Parent() == tn.Pkg().Scope() || types.IsInterface(tn.Type()) {
			continue
		}
		if types.Implements(tn.Type(), errIface) || types.Implements(types.NewPointer(tn.Type()), errIface) {
			return fmt.Sprintf("errors.Is, As, AsType and Unwrap in a program that declares the error type %s inside a function are not supported; declare it at the top level", tn.Name())
		}
	}
	return ""
}

// errorsHelpers is the source of the step and same functions of the
// walkers (prelude/errors.go) for the program's error types ets, named
// with id, and of the assignment of the variables the lowered calls
// read (declared too where first).
func errorsHelpers(ets []errorType, id string, first bool) string {
	step, same := errorsStepVar+id, errorsSameVar+id
	type row struct {
		name, unwrap string
		is, as       bool
	}
	rows := []row{{"ᐧfmt_wrapError", "one", false, false}, {"ᐧfmt_wrapErrors", "many", false, false}, {"ᐧerrors_joinError", "many", false, false}}
	for _, e := range ets {
		rows = append(rows, row{e.obj.Name(), e.unwrap, e.is, e.asFn})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "func %s(err error) (error, []error, func(error) bool, func(any) bool, bool) {\n", step)
	for _, r := range rows {
		one, many, is, as := "nil", "nil", "nil", "nil"
		switch r.unwrap {
		case "one":
			one = "e.Unwrap()"
		case "many":
			many = "e.Unwrap()"
		}
		if r.is {
			is = "e.Is"
		}
		if r.as {
			as = "e.As"
		}
		e := "e"
		if one == "nil" && many == "nil" && !r.is && !r.as {
			e = "_"
		}
		fmt.Fprintf(&b, "\tif %s, ok := err.(*%s); ok {\n\t\treturn %s, %s, %s, %s, true\n\t}\n", e, r.name, one, many, is, as)
	}
	b.WriteString("\treturn nil, nil, nil, nil, false\n}\n")
	fmt.Fprintf(&b, "func %s(a, b error) bool {\n", same)
	for _, r := range rows {
		fmt.Fprintf(&b, "\tif x, ok := a.(*%s); ok {\n\t\ty, ok := b.(*%[1]s)\n\t\treturn ok && x == y\n\t}\n", r.name)
		fmt.Fprintf(&b, "\tif _, ok := b.(*%s); ok {\n\t\treturn false\n\t}\n", r.name)
	}
	b.WriteString("\treturn a == b\n}\n")
	if first {
		fmt.Fprintf(&b, "var %s func(error) (error, []error, func(error) bool, func(any) bool, bool)\nvar %s func(a, b error) bool\n", errorsStepVar, errorsSameVar)
		fmt.Fprintf(&b, "func %s(step func(error) (error, []error, func(error) bool, func(any) bool, bool), same func(a, b error) bool) bool {\n\t%s = step\n\t%s = same\n\treturn true\n}\n", errorsSetFunc, errorsStepVar, errorsSameVar)
	}
	fmt.Fprintf(&b, "var %s%s = %s(%s, %s)\n", errorsSetFunc, id, errorsSetFunc, step, same)
	return b.String()
}

// errorTypes lists the program's named types (of earlier snippets and
// this one) that implement error, sorted by name.
func (s *snippet) errorTypes() []errorType {
	errIface := types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	seen := map[*types.TypeName]bool{}
	var out []errorType
	add := func(obj types.Object) {
		tn, ok := obj.(*types.TypeName)
		if !ok || tn.IsAlias() || seen[tn] || types.IsInterface(tn.Type()) || strings.HasPrefix(tn.Name(), "ᐧ") || strings.Contains(tn.Name(), "ᐸ") {
			return
		}
		seen[tn] = true
		t := tn.Type()
		value := types.Implements(t, errIface)
		if !value && !types.Implements(types.NewPointer(t), errIface) {
			return
		}
		ms := types.NewMethodSet(types.NewPointer(t))
		e := errorType{obj: tn, value: value}
		if sig := methodSig(ms, "Unwrap"); sig != nil && sig.Params().Len() == 0 && sig.Results().Len() == 1 {
			switch types.TypeString(sig.Results().At(0).Type(), nil) {
			case "error":
				e.unwrap = "one"
			case "[]error":
				e.unwrap = "many"
			}
		}
		if sig := methodSig(ms, "Is"); sig != nil && sig.Params().Len() == 1 && sig.Results().Len() == 1 &&
			types.TypeString(sig.Params().At(0).Type(), nil) == "error" && types.TypeString(sig.Results().At(0).Type(), nil) == "bool" {
			e.is = true
		}
		if sig := methodSig(ms, "As"); sig != nil && sig.Params().Len() == 1 && sig.Results().Len() == 1 &&
			isAny(sig.Params().At(0).Type()) && types.TypeString(sig.Results().At(0).Type(), nil) == "bool" {
			e.asFn = true
		}
		out = append(out, e)
	}
	for _, obj := range s.info.Defs {
		if obj != nil && obj.Pkg() != nil && obj.Pkg().Path() == "main" && obj.Parent() == obj.Pkg().Scope() {
			add(obj)
		}
	}
	for i := range out {
		out[i].fresh = true
	}
	for name, obj := range s.f.live {
		if s.pkg.Scope().Lookup(name) == nil || s.prelive[s.pkg.Scope().Lookup(name)] {
			add(obj) // not declared again by this snippet
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].obj.Name() < out[j].obj.Name() })
	return out
}

func isAny(t types.Type) bool {
	it, ok := t.Underlying().(*types.Interface)
	return ok && it.NumMethods() == 0
}

func methodSig(ms *types.MethodSet, name string) *types.Signature {
	if sel := ms.Lookup(nil, name); sel != nil {
		sig, _ := sel.Type().(*types.Signature)
		return sig
	}
	return nil
}

// names spells the types of ets that keep holds (all if keep is nil) as
// "main.A, main.B"; "" if none.
func names(ets []errorType, keep func(errorType) bool) string {
	var b []byte
	for _, e := range ets {
		if keep != nil && !keep(e) {
			continue
		}
		if len(b) > 0 {
			b = append(b, ", "...)
		}
		b = append(b, "main."+e.obj.Name()...)
	}
	return string(b)
}
