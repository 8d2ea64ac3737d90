// Package supervise keeps a slave node's engines available when a snippet
// kills their process.
//
// Some snippets kill the process that runs them and no interpreter can
// stop them: a panic in a goroutine the snippet started, a stack
// overflow, running out of memory. So the engines run in a child process
// (this binary again) under a Supervisor that interprets nothing and
// starts a new child whenever one dies. Masters see the new child as a
// slave node restarted: its engines' state is lost. cmd/slave supervises
// its engine process this way, cmd/dpfw each of its local slaves.
//
// # Restart policy
//
// A child that ran at least 10 s and then died is replaced at once, as
// are the first five children in a row that died sooner (the new child
// serves as soon as it has started, in about 100-300 ms). Every further
// child in that run of quick deaths is started only after a wait: 500 ms,
// then twice the previous wait, up to 30 s (0.5, 1, 2, 4, 8, 16, 30, 30 s
// …), so that a crash loop (a broken install, a master that resubmits a
// killing snippet) does not burn a core. One child that runs 10 s ends
// the loop: the next death is replaced at once again. Every death is
// logged with the child's pid, exit status, uptime and the wait.
//
// # Lifeline, listener, signals
//
// Every child inherits the read end of a pipe whose write end only the
// Supervisor holds (its lifeline): when the supervising process exits,
// however it dies (SIGKILL included), the child reads EOF and exits too
// (see Child), so a dead supervisor never leaves an orphan holding a port
// or dialing a master. A serving supervisor opens the listening socket
// once and hands it to every child (Config.Listener), so the address
// never changes and connections that arrive between two children wait in
// its backlog. On Unix each child runs in a process group of its own, so
// the terminal's Ctrl-C reaches the supervisor only, which stops its
// child in order; a snippet that signals its own process group cannot
// reach the supervisor.
package supervise

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// The descriptors a child inherits (exec.Cmd.ExtraFiles start at fd 3).
const (
	lifelineFD = 3 // read end of the lifeline pipe
	listenerFD = 4 // Config.Listener, when set
)

// childEnv marks a child, and says whether it was handed a listener.
const (
	childEnv      = "DPFW_SUPERVISED"
	childPlain    = "lifeline"
	childListener = "lifeline+listener"
)

// defaultStopGrace is Config.StopGrace's default.
const defaultStopGrace = 5 * time.Second

// Config describes the child a Supervisor keeps running.
type Config struct {
	// Args are the child's arguments. The child runs this process's own
	// binary (os.Executable), which must call IsChild and Child early.
	Args []string
	// Env is the child's environment; nil means this process's. Start
	// adds the marker that IsChild reads.
	Env []string
	// Listener, if set, is handed to every child, which gets it from
	// Child. The Supervisor never accepts on it.
	Listener *os.File
	// Stdout and Stderr receive the child's output; nil discards it.
	Stdout, Stderr io.Writer
	// Name names the child in log lines, e.g. "engine process".
	Name string
	// Logger receives one line per death; nil means slog.Default().
	Logger *slog.Logger
	// StopGrace is how long Stop lets a child shut down after SIGTERM
	// before it kills it; 0 means 5 s.
	StopGrace time.Duration
}

// Supervisor keeps one child process running until Stop. Its methods
// are safe for concurrent use.
type Supervisor struct {
	cfg  Config
	exe  string
	log  *slog.Logger
	stop chan struct{} // closed by Stop
	once sync.Once
	done chan struct{} // closed when loop has returned
	err  error         // why loop gave up, if not for Stop; set before done closes
}

// child is one started child process.
type child struct {
	cmd      *exec.Cmd
	lifeline *os.File // the write end; closing it tells the child to go
	started  time.Time
}

