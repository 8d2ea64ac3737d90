package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const corpusDir = "../../eval/testdata/gocorpus"

// TestCorpus is the ratchet that make test runs: every program of the
// corpus through real dpfw and slave processes (built without -race, for
// speed), judged against its go run output and held to the recorded
// baseline (see report.go, check).
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole corpus through real processes")
	}
	progs, err := load(corpusDir, regexp.MustCompile(""), true)
	if err != nil {
		t.Fatal(err)
	}
	base, err := readBaseline(filepath.Join(corpusDir, "baseline.txt"))
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin, "github.com/dpfw/dpfw/cmd/dpfw", "github.com/dpfw/dpfw/cmd/slave")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building dpfw and slave: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	results, err := runner{bin: bin, timeout: 10 * time.Second, jobs: 2}.runAll(ctx, progs)
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	printTable(&table, results, false)
	t.Logf("corpus:\n%s", table.String())
	for _, p := range base.check(results, true) {
		t.Error(p)
	}
}

// Every program has its expected output, and -expect's files parse.
func TestExpectedOutputsComplete(t *testing.T) {
	progs, err := load(corpusDir, regexp.MustCompile(""), true)
	if err != nil {
		t.Fatal(err)
	}
	if len(progs) < 120 {
		t.Errorf("%d programs; the corpus promises at least 120", len(progs))
	}
	for _, p := range progs {
		if p.stdout == "" && p.exit == 0 {
			t.Errorf("%s prints nothing: it would pass whatever runs it", p.name)
		}
	}
}

func TestJudge(t *testing.T) {
	ok := program{name: "ok", stdout: "a\nb\n"}
	failing := program{name: "f", stdout: "a\n", exit: 2, panicLine: "panic: bad port"}
	exits := program{name: "x", stdout: "a\n", exit: 3}
	runtimeErr := program{name: "r", stdout: "", exit: 2, panicLine: "panic: runtime error: index out of range [3] with length 3"}
	tests := []struct {
		name   string
		prog   program
		out    outcome
		want   string
		detail string
	}{
		{"same output", ok, outcome{stdout: "a\nb\n"}, "PASS", ""},
		{"other output", ok, outcome{stdout: "a\nc\n"}, "WRONG", `line 2: want "b\n", got "c\n"`},
		{"missing line", ok, outcome{stdout: "a\n"}, "WRONG", `line 2: want "b\n", got nothing`},
		{"refused", ok, outcome{exit: 1, stderr: "error: unsupported error on s1 at 3:4: range over int\n"}, "ERROR unsupported", "3:4: range over int"},
		{"failed after a prefix", ok, outcome{exit: 1, stdout: "a\n", stderr: "error: compile error on s1 at 1:2: undefined: x\n"}, "ERROR compile", "1:2: undefined: x"},
		{"wrong then failed", ok, outcome{exit: 1, stdout: "z\n", stderr: "error: panic error on s1: boom\n"}, "WRONG", `line 1: want "a\n", got "z\n" (then panic error: boom)`},
		{"slave died", ok, outcome{exit: 1, stderr: "error: lost error on s1: connection lost\n"}, "CRASH", "lost: connection lost"},
		{"task timed out", ok, outcome{exit: 1, stderr: "error: timeout error on s1: deadline exceeded\n"}, "CRASH", "timeout: deadline exceeded"},
		{"hung", ok, outcome{killed: true, took: 40 * time.Second}, "CRASH", "hung: killed after 40s"},
		{"dpfw crashed", ok, outcome{exit: 2, stderr: "panic: oops\n\ngoroutine 1\n"}, "CRASH", "dpfw exited 2: panic: oops"},
		{"no slave", ok, outcome{exit: 1, stderr: "dpfw: no 1 slave(s) within 30s\n"}, "CRASH", "dpfw failed: dpfw: no 1 slave(s) within 30s"},
		{"same panic", failing, outcome{exit: 1, stdout: "a\n", stderr: "error: panic error on s1 at 9:2: bad port\n6:2: panic: main.f(...)\n"}, "PASS", ""},
		{"other panic", failing, outcome{exit: 1, stdout: "a\n", stderr: "error: panic error on s1: good port\n"}, "WRONG", `panic message: want "bad port", got "good port"`},
		{"no panic", failing, outcome{stdout: "a\n"}, "WRONG", "go run exits 2 (panic: bad port); dpfw succeeded"},
		{"refused failing program", failing, outcome{exit: 1, stderr: "error: compile error on s1: x\n"}, "ERROR compile", "x"},
		{"same exit", exits, outcome{exit: 3, stdout: "a\n", stderr: "error: exit error on s1: exit status 3\n"}, "PASS", ""},
		{"exit, other status", exits, outcome{exit: 4, stdout: "a\n", stderr: "error: exit error on s1: exit status 4\n"}, "WRONG", "want exit status 3; dpfw reports exit status 4 and exits 4"},
		{"exit, dpfw's status not the program's", exits, outcome{exit: 1, stdout: "a\n", stderr: "error: exit error on s1: exit status 3\n"}, "WRONG", "want exit status 3; dpfw reports exit status 3 and exits 1"},
		{"exit after other output", exits, outcome{exit: 3, stdout: "b\n", stderr: "error: exit error on s1: exit status 3\n"}, "WRONG", `line 1: want "a\n", got "b\n" (then exit error: exit status 3)`},
		{"exit where go run panics", failing, outcome{exit: 2, stdout: "a\n", stderr: "error: exit error on s1: exit status 2\n"}, "WRONG", "go run panics (panic: bad port); dpfw reports exit status 2"},
		{"exit where go run succeeds", ok, outcome{exit: 3, stdout: "a\nb\n", stderr: "error: exit error on s1: exit status 3\n"}, "WRONG", "go run exits 0; dpfw reports exit status 3 (status 3)"},
		{"exit as a panic", exits, outcome{exit: 1, stdout: "a\n", stderr: "error: panic error on s1: os.Exit(3)\n"}, "WRONG", "go run exits 3 without a panic; dpfw reports panic: os.Exit(3)"},
		{"runtime error in other words", runtimeErr, outcome{exit: 1, stderr: "error: panic error on s1: reflect: slice index out of range\n"}, "PASS", ""},
	}
	for _, tt := range tests {
		r := judge(tt.prog, tt.out)
		if r.label() != tt.want || r.detail != tt.detail {
			t.Errorf("%s: got %s %q, want %s %q", tt.name, r.label(), r.detail, tt.want, tt.detail)
		}
	}
}

