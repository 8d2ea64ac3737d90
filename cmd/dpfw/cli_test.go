package main

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestCLIConventions runs the real binaries: flags before or after the
// subcommand and its address, a bare port (loopback), version
// subcommands, and -h texts without Go's "(default …)" notes.
func TestCLIConventions(t *testing.T) {
	for _, args := range [][]string{
		{"-n", "1", "-supervise=false", "serve", "0"},
		{"serve", "0", "-n", "1", "-supervise=false"},
		{"serve", "-n", "1", ":0", "-supervise=false"},
	} {
		_, lines := startProc(t, testToken, slaveBin, args...)
		var serving string
		for l := range lines {
			if strings.Contains(l, `msg="serving masters"`) {
				serving = l
				break
			}
		}
		// A bare port and ":0" both mean 127.0.0.1; -n 1 wherever it is.
		m := regexp.MustCompile(`addr=(127\.0\.0\.1:\d+) engines=1 `).FindStringSubmatch(serving)
		if m == nil {
			t.Fatalf("slave %q: %q", args, serving)
		}
		out, errOut, code := dpfw(t, "", "-e", "1 + 2", "-dial", m[1])
		if code != 0 || strings.TrimSpace(out) != "3" {
			t.Fatalf("slave %q, then dpfw with -e before -dial: exit %d, %q %q", args, code, out, errOut)
		}
	}
	for _, bin := range []string{dpfwBin, slaveBin} {
		out, err := exec.Command(bin, "version").CombinedOutput()
		if err != nil || !regexp.MustCompile(`^\w+ \d+\.\d+\.\d+ \(.*go1\.\d+`).Match(out) {
			t.Errorf("%s version: %q, %v", bin, out, err)
		}
		out, err = exec.Command(bin, "-h").CombinedOutput()
		if err != nil || strings.Contains(string(out), "(default") || !strings.Contains(string(out), "usage:") {
			t.Errorf("%s -h: exit %v, output:\n%s", bin, err, out)
		}
	}
}
