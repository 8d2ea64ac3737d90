package native

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/dpfw/dpfw/eval"
)

// yaegiPath is the module whose extract package generates symbol tables.
const yaegiPath = "github.com/traefik/yaegi"

// yaegiModule is the version of yaegi in go.mod, for binaries whose
// build information lists no modules (test binaries); a test keeps it in
// step with go.mod and go.sum.
var yaegiModule = debug.Module{Path: yaegiPath, Version: "v0.16.1", Sum: "h1:f1De3DVJqIDKmnasUF6MwmWv1dSEEat0wcpXhD2On3E="}

// host is how this process was built: what a plugin must match.
type host struct {
	err   *eval.Error     // why this process cannot load plugins, or nil
	flags []string        // go build flags to repeat: -race, -tags=…, -trimpath, -gcflags=…
	env   []string        // environment to repeat: CGO_*, GOOS, GOARCH, GOAMD64, GOEXPERIMENT…
	deps  []*debug.Module // the modules linked in, replacements applied
	yaegi *debug.Module   // the version of yaegi linked in
}

var thisHost = sync.OnceValue(func() *host {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return &host{err: unsupported("this slave binary carries no build information (built without module support), " +
			"so a plugin cannot be built to match it: build the slave with `go build` in module mode")}
	}
	return hostOf(bi, runtime.GOOS)
})

// Build settings repeated as go build flags, and as environment.
var (
	boolFlags  = []string{"-race", "-msan", "-asan", "-trimpath"}
	valueFlags = []string{"-tags", "-gcflags", "-asmflags"}
	envKeys    = []string{"CGO_ENABLED", "CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS",
		"GOOS", "GOARCH", "GOAMD64", "GOARM", "GOARM64", "GO386", "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64", "GOEXPERIMENT"}
)

// pluginOS lists the systems where Go supports plugins.
var pluginOS = []string{"linux", "darwin", "freebsd"}

// hostOf reads what a plugin must match from bi, for a process running on
// goos.
func hostOf(bi *debug.BuildInfo, goos string) *host {
	h := &host{}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	switch {
	case !slices.Contains(pluginOS, goos):
		h.err = unsupported("Go plugins do not work on %s (only on %s): register compiled-in packages instead (eval.Config.Packages, see examples/native)",
			goos, strings.Join(pluginOS, ", "))
	case settings["CGO_ENABLED"] != "1":
		h.err = unsupported("this slave binary was built with CGO_ENABLED=0, and Go loads plugins only into binaries built with cgo: " +
			"rebuild the slave with CGO_ENABLED=1 (which needs a C compiler, e.g. apt-get install gcc)")
	case settings["-compiler"] != "" && settings["-compiler"] != "gc":
		h.err = unsupported("this slave binary was built by %s; plugins need the gc compiler", settings["-compiler"])
	}
	for _, f := range boolFlags {
		if settings[f] == "true" {
			h.flags = append(h.flags, f)
		}
	}
	for _, f := range valueFlags {
		if v := settings[f]; v != "" {
			h.flags = append(h.flags, f+"="+v)
		}
	}
	for _, k := range envKeys {
		if v, ok := settings[k]; ok {
			h.env = append(h.env, k+"="+v)
		}
	}
	h.deps = bi.Deps
	for _, d := range bi.Deps {
		if d.Path == yaegiPath {
			h.yaegi = d
		}
	}
	if h.yaegi == nil && len(bi.Deps) == 0 {
		// Test binaries carry no module list.
		h.yaegi = &yaegiModule
	}
	switch {
	case h.err != nil:
	case h.yaegi == nil:
		h.err = unsupported("this binary does not link %s, whose extract package generates the symbol tables", yaegiPath)
	case h.yaegi.Replace != nil && h.yaegi.Replace.Version == "":
		h.err = unsupported("this binary links %s from a local directory (a replace directive), which a node cannot fetch: build the slave with a released version", yaegiPath)
	}
	return h
}

// requires writes go.mod and go.sum lines that pin mods at the versions
// this process links, replacements included. Modules replaced by a local
// directory cannot be pinned and are left out.
func requires(mods []*debug.Module) (gomod, gosum string) {
	var m, s strings.Builder
	for _, d := range mods {
		eff := d
		if d.Replace != nil {
			if d.Replace.Version == "" {
				continue
			}
			eff = d.Replace
			fmt.Fprintf(&m, "replace %s => %s %s\n", d.Path, eff.Path, eff.Version)
		}
		fmt.Fprintf(&m, "require %s %s\n", d.Path, d.Version)
		if eff.Sum != "" {
			fmt.Fprintf(&s, "%s %s %s\n", eff.Path, eff.Version, eff.Sum)
		}
	}
	return m.String(), s.String()
}

// modulePaths lists the module paths of mods and their replacements, for
// GONOSUMDB: their sums come from this binary, not from the checksum
// database, which a node may not reach.
func modulePaths(mods []*debug.Module) string {
	var paths []string
	for _, d := range mods {
		paths = append(paths, d.Path)
		if d.Replace != nil && d.Replace.Version != "" {
			paths = append(paths, d.Replace.Path)
		}
	}
	return strings.Join(paths, ",")
}

func (h *host) usable() error {
	if h.err != nil {
		return h.err
	}
	return nil
}

// describe is the part of a build's identity that comes from the host.
func (h *host) describe() string {
	y, _ := requires([]*debug.Module{h.yaegi})
	return fmt.Sprintf("%s %s/%s flags=%q env=%q %s", runtime.Version(), runtime.GOOS, runtime.GOARCH, h.flags, h.env, y)
}

func unsupported(format string, args ...any) *eval.Error {
	return &eval.Error{Kind: eval.KindUnsupported, Msg: fmt.Sprintf(format, args...)}
}
