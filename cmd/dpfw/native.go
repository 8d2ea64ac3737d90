package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dpfw/dpfw/master"
)

// cmdNative builds a Go package on every slave node (:native DIR), or
// lists the packages built so far (:native).
func (c *cli) cmdNative(ctx context.Context, path string) bool {
	if path == "" {
		paths := c.m.Natives()
		for _, p := range paths {
			fmt.Fprintln(c.out, p)
		}
		c.notef("# %d native package(s); :native FILE.go|DIR builds one", len(paths))
		return false
	}
	ctx, stop := withInterrupt(ctx)
	defer stop()
	c.compileNative(ctx, path)
	return false
}

// compileNative reads the package at path, builds it on every node and
// prints one line per node as each answers, with the time it took. It
// reports whether every node loaded it.
func (c *cli) compileNative(ctx context.Context, path string) bool {
	name, files, err := master.ReadPackage(path)
	if err != nil {
		c.failf("%v", err)
		return false
	}
	if c.opts.local > 0 && len(c.m.Slaves()) == 0 {
		if err := c.waitSlaves(ctx); err != nil { // local slaves still starting
			c.failf("%v", err)
			return false
		}
	}
	size := 0
	for _, data := range files {
		size += len(data)
	}
	nodes := countNodes(c.m.Slaves())
	c.notef("# building native/%s (%d file(s), %d bytes) on %d node(s)…", name, len(files), size, nodes)
	start := time.Now()
	results, err := c.m.CompileEach(ctx, name, files)
	if err != nil {
		c.failf("%v", err)
		return false
	}
	// A bar of the nodes done (with the time spent: a cold build takes
	// seconds) while they build.
	var done atomic.Int64
	v := c.con.view("nodes", func(s *statusLine) { s.progress("nodes", done.Load(), int64(nodes)) })
	defer v.close(nil)
	ok := true
	for r := range results {
		done.Add(1)
		if r.Err != nil {
			ok = false
			c.printErr(r.Err)
			continue
		}
		fmt.Fprintf(c.out, "%s: %s\n", r.Node, nativeOutcome(r))
	}
	switch {
	case !ok:
		return false
	case nodes == 0:
		c.notef("# no node connected: native/%s will be built on each node as it connects", name)
	default:
		c.notef("# native/%s ready in %s: use %s.Name in snippets (import \"native/%s\")", name, roundDur(time.Since(start)), name, name)
	}
	return true
}

// nativeOutcome says what one node did and how long it took.
func nativeOutcome(r master.NativeResult) string {
	switch {
	case !r.Cached:
		return fmt.Sprintf("built in %s (go build %s, load %s)", roundDur(r.Took), roundDur(r.Build), roundDur(r.Load))
	case r.Load > 0:
		return fmt.Sprintf("found in its cache, loaded in %s (%s in all)", roundDur(r.Load), roundDur(r.Took))
	}
	return fmt.Sprintf("had it loaded already (%s)", roundDur(r.Took))
}

// countNodes counts the slave processes behind slaves.
func countNodes(slaves []*master.Slave) int {
	seen := map[string]bool{}
	for _, s := range slaves {
		seen[s.Info().Peer.Instance] = true
	}
	return len(seen)
}

// nativeFlag collects -native DIR flags (repeatable, or comma-separated).
type nativeFlag []string

func (f *nativeFlag) String() string { return strings.Join(*f, ",") }

func (f *nativeFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*f = append(*f, p)
		}
	}
	return nil
}
