//go:build ignore

// gen_stdtypes writes stdtypes.zip: the go/types export data of every
// public standard-library package of the Go toolchain that runs it, one
// zip entry per import path. The front end type-checks snippets against
// it, so a slave needs no Go toolchain. Run it (go generate) whenever the
// Go version changes; TestStdTypesVersion says when.
package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"go/importer"
	"go/token"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"golang.org/x/tools/go/gcexportdata"
)

func main() {
	out, err := exec.Command("go", "list", "std").Output()
	if err != nil {
		fail(err)
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", nil)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	if err := zw.SetComment(runtime.Version()); err != nil {
		fail(err)
	}
	n := 0
	for _, path := range strings.Fields(string(out)) {
		if strings.Contains(path, "internal") || strings.HasPrefix(path, "vendor/") || path == "unsafe" {
			continue
		}
		pkg, err := imp.Import(path)
		if err != nil {
			fail(fmt.Errorf("%s: %w", path, err))
		}
		w, err := zw.Create(path)
		if err != nil {
			fail(err)
		}
		if err := gcexportdata.Write(w, fset, pkg); err != nil {
			fail(fmt.Errorf("%s: %w", path, err))
		}
		n++
	}
	if err := zw.Close(); err != nil {
		fail(err)
	}
	if err := os.WriteFile("stdtypes.zip", buf.Bytes(), 0o644); err != nil {
		fail(err)
	}
	fmt.Printf("stdtypes.zip: %d packages, %d bytes, %s\n", n, buf.Len(), runtime.Version())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen_stdtypes:", err)
	os.Exit(1)
}
