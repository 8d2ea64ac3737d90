package eval

import (
	"regexp"
	"sync"
)

const truncMarker = "\n... output truncated\n"

// capture is the stdout and stderr of one interpreter. yaegi binds the
// writers once, at Use time, so a task cannot pass its own buffer: instead
// the engine opens a window (begin/end) around each task, and writes outside
// a window are dropped. An abandoned interpreter is detached for good, so
// that a snippet still running in a leaked goroutine cannot write into a
// later task's output.
type capture struct {
	mu        sync.Mutex // protects the fields below
	active    bool
	detached  bool
	max       int
	buf       []byte
	truncated bool
	panics    []string // yaegi's "line:col: panic: ..." lines, kept out of buf
	// obs is the task's Observer, if any: it sees what buf takes, as it
	// takes it (under mu, so in order), and the task's progress reports.
	obs Observer
}

// yaegi reports the interpreted location of a panic by printing this line to
// Options.Stderr; we turn it into Error.Pos/Stack instead of user output.
var panicLine = regexp.MustCompile(`^(\d+):(\d+): panic: `)

func (c *capture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.active || c.detached {
		return len(p), nil
	}
	room := c.max - len(c.buf)
	if len(p) > room {
		kept := p[:max(room, 0)]
		c.buf = append(c.buf, kept...)
		c.truncated = true
		if c.obs != nil && len(kept) > 0 {
			c.obs.Output(kept)
		}
		return len(p), nil
	}
	c.buf = append(c.buf, p...)
	if c.obs != nil {
		c.obs.Output(p)
	}
	return len(p), nil
}

// progress hands a task's dpfw.Progress report to its Observer; reports
// outside a task window, or from an abandoned interpreter, are dropped.
func (c *capture) progress(done, total int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.active && !c.detached && c.obs != nil {
		c.obs.Progress(int64(done), int64(total))
	}
}

// stderr returns the writer for Options.Stderr: the same stream as stdout
// (so order is kept) minus yaegi's panic location lines.
func (c *capture) stderr() *stderrWriter { return &stderrWriter{c} }

type stderrWriter struct{ c *capture }

func (w *stderrWriter) Write(p []byte) (int, error) {
	if panicLine.Match(p) {
		w.c.mu.Lock()
		if w.c.active && !w.c.detached {
			w.c.panics = append(w.c.panics, string(p))
		}
		w.c.mu.Unlock()
		return len(p), nil
	}
	return w.c.Write(p)
}

// begin opens a capture window for one task, which obs (may be nil)
// watches.
func (c *capture) begin(limit int, obs Observer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active, c.max, c.buf, c.truncated, c.panics, c.obs = true, limit, nil, false, nil, obs
}

// end closes the window and returns what the task wrote, with the truncation
// marker appended if it wrote more than the limit.
func (c *capture) end() (out []byte, panics []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out, panics = c.buf, c.panics
	if c.truncated {
		out = append(out, truncMarker...)
	}
	c.active, c.buf, c.panics, c.obs = false, nil, nil, nil
	return out, panics
}

// seal drops every later write of the current window, keeping what it
// holds: the program called os.Exit.
func (c *capture) seal() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active = false
}

// detach drops every later write; used when the interpreter is abandoned.
func (c *capture) detach() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.detached = true
}
