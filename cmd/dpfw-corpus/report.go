package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// printTable prints one line per program, then the totals and a line
// per category. With verbose, the outputs of programs that did not pass
// follow.
func printTable(w io.Writer, results []result, verbose bool) {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "PROGRAM\tVERDICT\tTIME\tDETAIL")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.prog.name, r.label(), r.out.took.Round(time.Millisecond), r.detail)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, summarize("TOTAL", results))
	var cats []string
	byCat := map[string][]result{}
	for _, r := range results {
		c := r.prog.category()
		if byCat[c] == nil {
			cats = append(cats, c)
		}
		byCat[c] = append(byCat[c], r)
	}
	slices.Sort(cats)
	for _, c := range cats {
		fmt.Fprintln(w, summarize(c, byCat[c]))
	}
	if !verbose {
		return
	}
	for _, r := range results {
		if r.status == pass {
			continue
		}
		fmt.Fprintf(w, "\n=== %s: %s\n--- want stdout:\n%s--- got stdout:\n%s--- got stderr:\n%s", r.prog.name, r.label(), r.prog.stdout, r.out.stdout, r.out.stderr)
	}
}

// summarize is one totals line: counts and the pass percentage, with the
// error kinds spelled out.
func summarize(label string, results []result) string {
	n := map[status]int{}
	kinds := map[string]int{}
	for _, r := range results {
		n[r.status]++
		if r.status == fail {
			kinds[r.kind]++
		}
	}
	var ks []string
	for k, c := range kinds {
		ks = append(ks, fmt.Sprintf("%s %d", k, c))
	}
	slices.Sort(ks)
	errs := ""
	if len(ks) > 0 {
		errs = " (" + strings.Join(ks, ", ") + ")"
	}
	return fmt.Sprintf("%-8s %3d programs: PASS %d (%.1f%%), WRONG %d, ERROR %d%s, CRASH %d",
		label, len(results), n[pass], 100*float64(n[pass])/float64(max(len(results), 1)), n[wrong], n[fail], errs, n[crash])
}

// strict is the policy the corpus aims at: no wrong answer, no crash,
// every refusal an unsupported one naming its construct, and at least
// 90% of programs passing.
func strict(results []result) []string {
	var problems []string
	passed := 0
	for _, r := range results {
		switch {
		case r.status == pass:
			passed++
		case r.status == fail && r.kind == "unsupported":
		default:
			problems = append(problems, fmt.Sprintf("%s: %s: %s", r.prog.name, r.label(), r.detail))
		}
	}
	if 10*passed < 9*len(results) {
		problems = append(problems, fmt.Sprintf("%d of %d programs pass, under 90%%", passed, len(results)))
	}
	return problems
}

// baseline is each program's recorded verdict label.
type baseline map[string]string

const baselineHeader = `# The corpus ratchet: each program's verdict in the last recorded run
# (make corpus-baseline). make test fails when a program does worse than
# recorded here, or better while this file still records the worse
# verdict: re-record it when you fix something. Verdicts, worst first:
# WRONG, CRASH, ERROR <kind>, ERROR unsupported, PASS.
`

func writeBaseline(path string, results []result) error {
	var b strings.Builder
	b.WriteString(baselineHeader)
	fmt.Fprintf(&b, "# %s\n", summarize("recorded", results))
	sorted := slices.Clone(results)
	slices.SortFunc(sorted, func(a, b result) int { return strings.Compare(a.prog.name, b.prog.name) })
	for _, r := range sorted {
		fmt.Fprintf(&b, "%s %s\n", r.prog.name, r.label())
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func readBaseline(path string) (baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the baseline (record one with make corpus-baseline): %w", err)
	}
	defer f.Close()
	base := baseline{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		name, label, ok := strings.Cut(t, " ")
		if !ok || parseLabel(label) < 0 {
			return nil, fmt.Errorf("%s:%d: want \"NAME VERDICT\", got %q", path, line, t)
		}
		base[name] = label
	}
	return base, sc.Err()
}

// parseLabel returns the rank of a baseline label, or -1.
func parseLabel(label string) int {
	s, kind, _ := strings.Cut(label, " ")
	switch status(s) {
	case pass, wrong, crash:
		if kind == "" {
			return rankOf(status(s), "")
		}
	case fail:
		if kind != "" {
			return rankOf(fail, kind)
		}
	}
	return -1
}

// check compares results with the baseline. A program may not rank below
// its recorded verdict, nor above it (the improvement must be recorded,
// or it could be lost again unnoticed); a program the baseline does not
// know must pass or be refused as unsupported. With whole, programs the
// baseline lists must all have run.
func (base baseline) check(results []result, whole bool) []string {
	var problems []string
	seen := map[string]bool{}
	for _, r := range results {
		name := r.prog.name
		seen[name] = true
		label, ok := base[name]
		now := r.label()
		switch {
		case !ok && r.rank() < rankOf(fail, "unsupported"):
			problems = append(problems, fmt.Sprintf("%s (new): %s: %s; a new program must pass or be refused as unsupported", name, now, r.detail))
		case !ok:
		case r.rank() < parseLabel(label):
			problems = append(problems, fmt.Sprintf("%s regressed: %s, was %s: %s", name, now, label, r.detail))
		case r.rank() > parseLabel(label):
			problems = append(problems, fmt.Sprintf("%s improved to %s (was %s): record it with make corpus-baseline", name, now, label))
		}
	}
	if whole {
		for name := range base {
			if !seen[name] {
				problems = append(problems, fmt.Sprintf("%s is in the baseline but not in the corpus: re-record the baseline", name))
			}
		}
	}
	slices.Sort(problems)
	return problems
}
