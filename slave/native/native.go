// Package native builds Go packages from source on a slave node and
// loads them into the running process, for the engines to register
// (eval.Engine.Register) so that snippets import them as native/NAME and
// call them at compiled speed.
//
// # How
//
// A package is built with the node's Go toolchain as a Go plugin (go
// build -buildmode=plugin) against this process's own toolchain version,
// build flags (-race, -tags, -trimpath, cgo settings, GOAMD64, …) and
// module versions, all read from its build information: a plugin loads
// only into a binary built by the same release with the same flags and
// the same version of every package the two share. The package is
// compiled under a path that names its content,
// dpfw.native/HASH/NAME, so that each version is a distinct package to
// the Go runtime, which cannot unload code. Inside the plugin sits its
// symbol table in yaegi's Exports format, generated from the package's
// exported API by github.com/traefik/yaegi/extract (run as a small tool
// that this package builds once per node), interface wrappers included.
//
// # Cache
//
// Builds are kept under Config.Dir (by default
// os.UserCacheDir()/dpfw/native), one directory per content hash: the
// hash covers the source, the package name, the Go release, the build
// flags and the module versions, so the same source sent again, after a
// restart of the process or by another master, costs a plugin load
// instead of a build. Processes on one node share the cache; a lock file
// per entry makes one of them build while the others wait and load. The
// least recently built entries beyond Config.MaxCached are removed.
//
// # Limits
//
// A process loads at most Config.MaxLoaded distinct builds; after that a
// build fails with KindTooLarge until the process restarts. Plugins work
// on Linux, macOS and FreeBSD, in a binary built with cgo, on a node with
// the same Go release and a C compiler. Every failure is an *eval.Error:
// KindCompile with Go's own messages and file:line:col for errors in the
// source, KindUnsupported for a node that cannot build or load plugins
// (saying what to install or rebuild), KindTimeout for a build past
// Config.Timeout, KindTooLarge for limits.
package native

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/dpfw/dpfw/eval"
)

// Config tunes a Builder. The zero value is usable.
type Config struct {
	// Dir holds the cache of builds; "" means os.UserCacheDir()/dpfw/native.
	Dir string
	// Go is the go command; "" means the one on $PATH.
	Go string
	// Timeout bounds one build, the go command's runs included; 0 means
	// 5 minutes. A first build on a node compiles the standard library
	// for plugins, which takes 20-60 s on two cores.
	Timeout time.Duration
	// MaxLoaded bounds the builds loaded into this process, which Go
	// cannot unload; 0 means 64.
	MaxLoaded int
	// MaxCached bounds the builds kept on disk; 0 means 64.
	MaxCached int
	// Logger receives one line per build; nil means slog.Default().
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Timeout <= 0 {
		c.Timeout = 5 * time.Minute
	}
	if c.MaxLoaded <= 0 {
		c.MaxLoaded = 64
	}
	if c.MaxCached <= 0 {
		c.MaxCached = 64
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Source is the source of one package.
type Source struct {
	// Name is the package name: its package clause, and the NAME of its
	// import path native/NAME.
	Name string
	// Files maps file names (base names ending in .go) to their contents.
	Files map[string][]byte
}

// Result is a package built, or found built, and loaded.
type Result struct {
	// Package is what the engines register: path native/NAME, symbols
	// from the plugin, export data from the build.
	Package eval.Package
	// Hash names the build: the cache entry and the compiled path.
	Hash string
	// Cached is true when no build ran: the build was in the cache, or
	// already loaded in this process (Loaded).
	Cached bool
	// Loaded is true when this process had loaded the build before.
	Loaded bool
	// Build is how long the build took (0 when Cached), Load how long
	// opening the plugin took.
	Build, Load time.Duration
}

// Builder builds and loads native packages. Its methods are safe for
// concurrent use; builds run one at a time per Builder.
type Builder struct {
	cfg  Config
	host *host
	sem  chan struct{} // one token: held while a build runs
}

// New returns a Builder. It fails only when no cache directory can be
// found; whether this node can build plugins is found out, and
// explained, by the first build that needs to.
func New(cfg Config) (*Builder, error) {
	cfg = cfg.withDefaults()
	if cfg.Dir == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("native: no cache directory (%v): set $XDG_CACHE_HOME or $HOME, or name a directory (slave -native-cache DIR)", err)
		}
		cfg.Dir = filepath.Join(dir, "dpfw", "native")
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("native: cache directory: %w", err)
	}
	cfg.Dir = dir
	return &Builder{cfg: cfg, host: thisHost(), sem: make(chan struct{}, 1)}, nil
}

// Build returns src built and loaded into this process: from memory when
// this process loaded it before, from the cache when a build of the same
// source and settings is there, else built now. It blocks until then, or
// until ctx is done or Config.Timeout passes. A failure registers and
// keeps nothing; the error is an *eval.Error.
func (b *Builder) Build(ctx context.Context, src Source) (*Result, error) {
	if err := b.host.usable(); err != nil {
		return nil, err
	}
	if err := checkSource(src); err != nil {
		return nil, err
	}
	key := b.key(src)
	if res := loadedAlready(key); res != nil {
		return res, nil
	}
	if err := full(b.cfg.MaxLoaded); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, b.cfg.Timeout)
	defer cancel()
	if res, err := b.loadCached(ctx, src, key); res != nil || err != nil {
		if err != nil && ctx.Err() != nil {
			return nil, b.ctxError(ctx, src)
		}
		return res, err
	}
	select {
	case b.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, b.ctxError(ctx, src)
	}
	defer func() { <-b.sem }()
	res, err := b.buildOrLoad(ctx, src, key)
	if err != nil && ctx.Err() != nil {
		return nil, b.ctxError(ctx, src)
	}
	return res, err
}

// ctxError explains a build cut short by its context.
func (b *Builder) ctxError(ctx context.Context, src Source) *eval.Error {
	if ctx.Err() == context.DeadlineExceeded {
		return &eval.Error{Kind: eval.KindTimeout, Msg: fmt.Sprintf(
			"building native/%s ran past its time limit (%v unless the master asked for less; slave -native-timeout): "+
				"a first build on a node also compiles the standard library for plugins, 20-60 s on two cores",
			src.Name, b.cfg.Timeout)}
	}
	return &eval.Error{Kind: eval.KindCanceled, Msg: fmt.Sprintf("building native/%s: canceled", src.Name)}
}
