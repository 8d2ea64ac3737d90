package session

import (
	"sync"
	"sync/atomic"
	"time"
)

// monitorPeriod bounds how long the runtime's monitor thread sleeps while
// sockets are read and written raw.
const monitorPeriod = 10 * time.Millisecond

// monitor is a timer kept due within monitorPeriod for as long as sockets
// are read or written, one per process (as sysmon is).
//
// sysmon, when it finds the process idle, sleeps until the earliest timer
// then due, or until a system call made through package syscall wakes it.
// A process idle in the network poller that the poller wakes (a socket
// readable, or writable again after a write filled it) does not wake it.
// Invariant: while monitor's timer is due, sysmon is awake or sleeps no
// later than the timer. It holds because the timer is armed (touch) only
// right after a read or a write, and a read or write finding the timer
// not due is an ordinary system call, which wakes a sleeping sysmon;
// pushing the timer later cannot break it (sysmon wakes at the older time
// and reads the new one). So a raw read or write never leaves sysmon
// asleep for longer than monitorPeriod, and a goroutine that then runs
// long is preempted within monitorPeriod plus Go's own 10 ms. The timer
// is pushed back at most every monitorPeriod/2 (one timer update per 5 ms
// of traffic) and fires once, 5–10 ms after the last read or write. It is
// an AfterFunc timer because those stay in the runtime's timer heap,
// which sysmon reads (a channel timer leaves it while nobody waits on its
// channel); its func does nothing. Times are on the monotonic clock, as
// the runtime's timers are: a step of the wall clock must not make the
// timer look due for as long as the step.
var monitor monitorTimer

type monitorTimer struct {
	due atomic.Int64 // monoNow when the timer fires; 0 before first use
	mu  sync.Mutex   // protects t, and serialises pushing it back
	t   *time.Timer
}

// epoch is the origin of monoNow.
var epoch = time.Now()

// monoNow is the monotonic time since epoch, in nanoseconds.
func monoNow() int64 { return int64(time.Since(epoch)) }

// watching reports whether the timer is due: then the monitor thread
// sleeps no longer than until it fires.
func (m *monitorTimer) watching() bool {
	return monoNow() < m.due.Load()
}

// touch pushes the timer back to monitorPeriod from now, unless it is
// still more than half a period away. Safe for concurrent use; one
// atomic load when nothing is to be done.
func (m *monitorTimer) touch() {
	now := monoNow()
	if m.due.Load()-now > int64(monitorPeriod/2) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.due.Load()-now > int64(monitorPeriod/2) {
		return
	}
	if m.t == nil {
		m.t = time.AfterFunc(monitorPeriod, func() {})
	} else {
		m.t.Reset(monitorPeriod)
	}
	m.due.Store(now + int64(monitorPeriod))
}
