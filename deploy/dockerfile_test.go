//go:build linux

package deploy_test

import (
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// imageTargets are the Dockerfile's stages that are images to run: the
// default (last) one and the variant with the Go toolchain.
var imageTargets = []string{"runtime", "toolchain"}

// stage is what the test needs of one Dockerfile stage.
type stage struct {
	name, base string
	env        []string // KEY=VALUE, in order
	user       string
	workdir    string
	entrypoint []string
	cmd        []string
	expose     []string
	runs       []string // RUN command lines (shell form)
	copies     []*instructions.CopyCommand
}

type dockerfile struct {
	stages   []*stage
	warnings []string // from BuildKit's parser and linter
}

// parseDockerfile parses the file with BuildKit's own parser and
// instruction decoder, the ones `docker build` uses, collecting the
// linter's warnings.
func parseDockerfile(file string) (*dockerfile, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	df := &dockerfile{}
	for _, w := range res.Warnings {
		df.warnings = append(df.warnings, w.Short)
	}
	lint := linter.New(&linter.Config{Warn: func(rule, desc, url, msg string, loc []parser.Range) {
		df.warnings = append(df.warnings, rule+": "+msg)
	}})
	stages, _, err := instructions.Parse(res.AST, lint)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	for _, st := range stages {
		s := &stage{name: st.Name, base: st.BaseName}
		for _, c := range st.Commands {
			switch c := c.(type) {
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					s.env = append(s.env, kv.Key+"="+kv.Value)
				}
			case *instructions.UserCommand:
				s.user = c.User
			case *instructions.WorkdirCommand:
				s.workdir = c.Path
			case *instructions.EntrypointCommand:
				if c.PrependShell {
					return nil, fmt.Errorf("stage %s: ENTRYPOINT in shell form: signals would go to sh", s.name)
				}
				s.entrypoint = c.CmdLine
			case *instructions.CmdCommand:
				s.cmd = c.CmdLine
			case *instructions.ExposeCommand:
				s.expose = append(s.expose, c.Ports...)
			case *instructions.RunCommand:
				s.runs = append(s.runs, strings.Join(c.CmdLine, " "))
			case *instructions.CopyCommand:
				s.copies = append(s.copies, c)
			}
		}
		df.stages = append(df.stages, s)
	}
	return df, nil
}

func (df *dockerfile) stage(name string) *stage {
	for _, s := range df.stages {
		if s.name == name {
			return s
		}
	}
	return nil
}

var buildOut = regexp.MustCompile(`-o (\S+/)`)

// buildCommand returns the `go build` command that makes the binaries of
// target, and the directory it writes them to. The binaries are built in
// target itself or copied into it from another stage.
func (df *dockerfile) buildCommand(target string) (run, outDir string, err error) {
	s := df.stage(target)
	if s == nil {
		return "", "", fmt.Errorf("Dockerfile has no stage %q", target)
	}
	from := s
	for _, c := range s.copies {
		if c.From != "" {
			if from = df.stage(c.From); from == nil {
				return "", "", fmt.Errorf("stage %s copies from unknown stage %q", target, c.From)
			}
		}
	}
	for _, r := range from.runs {
		if m := buildOut.FindStringSubmatch(r); m != nil && strings.Contains(r, "go build") {
			return r, m[1], nil
		}
	}
	return "", "", fmt.Errorf("stage %s has no `go build -o DIR/` command", from.name)
}

// TestDockerfile checks the Dockerfile as BuildKit reads it, and what the
// issue asks of the images: multi-stage, small, non-root, exec-form
// entrypoints, the token from the environment.
func TestDockerfile(t *testing.T) {
	df, err := parseDockerfile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	if len(df.warnings) > 0 {
		t.Errorf("BuildKit warns:\n%s", strings.Join(df.warnings, "\n"))
	}
	if last := df.stages[len(df.stages)-1]; last.name != "runtime" {
		t.Errorf("the default (last) stage is %q, want the small runtime image", last.name)
	}
	rt, tc := df.stage("runtime"), df.stage("toolchain")
	if rt == nil || tc == nil {
		t.Fatalf("stages runtime and toolchain are required")
	}
	if !strings.HasPrefix(rt.base, "gcr.io/distroless/static") {
		t.Errorf("runtime image is based on %q, want distroless static (no shell, no package manager)", rt.base)
	}
	if len(rt.runs) != 0 {
		t.Errorf("runtime stage runs commands %q; it should only copy the binaries", rt.runs)
	}
	for _, c := range rt.copies {
		if c.From != "build" {
			t.Errorf("runtime stage copies %v from the context, not from the build stage", c.SourcePaths)
		}
	}
	if run, _, err := df.buildCommand("runtime"); err != nil || !strings.Contains(run, "CGO_ENABLED=0") {
		t.Errorf("runtime binaries must be static (CGO_ENABLED=0): %q %v", run, err)
	}
	if run, _, err := df.buildCommand("toolchain"); err != nil || !strings.Contains(run, "CGO_ENABLED=1") {
		t.Errorf("toolchain binaries need cgo for plugin.Open: %q %v", run, err)
	}
	if !strings.HasPrefix(tc.base, "golang:") {
		t.Errorf("toolchain image is based on %q, want the golang image (Go and gcc)", tc.base)
	}
	for _, s := range []*stage{rt, tc} {
		uid, _ := imageUser(t, s)
		if uid == 0 {
			t.Errorf("stage %s runs as root", s.name)
		}
		if len(s.entrypoint) == 0 || path.Base(s.entrypoint[0]) != "slave" {
			t.Errorf("stage %s: entrypoint %q, want the slave", s.name, s.entrypoint)
		}
		if !slices.Contains(s.expose, "10000") {
			t.Errorf("stage %s exposes %q, want 10000", s.name, s.expose)
		}
		if envValue(s.env, "HOME") == "" {
			t.Errorf("stage %s sets no HOME", s.name)
		}
	}
}

