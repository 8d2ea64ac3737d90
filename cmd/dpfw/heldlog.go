package main

import (
	"bytes"
	"fmt"
	"io"
	"sync"
)

// maxHeld bounds what heldWriter keeps while the prompt is shown; the
// oldest lines go first.
const maxHeld = 64 << 10

// heldWriter is where dpfw's log lines and its local slaves' output go.
// It passes writes through, except while the REPL reads a line: liner
// owns the terminal line then, and a log line written under it would be
// printed over what the user is typing. So while the prompt is shown it
// keeps what is written, and writes it out once the user has entered the
// line, before the entry runs: a slave that joins, leaves or is refused
// for a wrong token is reported between two entries, never in the middle
// of one being typed.
type heldWriter struct {
	mu      sync.Mutex // protects the fields below and orders writes to w
	w       io.Writer
	hold    bool
	held    []byte
	dropped int // lines dropped from held for want of room
}

func (h *heldWriter) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.hold {
		return h.w.Write(p)
	}
	h.held = append(h.held, p...)
	for len(h.held) > maxHeld {
		i := bytes.IndexByte(h.held, '\n')
		if i < 0 {
			i = len(h.held) - maxHeld - 1
		}
		h.held = h.held[i+1:]
		h.dropped++
	}
	return len(p), nil
}

// Hold starts keeping what is written.
func (h *heldWriter) Hold() {
	h.mu.Lock()
	h.hold = true
	h.mu.Unlock()
}

// Release writes out what was kept and passes writes through again.
func (h *heldWriter) Release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.dropped > 0 {
		fmt.Fprintf(h.w, "dpfw: %d log line(s) dropped while at the prompt\n", h.dropped)
	}
	h.w.Write(h.held)
	h.held, h.dropped, h.hold = nil, 0, false
}
