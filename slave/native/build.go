package native

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/dpfw/dpfw/eval"
)

// A cache entry is a directory named by the build's key, holding:
const (
	pluginFile = "plugin.so" // the plugin; written last, so an entry is complete once it exists
	exportFile = "export"    // the package's gc export data
	srcDir     = "src"       // the module that was built, kept for reference
	pluginDir  = "dpfwplugin"
)

// loadCached loads the build named key from the cache, if it is there.
// Processes that find it load it side by side, under a shared lock:
// pruning takes the exclusive one.
func (b *Builder) loadCached(ctx context.Context, src Source, key string) (*Result, error) {
	entry := filepath.Join(b.cfg.Dir, key)
	if _, err := os.Stat(filepath.Join(entry, pluginFile)); err != nil {
		return nil, nil
	}
	unlock, err := lockFile(ctx, entry+".lock", false)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := os.Stat(filepath.Join(entry, pluginFile)); err != nil {
		return nil, nil // pruned meanwhile
	}
	return b.load(entry, src, key, 0)
}

// buildOrLoad builds src as key under the entry's exclusive lock, unless
// another process did while this one waited for it, and loads it. The
// caller holds the Builder's build token.
func (b *Builder) buildOrLoad(ctx context.Context, src Source, key string) (*Result, error) {
	if err := os.MkdirAll(b.cfg.Dir, 0o755); err != nil {
		return nil, unsupported("native cache directory: %v (slave -native-cache DIR names another)", err)
	}
	entry := filepath.Join(b.cfg.Dir, key)
	unlock, err := lockFile(ctx, entry+".lock", true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	var built time.Duration
	if _, err := os.Stat(filepath.Join(entry, pluginFile)); err != nil {
		start := time.Now()
		if err := b.build(ctx, src, key, entry); err != nil {
			os.RemoveAll(entry) // a failed build leaves nothing behind
			return nil, err
		}
		built = time.Since(start)
		b.prune(key)
	}
	return b.load(entry, src, key, built)
}

// load loads the cache entry's plugin and logs it; built is how long
// building it took, 0 if it was in the cache.
func (b *Builder) load(entry string, src Source, key string, built time.Duration) (*Result, error) {
	res, err := load(entry, key, src.Name, b.cfg.MaxLoaded)
	if err != nil {
		return nil, err
	}
	if !res.Loaded {
		res.Cached = built == 0
		b.cfg.Logger.Info("native package loaded", "path", res.Package.Path, "hash", key, "built", built.Round(time.Millisecond),
			"load", res.Load.Round(time.Microsecond))
	}
	if built > 0 { // and maybe another node of this process loaded it meanwhile
		res.Cached, res.Build = false, built
	}
	return res, nil
}

// build builds src into the cache entry dir. The caller holds the
// entry's lock.
func (b *Builder) build(ctx context.Context, src Source, key, entry string) error {
	tc, err := b.toolchain(ctx)
	if err != nil {
		return err
	}
	tool, err := b.extractor(ctx, tc)
	if err != nil {
		return err
	}
	mod := filepath.Join(entry, srcDir)
	if err := b.writeModule(mod, src, key); err != nil {
		return err
	}
	// Compiling the package (which reports Go's errors and yields the
	// export data) and generating its symbol table (which type-checks it
	// from source) are independent: run them at once, unless the go
	// command may have to complete go.mod, which only one may do.
	env := b.buildEnv(src)
	type out struct {
		stdout []byte
		err    error
	}
	extracted := make(chan out, 1)
	xctx, cancel := context.WithCancel(ctx)
	defer cancel()
	extract := func() {
		o, err := tc.run(xctx, mod, env, tool, realPath(key, src.Name))
		extracted <- out{o, err}
	}
	sequential := thirdParty(src)
	if !sequential {
		go extract()
	}
	listed, lerr := tc.run(ctx, mod, env, tc.goBin, b.goArgs("list", "-buildmode=plugin", "-export", "-f", "{{.Export}}", ".")...)
	if lerr != nil {
		cancel()
		if !sequential {
			<-extracted
		}
		return compileErrors(lerr)
	}
	if sequential {
		extract()
	}
	x := <-extracted
	if x.err != nil {
		return internal("generating the symbol table of %s: %v", src.Name, x.err)
	}
	if err := os.WriteFile(filepath.Join(mod, pluginDir, "symbols.go"), x.stdout, 0o644); err != nil {
		return internal("%v", err)
	}
	tmp := filepath.Join(entry, pluginFile+".tmp")
	args := b.goArgs("build", "-buildmode=plugin", "-ldflags=-pluginpath="+realPath(key, src.Name)+"/"+pluginDir,
		"-o", tmp, "./"+pluginDir)
	if _, err := tc.run(ctx, mod, env, tc.goBin, args...); err != nil {
		return compileErrors(err)
	}
	if err := copyFile(strings.TrimSpace(string(listed)), filepath.Join(entry, exportFile)); err != nil {
		return internal("keeping the export data: %v", err)
	}
	if err := os.Rename(tmp, filepath.Join(entry, pluginFile)); err != nil {
		return internal("%v", err)
	}
	return nil
}

// writeModule writes the module to build: the package at its root, the
// plugin's main package (which holds the symbol table) beside it.
func (b *Builder) writeModule(dir string, src Source, key string) error {
	if err := os.RemoveAll(dir); err != nil {
		return internal("%v", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, pluginDir), 0o755); err != nil {
		return unsupported("native cache directory: %v", err)
	}
	gomod := fmt.Sprintf("module %s\n\ngo %s\n", realPath(key, src.Name), strings.TrimPrefix(runtime.Version(), "go"))
	var gosum string
	if thirdParty(src) {
		// Pin every module this process links, so that the plugin's
		// copies of the packages they share are the same versions.
		reqs, sums := requires(b.host.deps)
		gomod, gosum = gomod+"\n"+reqs, sums
	}
	files := map[string]string{
		"go.mod": gomod, "go.sum": gosum,
		filepath.Join(pluginDir, "main.go"): pluginMain,
	}
	for name, data := range src.Files {
		files[name] = string(data)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			return internal("%v", err)
		}
	}
	return nil
}

