package main

import (
	"cmp"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/dpfw/dpfw/master"
)

// console owns dpfw's terminal: task output as it comes, one status line
// at the bottom (a progress bar, or "waiting for a slave"), and log
// lines from other goroutines (slaves joining, refused HTTP requests).
// Every write goes through its mutex, so none tears another apart: the
// status line is erased before anything else is written and drawn again
// after, and only when stdout is a terminal. (While liner's prompt owns
// the terminal, log lines are held before they get here: heldWriter.)
type console struct {
	mu        sync.Mutex // protects the fields below, and serializes writes to out and errw
	out, errw io.Writer
	tty       bool        // out is a terminal: status lines are drawn
	status    *statusLine // shown at the bottom, nil when none
	drawn     bool        // a status line is on screen, the cursor after it
	midLine   bool        // the last output did not end its line: draw nothing under it
}

func newConsole(out, errw io.Writer, tty bool) *console {
	return &console{out: out, errw: errw, tty: tty}
}

// Write writes task output (stdout), around the status line.
func (c *console) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.eraseLocked()
	n, err := c.out.Write(p)
	if len(p) > 0 {
		c.midLine = p[len(p)-1] != '\n'
	}
	c.drawLocked()
	return n, err
}

// stderr is the writer for errors the REPL prints itself.
func (c *console) stderr() io.Writer { return consoleErr{c} }

// async is the writer for log lines from other goroutines: written
// (to stderr) above the status line, as stderr's are.
func (c *console) async() io.Writer { return consoleErr{c} }

// consoleErr writes to stderr on a line of its own, the status line
// erased first and drawn again after.
type consoleErr struct{ c *console }

func (e consoleErr) Write(p []byte) (int, error) {
	c := e.c
	c.mu.Lock()
	defer c.mu.Unlock()
	c.eraseLocked()
	c.endLineLocked()
	n, err := c.errw.Write(p)
	c.drawLocked()
	return n, err
}

// show puts s at the bottom (nil: nothing).
func (c *console) show(s *statusLine) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.eraseLocked()
	c.status = s
	c.drawLocked()
}

// redraw draws the status line again, for its clock.
func (c *console) redraw() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drawLocked()
}

// endLineLocked ends a line that task output left open, on a terminal,
// so that a message on stderr starts a line of its own. Piped output is
// never changed.
func (c *console) endLineLocked() {
	if c.tty && c.midLine {
		c.out.Write([]byte("\n"))
		c.midLine = false
	}
}

func (c *console) eraseLocked() {
	if c.drawn {
		io.WriteString(c.out, "\r\033[K")
		c.drawn = false
	}
}

func (c *console) drawLocked() {
	if !c.tty || c.midLine || c.status == nil {
		return
	}
	line := c.status.render()
	if line == "" {
		c.eraseLocked()
		return
	}
	io.WriteString(c.out, "\r\033[K"+line)
	c.drawn = true
}

// statusLine is what the bottom line shows: a message, or a progress bar
// (done/total, elapsed time, rate and time left). Its methods are safe
// for concurrent use.
type statusLine struct {
	mu    sync.Mutex // protects the fields below
	msg   string
	bar   *progressbar.ProgressBar
	total int64
	start time.Time
}

// message shows msg (and hides the bar).
func (s *statusLine) message(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msg = msg
}

// progress sets the bar to done of total (total 0: unknown), making it
// on first use. label names what is counted ("tasks"), "" for a task's
// own progress.
func (s *statusLine) progress(label string, done, total int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msg = ""
	if s.bar == nil || total != s.total {
		max := total
		if max <= 0 {
			max = -1 // a spinner with a count
		}
		start := s.start
		s.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetWriter(io.Discard), // the console draws bar.String()
			progressbar.OptionSetDescription(cmp.Or(label, "progress")),
			progressbar.OptionSetWidth(24),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString(cmp.Or(label, "it")),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(0),
			progressbar.OptionSetTheme(progressbar.Theme{Saucer: "=", SaucerHead: ">", SaucerPadding: " ", BarStart: "[", BarEnd: "]"}),
		)
		s.bar.StartWithoutRender()
		s.total = total
		if start.IsZero() {
			s.start = time.Now()
		}
	}
	s.bar.Set64(done)
}

// render is the line to draw, "" for none.
func (s *statusLine) render() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.msg != "" {
		return s.msg + "  " + roundDur(time.Since(s.start)).Truncate(100*time.Millisecond).String()
	}
	if s.bar == nil {
		return ""
	}
	s.bar.Add64(0) // renders again: the clock moves
	return strings.TrimLeft(s.bar.String(), "\r")
}

// liveView shows one piece of work while it runs: a task's live Events
// (its output as it comes, a mark where some was left out, its progress
// on the status line), or the count of a Parallel's finished tasks, and
// why nothing runs yet. Close it after the work, then print the rest of
// Result.Output that close returns.
type liveView struct {
	c      *console
	status *statusLine
	label  string
	update func(*statusLine) // called every tick; nil: none
	stop   chan struct{}
	done   chan struct{}

	mu  sync.Mutex // protects end
	end int64      // where the output printed so far ends in Result.Output
}

// view starts a live view; label heads its bar; update, if set, is
// called on every tick to refresh the status line.
func (c *console) view(label string, update func(*statusLine)) *liveView {
	v := &liveView{c: c, status: &statusLine{start: time.Now()}, label: label, update: update,
		stop: make(chan struct{}), done: make(chan struct{})}
	c.show(v.status)
	go v.tick()
	return v
}

// tickEvery is how often the status line is refreshed.
const tickEvery = 200 * time.Millisecond

// tick keeps the status line current until close.
func (v *liveView) tick() {
	defer close(v.done)
	t := time.NewTicker(tickEvery)
	defer t.Stop()
	for {
		select {
		case <-v.stop:
			return
		case <-t.C:
		}
		if v.update != nil {
			v.update(v.status)
		}
		v.c.redraw()
	}
}

// watch is the task's master.Task.Watch.
func (v *liveView) watch(ev master.Event) {
	if len(ev.Output) > 0 {
		v.mu.Lock()
		gap := ev.Offset > v.end
		v.end = ev.Offset + int64(len(ev.Output))
		v.mu.Unlock()
		if gap {
			v.c.Write([]byte(master.GapMark))
		}
		v.c.Write(ev.Output)
	}
	if p := ev.Progress; p != nil {
		v.status.progress(v.label, p.Done, p.Total)
		v.c.redraw()
	}
}

// close removes the status line and returns the part of output not
// printed live.
func (v *liveView) close(output []byte) []byte {
	close(v.stop)
	<-v.done
	v.c.show(nil)
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.end > int64(len(output)) {
		return nil
	}
	return output[v.end:]
}
