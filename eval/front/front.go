package front

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Config connects a Front to the interpreter it feeds.
type Config struct {
	// Native returns the symbols (yaegi Exports format) and package name
	// of a non-standard package the interpreter can import, or ok false.
	Native func(path string) (name string, syms map[string]reflect.Value, ok bool)
	// StdAvailable reports whether the interpreter can import the
	// standard package path (a sandbox removes some). Nil means all.
	StdAvailable func(path string) bool
	// Names maps further package names to the paths snippets may use
	// without importing them (native packages). Nil means none.
	Names func() map[string]string
	// Hidden reports whether the standard symbol path.name is withheld
	// from snippets (a sandbox removes some). Nil means none.
	Hidden func(path, name string) bool
}

// Front is the front end of one engine: it remembers what the engine's
// earlier snippets declared, so that a new snippet is checked against
// them without checking them again. It is not safe for concurrent use.
type Front struct {
	cfg  Config
	fset *token.FileSet // one for the engine's life: scope positions must grow

	live    map[string]types.Object // what a name means at the top level now
	yname   map[types.Object]string // the yaegi name of a renamed declaration
	defined map[string]int          // how many times each top-level name was declared

	aliases map[string]string // import path -> alias in lowered code
	owners  map[string]string // alias -> import path
	natives map[string]*types.Package

	cells   int
	temps   int                 // hidden names made so far
	helpers map[string]string   // helper functions declared in the interpreter: key -> name
	cache   map[string]*Program // lowered statement-only snippets, by source
	checks  int                 // snippets type-checked (cache misses), for Checks
	// cachedVars maps the statement variables of the cached programs to
	// their sources: a snippet that refers to one may keep hold of it
	// (a closure), so the program that declared it leaves the cache.
	cachedVars map[types.Object]string

	templates    map[types.Object]*template // generic declarations (mono.go)
	stdTemplates map[string]*template       // "slices.Sort" -> its prelude equivalent
	instances    map[string]string          // instance key -> name of the copy in the interpreter
	display      map[string]string          // name of a copy -> the user's spelling ("Mapᐸ3" -> "Map[int]", "ᐧiter_Seqᐸ1" -> "iter.Seq[int]")
	templateIDs  int
	instanceIDs  int
	prelude      *preludeState
	history      []*Program // committed snippets with declarations, in order, for Reset

	// The error chain (errorsfn.go): the error types the walkers' step
	// and same functions know (errorTypesKey; "" before the first), those
	// types by name, and the first call left to the compiled errors
	// package in code that may run again ("" if none).
	errKey      string
	errNames    map[string]*types.TypeName
	errCompiled string

	// Interfaces whose assertions were lowered to assertions to the
	// types that implemented them then (typeswitch.go): a later type
	// that implements one of them is refused.
	ifaceTargets []ifaceTarget
}

// New returns a Front for a fresh engine.
func New(cfg Config) *Front {
	return &Front{
		cfg: cfg, fset: token.NewFileSet(),
		live: map[string]types.Object{}, yname: map[types.Object]string{}, defined: map[string]int{},
		aliases: map[string]string{}, owners: map[string]string{}, natives: map[string]*types.Package{},
		cache: map[string]*Program{}, cachedVars: map[types.Object]string{}, helpers: map[string]string{},
		templates: map[types.Object]*template{}, instances: map[string]string{},
		display: map[string]string{},
	}
}

// NativeType is a native named type that lowered code names: the
// interpreter must have it registered as Path.Name (package name Pkg).
type NativeType struct {
	Path, Pkg, Name string
	Type            reflect.Type
}

// Import is an import the lowered code needs in the interpreter.
type Import struct{ Name, Path string }

// Program is a snippet lowered for yaegi: compile and run Decls (if any),
// then Cell (if any), then Call (if any), whose value is the snippet's.
type Program struct {
	Natives []NativeType // native types to register before Imports
	Imports []Import
	Decls   string // declarations, to replay after an interpreter reset
	Cell    string // func ᐧcellN() …: the snippet's statements
	Call    string // ";ᐧcellN()"
	Value   bool   // Call yields the value of the snippet's last expression
	Nil     bool   // the last expression is the untyped nil

	declares  map[string]types.Object // top-level names this snippet (re)defines
	cellVars  []types.Object          // ... of which variables its statements declare (x := 5)
	declUses  map[types.Object]bool   // earlier objects its declarations use
	methodOf  []types.Object          // earlier types it declares methods on
	ynames    map[types.Object]string
	helpers   map[string]string
	refs      map[string]types.Object // what names it used meant (nil: unbound)
	templates map[types.Object]*template
	instances map[string]string
	cacheable bool
	src       string

	errKey       string                     // the error types its walkers know, if it changed them
	errNames     map[string]*types.TypeName // ... by name
	errCompiled  string                     // its first compiled chain call in code that may run again
	ifaceTargets []ifaceTarget
}

