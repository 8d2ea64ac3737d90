package session

import (
	"sync"
	"sync/atomic"
	"time"
)

// monitorPeriod bounds how long the runtime's monitor thread sleeps while
// sockets are read raw.
const monitorPeriod = 10 * time.Millisecond

// monitor is a timer kept due within monitorPeriod for as long as sockets
// are read, one per process (as sysmon is).
//
// sysmon, when it finds the process idle, sleeps until the earliest timer
// then due, or until a system call made through package syscall wakes it.
// Invariant: while monitor's timer is due, sysmon is awake or sleeps no
// later than the timer. It holds because the timer is armed (touch) only
// right after a read, and a read finding the timer not due is an ordinary
// system call, which wakes a sleeping sysmon; pushing the timer later
// cannot break it (sysmon wakes at the older time and reads the new one).
// So a raw read never leaves sysmon asleep for longer than monitorPeriod,
// and a goroutine that then runs long is preempted within monitorPeriod
// plus Go's own 10 ms. The timer is pushed back at most every
// monitorPeriod/2 (one timer update per 5 ms of traffic) and fires once,
// 5–10 ms after the last read. It is an AfterFunc timer because those
// stay in the runtime's timer heap, which sysmon reads (a channel timer
// leaves it while nobody waits on its channel); its func does nothing.
var monitor monitorTimer

type monitorTimer struct {
	due atomic.Int64 // UnixNano when the timer fires; 0 before first use
	mu  sync.Mutex   // protects t, and serialises pushing it back
	t   *time.Timer
}

// watching reports whether the timer is due: then the monitor thread
// sleeps no longer than until it fires.
func (m *monitorTimer) watching() bool {
	return time.Now().UnixNano() < m.due.Load()
}

// touch pushes the timer back to monitorPeriod from now, unless it is
// still more than half a period away. Safe for concurrent use; one
// atomic load when nothing is to be done.
func (m *monitorTimer) touch() {
	now := time.Now().UnixNano()
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
