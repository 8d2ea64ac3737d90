package sandbox

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
)

// filepathSymbols confines the parts of path/filepath that read the file
// system (they would otherwise call the real os package): Walk, WalkDir
// and Glob see the directory only, Abs takes the directory as the working
// directory, EvalSymlinks is not there.
func (s *Sandbox) filepathSymbols(m map[string]reflect.Value) {
	delete(m, "EvalSymlinks")
	m["WalkDir"] = reflect.ValueOf(s.walkDir)
	m["Walk"] = reflect.ValueOf(s.walk)
	m["Glob"] = reflect.ValueOf(s.glob)
	m["Abs"] = reflect.ValueOf(func(path string) (string, error) {
		if filepath.IsAbs(path) {
			return filepath.Clean(path), nil
		}
		return filepath.Join(s.dir, path), nil
	})
}

// walkDir is filepath.WalkDir over the directory's file system; fn sees
// paths that start with root, as with filepath.WalkDir.
func (s *Sandbox) walkDir(root string, fn fs.WalkDirFunc) error {
	r, err := s.rel("lstat", root)
	if err != nil {
		if err := fn(root, nil, err); err != filepath.SkipDir && err != filepath.SkipAll {
			return err
		}
		return nil
	}
	r = filepath.ToSlash(filepath.Clean(r))
	return fs.WalkDir(s.root.FS(), r, func(p string, d fs.DirEntry, err error) error {
		if p == r {
			return fn(root, d, err)
		}
		return fn(filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(p, r+"/"))), d, err)
	})
}

// walk is filepath.Walk in terms of walkDir.
func (s *Sandbox) walk(root string, fn filepath.WalkFunc) error {
	return s.walkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fn(p, nil, err)
		}
		info, err := d.Info()
		return fn(p, info, err)
	})
}

// glob is filepath.Glob inside the directory.
func (s *Sandbox) glob(pattern string) ([]string, error) {
	if _, err := filepath.Match(pattern, ""); err != nil {
		return nil, err
	}
	r, err := s.rel("glob", pattern)
	if err != nil {
		return nil, nil // like a pattern that matches nothing
	}
	matches, err := fs.Glob(s.root.FS(), filepath.ToSlash(filepath.Clean(r)))
	for i, m := range matches {
		if filepath.IsAbs(pattern) {
			matches[i] = filepath.Join(s.dir, filepath.FromSlash(m))
		} else {
			matches[i] = filepath.FromSlash(m)
		}
	}
	return matches, err
}

// parserSymbols makes go/parser read files from the directory: ParseFile
// with no source reads filename there; ParseDir is not there.
func (s *Sandbox) parserSymbols(m map[string]reflect.Value) {
	delete(m, "ParseDir")
	m["ParseFile"] = reflect.ValueOf(func(fset *token.FileSet, filename string, src any, mode parser.Mode) (*ast.File, error) {
		if src == nil {
			r, err := s.rel("open", filename)
			if err != nil {
				return nil, err
			}
			b, err := s.root.ReadFile(r)
			if err != nil {
				return nil, err
			}
			src = b
		}
		return parser.ParseFile(fset, filename, src, mode)
	})
}