// Error is a snippet the front end refuses.
type Error struct {
	Unsupported bool   // valid Go that the interpreter cannot run right
	Pos         string // "line:col" in the snippet, or ""
	Msg         string
	Import      string // the import path that failed, if that is the error
}

func (e *Error) Error() string { return e.Pos + ": " + e.Msg }

// Lower parses, type-checks and lowers src against what earlier snippets
// committed. A Program for a snippet seen before, whose names all still
// mean what they meant, comes from the cache with only Call set.
func (f *Front) Lower(src string) (*Program, *Error) {
	if p, ok := f.cache[src]; ok {
		if f.stillValid(p) {
			return &Program{Call: p.Call, Value: p.Value, Nil: p.Nil}, nil
		}
		f.uncache(src)
	}
	f.checks++
	base := f.fset.Base()
	s, err := f.check(src)
	if err != nil {
		f.removeFiles(base)
		err.Msg = f.userNames(err.Msg)
		return nil, err
	}
	p, err := s.lower()
	if err != nil || len(s.newTemplates) == 0 {
		f.removeFiles(base)
	}
	if err != nil {
		err.Msg = f.userNames(err.Msg)
	}
	return p, err
}

// Checks returns how many snippets Lower has type-checked and lowered
// so far: those it did not serve from its cache.
func (f *Front) Checks() int { return f.checks }

// removeFiles takes the files parsed since base out of the file set,
// which would otherwise grow with every snippet: once a snippet is
// lowered, nothing asks for their positions again. The files of generic
// declarations stay: their copies in later snippets are theirs. (Their
// positions are never reused: the set's base only grows.)
func (f *Front) removeFiles(base int) {
	var files []*token.File
	for file := range f.fset.Iterate {
		if file.Base() >= base {
			files = append(files, file)
		}
	}
	for _, file := range files {
		f.fset.RemoveFile(file)
	}
}

// Commit records that p's declarations are now in the interpreter.
func (f *Front) Commit(p *Program) {
	for name, obj := range p.declares {
		f.live[name] = obj
		f.defined[name]++
	}
	for obj, name := range p.ynames {
		f.yname[obj] = name
	}
	for key, name := range p.helpers {
		f.helpers[key] = name
	}
	for obj, t := range p.templates {
		f.templates[obj] = t
	}
	for key, name := range p.instances {
		f.instances[key] = name
	}
	if p.errKey != "" {
		f.errKey, f.errNames = p.errKey, p.errNames
	}
	if f.errCompiled == "" {
		f.errCompiled = p.errCompiled
	}
	f.ifaceTargets = append(f.ifaceTargets, p.ifaceTargets...)
	if p.Decls != "" {
		f.history = append(f.history, &Program{Decls: p.Decls, src: p.src, declares: p.declares, cellVars: p.cellVars,
			declUses: p.declUses, methodOf: p.methodOf, helpers: p.helpers, templates: p.templates, instances: p.instances})
	}
	for _, obj := range p.refs {
		if src, ok := f.cachedVars[obj]; ok && src != p.src {
			f.uncache(src)
		}
	}
	if p.cacheable && len(p.src) <= maxCachedLen {
		if len(f.cache) >= maxCached {
			f.clearCache()
		}
		f.cache[p.src] = p
		for _, v := range p.cellVars {
			f.cachedVars[v] = p.src
		}
	}
}

// uncache takes the program of src out of the cache.
func (f *Front) uncache(src string) {
	if p, ok := f.cache[src]; ok {
		for _, v := range p.cellVars {
			delete(f.cachedVars, v)
		}
		delete(f.cache, src)
	}
}

func (f *Front) clearCache() {
	clear(f.cache)
	clear(f.cachedVars)
}

// The cache holds at most maxCached snippets of at most maxCachedLen bytes.
const (
	maxCached    = 1024
	maxCachedLen = 4 << 10
)

// Dropped is what Reset took out of the replay: the engine stops
// replaying Decls (one occurrence: another snippet may have the same
// text), and stops checking Src again when it rebuilds (Sources).
type Dropped struct{ Decls, Src string }

