// Command dpfw-corpus runs the Go corpus (eval/testdata/gocorpus) through
// the real dpfw and slave binaries and compares what each program prints
// with what the Go toolchain's build of it printed.
//
// Usage:
//
//	dpfw-corpus [flags]           run the corpus and print the table
//	dpfw-corpus -record [flags]   run it and rewrite the baseline
//	dpfw-corpus -expect [flags]   record expected outputs with the Go toolchain
//
// Each program is a package main file NAME.go with NAME.stdout, what it
// prints when built and run by the Go toolchain (as go run does), and,
// for a program that fails, NAME.exit: "exit N" and the first line it
// wrote to stderr. -expect writes both, running each program twice and
// refusing one whose output differs between the runs.
//
// A run starts -j slave servers (`slave -n 1 serve 127.0.0.1:0`, each
// supervised, so a program that kills its engine process costs only
// itself) and runs every program with `dpfw -dial ADDR -fresh FILE.go`:
// -fresh resets the engine first, so no program sees another's
// declarations. Each program gets one of four verdicts:
//
//	PASS   dpfw printed exactly what go run printed (and failed as it did)
//	WRONG  dpfw printed something else: the worst outcome
//	ERROR  dpfw refused or failed with a typed error (its kind is shown)
//	       after printing a prefix of the expected output
//	CRASH  the slave died (kind lost), the task hung (timeout), or dpfw
//	       itself crashed
//
// Flags:
//
//	-dir DIR      the corpus (default eval/testdata/gocorpus)
//	-bin DIR      where dpfw and slave are (default: this binary's directory)
//	-run RE       only the programs whose name matches RE
//	-j N          programs at once, one slave server each (default 2)
//	-timeout D    bound on each program's task (default 10s)
//	-policy P     when to exit 1: none, baseline (a program did worse or,
//	              unrecorded, better than the baseline), strict (any
//	              WRONG, CRASH or non-unsupported ERROR, or under 90% PASS)
//	-baseline F   the baseline file (default DIR/baseline.txt)
//	-v            print whole outputs of the programs that did not pass
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"syscall"
	"time"
)

// options are the parsed command line.
type options struct {
	dir, bin, baseline string
	filter             *regexp.Regexp
	jobs               int
	timeout            time.Duration
	policy             string
	record, expect     bool
	verbose            bool
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("dpfw-corpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.dir, "dir", filepath.Join("eval", "testdata", "gocorpus"), "corpus directory")
	fs.StringVar(&o.bin, "bin", "", "directory holding dpfw and slave (default: this binary's)")
	filter := fs.String("run", "", "only programs whose name matches this regexp")
	fs.IntVar(&o.jobs, "j", min(2, runtime.NumCPU()), "programs at once, one slave server each")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "bound on each program's task")
	fs.StringVar(&o.policy, "policy", "none", "when to exit 1: none, baseline or strict")
	fs.StringVar(&o.baseline, "baseline", "", "baseline file (default DIR/baseline.txt)")
	fs.BoolVar(&o.record, "record", false, "rewrite the baseline with this run's verdicts")
	fs.BoolVar(&o.expect, "expect", false, "record expected outputs with the Go toolchain instead of running dpfw")
	fs.BoolVar(&o.verbose, "v", false, "print whole outputs of programs that did not pass")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var err error
	if o.filter, err = regexp.Compile(*filter); err != nil {
		return o, fmt.Errorf("-run: %w", err)
	}
	switch o.policy {
	case "none", "baseline", "strict":
	default:
		return o, fmt.Errorf("-policy %q: want none, baseline or strict", o.policy)
	}
	if o.jobs < 1 {
		o.jobs = 1
	}
	if o.baseline == "" {
		o.baseline = filepath.Join(o.dir, "baseline.txt")
	}
	if o.bin == "" {
		exe, err := os.Executable()
		if err != nil {
			return o, err
		}
		o.bin = filepath.Dir(exe)
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "dpfw-corpus:", err)
		return 2
	}
	progs, err := load(o.dir, o.filter, !o.expect)
	if err != nil {
		fmt.Fprintln(stderr, "dpfw-corpus:", err)
		return 2
	}
	if o.expect {
		if err := expectAll(ctx, progs, o.jobs, stdout); err != nil {
			fmt.Fprintln(stderr, "dpfw-corpus:", err)
			return 1
		}
		return 0
	}
	r := runner{bin: o.bin, timeout: o.timeout, jobs: o.jobs}
	results, err := r.runAll(ctx, progs)
	if err != nil {
		fmt.Fprintln(stderr, "dpfw-corpus:", err)
		return 2
	}
	printTable(stdout, results, o.verbose)
	return finish(o, results, stdout, stderr)
}

// finish applies -record and -policy.
func finish(o options, results []result, stdout, stderr io.Writer) int {
	if o.record {
		if o.filter.String() != "" {
			fmt.Fprintln(stderr, "dpfw-corpus: -record needs the whole corpus (no -run)")
			return 2
		}
		if err := writeBaseline(o.baseline, results); err != nil {
			fmt.Fprintln(stderr, "dpfw-corpus:", err)
			return 1
		}
		fmt.Fprintf(stdout, "baseline written to %s\n", o.baseline)
	}
	var problems []string
	switch o.policy {
	case "baseline":
		base, err := readBaseline(o.baseline)
		if err != nil {
			fmt.Fprintln(stderr, "dpfw-corpus:", err)
			return 1
		}
		problems = base.check(results, o.filter.String() == "")
	case "strict":
		problems = strict(results)
	}
	for _, p := range problems {
		fmt.Fprintln(stderr, "FAIL:", p)
	}
	if len(problems) > 0 {
		return 1
	}
	return 0
}
