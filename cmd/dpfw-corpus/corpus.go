package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// program is one corpus entry and what the Go toolchain made of it.
type program struct {
	name string // file name without .go
	path string // NAME.go
	// stdout is what the program printed under the Go toolchain.
	stdout string
	// exit and panicLine are its exit status and the first line it wrote
	// to stderr, for a program meant to fail (NAME.exit); 0 and "" else.
	exit      int
	panicLine string
}

// category is the name's prefix: classic, generics, lang, std, conc,
// defect or fail.
func (p program) category() string {
	c, _, _ := strings.Cut(p.name, "_")
	return c
}

func (p program) stdoutPath() string { return strings.TrimSuffix(p.path, ".go") + ".stdout" }
func (p program) exitPath() string   { return strings.TrimSuffix(p.path, ".go") + ".exit" }

// load lists the programs of dir whose names match filter, with their
// expected outputs when withExpected is set (a missing one is an error:
// run -expect).
func load(dir string, filter *regexp.Regexp, withExpected bool) ([]program, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var progs []program
	for _, f := range files {
		p := program{name: strings.TrimSuffix(filepath.Base(f), ".go"), path: f}
		if !filter.MatchString(p.name) {
			continue
		}
		if withExpected {
			if err := p.readExpected(); err != nil {
				return nil, err
			}
		}
		progs = append(progs, p)
	}
	if len(progs) == 0 {
		return nil, fmt.Errorf("no programs in %s match %q", dir, filter)
	}
	return progs, nil
}

func (p *program) readExpected() error {
	out, err := os.ReadFile(p.stdoutPath())
	if err != nil {
		return fmt.Errorf("%s: no expected output (run make corpus-expect): %w", p.name, err)
	}
	p.stdout = string(out)
	ex, err := os.ReadFile(p.exitPath())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	p.exit, p.panicLine, err = parseExit(string(ex))
	if err != nil {
		return fmt.Errorf("%s: %w", p.exitPath(), err)
	}
	return nil
}

// parseExit reads a NAME.exit file: "exit N" then, optionally, the first
// stderr line.
func parseExit(s string) (int, string, error) {
	first, rest, _ := strings.Cut(s, "\n")
	n, err := strconv.Atoi(strings.TrimPrefix(first, "exit "))
	if !strings.HasPrefix(first, "exit ") || err != nil || n == 0 {
		return 0, "", fmt.Errorf("first line %q: want \"exit N\" with N > 0", first)
	}
	line, _, _ := strings.Cut(rest, "\n")
	return n, line, nil
}

func formatExit(code int, stderr string) string {
	line, _, _ := strings.Cut(stderr, "\n")
	return fmt.Sprintf("exit %d\n%s\n", code, line)
}