// Reset is called when the interpreter is replaced, before the engine
// replays the declarations into the new one. Cells are gone, and so are
// the values of the variables that statements declared (x := 5): the
// replay brings them back as zero values. So Reset forgets them, and,
// transitively, every declaration whose snippet uses something
// forgotten (func f() int { return x }): their names become undefined,
// a compile error rather than a zero value. It returns the live names
// forgotten, sorted.
//
// The snippets whose names are all forgotten, and that declared nothing
// else later code may use (helpers, instances, generics, methods), leave
// the history: Reset returns them as dropped, for the engine to stop
// replaying. Without that, an engine sent ever new statements (x1 := 1,
// x2 := 2, …) would replay, and keep, every one of them forever. The
// others stay in the replay: helpers and instances they declared stay
// where later code expects them; only their names are out of reach.
//
// unkept names (by their interpreter names) the package-level variables
// whose values the new interpreter cannot be given (the engine carries
// the others over): they are forgotten too, with what uses them.
func (f *Front) Reset(unkept map[string]bool) (lost []string, dropped []Dropped) {
	f.clearCache()
	gone := map[types.Object]bool{}
	for _, p := range f.history {
		for _, v := range p.cellVars {
			gone[v] = true
		}
		for _, obj := range p.declares {
			if _, ok := obj.(*types.Var); ok && unkept[f.yaegiName(obj)] {
				gone[obj] = true
			}
		}
	}
	done := map[*Program]bool{}
	for changed := true; changed; {
		changed = false
		for _, p := range f.history {
			if !done[p] && (p.dependsOn(gone) || p.declaresAny(gone)) {
				for _, obj := range p.declares {
					gone[obj] = true
				}
				for _, t := range p.methodOf { // a method of t would see zero values
					gone[t] = true
				}
				done[p], changed = true, true
			}
		}
	}
	for name, obj := range f.live {
		if gone[obj] {
			delete(f.live, name)
			lost = append(lost, name)
		}
	}
	sort.Strings(lost)
	// A program none of whose names is live any more (redeclared since:
	// func g() int { return 1 }; g() sent again and again) leaves the
	// replay too, unless a kept one uses what it declared (drop): else
	// the replay, and the engine, would grow with every redeclaration.
	drop := maps.Clone(done)
	for _, p := range f.history {
		if !done[p] && f.superseded(p) {
			drop[p] = true
		}
	}
	return lost, f.drop(drop)
}

// superseded reports whether p declared names, all of which now mean
// something else.
func (f *Front) superseded(p *Program) bool {
	for name, obj := range p.declares {
		if f.live[name] == obj {
			return false
		}
	}
	return len(p.declares) > 0
}

// Replayed returns the Decls of the programs in the replay, in order.
func (f *Front) Replayed() []string {
	out := make([]string, len(f.history))
	for i, p := range f.history {
		out[i] = p.Decls
	}
	return out
}

// Sources returns the sources of the programs whose declarations are in
// the replay, in order.
func (f *Front) Sources() []string {
	out := make([]string, len(f.history))
	for i, p := range f.history {
		out[i] = p.src
	}
	return out
}

// drop removes from the history the snippets of done (all their names
// forgotten or superseded) that declared nothing else and that no kept
// snippet uses, and returns their Decls and sources, one per snippet
// dropped, in order. It also forgets how often their names were declared, where no
// kept snippet declares them: the new interpreter has none of them.
func (f *Front) drop(done map[*Program]bool) []Dropped {
	drop := map[*Program]bool{}
	owner := map[types.Object]*Program{}
	for _, p := range f.history {
		if done[p] && len(p.helpers) == 0 && len(p.templates) == 0 && len(p.instances) == 0 && len(p.methodOf) == 0 {
			drop[p] = true
			for _, obj := range p.declares {
				owner[obj] = p
			}
		}
	}
	// A kept snippet's replay needs what it uses: keep that too.
	for changed := true; changed; {
		changed = false
		for _, p := range f.history {
			if drop[p] {
				continue
			}
			for _, obj := range append(slices.Collect(maps.Keys(p.declUses)), p.methodOf...) {
				if q := owner[obj]; q != nil && drop[q] {
					delete(drop, q)
					changed = true
				}
			}
		}
	}
	if len(drop) == 0 {
		return nil
	}
	var out []Dropped
	kept := f.history[:0]
	keptNames := map[string]bool{}
	for _, p := range f.history {
		if drop[p] {
			out = append(out, Dropped{Decls: p.Decls, Src: p.src})
			for _, obj := range p.declares {
				delete(f.yname, obj)
			}
			continue
		}
		kept = append(kept, p)
		for name := range p.declares {
			keptNames[name] = true
		}
	}
	clear(f.history[len(kept):])
	f.history = kept
	for name := range f.defined {
		if _, live := f.live[name]; !live && !keptNames[name] {
			delete(f.defined, name)
		}
	}
	return out
}

// declaresAny reports whether p declares an object in gone: its other
// declarations may use it.
func (p *Program) declaresAny(gone map[types.Object]bool) bool {
	for _, obj := range p.declares {
		if gone[obj] {
			return true
		}
	}
	return false
}

// dependsOn reports whether p declares or uses an object in gone.
func (p *Program) dependsOn(gone map[types.Object]bool) bool {
	for _, v := range p.cellVars {
		if gone[v] {
			return true
		}
	}
	for obj := range p.declUses {
		if gone[obj] {
			return true
		}
	}
	return false
}

