package front

import (
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// A snippet is laid out as two Go files of package main whose tokens sit
// at the same line (and, past line 1, the same column) as in the user's
// text, so that go/types reports the user's positions and go/printer's
// //line directives carry them on to yaegi:
//
//   - the declaration file holds the snippet's top-level declarations in
//     place, every other byte blanked to a space (newlines kept);
//   - the cell file holds its top-level statements in place, inside
//     func ᐧcell() { … }, the declarations blanked the same way.
//
// Both files start with the same header: the package clause and the
// snippet's imports, each behind a directive giving its own position.
// Blanking keeps both files the size of the snippet, whatever the number
// of pieces.

// pieceKind says which file a piece belongs to.
type pieceKind int

const (
	stmtPiece pieceKind = iota
	declPiece
	importPiece
)

// piece is a run of the snippet: one top-level declaration or a maximal
// run of statements (byte offsets).
type piece struct {
	start, end int
	kind       pieceKind
}

// pieces cuts src into pieces.
func pieces(src string) []piece {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var out []piece
	for _, sp := range splitTop(file, src) {
		p := piece{start: sp.start, end: sp.end, kind: stmtPiece}
		switch sp.first {
		case token.IMPORT:
			p.kind = importPiece
		case token.TYPE, token.VAR, token.CONST:
			p.kind = declPiece
		case token.FUNC:
			if parsesAsDecl(src[sp.start:sp.end]) {
				p.kind = declPiece
			}
		}
		if n := len(out); n > 0 && p.kind == stmtPiece && out[n-1].kind == stmtPiece {
			out[n-1].end = p.end
			continue
		}
		out = append(out, p)
	}
	return out
}

// blanked returns src with every piece not of kind blanked, and the
// bytes between pieces too; a kept piece keeps a terminating semicolon
// when another piece may follow on its line.
func blanked(src string, ps []piece, kind pieceKind) string {
	b := []byte(src)
	keep := make([]bool, len(src))
	for _, p := range ps {
		if p.kind != kind {
			continue
		}
		for i := p.start; i < p.end; i++ {
			keep[i] = true
		}
	}
	for i, k := range keep {
		if !k && b[i] != '\n' {
			b[i] = ' '
		}
	}
	for _, p := range ps {
		if p.kind == kind && p.end < len(src) && src[p.end] != '\n' {
			b[p.end] = ';'
		}
	}
	return string(b)
}

// parsesAsDecl reports whether a piece starting with "func" is a function
// declaration rather than a func literal that is called.
func parsesAsDecl(text string) bool {
	_, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+text, parser.SkipObjectResolution)
	return err == nil || !strings.HasPrefix(strings.TrimSpace(text), "func(")
}

// span is a raw top-level statement: byte offsets plus its first token.
type span struct {
	start, end int
	first      token.Token
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
		if tok == token.EOF {
			break
		}
		off := file.Offset(pos)
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

// idents scans src for identifiers and the tokens around them, for
// automatic imports.
func scanTokens(src string) []tok {
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

type tok struct {
	tok token.Token
	lit string
}

// selectorBases returns the identifiers src uses as X in X.Sel, without
// a dot before them: the candidates for automatic imports.
func selectorBases(src string) map[string]bool {
	toks := scanTokens(src)
	used := map[string]bool{}
	for i, t := range toks {
		if t.tok != token.IDENT {
			continue
		}
		prevDot := i > 0 && toks[i-1].tok == token.PERIOD
		if !prevDot && i+1 < len(toks) && toks[i+1].tok == token.PERIOD {
			used[t.lit] = true
		}
	}
	return used
}
