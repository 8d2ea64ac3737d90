package eval

import (
	"go/scanner"
	"go/token"
	"strings"
	"sync"
)

// stdNames maps the name of every standard library package whose name is
// unambiguous ("strings", "json") to its import path. Names shared by
// several packages ("rand", "template") are left out: a snippet imports
// those itself.
var stdNames = sync.OnceValue(func() map[string]string {
	paths := map[string][]string{}
	for key := range stdSymbols() {
		i := strings.LastIndexByte(key, '/')
		if i < 0 || strings.Contains(key, "internal") {
			continue
		}
		path, name := key[:i], key[i+1:]
		paths[name] = append(paths[name], path)
	}
	names := map[string]string{}
	for name, ps := range paths {
		if len(ps) == 1 {
			names[name] = ps[0]
		}
	}
	return names
})

// autoImports lists the packages src uses as pkg.Name without importing
// them, so that `fmt.Println(x)` works as a whole snippet, as it would in
// a Go playground with goimports: standard packages, and the engine's
// native packages (natives maps their names to their paths) whose names
// no standard package has. A name the snippet declares itself (x := …,
// var x, func x, a parameter…) is not imported: there it means the
// user's own x.
func autoImports(src string, natives map[string]string) []importSpec {
	toks := scanIdents(src)
	used, declared := map[string]bool{}, map[string]bool{}
	for i, t := range toks {
		if t.tok != token.IDENT {
			continue
		}
		prevDot := i > 0 && toks[i-1].tok == token.PERIOD
		next := token.ILLEGAL
		if i+1 < len(toks) {
			next = toks[i+1].tok
		}
		switch {
		case next == token.PERIOD && !prevDot:
			used[t.lit] = true
		case next == token.DEFINE || next == token.COMMA || (i > 0 && isDeclKeyword(toks[i-1].tok)):
			declared[t.lit] = true
		case next == token.IDENT && !prevDot: // a parameter or field: "json string"
			declared[t.lit] = true
		}
	}
	var out []importSpec
	for name := range used {
		if declared[name] || name == "dpfw" {
			continue
		}
		if path, ok := stdNames()[name]; ok {
			out = append(out, importSpec{path: path})
		} else if path, ok := natives[name]; ok {
			out = append(out, importSpec{path: path})
		}
	}
	return out
}

type tok struct {
	tok token.Token
	lit string
}

// scanIdents returns src's tokens; scanning errors are left for the
// parser to report.
func scanIdents(src string) []tok {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", -1, len(src)), []byte(src), nil, 0)
	var out []tok
	for {
		_, t, lit := s.Scan()
		if t == token.EOF {
			return out
		}
		out = append(out, tok{t, lit})
	}
}

func isDeclKeyword(t token.Token) bool {
	return t == token.VAR || t == token.CONST || t == token.FUNC || t == token.TYPE || t == token.IMPORT
}