// LiveVars returns the interpreter names of the package-level variables
// that names refer to now, by name.
func (f *Front) LiveVars() map[string]string {
	out := map[string]string{}
	for name, obj := range f.live {
		if v, ok := obj.(*types.Var); ok {
			out[name] = f.yaegiName(v)
		}
	}
	return out
}

// YaegiName returns the name under which the interpreter knows the
// top-level function or variable name.
func (f *Front) YaegiName(name string) string {
	if obj, ok := f.live[name]; ok {
		return f.yaegiName(obj)
	}
	return name
}

func (f *Front) yaegiName(obj types.Object) string {
	if n, ok := f.yname[obj]; ok {
		return n
	}
	return obj.Name()
}

func (f *Front) isLive(obj types.Object) bool { return f.live[obj.Name()] == obj }

func (f *Front) stillValid(p *Program) bool {
	for name, obj := range p.refs {
		if f.live[name] != obj {
			return false
		}
	}
	for name, obj := range p.declares {
		if f.live[name] != obj {
			return false
		}
	}
	return true
}

// snippet is one checked snippet, ready to lower.
type snippet struct {
	f         *Front
	src       string
	ps        []piece
	declFile  *ast.File
	cellFile  *ast.File
	cell      *ast.BlockStmt
	pkg       *types.Package
	info      *types.Info
	cellVars  map[string]bool // names := declares at the top level
	lastValue bool            // the last top-level statement is an expression
	firstStmt token.Pos       // start of the first statement piece (NoPos if none)
	prelive   map[types.Object]bool
	autos     map[string]string             // automatic imports: name -> path
	head      string                        // the header both files start with
	hoisted   map[string]bool               // statement variables declared at package level (pass 2)
	attached  map[string]bool               // "T.m": methods this snippet attached to earlier types
	detached  []detached                    // methods on earlier types, checked as functions
	refused   *Error                        // a refusal found while checking
	liveOf    map[types.Object]types.Object // fresh copies of live package names -> the live ones
	lines     []string                      // src's lines, for columns

	tmplDecls    map[ast.Node]bool          // generic declarations (and specs): not lowered
	newTemplates map[types.Object]*template // this snippet's generic declarations
	newInstances map[string]string          // copies of generics this snippet declares
	usesPrelude  bool                       // lowerErrors called templates of the prelude
	errKey       string                     // the error types of new step and same functions
	errNames     map[string]*types.TypeName // ... by name
	errCompiled  string                     // a chain call left to the errors package (Front.errCompiled)
}

const cellHeader = "func ᐧcell(){"

// check lays src out, parses it and type-checks it; a second pass hoists
// statement variables that the snippet's declarations use.
func (f *Front) check(src string) (*snippet, *Error) {
	s := &snippet{f: f, src: src, ps: pieces(src), hoisted: map[string]bool{}, attached: map[string]bool{}}
	s.autos = f.autoImports(src, s.importedNames())
	var hoist, imports []string
	for pass := 0; ; pass++ {
		if err := s.parse(hoist, imports); err != nil {
			return nil, err
		}
		errs := s.typecheck()
		if s.refused != nil {
			return nil, s.refused
		}
		if len(errs) == 0 {
			if err := s.lowerErrors(); err != nil {
				return nil, err
			}
			if err := s.monomorphize(); err != nil {
				return nil, err
			}
			s.restoreMethods()
			return s, nil
		}
		if pass == 0 {
			if hoist, imports = s.hoistable(errs); len(hoist) > 0 {
				continue
			}
		}
		return nil, s.firstError(errs)
	}
}

// header is the package clause and the imports, each at its own position
// (on line 1, so that the user's lines stay where they are).
func (s *snippet) header(extra []string) string {
	var b strings.Builder
	b.WriteString("package main;")
	file := token.NewFileSet().AddFile("", -1, len(s.src))
	file.SetLinesForContent([]byte(s.src))
	for _, p := range s.ps {
		if p.kind == importPiece {
			pos := file.Position(file.Pos(p.start))
			fmt.Fprintf(&b, "/*line :%d:%d*/%s;", pos.Line, pos.Column, oneLine(s.src[p.start:p.end]))
		}
	}
	for _, imp := range extra {
		b.WriteString(imp + ";")
	}
	names := make([]string, 0, len(s.autos))
	for name := range s.autos {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(&b, "import %s %q;", name, s.autos[name])
	}
	return b.String()
}

