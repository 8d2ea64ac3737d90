package session

import (
	"net"
	"sync"
	"time"
)

// logEvery is how often a failing peer may add a line to the log: a
// slave with the wrong token that redials, or a master that keeps
// dialing with one, costs one line a minute, not one per attempt.
const logEvery = time.Minute

// logLimit lets one log line per key (a peer's host) through every
// logEvery and counts the lines it held back in between. Accept and
// Redial each keep one for the handshakes they run.
type logLimit struct {
	mu   sync.Mutex // protects seen
	seen map[string]*limitEntry
}

type limitEntry struct {
	last time.Time // when a line was last let through
	held int       // lines held back since
}

func newLogLimit() *logLimit { return &logLimit{seen: map[string]*limitEntry{}} }

// allow reports whether a line about key may be logged at now and, if
// so, how many were held back since the previous one.
func (l *logLimit) allow(key string, now time.Time) (ok bool, held int) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.seen[key]
	if e != nil && now.Sub(e.last) < logEvery {
		e.held++
		return false, 0
	}
	if e == nil {
		if len(l.seen) >= 1024 { // many peers: forget the quiet ones
			for k, old := range l.seen {
				if now.Sub(old.last) >= logEvery {
					delete(l.seen, k)
				}
			}
		}
		e = &limitEntry{}
		l.seen[key] = e
	}
	held, e.last, e.held = e.held, now, 0
	return true, held
}

// peerKey is the host of addr: a peer redials from a new port each time.
func peerKey(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}