func TestBaselineCheck(t *testing.T) {
	res := func(name string, s status, kind string) result {
		return result{prog: program{name: name}, status: s, kind: kind}
	}
	base := baseline{"a": "PASS", "b": "WRONG", "c": "ERROR compile", "d": "CRASH", "gone": "PASS"}
	results := []result{
		res("a", fail, "unsupported"), // regressed
		res("b", wrong, ""),           // as recorded
		res("c", fail, "internal"),    // another kind of the same rank
		res("d", pass, ""),            // improved, not recorded
		res("new1", fail, "unsupported"),
		res("new2", fail, "compile"),
	}
	got := strings.Join(base.check(results, true), "\n")
	for _, want := range []string{
		"a regressed: ERROR unsupported, was PASS",
		"d improved to PASS (was CRASH)",
		"new2 (new): ERROR compile",
		"gone is in the baseline but not in the corpus",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("check did not report %q; got:\n%s", want, got)
		}
	}
	if n := len(base.check(results, true)); n != 4 {
		t.Errorf("%d problems, want 4:\n%s", n, got)
	}
	if strings.Contains(strings.Join(base.check(results[:3], false), "\n"), "gone") {
		t.Error("a partial run (-run) reported programs it did not run")
	}
}

func TestBaselineRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "baseline.txt")
	results := []result{
		{prog: program{name: "x"}, status: pass},
		{prog: program{name: "y"}, status: fail, kind: "unsupported"},
		{prog: program{name: "w"}, status: wrong},
	}
	if err := writeBaseline(path, results); err != nil {
		t.Fatal(err)
	}
	base, err := readBaseline(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(base) != 3 || base["x"] != "PASS" || base["y"] != "ERROR unsupported" || base["w"] != "WRONG" {
		t.Errorf("read back %v", base)
	}
	if p := base.check(results, true); len(p) != 0 {
		t.Errorf("a run checked against its own record: %v", p)
	}
}

func TestStrictPolicy(t *testing.T) {
	var results []result
	for i := range 10 {
		results = append(results, result{prog: program{name: string(rune('a' + i))}, status: pass})
	}
	if p := strict(results); len(p) != 0 {
		t.Errorf("all passing: %v", p)
	}
	results[0].status, results[0].kind = fail, "unsupported"
	if p := strict(results); len(p) != 0 {
		t.Errorf("9/10 passing, one unsupported: %v", p)
	}
	results[1].status = wrong
	if p := strict(results); len(p) != 2 {
		t.Errorf("one WRONG and 80%%: got %v, want 2 problems", p)
	}
}