func (s *snippet) parse(hoist, imports []string) *Error {
	head := s.header(imports)
	s.head = head
	declText := head + "/*line :1:1*/" + blanked(s.src, s.ps, declPiece)
	for _, h := range hoist {
		declText += ";" + h
	}
	cellText := head + cellHeader + "/*line :1:1*/" + blanked(s.src, s.ps, stmtPiece) + "\n}"
	var err error
	mode := parser.SkipObjectResolution
	s.declFile, err = parser.ParseFile(s.f.fset, yaegiFile, declText, mode)
	if err == nil {
		s.cellFile, err = parser.ParseFile(s.f.fset, yaegiFile, cellText, mode)
	}
	if err != nil {
		var list scanner.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			list.Sort()
			return &Error{Pos: s.userPos(list[0].Pos), Msg: s.endMsg(list[0].Pos, list[0].Msg)}
		}
		return &Error{Msg: err.Error()}
	}
	s.cell = s.cellFile.Decls[len(s.cellFile.Decls)-1].(*ast.FuncDecl).Body
	s.detachMethods()
	s.cellVars = map[string]bool{}
	for _, st := range s.cell.List {
		if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
					s.cellVars[id.Name] = true
				}
			}
		}
	}
	s.lastValue = false
	if n := len(s.cell.List); n > 0 {
		_, s.lastValue = s.cell.List[n-1].(*ast.ExprStmt)
	}
	for _, p := range s.ps {
		if p.kind == stmtPiece {
			s.firstStmt = s.cellFile.FileStart + token.Pos(len(head+cellHeader+"/*line :1:1*/")+p.start)
			break
		}
	}
	return nil
}

// userPos formats pos as the user's "line:col", clamped to the end of the
// snippet (our wrappers' closing brace lies past it).
func (s *snippet) userPos(pos token.Position) string {
	end := s.end()
	if pos.Line > end.Line || (pos.Line == end.Line && pos.Column > end.Column) || pos.Line < 1 {
		if pos.Line < 1 {
			return "1:1"
		}
		pos = end
	}
	return fmt.Sprintf("%d:%d", pos.Line, pos.Column)
}

func (s *snippet) end() token.Position {
	line, col := 1, 1
	for _, r := range strings.TrimRight(s.src, " \t\r\n") {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return token.Position{Line: line, Column: col}
}

func (s *snippet) endMsg(pos token.Position, msg string) string {
	end := s.end()
	if pos.Line > end.Line || (pos.Line == end.Line && pos.Column > end.Column) {
		return strings.Replace(msg, "found '}'", "found the end of the snippet", 1)
	}
	return msg
}

// declaredNames are the top-level names the snippet declares itself:
// earlier meanings of them are left out of its scope.
func (s *snippet) declaredNames() map[string]bool {
	names := map[string]bool{}
	for name := range s.cellVars {
		names[name] = true
	}
	for name := range s.autos {
		names[name] = true
	}
	for _, d := range s.declFile.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				names[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					names[sp.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						names[n.Name] = true
					}
				case *ast.ImportSpec:
					names[s.f.importName(sp)] = true
				}
			}
		}
	}
	return names
}

// importName is the name an import spec declares.
func (f *Front) importName(sp *ast.ImportSpec) string {
	if sp.Name != nil {
		return sp.Name.Name
	}
	path, _ := strconv.Unquote(sp.Path.Value)
	if pkg, err := f.Import(path); err == nil {
		return pkg.Name()
	}
	return path[strings.LastIndexByte(path, '/')+1:]
}

// typecheck checks both files in a fresh package "main" whose scope holds
// what earlier snippets declared, and returns the errors that count.
//
// Only the earlier names the files mention go into that scope: go/types
// resolves nothing else there. It matters for memory, not only time:
// every object this check declares keeps its package's scope alive for
// as long as the object is live, so a scope holding every live name
// made an engine's memory grow with the square of its declarations.
func (s *snippet) typecheck() []types.Error {
	s.pkg = types.NewPackage("main", "main")
	s.prelive = map[types.Object]bool{}
	declared := s.declaredNames()
	s.liveOf = map[types.Object]types.Object{}
	for name := range mentioned(s.declFile, s.cellFile) {
		obj, ok := s.f.live[name]
		if !ok || declared[name] {
			continue
		}
		if pn, ok := obj.(*types.PkgName); ok {
			// go/types wants a package name to belong to the package
			// being checked.
			fresh := types.NewPkgName(token.NoPos, s.pkg, pn.Name(), pn.Imported())
			s.liveOf[fresh] = obj
			obj = fresh
		}
		s.pkg.Scope().Insert(obj)
		s.prelive[obj] = true
	}
	s.info = &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{},
		Uses: map[*ast.Ident]types.Object{}, Implicits: map[ast.Node]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{}, Scopes: map[ast.Node]*types.Scope{},
		Instances: map[*ast.Ident]types.Instance{},
	}
	var errs []types.Error
	conf := types.Config{
		Importer:                 s.f,
		DisableUnusedImportCheck: true,
		GoVersion:                "go1.26",
		Error:                    func(err error) { errs = append(errs, err.(types.Error)) },
	}
	_ = types.NewChecker(&conf, s.f.fset, s.pkg, s.info).Files([]*ast.File{s.declFile, s.cellFile})
	added, aerr := s.attachMethods()
	if aerr != nil {
		s.refused = aerr
		return nil
	}
	var out []types.Error
	for _, e := range errs {
		if !s.ignorable(e) {
			out = append(out, e)
		}
	}
	if len(out) > 0 && added {
		// Uses of the methods just attached failed; they are there now.
		return s.typecheck()
	}
	return out
}

