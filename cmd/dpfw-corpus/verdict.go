package main

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// status is a program's verdict.
type status string

const (
	pass  status = "PASS"
	wrong status = "WRONG"
	fail  status = "ERROR"
	crash status = "CRASH"
)

// outcome is what one dpfw run produced.
type outcome struct {
	stdout, stderr string
	exit           int  // dpfw's exit status (-1: it could not be started)
	killed         bool // the runner killed it: hung past its timeout
	took           time.Duration
}

// result is a program's verdict with its evidence.
type result struct {
	prog   program
	status status
	kind   string // for ERROR: dpfw's error kind (compile, unsupported, ...)
	detail string // one line: the first difference, the error, the crash
	out    outcome
}

// rank orders verdicts from worst to best for the ratchet: a wrong
// answer is worse than a crash, which is worse than a refusal, and a
// refusal that names an unsupported construct is the best failure.
func (r result) rank() int { return rankOf(r.status, r.kind) }

func rankOf(s status, kind string) int {
	switch {
	case s == pass:
		return 4
	case s == fail && kind == "unsupported":
		return 3
	case s == fail:
		return 2
	case s == crash:
		return 1
	}
	return 0
}

// label is the verdict as the table and the baseline write it.
func (r result) label() string {
	if r.status == fail {
		return string(fail) + " " + r.kind
	}
	return string(r.status)
}

// errorRE matches the line dpfw prints for a failed task:
// "error: KIND error on SLAVE at POS: MSG".
var errorRE = regexp.MustCompile(`(?m)^error: (\S+) error(?: on \S+)?(?: at (\S+))?: (.*)$`)

// judge turns a dpfw run of p into a verdict.
func judge(p program, o outcome) result {
	r := result{prog: p, out: o}
	m := errorRE.FindStringSubmatch(o.stderr)
	switch {
	case o.killed:
		return r.with(crash, "", "hung: killed after %s", o.took.Round(time.Second))
	case o.exit != 0 && o.exit != 1 && (m == nil || m[1] != "exit"):
		return r.with(crash, "", "dpfw exited %d: %s", o.exit, firstLine(o.stderr))
	case o.exit == 1 && m == nil:
		return r.with(crash, "", "dpfw failed: %s", firstLine(o.stderr))
	case m != nil && (m[1] == "lost" || m[1] == "timeout" || m[1] == "canceled"):
		return r.with(crash, "", "%s: %s", m[1], m[3])
	}
	if p.exit != 0 {
		return judgeFailing(r, m)
	}
	if o.exit == 0 {
		if o.stdout == p.stdout {
			return r.with(pass, "", "")
		}
		return r.with(wrong, "", "%s", firstDiff(p.stdout, o.stdout))
	}
	kind, msg := m[1], errMessage(m)
	if kind == "exit" {
		return r.with(wrong, "", "go run exits 0; dpfw reports %s (status %d)", msg, o.exit)
	}
	if !strings.HasPrefix(p.stdout, o.stdout) {
		return r.with(wrong, "", "%s (then %s error: %s)", firstDiff(p.stdout, o.stdout), kind, msg)
	}
	return r.with(fail, kind, "%s", msg)
}

// judgeFailing judges a program that go run ends with a non-zero exit:
// it passes when dpfw prints the same output and then reports either a
// panic with the same message (a runtime error's wording may differ) or,
// for os.Exit and log.Fatal, "exit status N" and exits N itself.
func judgeFailing(r result, m []string) result {
	p, o := r.prog, r.out
	if o.exit == 0 {
		return r.with(wrong, "", "go run exits %d (%s); dpfw succeeded", p.exit, p.panicLine)
	}
	kind, msg := m[1], errMessage(m)
	switch {
	case o.stdout != p.stdout && !strings.HasPrefix(p.stdout, o.stdout):
		return r.with(wrong, "", "%s (then %s error: %s)", firstDiff(p.stdout, o.stdout), kind, msg)
	case kind == "exit":
		return judgeExit(r, msg)
	case kind != "panic":
		return r.with(fail, kind, "%s", msg)
	case o.stdout != p.stdout:
		return r.with(wrong, "", "%s (then the panic)", firstDiff(p.stdout, o.stdout))
	}
	want, isPanic := strings.CutPrefix(p.panicLine, "panic: ")
	if !isPanic {
		return r.with(wrong, "", "go run exits %d without a panic; dpfw reports panic: %s", p.exit, msg)
	}
	if !strings.HasPrefix(want, "runtime error:") && !strings.Contains(msg, want) {
		return r.with(wrong, "", "panic message: want %q, got %q", want, msg)
	}
	return r.with(pass, "", "")
}

// judgeExit judges a program that dpfw reports as exited: it must have
// printed what go run prints, and dpfw must exit with the program's
// status, as the compiled program does.
func judgeExit(r result, msg string) result {
	p, o := r.prog, r.out
	want := fmt.Sprintf("exit status %d", p.exit)
	switch {
	case strings.HasPrefix(p.panicLine, "panic: "):
		return r.with(wrong, "", "go run panics (%s); dpfw reports %s", p.panicLine, msg)
	case o.stdout != p.stdout:
		return r.with(wrong, "", "%s (then %s)", firstDiff(p.stdout, o.stdout), msg)
	case msg != want || o.exit != p.exit:
		return r.with(wrong, "", "want %s; dpfw reports %s and exits %d", want, msg, o.exit)
	}
	return r.with(pass, "", "")
}

func (r result) with(s status, kind, format string, args ...any) result {
	r.status, r.kind = s, kind
	r.detail = fmt.Sprintf(format, args...)
	return r
}

// errMessage is the error's position and message.
func errMessage(m []string) string {
	if m[2] != "" {
		return m[2] + ": " + m[3]
	}
	return m[3]
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

// firstDiff describes the first line where got differs from want.
func firstDiff(want, got string) string {
	w, g := strings.SplitAfter(want, "\n"), strings.SplitAfter(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			from := commonPrefix(wl, gl)
			return fmt.Sprintf("line %d: want %s, got %s", i+1, clip(wl, from), clip(gl, from))
		}
	}
	return "outputs differ"
}

// commonPrefix is the length in runes of the longest common prefix of a
// and b.
func commonPrefix(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	n := 0
	for n < len(ra) && n < len(rb) && ra[n] == rb[n] {
		n++
	}
	return n
}

// clip quotes a line, shortened to about 50 runes around rune from (where
// it differs from the other line) to keep the table readable.
func clip(s string, from int) string {
	if s == "" {
		return "nothing"
	}
	r := []rune(s)
	start := max(0, from-20)
	end := min(len(r), start+50)
	out := string(r[start:end])
	q := fmt.Sprintf("%q", out)
	if start > 0 {
		q = "..." + q
	}
	if end < len(r) {
		q += "..."
	}
	return q
}