// imageUser returns the numeric uid and gid of the stage's USER.
func imageUser(t *testing.T, s *stage) (uid, gid int) {
	t.Helper()
	u, g, _ := strings.Cut(s.user, ":")
	uid, err1 := strconv.Atoi(u)
	gid, err2 := strconv.Atoi(g)
	if err1 != nil || err2 != nil {
		t.Fatalf("stage %s: USER %q must be numeric UID:GID (Kubernetes runAsNonRoot needs a number)", s.name, s.user)
	}
	return uid, gid
}

func envValue(env []string, key string) string {
	for _, kv := range slices.Backward(env) {
		if v, ok := strings.CutPrefix(kv, key+"="); ok {
			return v
		}
	}
	return ""
}

// container is a process run as an image's container would run it.
type container struct {
	bin  string // the target's binaries
	home string // stands for the image's HOME
	uid  int
	gid  int
}

// newContainer prepares a HOME for the image's user (owned by it, as in
// the image, unless readOnly) and says how to map the image's paths.
func newContainer(t *testing.T, target string, s *stage, readOnly bool) *container {
	t.Helper()
	c := &container{bin: filepath.Join(binDir, target)}
	c.uid, c.gid = imageUser(t, s)
	home, err := os.MkdirTemp("", "dpfw-home-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	os.Chmod(home, 0o755)
	if !readOnly {
		if err := os.Chown(home, c.uid, c.gid); err != nil {
			t.Fatal(err)
		}
	}
	c.home = home
	return c
}

// path maps a path in the image to the host: the binaries' directory to
// the built binaries, HOME to the prepared one.
func (c *container) path(s *stage, p string) string {
	if path.Dir(p) == "/usr/local/bin" {
		return filepath.Join(c.bin, path.Base(p))
	}
	if home := envValue(s.env, "HOME"); home != "" && (p == home || strings.HasPrefix(p, home+"/")) {
		return filepath.Join(c.home, strings.TrimPrefix(p, home))
	}
	return p
}

// command is argv run with the image's environment (HOME mapped, PATH the
// images' default with the binaries' directory mapped) plus extra, as the
// image's user, in its WORKDIR: nothing of the test's environment leaks in.
func (c *container) command(s *stage, argv []string, extra ...string) *exec.Cmd {
	cmd := exec.Command(c.path(s, argv[0]), argv[1:]...)
	cmd.Env = []string{"PATH=" + c.bin + ":/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"}
	for _, kv := range s.env {
		k, v, _ := strings.Cut(kv, "=")
		if k == "HOME" || k == "GOCACHE" {
			v = c.path(s, v)
		}
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, extra...)
	cmd.Dir = c.path(s, s.workdir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(c.uid), Gid: uint32(c.gid)}}
	return cmd
}

var servingRE = regexp.MustCompile(`msg="serving masters" addr=(\S+)`)

// TestImageEntrypoint runs each image target's entrypoint with its
// default command exactly (slave serve 0.0.0.0:10000), as its user, with
// only the image's environment and the token a Secret or `docker run -e`
// would give, in a network namespace of its own; then a master from the
// same image runs a task on it. The task reports the user it ran as and
// its working directory (the image's WORKDIR, its HOME), and `slave
// version` the build arguments.
func TestImageEntrypoint(t *testing.T) {
	if !isolated(t, nil) {
		return
	}
	df, err := parseDockerfile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	const token = "image-test-token"
	for _, target := range imageTargets {
		t.Run(target, func(t *testing.T) {
			s := df.stage(target)
			c := newContainer(t, target, s, false)

			ver, err := c.command(s, append(slices.Clone(s.entrypoint), "version")).CombinedOutput()
			if err != nil || !strings.Contains(string(ver), buildVersion) || !strings.Contains(string(ver), "commit "+buildCommit) {
				t.Errorf("slave version: %q, %v; want %s and commit %s", ver, err, buildVersion, buildCommit)
			}

			argv := append(slices.Clone(s.entrypoint), s.cmd...)
			p := start(t, target+" entrypoint", c.command(s, argv, "DPFW_TOKEN="+token))
			addr := p.waitLine(t, servingRE, time.Minute)[1]
			if addr != "0.0.0.0:10000" && addr != "[::]:10000" {
				t.Fatalf("the entrypoint serves on %s, want 0.0.0.0:10000", addr)
			}

			master := c.command(s, []string{"/usr/local/bin/dpfw", "-dial", "127.0.0.1:10000",
				"-e", `func() string { wd, _ := os.Getwd(); return fmt.Sprint(os.Getuid(), " ", wd) }()`}, "DPFW_TOKEN="+token)
			out, err := master.CombinedOutput()
			want := fmt.Sprintf("%q", fmt.Sprintf("%d %s", c.uid, c.home))
			if err != nil || strings.TrimSpace(string(out)) != want {
				t.Fatalf("master in the image: %q, %v; want %s", out, err, want)
			}
			if entries, _ := os.ReadDir(c.home); len(entries) != 0 {
				t.Errorf("with the token in the environment, the image wrote %v in HOME", entries)
			}
			p.stop(t)
			if st := p.cmd.ProcessState; st == nil || !st.Success() {
				t.Errorf("the entrypoint did not exit cleanly on SIGTERM: %v", st)
			}
		})
	}
}
