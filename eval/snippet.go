package eval

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strconv"
	"strings"
)

// segment is a run of the user's snippet that yaegi evaluates in one go: a
// single top-level declaration, or a maximal run of statements. yaegi's REPL
// parser wants a source to be all declarations or all statements, so a mixed
// snippet is cut at top-level statement boundaries.
type segment struct {
	kind     segKind
	src      string       // the text behind a line directive, so positions are the user's
	imports  []importSpec // for segImport
	auto     bool         // imports the snippet uses but does not name
	lastExpr bool         // statements ending in an expression statement
	isNil    bool         // ... and that expression is the identifier nil
	defines  bool         // statements that declare variables (":=", var)
	globals  []string     // ... their names: globals a reset loses
	endLine  int          // last user line, to clamp positions past the end
	endCol   int
}

// code is the source handed to yaegi. Statement segments start with ";" so
// that yaegi, which classifies a source by its first token, never mistakes
// a statement beginning with a func literal for a declaration.
func (seg segment) code() string {
	if seg.kind == segStmt {
		return ";" + seg.src
	}
	return seg.src
}

type segKind int

const (
	segStmt segKind = iota
	segDecl
	segImport
)

type importSpec struct{ name, path string }

func (s importSpec) key() string { return s.name + " " + strconv.Quote(s.path) }

// span is a raw top-level statement: byte offsets plus its first token.
type span struct {
	start, end int
	first      token.Token
}

// parseSnippet cuts src into segments and checks them with go/parser, so
// that syntax errors and unsupported constructs are reported before yaegi
// sees the code (yaegi host-panics on some of them).
// natives are the engine's native packages by name, for autoImports.
func parseSnippet(src string, natives map[string]string) ([]segment, *Error) {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var segs []segment
	if auto := autoImports(src, natives); len(auto) > 0 {
		segs = append(segs, segment{kind: segImport, imports: auto, auto: true})
	}
	for _, sp := range group(splitTop(file, src)) {
		seg, err := newSegment(file, src, sp)
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	return segs, nil
}

// splitTop returns the top-level statements of src, cut at semicolons
// (explicit or inserted at newlines) outside any brackets.
func splitTop(file *token.File, src string) []span {
	var s scanner.Scanner
	s.Init(file, []byte(src), nil, 0)
	var spans []span
	cur := span{start: -1}
	depth := 0
	for {
		pos, tok, _ := s.Scan()
		off := file.Offset(pos)
		if tok == token.EOF {
			break
		}
		if cur.start < 0 && tok != token.SEMICOLON {
			cur = span{start: off, first: tok}
		}
		switch tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		case token.SEMICOLON:
			if depth <= 0 && cur.start >= 0 {
				cur.end = off
				spans = append(spans, cur)
				cur.start = -1
			}
		}
	}
	if cur.start >= 0 {
		cur.end = len(src)
		spans = append(spans, cur)
	}
	return spans
}

// group merges adjacent statements into one span so locals declared by one
// statement stay visible to the next, and marks declarations by first token.
// A span starting with "func" that is not a declaration (a called func
// literal) is detected later, when it fails to parse as one.
func group(spans []span) []span {
	var out []span
	for _, sp := range spans {
		if !isDeclTok(sp.first) && len(out) > 0 && !isDeclTok(out[len(out)-1].first) {
			out[len(out)-1].end = sp.end
			continue
		}
		out = append(out, sp)
	}
	return out
}

func isDeclTok(t token.Token) bool {
	switch t {
	case token.FUNC, token.IMPORT, token.TYPE, token.VAR, token.CONST:
		return true
	}
	return false
}

// located prefixes the text of sp with a line directive giving its line and
// column in the user's snippet, so that positions reported by go/parser
// and by yaegi (which share go/token) are the user's, whatever header is
// prepended. A directive rather than padding keeps a snippet of many
// segments linear in size.
func located(file *token.File, src string, sp span) string {
	p := file.Position(file.Pos(sp.start))
	return fmt.Sprintf("/*line :%d:%d*/", p.Line, p.Column) + src[sp.start:sp.end]
}