// pluginMain is the plugin's main package; the generated symbols.go
// fills Symbols in from init.
const pluginMain = `// Code generated by dpfw for a native package. DO NOT EDIT.

package main

import "reflect"

// Symbols is the package's symbol table in yaegi's Exports format.
var Symbols = map[string]map[string]reflect.Value{}

func main() {}
`

// goArgs is a go subcommand with this process's build flags.
func (b *Builder) goArgs(cmd string, args ...string) []string {
	out := append([]string{cmd}, b.host.flags...)
	return append(out, args...)
}

// buildEnv is the environment of the go commands that compile src.
func (b *Builder) buildEnv(src Source) []string {
	env := slices.Clone(b.host.env)
	if thirdParty(src) {
		env = append(env, "GOFLAGS=-mod=mod -buildvcs=false", "GONOSUMDB="+joinEnv("GONOSUMDB", modulePaths(b.host.deps)))
	}
	return env
}

// joinEnv appends more to the value of the environment variable name.
func joinEnv(name, more string) string {
	if v := os.Getenv(name); v != "" {
		return v + "," + more
	}
	return more
}

// toolchain is the node's go command, checked against this process.
type toolchain struct {
	goBin string
	log   *slog.Logger // each command and how long it took, at debug level
}

// goEnv is what `go env -json` reports that matters here.
type goEnv struct {
	GOVERSION, CC, CGO_ENABLED string
}

