package master

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dpfw/dpfw/session"
)

// NativeResult is how a Compile went on one slave node (one slave
// process, which hosts one or more slaves).
type NativeResult struct {
	// Node names the node: its host and pid, and its slaves' ids.
	Node string
	// Slaves are the ids of the node's slaves.
	Slaves []string
	// Path is the import path snippets use: native/NAME.
	Path string
	// Hash names the build; the same source gives the same hash on every
	// node that runs the same slave binary.
	Hash string
	// Cached is true when the node built nothing: the build was in its
	// cache, or loaded already.
	Cached bool
	// Build is how long the node's go build took (0 when Cached), Load
	// how long loading the plugin took, Took the whole round trip.
	Build, Load, Took time.Duration
	// Err is the node's failure, a *RemoteError whose Slave names the
	// node, or nil.
	Err error
}

// native is a package that Compile sent, to send again to nodes that
// connect later.
type native struct {
	src *session.NativeSource
}

// Compile builds the Go package name from files (file names to source;
// see ReadPackage) on every connected slave node, with each node's Go
// toolchain, and loads it into each node's process: from then on any
// snippet on any slave can `import "native/NAME"` (or just use NAME.F)
// and call the package's exported functions at compiled speed, passing
// interpreted values, their own types and funcs included.
//
// The Master remembers the package and compiles it on every node that
// connects later, before that node's slaves take a task; a node that
// restarted loads it from its cache. Compiling a changed version replaces
// the old one for every task that starts afterwards. A package that some
// node rejects as not compiling is not remembered.
//
// Compile blocks until every node has answered or ctx is done, and
// returns one result per node, in the order of Slaves; the error joins
// the nodes' errors. With no node connected it only remembers the
// package. Use CompileEach to see each node's result as it comes.
func (m *Master) Compile(ctx context.Context, name string, files map[string][]byte) ([]NativeResult, error) {
	ch, err := m.CompileEach(ctx, name, files)
	if err != nil {
		return nil, err
	}
	var results []NativeResult
	var errs []error
	for r := range ch {
		results = append(results, r)
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
	}
	slices.SortFunc(results, func(a, b NativeResult) int { return m.slaveOrder(a.Slaves[0]) - m.slaveOrder(b.Slaves[0]) })
	return results, errors.Join(errs...)
}

// CompileEach is Compile that delivers each node's result on the
// channel as soon as that node answers, and closes it once every node
// has, or ctx is done or the Master closes (the nodes not yet answered
// then report that error). It fails at once, sending nothing, when files
// break the limits of a compile request (session.NativeSource.Check) or
// the Master is closed. Its goroutines are the Master's: Close waits for
// them.
func (m *Master) CompileEach(ctx context.Context, name string, files map[string][]byte) (<-chan NativeResult, error) {
	src := nativeSource(name, files)
	if rerr := src.Check(); rerr != nil {
		return nil, rerr
	}
	// Remembered first, so that a node connecting meanwhile gets it
	// too: from setup, or from here (then from its cache).
	prev := m.remember(src)
	nodes := m.nodes()
	out := make(chan NativeResult, len(nodes))
	ctx, cancel := m.merge(ctx)
	if !m.spawn(func() { defer cancel(); m.compileAll(ctx, src, prev, nodes, out) }) {
		cancel()
		m.forget(src, prev)
		return nil, ErrClosed
	}
	return out, nil
}

// compileAll compiles src on every node at once, forwards each result to
// out as it comes, closes out once all have, and then forgets a package
// that does not compile. Each Call returns when ctx or the session ends.
func (m *Master) compileAll(ctx context.Context, src, prev *session.NativeSource, nodes [][]*Slave, out chan<- NativeResult) {
	defer close(out)
	results := make(chan NativeResult, len(nodes))
	var wg sync.WaitGroup
	for _, slaves := range nodes {
		wg.Go(func() { results <- slaves[0].compile(ctx, src, slaves) })
	}
	broken := false
	for range nodes {
		r := <-results
		broken = broken || IsKind(r.Err, KindCompile)
		out <- r
	}
	wg.Wait()
	if broken {
		m.forget(src, prev)
	}
}

// Compile builds the package on the slave node that hosts s only (every
// slave of that node gets it), without remembering it for other nodes.
// See Master.Compile.
func (s *Slave) Compile(ctx context.Context, name string, files map[string][]byte) (NativeResult, error) {
	src := nativeSource(name, files)
	if rerr := src.Check(); rerr != nil {
		return NativeResult{}, rerr
	}
	r := s.compile(ctx, src, s.m.nodeOf(s))
	return r, r.Err
}

// Natives lists the import paths of the packages the Master sends to
// the nodes that connect, in the order they were first compiled.
func (m *Master) Natives() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var paths []string
	for _, n := range m.natives {
		paths = append(paths, "native/"+n.src.Name)
	}
	return paths
}

func nativeSource(name string, files map[string][]byte) *session.NativeSource {
	src := &session.NativeSource{Name: name}
	for fn, data := range files {
		src.Files = append(src.Files, session.NativeFile{Name: fn, Data: data})
	}
	slices.SortFunc(src.Files, func(a, b session.NativeFile) int { return strings.Compare(a.Name, b.Name) })
	return src
}

// remember keeps src for nodes that connect later, in place of an
// earlier version, which it returns.
func (m *Master) remember(src *session.NativeSource) (prev *session.NativeSource) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, n := range m.natives {
		if n.src.Name == src.Name {
			prev, m.natives[i].src = n.src, src
			return prev
		}
	}
	m.natives = append(m.natives, native{src: src})
	return nil
}