// mentioned returns the names of the identifiers in files.
func mentioned(files ...*ast.File) map[string]bool {
	names := map[string]bool{}
	for _, file := range files {
		ast.Inspect(file, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				names[id.Name] = true
			}
			return true
		})
	}
	return names
}

// ignorable filters errors that the REPL's rules make moot.
func (s *snippet) ignorable(e types.Error) bool {
	switch {
	case e.Pos >= s.cellFile.FileStart && int(e.Pos-s.cellFile.FileStart) < len(s.head):
		return true // duplicate of an import error in the declaration file
	case strings.HasPrefix(e.Msg, "implicit assignment to unexported field "):
		// go/types compares packages by pointer here: a struct type of an
		// earlier snippet (package main too) is no other package.
		_, typ, _ := strings.Cut(e.Msg, " of type ")
		return !strings.Contains(typ, ".") || strings.HasPrefix(typ, "main.")
	case strings.HasPrefix(e.Msg, "declared and not used: "):
		return s.cellVars[strings.TrimPrefix(e.Msg, "declared and not used: ")] && s.topLevel(e.Pos)
	case strings.HasSuffix(e.Msg, " is not used"):
		n := len(s.cell.List)
		return n > 0 && s.lastValue && e.Pos >= s.cell.List[n-1].Pos() && e.Pos < s.cell.List[n-1].End()
	}
	return false
}

// topLevel reports whether pos is an identifier a top-level := defines.
func (s *snippet) topLevel(pos token.Pos) bool {
	for _, st := range s.cell.List {
		if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			for _, l := range as.Lhs {
				if l.Pos() == pos {
					return true
				}
			}
		}
	}
	return false
}

// detached is a method declared on a type of an earlier snippet: go/types
// cannot check it as a method of another check's type, so it is checked
// as a function whose first parameter is the receiver, and attached to
// the type after the check.
type detached struct {
	fd     *ast.FuncDecl
	recv   *ast.FieldList
	name   *ast.Ident
	params []*ast.Field
	base   string
}

// detachMethods turns methods on earlier snippets' types into functions.
func (s *snippet) detachMethods() {
	s.detached = nil
	declared := map[string]bool{}
	for _, d := range s.declFile.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
			for _, sp := range g.Specs {
				declared[sp.(*ast.TypeSpec).Name.Name] = true
			}
		}
	}
	for _, d := range s.declFile.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
			continue
		}
		base := recvBase(fd.Recv.List[0].Type)
		if _, ok := s.f.live[base].(*types.TypeName); !ok || declared[base] {
			continue
		}
		dt := detached{fd: fd, recv: fd.Recv, name: fd.Name, params: fd.Type.Params.List, base: base}
		recv := *fd.Recv.List[0]
		if len(recv.Names) == 0 {
			recv.Names = []*ast.Ident{ast.NewIdent("_")}
		}
		fd.Type.Params.List = append([]*ast.Field{&recv}, fd.Type.Params.List...)
		fd.Recv = nil
		fd.Name = &ast.Ident{Name: "ᐧmethod" + base + "ᐧ" + dt.name.Name, NamePos: dt.name.NamePos}
		s.detached = append(s.detached, dt)
	}
}

// restoreMethods undoes detachMethods for printing.
func (s *snippet) restoreMethods() {
	for _, dt := range s.detached {
		dt.fd.Recv, dt.fd.Name, dt.fd.Type.Params.List = dt.recv, dt.name, dt.params
	}
}

func recvBase(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return recvBase(x.X)
	case *ast.ParenExpr:
		return recvBase(x.X)
	case *ast.IndexExpr:
		return recvBase(x.X)
	case *ast.IndexListExpr:
		return recvBase(x.X)
	case *ast.Ident:
		return x.Name
	}
	return ""
}