// startPos is where the segment starts in the user's snippet, read back
// from the directive that located wrote.
func (seg segment) startPos() string {
	var line, col int
	if _, err := fmt.Sscanf(seg.src, "/*line :%d:%d*/", &line, &col); err != nil {
		return ""
	}
	return fmt.Sprintf("%d:%d", line, col)
}

func newSegment(file *token.File, src string, sp span) (segment, *Error) {
	end := file.Position(file.Pos(sp.end))
	seg := segment{src: located(file, src, sp), endLine: end.Line, endCol: end.Column}
	if !isDeclTok(sp.first) {
		return seg.fromStmts()
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p;"+seg.src, 0)
	if err == nil {
		return seg.fromFile(fset, f)
	}
	if sp.first == token.FUNC {
		// Perhaps a called func literal; if not, the declaration's error
		// is the one that makes sense to the user.
		if st, serr := seg.fromStmts(); serr == nil || serr.Kind != KindCompile {
			return st, serr
		}
	}
	return seg, seg.syntaxError(err)
}

func (seg segment) fromFile(fset *token.FileSet, f *ast.File) (segment, *Error) {
	seg.kind = segDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			// yaegi runs a package's main after every compile; a user
			// main would run again with each later snippet.
			p := fset.Position(fd.Name.Pos())
			return seg, &Error{Kind: KindCompile, Pos: seg.userPos(p.Line, p.Column),
				Msg: "func main is reserved: a snippet's statements are its main; give the function another name"}
		}
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.IMPORT {
			continue
		}
		seg.kind = segImport
		for _, s := range g.Specs {
			is := s.(*ast.ImportSpec)
			path, _ := strconv.Unquote(is.Path.Value)
			spec := importSpec{path: path}
			if is.Name != nil {
				spec.name = is.Name.Name
			}
			seg.imports = append(seg.imports, spec)
		}
	}
	if err := seg.checkMain(fset, f); err != nil {
		return seg, err
	}
	return seg, seg.checkUnsupported(fset, f)
}

// checkMain refuses a use of main that no declaration in f resolves:
// yaegi binds main to whatever global was declared last, so main() would
// call, and main evaluate to, something else.
func (seg segment) checkMain(fset *token.FileSet, f *ast.File) *Error {
	for _, id := range f.Unresolved {
		if id.Name == "main" {
			p := fset.Position(id.Pos())
			return &Error{Kind: KindCompile, Pos: seg.userPos(p.Line, p.Column),
				Msg: "undefined: main (func main is reserved: a snippet's statements are its main)"}
		}
	}
	return nil
}

func (seg segment) fromStmts() (segment, *Error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p;func _(){"+seg.src+"\n}", 0)
	if err != nil {
		return seg, seg.syntaxError(err)
	}
	seg.kind = segStmt
	body := f.Decls[0].(*ast.FuncDecl).Body.List
	for _, st := range body {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				seg.defines = true
				for _, x := range st.Lhs {
					seg.addGlobal(x)
				}
			}
		case *ast.DeclStmt:
			seg.defines = true
			if g, ok := st.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, sp := range g.Specs {
					for _, id := range sp.(*ast.ValueSpec).Names {
						seg.addGlobal(id)
					}
				}
			}
		}
	}
	if err := seg.checkMain(fset, f); err != nil {
		return seg, err
	}
	if n := len(body); n > 0 {
		if es, ok := body[n-1].(*ast.ExprStmt); ok && !isPrint(es.X) {
			seg.lastExpr = true
			id, ok := ast.Unparen(es.X).(*ast.Ident)
			seg.isNil = ok && id.Name == "nil"
		}
	}
	return seg, seg.checkUnsupported(fset, f)
}

