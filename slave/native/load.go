package native

import (
	"fmt"
	"os"
	"path/filepath"
	"plugin"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/dpfw/dpfw/eval"
)

// loaded is every build this process has loaded: plugins, like all Go
// code, stay loaded until the process exits, so this is per process, not
// per Builder.
var loaded = struct {
	sync.Mutex // protects byKey; held while a plugin opens, so that MaxLoaded holds
	byKey      map[string]*Result
}{byKey: map[string]*Result{}}

// loadedAlready returns the build named key if this process has loaded
// it, as a cached result.
func loadedAlready(key string) *Result {
	loaded.Lock()
	defer loaded.Unlock()
	if r := loaded.byKey[key]; r != nil {
		return alreadyLoaded(r)
	}
	return nil
}

// full fails when this process has loaded max builds, so that a build
// that could not be loaded is not even started.
func full(max int) error {
	loaded.Lock()
	defer loaded.Unlock()
	return fullLocked(max)
}

func fullLocked(max int) error {
	if len(loaded.byKey) < max {
		return nil
	}
	return &eval.Error{Kind: eval.KindTooLarge, Msg: fmt.Sprintf("this slave process has loaded %d native package builds, "+
		"the most it will: Go cannot unload code, so restart the slave to load more (its supervisor keeps the address)", len(loaded.byKey))}
}

func alreadyLoaded(r *Result) *Result {
	c := *r
	c.Cached, c.Loaded, c.Build, c.Load = true, true, 0, 0
	return &c
}

// load opens the plugin of the cache entry dir, built as key from a
// package called name, unless this process already has it.
func load(dir, key, name string, max int) (*Result, error) {
	loaded.Lock()
	defer loaded.Unlock()
	if r := loaded.byKey[key]; r != nil {
		return alreadyLoaded(r), nil
	}
	if err := fullLocked(max); err != nil {
		return nil, err
	}
	start := time.Now()
	p, err := plugin.Open(filepath.Join(dir, pluginFile))
	if err != nil {
		if strings.Contains(err.Error(), "different version of package") {
			return nil, unsupported("the build in %s does not match this slave binary (%v): delete that directory and compile again", dir, err)
		}
		return nil, internal("loading %s: %v", dir, err)
	}
	sym, err := p.Lookup("Symbols")
	if err != nil {
		return nil, internal("%s: %v", dir, err)
	}
	tables, ok := sym.(*map[string]map[string]reflect.Value)
	real := realPath(key, name)
	if !ok || (*tables)[real+"/"+name] == nil {
		return nil, internal("%s has no symbol table for %s", dir, real)
	}
	data, _ := os.ReadFile(filepath.Join(dir, exportFile)) // optional: the front end falls back without it
	r := &Result{Hash: key, Load: time.Since(start), Package: eval.Package{
		Path: eval.NativePrefix + name, Name: name, RealPath: real, Symbols: (*tables)[real+"/"+name], ExportData: data,
	}}
	loaded.byKey[key] = r
	c := *r // the caller fills in how it came by it; the registry's stays as is
	return &c, nil
}