// attachMethods adds the detached methods to their types, and reports
// whether it added any. A method the type has already is a redefinition,
// refused: yaegi would keep the first.
func (s *snippet) attachMethods() (bool, *Error) {
	added := false
	for _, dt := range s.detached {
		fn, ok := s.info.Defs[dt.fd.Name].(*types.Func)
		if !ok {
			continue
		}
		tn := s.f.live[dt.base].(*types.TypeName)
		named, ok := tn.Type().(*types.Named)
		if !ok {
			continue
		}
		key := dt.base + "." + dt.name.Name
		if obj, _, _ := types.LookupFieldOrMethod(named, true, s.pkg, dt.name.Name); obj != nil {
			if s.attached[key] {
				continue
			}
			return false, &Error{Unsupported: true, Pos: s.userPos(s.f.fset.Position(dt.name.Pos())),
				Msg: fmt.Sprintf("redefining %s.%s, declared in an earlier snippet, is not supported (the interpreter keeps the first definition); declare the type %s again, with all its methods, in one snippet", dt.base, dt.name.Name, dt.base)}
		}
		sig := fn.Type().(*types.Signature)
		var params []*types.Var
		for i := 1; i < sig.Params().Len(); i++ {
			params = append(params, sig.Params().At(i))
		}
		m := types.NewFunc(dt.name.Pos(), s.pkg, dt.name.Name,
			types.NewSignatureType(sig.Params().At(0), nil, nil, types.NewTuple(params...), sig.Results(), sig.Variadic()))
		named.AddMethod(m)
		s.attached[key] = true
		added = true
	}
	return added, nil
}

// hoistable returns declarations of the statement variables that the
// snippet's declarations refer to ("undefined: x" in the first pass), and
// the imports their types need.
func (s *snippet) hoistable(errs []types.Error) (decls, imports []string) {
	need := map[string]bool{}
	for _, e := range errs {
		if name, ok := strings.CutPrefix(e.Msg, "undefined: "); ok && s.cellVars[name] {
			need[name] = true
		}
	}
	if len(need) == 0 {
		return nil, nil
	}
	l := &lowering{s: s, checker: true, imports: map[string]string{}}
	var out []string
	for _, st := range s.cell.List {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE {
			continue
		}
		for _, lhs := range as.Lhs {
			id, _ := lhs.(*ast.Ident)
			if id == nil || !need[id.Name] {
				continue
			}
			v, ok := s.info.Defs[id].(*types.Var)
			if !ok {
				continue
			}
			ts, err := l.typeString(v.Type())
			if err != nil {
				return nil, nil
			}
			out = append(out, "var "+id.Name+" "+ts)
			s.hoisted[id.Name] = true
			delete(need, id.Name)
		}
	}
	for path, alias := range l.imports {
		imports = append(imports, fmt.Sprintf("import %s %q", alias, path))
	}
	return out, imports
}

// oneLine rewrites an import declaration on one line, without comments.
func oneLine(text string) string {
	var b strings.Builder
	for _, t := range scanTokens(text) {
		switch {
		case t.tok == token.SEMICOLON:
			b.WriteString(";")
		case t.lit != "":
			b.WriteString(t.lit + " ")
		default:
			b.WriteString(t.tok.String() + " ")
		}
	}
	return strings.TrimRight(b.String(), "; ")
}

// firstError converts the earliest error into the user's terms.
func (s *snippet) firstError(errs []types.Error) *Error {
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Pos < errs[j].Pos })
	e := errs[0]
	pos := s.f.fset.Position(e.Pos)
	// Earlier snippets are other packages "main" to go/types, which then
	// qualifies their names; to the user they are one package.
	msg := mainQual.ReplaceAllString(e.Msg, "$1")
	out := &Error{Pos: s.userPos(pos), Msg: s.endMsg(pos, msg)}
	if m := importFailed.FindStringSubmatch(e.Msg); m != nil {
		out.Import = m[1]
	}
	return out
}

// Import implements types.Importer over the standard library's export
// data and the interpreter's native packages.
func (f *Front) Import(path string) (*types.Package, error) {
	if pkg, ok := f.natives[path]; ok {
		return pkg, nil
	}
	if isStd(path) {
		if f.cfg.StdAvailable != nil && !f.cfg.StdAvailable(path) {
			return nil, fmt.Errorf("package %s is not available to this engine", path)
		}
		pkg, err := importStd(path)
		if err != nil || f.cfg.Hidden == nil {
			return pkg, err
		}
		return f.filtered(pkg), nil
	}
	if f.cfg.Native != nil {
		if name, syms, ok := f.cfg.Native(path); ok {
			pkg, err := nativePackage(path, name, syms)
			if err != nil {
				return nil, err
			}
			f.natives[path] = pkg
			return pkg, nil
		}
	}
	return nil, fmt.Errorf("package %s is not available to this engine (the standard library and registered packages are)", path)
}

