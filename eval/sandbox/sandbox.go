// Package sandbox confines what interpreted snippets can reach: it turns
// yaegi's standard library symbols into ones that see one directory as
// the whole file system and nothing beyond the process.
//
// A sandboxed snippet
//   - cannot import packages that reach outside the process or around
//     the confinement (Denied lists them with the reason);
//   - reaches files only inside the directory, through an os.Root: every
//     path, relative or absolute, is resolved inside it, and ".." or a
//     symbolic link that leads out is refused; the directory is also its
//     working directory and temporary directory;
//   - gets files as *os.File in name only: os.File is this package's File,
//     which has the methods of *os.File that act on the open file alone
//     (no Chdir, Fd or SyscallConn);
//   - walks, globs and parses (path/filepath, go/parser) inside the
//     directory too, and cannot stop, lock or profile the process
//     (runtime.Goexit, Breakpoint, GOMAXPROCS, LockOSThread, ...).
//
// It guards against mistakes and casual abuse. It is not a boundary
// against an exploit of the interpreter or of a native package the
// operator registered: see the README's threat model.
package sandbox

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
)

// Sandbox is one confining directory, open for the life of an engine.
// Its methods are safe for concurrent use.
type Sandbox struct {
	dir  string   // absolute, clean
	root *os.Root // dir, opened once: every file operation goes through it
}

// New opens dir, creating it (mode 0700) if needed.
func New(dir string) (*Sandbox, error) {
	abs, err := filepath.Abs(dir)
	if err == nil {
		err = os.MkdirAll(abs, 0o700)
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox directory: %w", err)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("sandbox directory: %w", err)
	}
	return &Sandbox{dir: abs, root: root}, nil
}

// Dir returns the directory, absolute.
func (s *Sandbox) Dir() string { return s.dir }

// Close releases the directory. Files opened through it stay usable.
func (s *Sandbox) Close() error { return s.root.Close() }

// ErrOutside is the error, wrapped in an *fs.PathError, for a path that
// leads outside the sandbox directory; it matches fs.ErrPermission.
var ErrOutside = fmt.Errorf("%w: outside the sandbox directory", fs.ErrPermission)

// ErrNotAllowed is the error for an operation the sandbox does not allow
// at all (os.Chdir, filepath.EvalSymlinks); it matches fs.ErrPermission.
var ErrNotAllowed = fmt.Errorf("%w: not allowed in the sandbox", fs.ErrPermission)

// rel turns a snippet's path into one relative to the directory. An
// absolute path must lie inside the directory; a relative one is taken
// inside it as it is (the Root refuses ".." and links that lead out).
func (s *Sandbox) rel(op, name string) (string, error) {
	if !filepath.IsAbs(name) {
		if name == "" {
			return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
		}
		return name, nil
	}
	r, err := filepath.Rel(s.dir, filepath.Clean(name))
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", &fs.PathError{Op: op, Path: name, Err: ErrOutside}
	}
	return r, nil
}

// Symbols returns std, yaegi's standard library symbols, confined to s:
// denied packages left out, the rest with the functions that reach the
// file system or the process replaced or removed. std is not modified.
func (s *Sandbox) Symbols(std map[string]map[string]reflect.Value) map[string]map[string]reflect.Value {
	out := make(map[string]map[string]reflect.Value, len(std))
	for key, syms := range std {
		if _, denied := Denied(key[:max(strings.LastIndexByte(key, '/'), 0)]); !denied {
			out[key] = syms
		}
	}
	for key, change := range map[string]func(map[string]reflect.Value){
		"os/os":                  s.osSymbols,
		"path/filepath/filepath": s.filepathSymbols,
		"go/parser/parser":       s.parserSymbols,
		"archive/zip/zip":        func(m map[string]reflect.Value) { delete(m, "OpenReader") },
		"runtime/runtime":        runtimeSymbols,
	} {
		syms, ok := out[key]
		if !ok {
			continue
		}
		m := make(map[string]reflect.Value, len(syms))
		for k, v := range syms {
			m[k] = v
		}
		change(m)
		out[key] = m
	}
	return out
}

// denied maps an import path, or a prefix ending in "/", to why a
// sandboxed snippet may not import it.
var denied = map[string]string{
	"net":            "it reaches the network",
	"net/":           "it reaches the network",
	"crypto/tls":     "it reaches the network",
	"log/syslog":     "it reaches the network",
	"expvar":         "it serves HTTP",
	"os/exec":        "it starts processes",
	"os/signal":      "it handles the process's signals",
	"os/user":        "it reads the host's accounts",
	"syscall":        "it makes system calls",
	"unsafe":         "it reaches memory unsafely",
	"reflect":        "it reaches memory unsafely (Value.UnsafePointer, NewAt)",
	"plugin":         "it loads native code",
	"runtime/debug":  "it changes process-wide settings and dumps the heap",
	"runtime/pprof":  "it profiles the whole process",
	"runtime/trace":  "it traces the whole process",
	"debug/":         "it opens files by path",
	"io/ioutil":      "it is deprecated; os and io do the same, confined",
	"go/build":       "it reads the file system and runs the go command",
	"go/importer":    "it reads the file system and runs the go command",
	"text/template":  "Template.ParseFiles and ParseGlob read any file",
	"html/template":  "Template.ParseFiles and ParseGlob read any file",
	"mime/multipart": "Reader.ReadForm writes files outside the sandbox",
	"testing":        "testing.Main exits the process",
}

// allowed are paths under a denied prefix that are pure computation.
var allowed = map[string]bool{"net/url": true, "net/netip": true, "net/mail": true}

// Denied reports whether a sandboxed snippet may not import the package
// at path, and why.
func Denied(path string) (reason string, ok bool) {
	if allowed[path] {
		return "", false
	}
	if r, found := denied[path]; found {
		return r, true
	}
	for p, r := range denied {
		if strings.HasSuffix(p, "/") && strings.HasPrefix(path, p) {
			return r, true
		}
	}
	return "", false
}

// runtimeSymbols removes what stops, locks, slows or profiles the whole
// process, or shows other goroutines' stacks.
func runtimeSymbols(m map[string]reflect.Value) {
	for _, k := range []string{
		"Breakpoint", "Goexit", "GOMAXPROCS", "LockOSThread", "UnlockOSThread", "Stack",
		"SetCPUProfileRate", "SetBlockProfileRate", "SetMutexProfileFraction", "SetFinalizer",
		"GOROOT", "BlockProfile", "CPUProfile", "GoroutineProfile", "MemProfile", "MutexProfile",
		"ThreadCreateProfile", "AddCleanup",
	} {
		delete(m, k)
	}
}