// forget puts back the version that src replaced, unless another
// Compile replaced src meanwhile.
func (m *Master) forget(src, prev *session.NativeSource) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, n := range m.natives {
		if n.src != src {
			continue
		}
		if prev != nil {
			m.natives[i].src = prev
		} else {
			m.natives = slices.Delete(m.natives, i, i+1)
		}
		return
	}
}

// nodes groups the live slaves by the connection they share: one group
// per slave node.
func (m *Master) nodes() [][]*Slave {
	var out [][]*Slave
	index := map[*session.Session]int{}
	for _, s := range m.Slaves() {
		i, ok := index[s.conn()]
		if !ok {
			i = len(out)
			index[s.conn()] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], s)
	}
	return out
}

// nodeOf is the group of s in nodes.
func (m *Master) nodeOf(s *Slave) []*Slave {
	for _, n := range m.nodes() {
		if n[0].conn() == s.conn() {
			return n
		}
	}
	return []*Slave{s}
}

// slaveOrder sorts results by their first slave's place in Slaves.
func (m *Master) slaveOrder(id string) int {
	for i, s := range m.Slaves() {
		if s.id == id {
			return i
		}
	}
	return len(id) << 20
}

// compile sends src to the node behind s's connection, whose slaves are
// node.
func (s *Slave) compile(ctx context.Context, src *session.NativeSource, node []*Slave) NativeResult {
	r := NativeResult{Node: nodeName(node), Slaves: ids(node), Path: "native/" + src.Name}
	start := time.Now()
	resp, err := s.conn().Call(ctx, &session.Request{Kind: session.KindCompile, Native: src})
	r.Took = time.Since(start)
	switch {
	case err != nil:
		r.Err = s.callError(err)
		var re *RemoteError
		if errors.As(r.Err, &re) {
			re.Slave = r.Node
		}
	case resp.Err != nil:
		resp.Err.Slave = r.Node
		r.Err = resp.Err
	case resp.Native == nil:
		r.Err = &RemoteError{Kind: KindInternal, Slave: r.Node, Msg: "the node answered a compile request without saying what it loaded"}
	default:
		n := resp.Native
		r.Path, r.Hash, r.Cached, r.Build, r.Load = n.Path, n.Hash, n.Cached, n.Build, n.Load
	}
	return r
}

// nodeName names a node for people: "vm pid 8825 (s1 s2)".
func nodeName(node []*Slave) string {
	p := node[0].conn().Peer()
	host := p.Name
	if host == "" {
		host = p.Host
	}
	return fmt.Sprintf("%s pid %d (%s)", host, p.PID, strings.Join(ids(node), " "))
}

// setup compiles the remembered packages on a node that has just
// connected, then closes ready, which its slaves wait for before they
// take a task: a snippet that imports a native package must find it
// wherever it runs. Failures are logged; the slaves then run tasks that
// do not need the package.
func (m *Master) setup(node []*Slave, natives []native, ready chan struct{}) {
	defer m.wg.Done()
	defer close(ready)
	ctx, cancel := m.merge(context.Background()) // the Call also ends with the node's session
	defer cancel()
	for _, n := range natives {
		r := node[0].compile(ctx, n.src, node)
		if r.Err != nil {
			m.log.Warn("native package not loaded on a node that joined", "path", r.Path, "node", r.Node, "err", r.Err)
			continue
		}
		m.log.Info("native package loaded on a node that joined", "path", r.Path, "node", r.Node, "cached", r.Cached,
			"took", r.Took.Round(time.Millisecond))
	}
}

// ReadPackage reads a Go package for Compile from path: a directory (its
// .go files, less tests and files marked //go:build ignore) or a single
// .go file. It returns the package name, from the package clauses, which
// must agree, and the files by base name.
func ReadPackage(path string) (name string, files map[string][]byte, err error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", nil, err
	}
	paths := []string{path}
	if st.IsDir() {
		if paths, err = filepath.Glob(filepath.Join(path, "*.go")); err != nil {
			return "", nil, err
		}
	}
	files = map[string][]byte{}
	for _, p := range paths {
		base := filepath.Base(p)
		if strings.HasSuffix(base, "_test.go") && st.IsDir() {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return "", nil, err
		}
		f, err := parser.ParseFile(token.NewFileSet(), base, data, parser.PackageClauseOnly|parser.ParseComments)
		if err != nil {
			return "", nil, err
		}
		if ignored(f.Comments) {
			continue
		}
		switch {
		case name == "":
			name = f.Name.Name
		case f.Name.Name != name:
			return "", nil, fmt.Errorf("%s: package %s, but other files say package %s", p, f.Name.Name, name)
		}
		files[base] = data
	}
	switch {
	case len(files) == 0:
		return "", nil, fmt.Errorf("%s: no Go files", path)
	case name == "main":
		return "", nil, fmt.Errorf("%s is package main: a native package needs a name of its own (package fib) and exported functions", path)
	}
	return name, files, nil
}

// ignored reports whether a file's build constraint is the conventional
// //go:build ignore of files that are not part of the package.
func ignored(comments []*ast.CommentGroup) bool {
	for _, g := range comments {
		for _, c := range g.List {
			if !constraint.IsGoBuild(c.Text) {
				continue
			}
			x, err := constraint.Parse(c.Text)
			if tag, ok := x.(*constraint.TagExpr); err == nil && ok && tag.Tag == "ignore" {
				return true
			}
		}
	}
	return false
}