// autoImports returns the standard packages src uses by name without
// importing them or declaring the name: name -> path.
func (f *Front) autoImports(src string, imported map[string]bool) map[string]string {
	out := map[string]string{}
	bases := selectorBases(src)
	if len(bases) == 0 {
		return out
	}
	declared := declaredIdents(src)
	for name := range bases {
		path, ok := stdNames()[name]
		if !ok && f.cfg.Names != nil {
			path, ok = f.cfg.Names()[name]
		}
		if !ok || declared[name] || imported[name] || f.live[name] != nil {
			continue
		}
		if f.cfg.StdAvailable != nil && !f.cfg.StdAvailable(path) {
			continue
		}
		out[name] = path
	}
	return out
}

// importedNames returns the names the snippet's own imports declare.
func (s *snippet) importedNames() map[string]bool {
	names := map[string]bool{}
	for _, p := range s.ps {
		if p.kind != importPiece {
			continue
		}
		toks := scanTokens(s.src[p.start:p.end])
		for i, t := range toks {
			if t.tok != token.STRING {
				continue
			}
			if i > 0 && toks[i-1].tok == token.IDENT {
				names[toks[i-1].lit] = true
				continue
			}
			path, err := strconv.Unquote(t.lit)
			if err == nil {
				if pkg, err := s.f.Import(path); err == nil {
					names[pkg.Name()] = true
				}
				names[path[strings.LastIndexByte(path, '/')+1:]] = true
			}
		}
	}
	return names
}

// declaredIdents returns names src declares or imports anywhere, by a
// token scan: x := …, var x, func x, parameters, import names.
func declaredIdents(src string) map[string]bool {
	toks := scanTokens(src)
	declared := map[string]bool{}
	for i, t := range toks {
		if t.tok == token.STRING && i > 0 && toks[i-1].tok == token.IMPORT || t.tok == token.STRING && i > 0 && toks[i-1].tok == token.LPAREN {
			p, _ := strconv.Unquote(t.lit)
			declared[p[strings.LastIndexByte(p, '/')+1:]] = true
		}
		if t.tok != token.IDENT {
			continue
		}
		next := token.ILLEGAL
		if i+1 < len(toks) {
			next = toks[i+1].tok
		}
		prevDot := i > 0 && toks[i-1].tok == token.PERIOD
		switch {
		case next == token.DEFINE || next == token.COMMA || (i > 0 && isDeclKeyword(toks[i-1].tok)):
			declared[t.lit] = true
		case next == token.IDENT && !prevDot, next == token.STRING:
			declared[t.lit] = true
		}
	}
	return declared
}

func isDeclKeyword(t token.Token) bool {
	return t == token.VAR || t == token.CONST || t == token.FUNC || t == token.TYPE || t == token.IMPORT
}

// stdNames maps every unambiguous standard package name to its path.
var stdNames = sync.OnceValue(func() map[string]string {
	std.mu.Lock()
	defer std.mu.Unlock()
	paths := map[string][]string{}
	if openStd() == nil {
		for path := range std.entries {
			name := path[strings.LastIndexByte(path, '/')+1:]
			if len(name) >= 2 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
				continue // math/rand/v2: import it by hand
			}
			paths[name] = append(paths[name], path)
		}
	}
	names := map[string]string{}
	for name, ps := range paths {
		if len(ps) == 1 {
			names[name] = ps[0]
		}
	}
	return names
})

// Predeclare makes package path visible to every snippet under its name,
// as if each imported it (the engine's dpfw package).
func (f *Front) Predeclare(path string) error {
	pkg, err := f.Import(path)
	if err != nil {
		return err
	}
	f.live[pkg.Name()] = types.NewPkgName(token.NoPos, types.NewPackage("main", "main"), pkg.Name(), pkg)
	return nil
}

// filtered returns pkg without the symbols Config.Hidden withholds.
func (f *Front) filtered(pkg *types.Package) *types.Package {
	if p, ok := f.natives["filtered:"+pkg.Path()]; ok {
		return p
	}
	hide := false
	for _, name := range pkg.Scope().Names() {
		hide = hide || f.cfg.Hidden(pkg.Path(), name)
	}
	if !hide {
		f.natives["filtered:"+pkg.Path()] = pkg
		return pkg
	}
	out := types.NewPackage(pkg.Path(), pkg.Name())
	for _, name := range pkg.Scope().Names() {
		if !f.cfg.Hidden(pkg.Path(), name) {
			out.Scope().Insert(pkg.Scope().Lookup(name))
		}
	}
	out.SetImports(pkg.Imports())
	out.MarkComplete()
	f.natives["filtered:"+pkg.Path()] = out
	return out
}

var importFailed = regexp.MustCompile(`^could not import (\S+) `)

var mainQual = regexp.MustCompile(`(^|[^\pL\pN_.])main\.`)

// yaegiFile is the file name yaegi gives sources it evaluates: the
// //line directives of lowered code name it, because yaegi scopes
// imports by file name.
const yaegiFile = "_.go"
