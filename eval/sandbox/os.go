package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"
)

// osSymbols confines package os: every function that takes a path
// resolves it inside the directory through the Root, files are *File,
// and what reaches other processes or the process's own state is gone.
func (s *Sandbox) osSymbols(m map[string]reflect.Value) {
	for _, k := range []string{
		"StartProcess", "FindProcess", "Process", "ProcAttr", "ProcessState", "Signal",
		"Pipe", "NewFile", "Executable", "UserCacheDir", "UserConfigDir", "UserHomeDir",
	} {
		delete(m, k)
	}
	set := func(name string, f any) { m[name] = reflect.ValueOf(f) }
	m["File"] = reflect.ValueOf((*File)(nil))
	set("Open", func(name string) (*File, error) { return s.openFile("open", name, os.O_RDONLY, 0) })
	set("Create", func(name string) (*File, error) {
		return s.openFile("open", name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
	})
	set("OpenFile", func(name string, flag int, perm fs.FileMode) (*File, error) {
		return s.openFile("open", name, flag, perm)
	})
	set("ReadFile", func(name string) ([]byte, error) {
		r, err := s.rel("open", name)
		if err != nil {
			return nil, err
		}
		return s.root.ReadFile(r)
	})
	set("WriteFile", func(name string, data []byte, perm fs.FileMode) error {
		r, err := s.rel("open", name)
		if err != nil {
			return err
		}
		return s.root.WriteFile(r, data, perm)
	})
	set("ReadDir", s.readDir)
	set("DirFS", s.dirFS)
	set("Stat", pathResult("stat", s, s.root.Stat))
	set("Lstat", pathResult("lstat", s, s.root.Lstat))
	set("Readlink", pathResult("readlink", s, s.root.Readlink))
	set("Mkdir", pathPerm("mkdir", s, s.root.Mkdir))
	set("MkdirAll", pathPerm("mkdir", s, s.root.MkdirAll))
	set("Chmod", pathPerm("chmod", s, s.root.Chmod))
	set("Remove", pathOnly("remove", s, s.root.Remove))
	set("RemoveAll", pathOnly("unlinkat", s, s.root.RemoveAll))
	set("Chown", func(name string, uid, gid int) error {
		return s.onPath("chown", name, func(r string) error { return s.root.Chown(r, uid, gid) })
	})
	set("Lchown", func(name string, uid, gid int) error {
		return s.onPath("lchown", name, func(r string) error { return s.root.Lchown(r, uid, gid) })
	})
	set("Chtimes", func(name string, atime, mtime time.Time) error {
		return s.onPath("chtimes", name, func(r string) error { return s.root.Chtimes(r, atime, mtime) })
	})
	set("Truncate", func(name string, size int64) error {
		f, err := s.openFile("truncate", name, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Truncate(size)
	})
	set("Rename", func(from, to string) error { return s.twoPaths("rename", from, to, s.root.Rename) })
	set("Link", func(from, to string) error { return s.twoPaths("link", from, to, s.root.Link) })
	set("Symlink", s.symlink)
	set("Chdir", func(dir string) error { return &fs.PathError{Op: "chdir", Path: dir, Err: ErrNotAllowed} })
	set("Getwd", func() (string, error) { return s.dir, nil })
	set("TempDir", func() string { return s.dir })
	set("CreateTemp", s.createTemp)
	set("MkdirTemp", s.mkdirTemp)
}

func (s *Sandbox) openFile(op, name string, flag int, perm fs.FileMode) (*File, error) {
	r, err := s.rel(op, name)
	if err != nil {
		return nil, err
	}
	f, err := s.root.OpenFile(r, flag, perm)
	return wrap(f, name, err)
}

// onPath runs f on name made relative, or fails as op.
func (s *Sandbox) onPath(op, name string, f func(string) error) error {
	r, err := s.rel(op, name)
	if err != nil {
		return err
	}
	return f(r)
}

func pathOnly(op string, s *Sandbox, f func(string) error) func(string) error {
	return func(name string) error { return s.onPath(op, name, f) }
}

func pathPerm(op string, s *Sandbox, f func(string, fs.FileMode) error) func(string, fs.FileMode) error {
	return func(name string, perm fs.FileMode) error {
		return s.onPath(op, name, func(r string) error { return f(r, perm) })
	}
}

func pathResult[T any](op string, s *Sandbox, f func(string) (T, error)) func(string) (T, error) {
	return func(name string) (T, error) {
		r, err := s.rel(op, name)
		if err != nil {
			var zero T
			return zero, err
		}
		return f(r)
	}
}

func (s *Sandbox) twoPaths(op, from, to string, f func(string, string) error) error {
	rf, err := s.rel(op, from)
	if err != nil {
		return err
	}
	rt, err := s.rel(op, to)
	if err != nil {
		return err
	}
	return f(rf, rt)
}

// readDir lists a directory, sorted by name as os.ReadDir does.
func (s *Sandbox) readDir(name string) ([]fs.DirEntry, error) {
	r, err := s.rel("open", name)
	if err != nil {
		return nil, err
	}
	return fs.ReadDir(s.root.FS(), filepath.ToSlash(r))
}

// dirFS is os.DirFS inside the directory.
func (s *Sandbox) dirFS(dir string) fs.FS {
	r, err := s.rel("open", dir)
	if err != nil {
		return errFS{err}
	}
	sub, err := fs.Sub(s.root.FS(), filepath.ToSlash(filepath.Clean(r)))
	if err != nil {
		return errFS{err}
	}
	return sub
}

// errFS is a file system every Open of which fails, as os.DirFS of a
// bad directory does.
type errFS struct{ err error }

func (e errFS) Open(string) (fs.File, error) { return nil, e.err }

// symlink creates a link inside the directory whose target stays inside
// it too: the Root would refuse to follow any other, and a link that
// points out would mislead whoever reads the directory later.
func (s *Sandbox) symlink(target, name string) error {
	r, err := s.rel("symlink", name)
	if err != nil {
		return err
	}
	dest := target
	if !filepath.IsAbs(dest) {
		dest = filepath.Join(s.dir, filepath.Dir(r), target)
	}
	if _, err := s.rel("symlink", dest); err != nil {
		return &os.LinkError{Op: "symlink", Old: target, New: name, Err: ErrOutside}
	}
	if filepath.IsAbs(target) { // the Root follows relative links only
		if target, err = filepath.Rel(filepath.Join(s.dir, filepath.Dir(r)), target); err != nil {
			return &os.LinkError{Op: "symlink", Old: target, New: name, Err: err}
		}
	}
	return s.root.Symlink(target, r)
}

// createTemp is os.CreateTemp in the directory (dir "" is the sandbox's
// temporary directory, which is the directory itself).
func (s *Sandbox) createTemp(dir, pattern string) (*File, error) {
	for range 100 {
		name, err := s.tempName("createtemp", dir, pattern)
		if err != nil {
			return nil, err
		}
		f, err := s.openFile("open", name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, &fs.PathError{Op: "createtemp", Path: dir + string(filepath.Separator) + pattern, Err: fs.ErrExist}
}

// mkdirTemp is os.MkdirTemp in the directory.
func (s *Sandbox) mkdirTemp(dir, pattern string) (string, error) {
	for range 100 {
		name, err := s.tempName("mkdirtemp", dir, pattern)
		if err != nil {
			return "", err
		}
		err = s.onPath("mkdirtemp", name, func(r string) error { return s.root.Mkdir(r, 0o700) })
		if !errors.Is(err, fs.ErrExist) {
			return name, err
		}
	}
	return "", &fs.PathError{Op: "mkdirtemp", Path: dir + string(filepath.Separator) + pattern, Err: fs.ErrExist}
}

// tempName is os.CreateTemp's naming: pattern's last "*" (or its end)
// replaced by a random string, in dir ("" meaning the directory).
func (s *Sandbox) tempName(op, dir, pattern string) (string, error) {
	if strings.ContainsRune(pattern, filepath.Separator) {
		return "", &fs.PathError{Op: op, Path: pattern, Err: errors.New("pattern contains path separator")}
	}
	var b [6]byte
	rand.Read(b[:])
	prefix, suffix := pattern, ""
	if i := strings.LastIndexByte(pattern, '*'); i >= 0 {
		prefix, suffix = pattern[:i], pattern[i+1:]
	}
	if dir == "" {
		dir = s.dir
	}
	return filepath.Join(dir, prefix+hex.EncodeToString(b[:])+suffix), nil
}
