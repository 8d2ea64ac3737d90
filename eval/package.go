package eval

import (
	"context"
	"errors"
	"fmt"
	"go/token"
	"path"
	"reflect"
	"sort"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// NativePrefix starts the import path of every package compiled at run
// time for the cluster (slave/native): snippets import native/NAME.
const NativePrefix = "native/"

// Package is a native Go package that snippets import and call at
// compiled speed: compiled into the host program (Config.Packages), or
// loaded while it runs (Engine.Register; the slave loads Go plugins it
// builds from source a master sends). It carries the symbols yaegi needs
// to call the code and, when known, the export data a go/types front end
// needs to type-check imports of it exactly.
type Package struct {
	// Path is the import path snippets use: "native/fib", "kernels".
	Path string
	// Name is the package name, as in its package clause; "" means the
	// last element of Path.
	Name string
	// Symbols maps each exported name to its value in the form yaegi's
	// extract generates: functions and constants as values, variables as
	// addressable values (reflect.ValueOf(&V).Elem()), types as nil
	// pointers (reflect.ValueOf((*T)(nil))), and a wrapper type for each
	// interface I under "_I".
	Symbols map[string]reflect.Value
	// RealPath is the import path the package was compiled under, when it
	// differs from Path (the slave compiles native/fib as
	// "dpfw.native/<hash>/fib"). Its named types report RealPath as their
	// PkgPath, and yaegi looks interface wrappers up under it, so the
	// symbols are registered under both paths: with Path alone, passing an
	// interpreted value to a native interface crashes the interpreter.
	RealPath string
	// ExportData is the package's gc export data as the compiler wrote it
	// (the file `go list -export` names), or nil when unknown. It
	// describes the package as compiled: an importer that reads it when
	// asked for Path returns a package whose Path() is RealPath (or Path
	// when RealPath is empty), the path reflect reports for its types.
	ExportData []byte
}

// PackagesOf turns a symbol table in yaegi's Exports format (keys
// "import/path/name", as `yaegi extract` generates) into Packages, in
// the order of their paths.
func PackagesOf(exports map[string]map[string]reflect.Value) []Package {
	out := make([]Package, 0, len(exports))
	for key, syms := range exports {
		out = append(out, Package{Path: path.Dir(key), Name: path.Base(key), Symbols: syms})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// name is the package name, defaulted from Path.
func (p Package) name() string {
	if p.Name != "" {
		return p.Name
	}
	return path.Base(p.Path)
}

// exports is the package in the form interp.Use takes: under Path and,
// for interface wrappers, under RealPath.
func (p Package) exports() interp.Exports {
	ex := interp.Exports{p.Path + "/" + p.name(): p.Symbols}
	if p.RealPath != "" && p.RealPath != p.Path {
		ex[p.RealPath+"/"+p.name()] = p.Symbols
	}
	return ex
}

// same reports whether p and q are known to be the same compiled code:
// a run-time package's RealPath names its content.
func (p Package) same(q Package) bool {
	return p.Path == q.Path && p.RealPath != "" && p.RealPath == q.RealPath
}

// check reports what makes p unusable, before anything is registered.
func (p Package) check() error {
	if err := checkImportPath(p.Path); err != nil {
		return fmt.Errorf("eval: package path %q: %w", p.Path, err)
	}
	if p.RealPath != "" {
		if err := checkImportPath(p.RealPath); err != nil {
			return fmt.Errorf("eval: package %s: real path %q: %w", p.Path, p.RealPath, err)
		}
	}
	if n := p.name(); !token.IsIdentifier(n) || n == "_" || n == "main" {
		return fmt.Errorf("eval: package %s: %q is not a usable package name", p.Path, n)
	}
	if p.Symbols == nil {
		return fmt.Errorf("eval: package %s has no symbol table", p.Path)
	}
	if p.Path == "dpfw" || stdPath(p.Path) {
		return fmt.Errorf("eval: package %s would replace a package every snippet has; give it another path", p.Path)
	}
	return nil
}

// checkImportPath accepts slash-separated paths of non-empty elements
// that Go would accept in an import declaration.
func checkImportPath(p string) error {
	if p == "" {
		return errors.New("empty")
	}
	for _, elem := range strings.Split(p, "/") {
		if elem == "" || elem == "." || elem == ".." {
			return errors.New("empty, . or .. element")
		}
	}
	for _, r := range p {
		if r <= ' ' || r == 0x7f || strings.ContainsRune("!\"#$%&'()*,:;<=>?[\\]^`{|}", r) {
			return fmt.Errorf("character %q is not allowed", r)
		}
	}
	return nil
}

// checkPackages checks a list of packages and that no two share a path.
func checkPackages(pkgs []Package) error {
	seen := map[string]bool{}
	for _, p := range pkgs {
		if err := p.check(); err != nil {
			return err
		}
		if seen[p.Path] {
			return fmt.Errorf("eval: package %s is listed twice", p.Path)
		}
		seen[p.Path] = true
	}
	return nil
}

// Register makes pkg importable by snippets on this engine, or replaces
// the package registered under the same Path. It never blocks: a task
// running now keeps what it has, and pkg takes effect when the next task
// starts. Registering the same compiled package again (same Path and
// RealPath) does nothing.
//
// Replacing a package replaces the interpreter when the next task starts
// (that task reports Result.Reset): every snippet that declared something
// is checked again against the new version and its declarations replayed,
// so that functions defined earlier call the new code; a snippet that no
// longer type-checks (it used what the new version removed) is dropped
// with all it declared, and variables declared by statements are lost.
// The old version's code stays in memory as long as the process lives
// (Go cannot unload code).
//
// Register fails, registering nothing, for a package that cannot be used
// (an invalid path or name, no symbols, the path of a standard package or
// dpfw), on a sandboxed engine (native code is beyond any sandbox), and
// after Close.
func (e *Engine) Register(pkg Package) error {
	if e.cfg.sandbox != nil {
		return fmt.Errorf("eval: package %s: a sandboxed engine loads no native code at run time", pkg.Path)
	}
	if err := pkg.check(); err != nil {
		return err
	}
	e.pmu.Lock()
	defer e.pmu.Unlock()
	if e.shut {
		return ErrClosed
	}
	e.pending = append(e.pending, pkg)
	return nil
}

// packages lists what a new interpreter registers: the configured
// packages that no run-time package replaced, then the run-time ones. The
// caller holds the engine lock (or is New).
func (e *Engine) packages() []Package {
	var out []Package
	for _, p := range e.cfg.Packages {
		if e.native(p.Path) < 0 {
			out = append(out, p)
		}
	}
	return append(out, e.natives...)
}

// native returns the index of the run-time package with this path, or -1.
func (e *Engine) native(path string) int {
	for i, p := range e.natives {
		if p.Path == path {
			return i
		}
	}
	return -1
}

// applyPackages registers the packages that Register queued since the
// last task. A package new to the engine is added to the live
// interpreter; a new version of one it has replaces the interpreter, so
// that nothing compiled against the old version survives. It reports
// whether the interpreter was replaced. The caller holds the engine lock.
func (e *Engine) applyPackages() (reset bool, err error) {
	e.pmu.Lock()
	pkgs := e.pending
	e.pending = nil
	e.pmu.Unlock()
	if len(pkgs) == 0 {
		return false, nil
	}
	replace := false
	for _, p := range pkgs {
		i := e.native(p.Path)
		switch {
		case i >= 0 && e.natives[i].same(p):
			continue
		case i >= 0:
			e.natives[i] = p
			replace = true
		default:
			e.natives = append(e.natives, p)
			replace = replace || e.configured(p.Path) || e.ip.in.Use(p.exports()) != nil
		}
	}
	clear(e.parsed) // auto-imports depend on the packages there are
	if !replace {
		return false, nil
	}
	if e.front != nil {
		return true, e.rebuild()
	}
	return true, e.recycle()
}

// rebuild replaces the interpreter and the front end after a native
// package changed: the front end checks every snippet that declared
// something again, in order, against the packages there are now, and
// their declarations go into the new interpreter. A snippet that no
// longer checks (it used what the new version removed) is dropped, like
// a declaration that fails to replay after recycling. The caller holds
// the engine lock.
func (e *Engine) rebuild() error {
	f, err := e.newFront()
	if err != nil {
		return err
	}
	vars, names := varsOf(e.ip.in), e.front.LiveVars() // to carry over, as recycle does
	srcs, imports, defs, extra := e.srcs, e.imports, e.defs, e.extra
	e.srcs, e.imports, e.defs, e.extra = nil, nil, nil, nil
	if err := e.recycle(); err != nil {
		e.srcs, e.imports, e.defs, e.extra = srcs, imports, defs, extra // the old interpreter is still in place
		return err
	}
	e.front = f
	t := &task{maxResult: e.cfg.MaxResult}
	seg := segment{kind: segStmt, endLine: 1 << 30}
	all := true
	for _, src := range srcs {
		if p, ferr := f.Lower(src); ferr == nil && e.declare(context.Background(), t, seg, p, src) == nil {
			continue
		}
		all = false
	}
	// The variables get the storage they had, where they can (carry.go).
	// The new front end may name them otherwise in the interpreter: they
	// are matched by the names they are known by. The others (shadowed
	// ones that kept code still uses) are not carried: lost. If a snippet
	// no longer checks, a name may now mean an earlier variable: none is
	// carried, all are lost.
	matched := map[string]reflect.Value{}
	if all {
		for name, yname := range f.LiveVars() {
			if v, ok := vars[names[name]]; ok {
				matched[yname] = v
			}
		}
	}
	unkept := uncarried(matched, e.ip, true)
	for yname := range varsOf(e.ip.in) {
		if _, ok := matched[yname]; !ok {
			unkept[yname] = true
		}
	}
	for _, name := range carry(e.ip.in, matched, unkept) {
		unkept[name] = true // forgotten below, like those not carried
	}
	// The cells did not run here: forget the statement variables (zero in
	// the new interpreter; recycle reported them lost), the variables not
	// carried over, and what used them.
	lost, dropped := f.Reset(unkept)
	e.lost = append(e.lost, lost...)
	if len(dropped) == 0 {
		return nil
	}
	// The new interpreter has run what the front end dropped: replace it
	// by one that has not, so that the names dropped are free again.
	e.forget(dropped)
	return e.recycle()
}

// configured reports whether Config.Packages has a package at path.
func (e *Engine) configured(path string) bool {
	for _, p := range e.cfg.Packages {
		if p.Path == path {
			return true
		}
	}
	return false
}

// nativeNames maps the names of the engine's packages that no standard
// package shares to their paths, for auto-imports. The caller holds the
// engine lock.
func (e *Engine) nativeNames() map[string]string {
	names := map[string]string{}
	for _, p := range e.packages() {
		if _, std := stdNames()[p.name()]; !std {
			names[p.name()] = p.Path
		}
	}
	return names
}

// missingNative explains a failed import of a native package that is not
// registered here, or returns nil.
func (e *Engine) missingNative(path string) *Error {
	if !strings.HasPrefix(path, NativePrefix) || e.native(path) >= 0 {
		return nil
	}
	return errorf(KindNotFound, "package %s is not on this slave: compile it first (Master.Compile, :native in the REPL)", path)
}
