package front

import (
	"archive/zip"
	"bytes"
	_ "embed"
	"fmt"
	"go/token"
	"go/types"
	"io"
	"sync"

	"golang.org/x/tools/go/gcexportdata"
)

//go:generate go run gen_stdtypes.go

// stdtypesZip holds the export data of the standard library (see
// gen_stdtypes.go), one entry per import path.
//
//go:embed stdtypes.zip
var stdtypesZip []byte

// std is the process-wide view of the standard library's types. Packages
// are decoded on first import and shared by every engine: go/types
// objects of imported packages are safe for concurrent readers.
var std = struct {
	mu      sync.Mutex // protects the fields below
	zip     *zip.Reader
	entries map[string]*zip.File
	pkgs    map[string]*types.Package // what gcexportdata has decoded, by path (dependencies too)
	done    map[string]bool           // paths whose own entry was read
	fset    *token.FileSet
}{pkgs: map[string]*types.Package{}, done: map[string]bool{}, fset: token.NewFileSet()}

// stdVersion is the Go version the embedded export data was made with.
func stdVersion() string {
	std.mu.Lock()
	defer std.mu.Unlock()
	if err := openStd(); err != nil {
		return ""
	}
	return std.zip.Comment
}

func openStd() error {
	if std.zip != nil {
		return nil
	}
	zr, err := zip.NewReader(bytes.NewReader(stdtypesZip), int64(len(stdtypesZip)))
	if err != nil {
		return fmt.Errorf("front: embedded standard library types: %w", err)
	}
	std.zip, std.entries = zr, map[string]*zip.File{}
	for _, f := range zr.File {
		std.entries[f.Name] = f
	}
	return nil
}

// isStd reports whether path is a standard-library package we have types for.
func isStd(path string) bool {
	std.mu.Lock()
	defer std.mu.Unlock()
	if openStd() != nil {
		return false
	}
	_, ok := std.entries[path]
	return ok
}

// importStd returns the types of the standard package path.
func importStd(path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	std.mu.Lock()
	defer std.mu.Unlock()
	if err := openStd(); err != nil {
		return nil, err
	}
	if std.done[path] {
		return std.pkgs[path], nil
	}
	f, ok := std.entries[path]
	if !ok {
		return nil, fmt.Errorf("package %s is not in the standard library", path)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	pkg, err := gcexportdata.Read(bytes.NewReader(data), std.fset, std.pkgs, path)
	if err != nil {
		return nil, fmt.Errorf("front: types of %s: %w", path, err)
	}
	std.done[path] = true
	return pkg, nil
}
