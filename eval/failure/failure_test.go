package failure_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dpfw/dpfw/eval/failure"
)

// The README's table of kinds is the users' reference: it must list
// every kind, each on a row of its own.
func TestREADMEListsEveryKind(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range failure.Known() {
		if !strings.Contains(string(readme), "\n| `"+string(k)+"` | ") {
			t.Errorf("README.md has no row for kind %q", k)
		}
	}
}

// Known must list every Kind constant the package declares, once.
func TestKnownIsComplete(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "failure.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
			for _, spec := range g.Specs {
				v := spec.(*ast.ValueSpec)
				for _, val := range v.Values {
					lit, err := strconv.Unquote(val.(*ast.BasicLit).Value)
					if err != nil {
						t.Fatal(err)
					}
					declared[lit] = true
				}
			}
		}
	}
	known := map[string]bool{}
	for _, k := range failure.Known() {
		if known[string(k)] {
			t.Errorf("Known lists %q twice", k)
		}
		known[string(k)] = true
	}
	if len(declared) == 0 || !maps.Equal(declared, known) {
		t.Errorf("declared kinds %v, Known %v", slices.Sorted(maps.Keys(declared)), slices.Sorted(maps.Keys(known)))
	}
}
