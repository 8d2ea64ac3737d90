package native

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/parser"
	"go/token"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/traefik/yaegi/stdlib"

	"github.com/dpfw/dpfw/eval"
	"github.com/dpfw/dpfw/session"
)

// Limits on one package's source: those of a compile request.
const (
	MaxFiles  = session.MaxNativeFiles  // files in a package
	MaxSource = session.MaxNativeSource // bytes of source in all
)

// fileName is what a file of a package may be called: a base name with
// no path and nothing a shell or the go command would read specially.
var fileName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.+-]*\.go$`)

// stdNames are the names of standard packages: a native package may not
// take one, since snippets refer to both by name (and yaegi's extract
// treats a few of them specially).
var stdNames = sync.OnceValue(func() map[string]bool {
	names := map[string]bool{}
	for key := range stdlib.Symbols {
		names[path.Base(key)] = true
	}
	return names
})

// checkSource refuses a package that cannot be a native package, before
// anything runs: the name, the file names, the limits and every file's
// package clause.
func checkSource(src Source) error {
	switch {
	case !token.IsIdentifier(src.Name) || token.IsKeyword(src.Name) || src.Name == "_":
		return compileErr("", "%q is not a package name", src.Name)
	case src.Name == "main":
		return compileErr("", "package main cannot be loaded into the slave: give the package another name and export its functions")
	case stdNames()[src.Name]:
		return compileErr("", "a native package may not be named %s like a standard package, since snippets refer to both by name: rename it", src.Name)
	case len(src.Files) == 0:
		return compileErr("", "package %s has no files", src.Name)
	case len(src.Files) > MaxFiles:
		return &eval.Error{Kind: eval.KindTooLarge, Msg: fmt.Sprintf("package %s has %d files; the limit is %d", src.Name, len(src.Files), MaxFiles)}
	}
	total := 0
	for name, data := range src.Files {
		total += len(data)
		if !fileName.MatchString(name) {
			return compileErr("", "file name %q: a package's files are plain names ending in .go", name)
		}
		if strings.HasSuffix(name, "_test.go") {
			return compileErr("", "%s is a test file: leave it out of a native package", name)
		}
	}
	if total > MaxSource {
		return &eval.Error{Kind: eval.KindTooLarge, Msg: fmt.Sprintf("package %s has %d bytes of source; the limit is %d", src.Name, total, MaxSource)}
	}
	for _, name := range sortedNames(src.Files) {
		if err := checkFile(src.Name, name, src.Files[name]); err != nil {
			return err
		}
	}
	return nil
}

// checkFile checks one file's package clause and imports.
func checkFile(pkg, name string, data []byte) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, data, parser.ImportsOnly)
	if err != nil {
		return syntaxErr(err)
	}
	if f.Name.Name != pkg {
		p := fset.Position(f.Name.Pos())
		return &eval.Error{Kind: eval.KindCompile, Pos: fmt.Sprintf("%s:%d:%d", name, p.Line, p.Column),
			Msg: fmt.Sprintf("package %s; expected package %s (the name it is compiled as, native/%s)", f.Name.Name, pkg, pkg)}
	}
	for _, is := range f.Imports {
		ip, _ := strconv.Unquote(is.Path.Value)
		if ip == modulePrefix || strings.HasPrefix(ip, modulePrefix+"/") {
			p := fset.Position(is.Pos())
			return &eval.Error{Kind: eval.KindCompile, Pos: fmt.Sprintf("%s:%d:%d", name, p.Line, p.Column),
				Msg: fmt.Sprintf("import %q: a native package cannot import dpfw itself", ip)}
		}
	}
	return nil
}

// modulePrefix is dpfw's own module, which plugins cannot import: the
// slave's copy of it is not available to the go command.
const modulePrefix = "github.com/dpfw/dpfw"

// thirdParty reports whether any file imports a package outside the
// standard library (whose first path element has a dot).
func thirdParty(src Source) bool {
	for _, data := range src.Files {
		f, err := parser.ParseFile(token.NewFileSet(), "", data, parser.ImportsOnly)
		if err != nil {
			continue
		}
		for _, is := range f.Imports {
			ip, _ := strconv.Unquote(is.Path.Value)
			if first, _, _ := strings.Cut(ip, "/"); strings.Contains(first, ".") {
				return true
			}
		}
	}
	return false
}

func syntaxErr(err error) *eval.Error {
	msg := err.Error()
	if m := goError.FindStringSubmatch(msg); m != nil {
		return &eval.Error{Kind: eval.KindCompile, Pos: m[1], Msg: m[2]}
	}
	return &eval.Error{Kind: eval.KindCompile, Msg: msg}
}

func compileErr(pos, format string, args ...any) *eval.Error {
	return &eval.Error{Kind: eval.KindCompile, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func sortedNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// key names a build: everything that decides what the plugin contains
// and whether it loads into this process.
func (b *Builder) key(src Source) string {
	h := sha256.New()
	fmt.Fprintf(h, "dpfw native v1\n%s\npackage %s\n", b.host.describe(), src.Name)
	if thirdParty(src) {
		mods, _ := requires(b.host.deps)
		fmt.Fprintf(h, "modules\n%s", mods)
	}
	for _, name := range sortedNames(src.Files) {
		fmt.Fprintf(h, "file %s %d\n", name, len(src.Files[name]))
		h.Write(src.Files[name])
	}
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// realPath is the import path a build is compiled under.
func realPath(key, name string) string { return path.Join("dpfw.native", key, name) }
