package eval

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// Sandboxed snippets get the standard library minus what reaches outside
// the process (network, processes, system calls, unsafe memory) and an
// os package whose writes are confined to one scratch directory. It
// guards against mistakes and casual abuse, not against a determined
// attacker with a yaegi exploit: see the README's threat model.

// deniedPrefixes are import paths a sandboxed snippet cannot import.
var deniedPrefixes = []string{
	"net", "os/signal", "os/user", "syscall", "unsafe", "plugin", "runtime/debug",
	"crypto/tls", "log/syslog", "io/ioutil", "debug/", "expvar",
}

// deniedOS are os symbols a sandboxed snippet cannot use at all.
var deniedOS = []string{
	"StartProcess", "FindProcess", "Exit", "Chdir", "Chmod", "Chown", "Lchown", "Chtimes",
	"Link", "Symlink", "Truncate", "Setenv", "Unsetenv", "Clearenv", "Pipe", "NewFile",
	"Executable", "Getwd", "TempDir", "UserCacheDir", "UserConfigDir", "UserHomeDir", "ProcAttr", "Process", "Signal",
}

// sandboxSymbols returns the standard library symbols for snippets
// confined to dir.
func sandboxSymbols(dir string) interp.Exports {
	out := interp.Exports{}
	for key, syms := range stdlib.Symbols {
		if !denied(key) {
			out[key] = syms
		}
	}
	out["os/os"] = sandboxOS(dir, stdlib.Symbols["os/os"])
	return out
}

func denied(key string) bool {
	path := key[:max(strings.LastIndexByte(key, '/'), 0)]
	for _, p := range deniedPrefixes {
		if path == p || strings.HasPrefix(path, strings.TrimSuffix(p, "/")+"/") {
			return true
		}
	}
	return false
}

// sandboxOS is package os with the dangerous functions removed and the
// writing ones confined to dir; relative paths are taken inside dir.
func sandboxOS(dir string, orig map[string]reflect.Value) map[string]reflect.Value {
	m := make(map[string]reflect.Value, len(orig))
	for k, v := range orig {
		m[k] = v
	}
	for _, k := range deniedOS {
		delete(m, k)
	}
	j := jail{dir: dir}
	m["Create"] = reflect.ValueOf(func(name string) (*os.File, error) {
		return j.openFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
	})
	m["OpenFile"] = reflect.ValueOf(j.openFile)
	m["Open"] = reflect.ValueOf(func(name string) (*os.File, error) { return os.Open(j.read(name)) })
	m["ReadFile"] = reflect.ValueOf(func(name string) ([]byte, error) { return os.ReadFile(j.read(name)) })
	m["WriteFile"] = reflect.ValueOf(func(name string, data []byte, perm fs.FileMode) error {
		p, err := j.write(name)
		if err != nil {
			return err
		}
		return os.WriteFile(p, data, perm)
	})
	m["Mkdir"] = reflect.ValueOf(j.wrap1(os.Mkdir))
	m["MkdirAll"] = reflect.ValueOf(j.wrap1(os.MkdirAll))
	m["Remove"] = reflect.ValueOf(j.wrap0(os.Remove))
	m["RemoveAll"] = reflect.ValueOf(j.wrap0(os.RemoveAll))
	m["Rename"] = reflect.ValueOf(j.rename)
	m["MkdirTemp"] = reflect.ValueOf(func(d, pattern string) (string, error) { return j.temp(d, pattern, os.MkdirTemp) })
	m["CreateTemp"] = reflect.ValueOf(func(d, pattern string) (*os.File, error) {
		p, err := j.write(d)
		if err != nil {
			return nil, err
		}
		return os.CreateTemp(p, pattern)
	})
	return m
}

// jail resolves paths for the sandboxed os package.
type jail struct{ dir string }

func (j jail) abs(name string) string {
	if !filepath.IsAbs(name) {
		name = filepath.Join(j.dir, name)
	}
	return filepath.Clean(name)
}

// read resolves a path to read: relative ones are inside the scratch
// directory, absolute ones are left alone (reading is allowed).
func (j jail) read(name string) string { return j.abs(name) }

// write resolves a path to write, refusing any outside the scratch
// directory.
func (j jail) write(name string) (string, error) {
	p := j.abs(name)
	if p != j.dir && !strings.HasPrefix(p, j.dir+string(filepath.Separator)) {
		return "", &fs.PathError{Op: "write", Path: name, Err: fmt.Errorf("sandbox: writes are confined to %s", j.dir)}
	}
	return p, nil
}

func (j jail) openFile(name string, flag int, perm fs.FileMode) (*os.File, error) {
	if flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_APPEND|os.O_TRUNC) == 0 {
		return os.OpenFile(j.read(name), flag, perm)
	}
	p, err := j.write(name)
	if err != nil {
		return nil, err
	}
	return os.OpenFile(p, flag, perm)
}

func (j jail) rename(from, to string) error {
	f, err := j.write(from)
	if err != nil {
		return err
	}
	t, err := j.write(to)
	if err != nil {
		return err
	}
	return os.Rename(f, t)
}

func (j jail) temp(d, pattern string, f func(string, string) (string, error)) (string, error) {
	p, err := j.write(d)
	if err != nil {
		return "", err
	}
	return f(p, pattern)
}

func (j jail) wrap0(f func(string) error) func(string) error {
	return func(name string) error {
		p, err := j.write(name)
		if err != nil {
			return err
		}
		return f(p)
	}
}

func (j jail) wrap1(f func(string, fs.FileMode) error) func(string, fs.FileMode) error {
	return func(name string, perm fs.FileMode) error {
		p, err := j.write(name)
		if err != nil {
			return err
		}
		return f(p, perm)
	}
}
