//go:build linux

// Package deploy_test checks what deploy/ and the Dockerfile ship, with the
// real binaries: the image's entrypoints run as the image would run them,
// the Kubernetes manifests are decoded strictly with the Kubernetes API
// types and their pods are run as processes (one loopback address per
// pod, a DNS server standing in for the cluster's), and the Slurm script
// runs under stub srun and scontrol.
//
// It is a module of its own so that the Kubernetes and BuildKit packages
// it needs never reach the users of github.com/dpfw/dpfw.
package deploy_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// repoRoot is the main module's root; the tests run in deploy/.
const repoRoot = ".."

// binEnv passes the built binaries to the copies of the test binary that
// run in a namespace of their own.
const binEnv = "DPFW_DEPLOY_BIN"

// binDir is where the binaries of each image target are: binDir/TARGET/.
var binDir string

// Build arguments given to the Dockerfile's build commands; the image
// tests check that `slave version` reports them.
const (
	buildVersion = "v0.0.0-imagetest"
	buildCommit  = "imagetest0123"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(binEnv); dir != "" {
		binDir = dir
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "dpfw-deploy-test-")
	if err == nil {
		err = os.Chmod(dir, 0o755) // the images' users run these
	}
	if err == nil {
		err = buildImageBinaries(dir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "deploy tests:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	binDir = dir
	os.Setenv(binEnv, dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildImageBinaries runs, for every image target of the Dockerfile, the
// `go build` command that makes its binaries, as the Dockerfile writes it
// (only its output directory changes), in the repository root as the
// image's WORKDIR /src holds it.
func buildImageBinaries(dir string) error {
	df, err := parseDockerfile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		return err
	}
	for _, target := range imageTargets {
		run, outDir, err := df.buildCommand(target)
		if err != nil {
			return err
		}
		out := filepath.Join(dir, target)
		if err := os.Mkdir(out, 0o755); err != nil {
			return err
		}
		cmdline := strings.Replace(run, "-o "+outDir, "-o "+out+"/", 1)
		cmd := exec.Command("sh", "-c", cmdline)
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), "VERSION="+buildVersion, "COMMIT="+buildCommit, "GOFLAGS=")
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building target %s with %q: %v\n%s", target, cmdline, err, b)
		}
	}
	return nil
}

// proc is a process started by a test, its output read into lines at all
// times so that it never blocks on logging, and kept for inspection.
type proc struct {
	name  string
	cmd   *exec.Cmd
	lines chan string
	done  chan struct{}

	mu  sync.Mutex      // protects all
	all strings.Builder // every line, for the log and for leak checks
}

// printed is everything p printed so far.
func (p *proc) printed() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.all.String()
}

// start starts cmd, whose stdout and stderr are merged into p.lines.
func start(t *testing.T, name string, cmd *exec.Cmd) *proc {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	w.Close()
	p := &proc{name: name, cmd: cmd, lines: make(chan string, 10000), done: make(chan struct{})}
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.all.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
		r.Close()
		cmd.Wait()
		close(p.lines)
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop(t)
		t.Logf("output of %s:\n%s", name, p.output())
	})
	return p
}

// output is everything p printed; only valid once p has ended.
func (p *proc) output() string {
	<-p.done
	return p.printed()
}

// stop sends SIGTERM, as Kubernetes and Slurm do, and waits; a process
// that does not end within 15 s is killed and reported.
func (p *proc) stop(t *testing.T) {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		t.Errorf("%s did not stop within 15s of SIGTERM", p.name)
	}
}

// waitLine returns the submatches of the next line matching re.
func (p *proc) waitLine(t *testing.T, re *regexp.Regexp, within time.Duration) []string {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				t.Fatalf("%s ended while waiting for %v; it printed:\n%s", p.name, re, p.printed())
			}
			if m := re.FindStringSubmatch(l); m != nil {
				return m
			}
		case <-deadline:
			t.Fatalf("%s printed no line matching %v within %v", p.name, re, within)
		}
	}
}

// waitLines waits until every one of res has matched a line, in any order.
func (p *proc) waitLines(t *testing.T, within time.Duration, res ...*regexp.Regexp) {
	t.Helper()
	deadline := time.After(within)
	left := slices.Clone(res)
	for len(left) > 0 {
		select {
		case l, ok := <-p.lines:
			if !ok {
				t.Fatalf("%s ended while waiting for %v; it printed:\n%s", p.name, left, p.printed())
			}
			left = slices.DeleteFunc(left, func(re *regexp.Regexp) bool { return re.MatchString(l) })
		case <-deadline:
			t.Fatalf("%s printed no line matching %v within %v", p.name, left, within)
		}
	}
}