// declNames returns the names a declaration segment declares.
func declNames(src string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+src, 0)
	if err != nil {
		return nil
	}
	var names []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				names = append(names, d.Name.Name)
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.ValueSpec:
					for _, id := range sp.Names {
						names = append(names, id.Name)
					}
				case *ast.TypeSpec:
					names = append(names, sp.Name.Name)
				}
			}
		}
	}
	return names
}

// addGlobal records x, a variable a top-level statement declares.
func (seg *segment) addGlobal(x ast.Expr) {
	if id, ok := x.(*ast.Ident); ok && id.Name != "_" {
		seg.globals = append(seg.globals, id.Name)
	}
}

// isPrint reports whether x is a call of fmt.Print*/Fprint*. Their byte
// count and error are Go values, but showing "3" after every print in a
// REPL is noise, so such a call yields no value.
func isPrint(x ast.Expr) bool {
	call, ok := x.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	name := sel.Sel.Name
	return ok && pkg.Name == "fmt" && (strings.HasPrefix(name, "Print") || strings.HasPrefix(name, "Fprint"))
}

// syntaxError converts a go/parser error into a compile Error at the user's
// position.
func (seg segment) syntaxError(err error) *Error {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		p, msg := list[0].Pos, list[0].Msg
		if seg.pastEnd(p.Line, p.Column) {
			// What the parser found there is our wrapper's closing brace.
			msg = strings.Replace(msg, "found '}'", "found the end of the snippet", 1)
		}
		return &Error{Kind: KindCompile, Msg: msg, Pos: seg.userPos(p.Line, p.Column)}
	}
	return &Error{Kind: KindCompile, Msg: err.Error()}
}

// userPos formats a position in the snippet as "line:col"; positions in
// the closing wrapper we or yaegi add are clamped to the end of the segment.
func (seg segment) userPos(line, col int) string {
	if seg.pastEnd(line, col) {
		line, col = seg.endLine, seg.endCol
	}
	if line < 1 {
		line, col = 1, 1
	}
	return fmt.Sprintf("%d:%d", line, col)
}

func (seg segment) pastEnd(line, col int) bool {
	return line > seg.endLine || (line == seg.endLine && col > seg.endCol)
}

// checkUnsupported rejects Go 1.22+ range forms, which make yaegi v0.16.1
// panic in the host instead of returning an error. Only forms recognisable
// without type information are caught here; the rest are caught as compile
// panics (see interpreter.compile).
func (seg segment) checkUnsupported(fset *token.FileSet, f *ast.File) *Error {
	var found *Error
	ast.Inspect(f, func(n ast.Node) bool {
		if r, ok := n.(*ast.RangeStmt); ok && found == nil {
			if what := rangeKind(r.X); what != "" {
				p := fset.Position(r.For)
				found = &Error{Kind: KindUnsupported, Pos: seg.userPos(p.Line, p.Column),
					Msg: "range over " + what + " is not supported by this interpreter (yaegi, Go 1.21 syntax); use a classic for loop"}
			}
		}
		return found == nil
	})
	return found
}

// rangeKind reports "int" or "func" when x is evidently an integer or a
// function, and "" otherwise.
func rangeKind(x ast.Expr) string {
	switch x := ast.Unparen(x).(type) {
	case *ast.BasicLit:
		if x.Kind == token.INT {
			return "int"
		}
	case *ast.FuncLit:
		return "func"
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && intFuncs[id.Name] {
			return "int"
		}
	case *ast.BinaryExpr:
		if rangeKind(x.X) == "int" || rangeKind(x.Y) == "int" {
			return "int"
		}
	case *ast.UnaryExpr:
		return rangeKind(x.X)
	}
	return ""
}

var intFuncs = map[string]bool{
	"len": true, "cap": true, "int": true, "int8": true, "int16": true, "int32": true,
	"int64": true, "uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true,
}
