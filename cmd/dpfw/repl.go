package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"go/scanner"
	"go/token"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/dpfw/dpfw/master"
	"github.com/peterh/liner"
)

const (
	prompt     = "dpfw> "
	contPrompt = "  ... "
	// histNewline stands for a newline inside a history entry: liner's
	// history file is one entry per line.
	histNewline = "\u2424"
)

// repl reads entries from the terminal until Ctrl-D or :quit.
func (c *cli) repl(ctx context.Context) {
	line := liner.NewLiner()
	defer line.Close()
	line.SetCtrlCAborts(true)
	line.SetCompleter(c.complete)
	hist := historyPath()
	if f, err := os.Open(hist); err == nil {
		line.ReadHistory(f)
		f.Close()
	}
	defer saveHistory(line, hist)
	if c.opts.local > 0 {
		wctx, stop := withInterrupt(ctx)
		c.waitSlaves(wctx) // the banner should count the local slaves
		stop()
	}
	fmt.Fprintf(c.out, "dpfw %s: %d slave(s); :help for commands, Ctrl-D to quit\n", master.Version, len(c.m.Slaves()))
	for {
		entry, err := readEntry(func(p string) (string, error) {
			c.logw.Hold()
			defer c.logw.Release()
			return line.Prompt(p)
		})
		if errors.Is(err, liner.ErrPromptAborted) {
			continue
		}
		if err != nil {
			fmt.Fprintln(c.out)
			return
		}
		if strings.TrimSpace(entry) == "" {
			continue
		}
		line.AppendHistory(strings.ReplaceAll(entry, "\n", histNewline))
		if c.handle(ctx, entry) {
			return
		}
	}
}

// batch runs the entries read from a pipe or file, without prompts.
func (c *cli) batch(ctx context.Context, r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	next := func(string) (string, error) {
		if sc.Scan() {
			return sc.Text(), nil
		}
		if err := sc.Err(); err != nil {
			return "", err
		}
		return "", io.EOF
	}
	for {
		entry, err := readEntry(next)
		if strings.TrimSpace(entry) != "" && c.handle(ctx, entry) {
			return
		}
		if err != nil {
			return
		}
	}
}

// readEntry reads one complete entry: lines are joined while brackets
// are open, so a func or a composite literal can span lines.
func readEntry(read func(prompt string) (string, error)) (string, error) {
	var lines []string
	p := prompt
	for {
		l, err := read(p)
		if err != nil {
			return strings.Join(lines, "\n"), err
		}
		lines = append(lines, strings.ReplaceAll(l, histNewline, "\n"))
		entry := strings.Join(lines, "\n")
		if strings.HasPrefix(strings.TrimSpace(entry), ":") || balanced(entry) {
			return entry, nil
		}
		p = contPrompt
	}
}

// balanced reports whether src is complete: every bracket it opens is
// closed, and it does not end in a binary operator, a comma or a dot. It
// uses the Go scanner so that brackets in strings and comments do not
// count; an unterminated raw string also keeps the entry open.
func balanced(src string) bool {
	var s scanner.Scanner
	fset := token.NewFileSet()
	open := false
	s.Init(fset.AddFile("", -1, len(src)), []byte(src), func(_ token.Position, msg string) {
		open = open || strings.Contains(msg, "not terminated")
	}, 0)
	depth, last := 0, token.ILLEGAL
	for {
		_, tok, lit := s.Scan()
		switch tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		case token.EOF:
			return depth <= 0 && !open && !continues(last)
		}
		if tok != token.SEMICOLON || lit != "\n" {
			last = tok
		}
	}
}

// continues reports whether a line ending in t goes on to the next one.
func continues(t token.Token) bool {
	return t == token.COMMA || t == token.PERIOD || (t.IsOperator() && t.Precedence() > 0) ||
		t == token.ASSIGN || t == token.DEFINE || t == token.ARROW
}

// withInterrupt returns a context that Ctrl-C cancels, so that Ctrl-C
// stops the running task and not the REPL.
func withInterrupt(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	stopped := make(chan struct{})
	go func() { // exits on Ctrl-C or when the task is over
		select {
		case <-sig:
			cancel()
		case <-stopped:
		}
	}()
	return ctx, func() {
		signal.Stop(sig)
		close(stopped)
		cancel()
	}
}

func historyPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "dpfw", "history")
}

func saveHistory(line *liner.State, path string) {
	if path == "" {
		return
	}
	os.MkdirAll(filepath.Dir(path), 0o700)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	line.WriteHistory(f)
}

// complete offers command names, and slave ids after commands that take
// one.
func (c *cli) complete(line string) []string {
	var out []string
	if !strings.HasPrefix(line, ":") {
		return nil
	}
	cmd, rest, hasArg := strings.Cut(line, " ")
	if !hasArg {
		for _, k := range commandNames() {
			if strings.HasPrefix(k, cmd) {
				out = append(out, k+" ")
			}
		}
		return out
	}
	if cmd == ":on" || cmd == ":table" || cmd == ":reset" {
		for _, s := range c.m.Slaves() {
			if strings.HasPrefix(s.ID(), rest) && !strings.Contains(rest, " ") {
				out = append(out, cmd+" "+s.ID()+" ")
			}
		}
	}
	return out
}
