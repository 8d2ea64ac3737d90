package front

import (
	"embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path"
	"sort"
	"strings"
)

// The generic functions and types of the standard library run as copies
// of their equivalents in prelude/ (Go source adapted from the standard
// library's own, under its BSD licence): a top-level name ᐧpkg_Name there
// stands for pkg.Name. The prelude is checked once per engine, on the
// first snippet that uses one of them; its declarations are templates
// (non-generic helpers too), copied into a snippet's program only when
// used, so yaegi never compiles what nobody calls, and never runs its own
// generic slices or maps.

//go:embed prelude/*.go
var preludeFS embed.FS

// preludePaths maps the package names of prelude/ to import paths.
var preludePaths = map[string]string{
	"slices": "slices", "maps": "maps", "cmp": "cmp", "iter": "iter",
	"sync": "sync", "errors": "errors", "atomic": "sync/atomic", "rand": "math/rand/v2",
	"unique": "unique",
}

type preludeState struct{ err error }

// loadPrelude checks prelude/ and makes templates of it.
func (f *Front) loadPrelude() error {
	if f.prelude != nil {
		return f.prelude.err
	}
	f.prelude = &preludeState{}
	f.prelude.err = f.checkPrelude()
	return f.prelude.err
}

func (f *Front) checkPrelude() error {
	entries, err := preludeFS.ReadDir("prelude")
	if err != nil {
		return err
	}
	var files []*ast.File
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") || name == "doc.go" {
			continue
		}
		src, err := preludeFS.ReadFile(path.Join("prelude", name))
		if err != nil {
			return err
		}
		file, err := parser.ParseFile(f.fset, yaegiFile, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files = append(files, file)
	}
	pkg := types.NewPackage("main", "main")
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: f, GoVersion: "go1.26"}
	if _, err := conf.Check("main", f.fset, files, info); err != nil {
		return err
	}
	_ = pkg
	f.stdTemplates = map[string]*template{}
	byName := map[string]*template{}
	for _, file := range files {
		for _, d := range file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv != nil {
					continue
				}
				t := f.newTemplate(info, d.Name.Name, true)
				t.fn, t.nparams = d, countFields(d.Type.TypeParams)
				t.collect(info, d, typeParamIdents(d.Type.TypeParams))
				f.addPrelude(info.Defs[d.Name], t)
			case *ast.GenDecl:
				if d.Tok == token.IMPORT {
					continue
				}
				for _, sp := range d.Specs {
					ts, ok := sp.(*ast.TypeSpec)
					if !ok {
						return fmt.Errorf("prelude: only functions and types may be declared")
					}
					t := f.newTemplate(info, ts.Name.Name, true)
					t.spec, t.nparams = ts, countFields(ts.TypeParams)
					t.collect(info, ts, typeParamIdents(ts.TypeParams))
					byName[ts.Name.Name] = t
					f.addPrelude(info.Defs[ts.Name], t)
				}
			}
		}
	}
	for _, file := range files {
		for _, d := range file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil {
				t := byName[recvBase(fd.Recv.List[0].Type)]
				if t == nil {
					return fmt.Errorf("prelude: method %s of an undeclared type", fd.Name.Name)
				}
				t.methods = append(t.methods, fd)
				t.collect(info, fd, recvParams(fd.Recv.List[0].Type))
			}
		}
	}
	return nil
}

func (f *Front) addPrelude(obj types.Object, t *template) {
	f.templates[obj] = t
	f.live[obj.Name()] = obj
	name := strings.TrimPrefix(obj.Name(), "ᐧ")
	if pkg, sym, ok := strings.Cut(name, "_"); ok && name != obj.Name() {
		if p, ok := preludePaths[pkg]; ok {
			f.stdTemplates[p+"."+sym] = t
		}
	}
}