// Start starts the first child, then a goroutine (the Supervisor's
// own, which Stop waits for) that starts another whenever it dies, as
// the restart policy says. It fails only if the child cannot be started
// at all.
func Start(cfg Config) (*Supervisor, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.StopGrace <= 0 {
		cfg.StopGrace = defaultStopGrace
	}
	if cfg.Name == "" {
		cfg.Name = "child process"
	}
	if cfg.Env == nil {
		cfg.Env = os.Environ()
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("supervise: finding my own binary: %w", err)
	}
	sv := &Supervisor{cfg: cfg, exe: exe, log: cfg.Logger, stop: make(chan struct{}), done: make(chan struct{})}
	c, err := sv.start()
	if err != nil {
		return nil, err
	}
	go sv.loop(c)
	return sv, nil
}

// Done is closed once the Supervisor has stopped: after Stop, or when a
// new child could not be started (Err says why). No child runs then.
func (sv *Supervisor) Done() <-chan struct{} { return sv.done }

// Err returns why the Supervisor gave up: nil while it runs and after
// Stop, the start error when a new child could not be started.
func (sv *Supervisor) Err() error {
	select {
	case <-sv.done:
		return sv.err
	default:
		return nil
	}
}

// Stop stops the child and restarts no more: it sends the child SIGTERM,
// then kills it if it still runs after Config.StopGrace. Stop waits for
// the child to exit and is idempotent.
func (sv *Supervisor) Stop() {
	sv.once.Do(func() { close(sv.stop) })
	<-sv.done
}

// loop waits for each child to die and starts the next.
func (sv *Supervisor) loop(c *child) {
	defer close(sv.done)
	var rs restarts
	for {
		err := sv.wait(c)
		select {
		case <-sv.stop:
			return
		default:
		}
		uptime := time.Since(c.started)
		delay := rs.next(uptime)
		sv.log.Warn(sv.cfg.Name+" died; starting another", "pid", c.cmd.Process.Pid, "status", exitStatus(err),
			"uptime", uptime.Round(time.Millisecond), "in", delay)
		select {
		case <-time.After(delay):
		case <-sv.stop:
			return
		}
		if c, err = sv.start(); err != nil {
			sv.err = err
			sv.log.Error(sv.cfg.Name+" cannot be started; giving up", "err", err)
			return
		}
	}
}

// start execs a child with its lifeline (and the listener).
func (sv *Supervisor) start() (*child, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("supervise: lifeline: %w", err)
	}
	defer r.Close() // the child has its own copy
	cmd := exec.Command(sv.exe, sv.cfg.Args...)
	cmd.Stdout, cmd.Stderr = sv.cfg.Stdout, sv.cfg.Stderr
	cmd.SysProcAttr = sysProcAttr()
	cmd.ExtraFiles = []*os.File{r}
	mark := childPlain
	if sv.cfg.Listener != nil {
		cmd.ExtraFiles = append(cmd.ExtraFiles, sv.cfg.Listener)
		mark = childListener
	}
	cmd.Env = append(append([]string(nil), sv.cfg.Env...), childEnv+"="+mark)
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("supervise: starting the %s: %w", sv.cfg.Name, err)
	}
	return &child{cmd: cmd, lifeline: w, started: time.Now()}, nil
}

// wait waits for c to exit. When Stop comes first it stops c: SIGTERM,
// then SIGKILL after StopGrace. The lifeline is closed once c has
// exited, so a child that stops in order does not report its supervisor
// gone.
func (sv *Supervisor) wait(c *child) error {
	exited := make(chan error, 1)
	go func() { exited <- c.cmd.Wait() }() // ends when the child does, which the code below ensures
	defer c.lifeline.Close()
	select {
	case err := <-exited:
		return err
	case <-sv.stop:
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		return err
	case <-time.After(sv.cfg.StopGrace):
		c.cmd.Process.Kill()
		return <-exited
	}
}

// exitStatus says how a child ended, for the log: "exit status 2",
// "signal: killed".
func exitStatus(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ProcessState.String()
	}
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}
