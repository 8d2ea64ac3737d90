package cmdline

import (
	"bytes"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestParseFlagsAnywhere(t *testing.T) {
	for _, tc := range []struct {
		args []string
		pos  []string
		n    int
		v    bool
	}{
		{[]string{"-n", "2", "serve", ":10000"}, []string{"serve", ":10000"}, 2, false},
		{[]string{"serve", ":10000", "-n", "2"}, []string{"serve", ":10000"}, 2, false},
		{[]string{"serve", "-n=2", ":10000", "-v"}, []string{"serve", ":10000"}, 2, true},
		{[]string{"-v", "serve", "--", "-n", "2"}, []string{"serve", "-n", "2"}, 0, true},
		{[]string{}, nil, 0, false},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		n := fs.Int("n", 0, "")
		v := fs.Bool("v", false, "")
		pos, err := Parse(fs, tc.args)
		if err != nil || !slices.Equal(pos, tc.pos) || *n != tc.n || *v != tc.v {
			t.Errorf("Parse(%q) = %q, n=%d v=%v, %v; want %q n=%d v=%v", tc.args, pos, *n, *v, err, tc.pos, tc.n, tc.v)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := Parse(fs, []string{"serve", "-nope"}); err == nil {
		t.Error("an unknown flag after an argument was accepted")
	}
}

func TestAddr(t *testing.T) {
	for in, want := range map[string]string{"10000": ":10000", ":10000": ":10000", "0.0.0.0:1": "0.0.0.0:1", "host:1": "host:1", "": ""} {
		if got := Addr(in); got != want {
			t.Errorf("Addr(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUsageHasNoDefaultNoise(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.Int("local", -1, "spawn `N` local slaves (default: one per CPU)")
	fs.Duration("wait-timeout", 30e9, "how long to wait")
	var b bytes.Buffer
	Usage(fs, &b, "t [flags] FILE", "t version")()
	out := b.String()
	if strings.Contains(out, "(default -1)") || strings.Contains(out, "(default 30s)") {
		t.Errorf("usage has Go's default notes:\n%s", out)
	}
	for _, want := range []string{"usage: t [flags] FILE", "       t version", "-local N", "one per CPU"} {
		if !strings.Contains(out, want) {
			t.Errorf("usage lacks %q:\n%s", want, out)
		}
	}
}