// toolchain finds the go command and checks that it can build plugins
// for this process: the same release, cgo and a C compiler.
func (b *Builder) toolchain(ctx context.Context) (*toolchain, error) {
	goBin := b.cfg.Go
	if goBin == "" {
		goBin = "go"
	}
	path, err := exec.LookPath(goBin)
	if err != nil {
		return nil, unsupported("no Go toolchain on this node (%v): install %s (https://go.dev/dl/) and put its bin directory on the slave's PATH, "+
			"or turn native code off (slave -native=false)", err, runtime.Version())
	}
	tc := &toolchain{goBin: path, log: b.cfg.Logger}
	out, err := tc.run(ctx, "", b.host.env, path, "env", "-json", "GOVERSION", "CC", "CGO_ENABLED")
	if err != nil {
		return nil, unsupported("%s does not work: %v", path, err)
	}
	var env goEnv
	if err := json.Unmarshal(out, &env); err != nil {
		return nil, unsupported("%s env -json: %v", path, err)
	}
	if env.GOVERSION != runtime.Version() {
		return nil, unsupported("this node's Go toolchain (%s) is %s, but the slave was built with %s, and plugins load only into a binary "+
			"built by the same release: put %s on the slave's PATH, or rebuild the slave with %s", path, env.GOVERSION, runtime.Version(),
			runtime.Version(), env.GOVERSION)
	}
	cc := strings.Fields(env.CC)
	if env.CGO_ENABLED != "1" || len(cc) == 0 {
		return nil, unsupported("cgo is off for %s on this node (CGO_ENABLED=%q), and plugins need it: install a C compiler (e.g. apt-get install gcc)",
			path, env.CGO_ENABLED)
	}
	if _, err := exec.LookPath(cc[0]); err != nil {
		return nil, unsupported("no C compiler on this node (%v), and Go plugins need cgo: install one (e.g. apt-get install gcc) "+
			"or set CC for the slave", err)
	}
	return tc, nil
}

// run runs a command in dir with the base environment plus env, and
// returns its stdout; a failure carries its stderr.
func (tc *toolchain) run(ctx context.Context, dir string, env []string, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(baseEnv(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	inGroup(cmd) // the go command's compilers and linkers die with it
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	tc.log.Debug("native build step", "cmd", filepath.Base(name)+" "+strings.Join(args, " "), "took", time.Since(start).Round(time.Millisecond))
	if err != nil {
		return nil, &cmdError{cmd: filepath.Base(name) + " " + strings.Join(args, " "), err: err, stderr: stderr.String()}
	}
	return stdout.Bytes(), nil
}

// baseEnv is the environment of every go command: the process's own,
// less what would make the go command build something else than asked
// (a workspace, a vendor directory, another toolchain, other flags).
func baseEnv() []string {
	drop := append(slices.Clone(envKeys), "GOFLAGS", "GOWORK", "GO111MODULE", "GOTOOLCHAIN")
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(drop, k) {
			env = append(env, kv)
		}
	}
	return append(env, "GOFLAGS=-buildvcs=false", "GOWORK=off", "GO111MODULE=on", "GOTOOLCHAIN=local")
}

// cmdError is a failed command with what it wrote to stderr.
type cmdError struct {
	cmd    string
	err    error
	stderr string
}

func (e *cmdError) Error() string {
	return fmt.Sprintf("%s: %v\n%s", e.cmd, e.err, strings.TrimSpace(e.stderr))
}

// goError is one of Go's positioned messages: "./fib.go:3:9: undefined: x".
var goError = regexp.MustCompile(`^(?:\./)?([^\s:]+\.go:\d+(?::\d+)?): (.*)$`)

// maxErrorLines bounds the go command's messages kept in an error.
const maxErrorLines = 20

// compileErrors turns a failed go command into an *eval.Error of kind
// compile: Go's messages, positioned at the first.
func compileErrors(err error) *eval.Error {
	var ce *cmdError
	if !errors.As(err, &ce) {
		return internal("%v", err)
	}
	if errors.Is(ce.err, context.DeadlineExceeded) || errors.Is(ce.err, context.Canceled) {
		return internal("%v", err) // Build reports the context instead
	}
	out := &eval.Error{Kind: eval.KindCompile}
	var msgs []string
	for _, line := range strings.Split(ce.stderr, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "# ") {
			continue // "# dpfw.native/…": the package being built
		}
		if m := goError.FindStringSubmatch(line); m != nil {
			if out.Pos == "" {
				out.Pos = m[1]
				line = m[2]
			} else {
				line = m[1] + ": " + m[2]
			}
		}
		if len(msgs) < maxErrorLines {
			msgs = append(msgs, line)
		}
	}
	if len(msgs) == 0 {
		msgs = append(msgs, ce.err.Error())
	}
	out.Msg = strings.Join(msgs, "\n")
	if strings.Contains(out.Msg, "no required module provides") || strings.Contains(out.Msg, "cannot find module") {
		out.Msg += "\n(a native package may import the standard library and the modules the slave was built with; `go version -m` on the slave binary lists them)"
	}
	return out
}

func internal(format string, args ...any) *eval.Error {
	return &eval.Error{Kind: eval.KindInternal, Msg: "native: " + fmt.Sprintf(format, args...)}
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}
