package eval

import (
	"maps"
	"path"
	"reflect"
	"sync"

	"github.com/dpfw/dpfw/eval/stdsym"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// stdSymbols is the standard library as snippets see it: yaegi's tables,
// generated for Go 1.22, with what later releases added (package stdsym,
// generated for the Go that builds dpfw) merged in. It is built once and
// never written: interpreters copy the symbols they are given. Merging
// before registering keeps it one Use call, so yaegi sets up fmt, os and
// log (and compiles its generic sources) once per interpreter.
var stdSymbols = sync.OnceValue(func() interp.Exports {
	out := maps.Clone(interp.Exports(stdlib.Symbols))
	for key, syms := range stdsym.Symbols {
		m := maps.Clone(stdlib.Symbols[key])
		if m == nil {
			m = make(map[string]reflect.Value, len(syms))
		}
		maps.Copy(m, syms)
		out[key] = m
	}
	return out
})

// sandboxStd is what a sandbox confines: the merged tables, except that
// packages os and runtime stay yaegi's (Go 1.22). What later releases
// added there reaches past the confinement (os.CopyFS and os.OpenRoot
// open any path, runtime.SetDefaultGOMAXPROCS changes the process), and
// package sandbox only knows how to confine the older API.
func sandboxStd() interp.Exports {
	out := maps.Clone(stdSymbols())
	for _, key := range []string{"os/os", "runtime/runtime"} {
		out[key] = stdlib.Symbols[key]
	}
	return out
}

// stdPath reports whether p is the path of a standard library package
// the interpreter provides.
func stdPath(p string) bool {
	for key := range stdSymbols() {
		if path.Dir(key) == p {
			return true
		}
	}
	return false
}
