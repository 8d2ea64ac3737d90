// Package buildinfo says which build of dpfw a binary is, for
// `dpfw version` and `slave version`: the module version, the commit and
// the Go toolchain it was built with.
//
// `go install github.com/dpfw/dpfw/cmd/...@vX` records the version; a build
// in a clone records the commit (and whether the tree was modified). A
// build that has neither, such as the Dockerfile's, sets them with
//
//	-ldflags "-X github.com/dpfw/dpfw/cmd/internal/buildinfo.version=V -X github.com/dpfw/dpfw/cmd/internal/buildinfo.commit=C"
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
)

// Set by the linker (-X) where the build carries no module or VCS data.
var version, commit string

// Info describes the running binary.
type Info struct {
	Version string // module version ("v0.2.0"), or "devel" in a clone
	Commit  string // VCS revision, "+dirty" when the tree was modified; "" if unknown
	Go      string // "go1.26.8"
	// Race is whether the binary was built with -race. Tests that build
	// dpfw's binaries build them the same way, so that make test runs
	// race-detecting processes and make test-short (no -race) builds
	// none.
	Race bool
}

// Read returns the running binary's Info.
func Read() Info {
	i := Info{Version: version, Commit: commit, Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if ok {
		i.Race = slices.Contains(bi.Settings, debug.BuildSetting{Key: "-race", Value: "true"})
	}
	if ok && i.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		i.Version = bi.Main.Version
	}
	if ok && i.Commit == "" {
		var rev, dirty string
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision":
				rev = s.Value
			case s.Key == "vcs.modified" && s.Value == "true":
				dirty = "+dirty"
			}
		}
		if rev != "" {
			i.Commit = rev + dirty
		}
	}
	if i.Version == "" {
		i.Version = "devel"
	}
	return i
}

// Line is the one line a version subcommand prints: program, protocol
// release, build and toolchain, e.g.
// "dpfw 0.1.0 (v0.1.0, commit 3f1c2a…, go1.26.8 linux/amd64)".
func (i Info) Line(program, release string) string {
	c := i.Commit
	if c == "" {
		c = "unknown"
	}
	return fmt.Sprintf("%s %s (%s, commit %s, %s %s/%s)", program, release, i.Version, c, i.Go, runtime.GOOS, runtime.GOARCH)
}
