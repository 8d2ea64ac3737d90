package master

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dpfw/dpfw/session"
)

// DNSPrefix marks a Dial target that names every slave server behind a
// DNS name ("dns:slaves.ns.svc:10000"), such as a Kubernetes headless
// Service.
const DNSPrefix = "dns:"

// Resolver looks up the addresses of a host name. *net.Resolver is one;
// tests and programs with their own service discovery provide others.
type Resolver interface {
	LookupHost(ctx context.Context, host string) (addrs []string, err error)
}

// discovery keeps the Master dialed to every address a DNS name resolves
// to: it resolves the name every Config.ResolveEvery, dials the addresses
// that appeared, and stops redialing those that went away.
type discovery struct {
	m          *Master
	host, port string
	// first is closed once the first round of dials has been tried.
	first chan struct{}

	mu      sync.Mutex                    // protects members
	members map[string]context.CancelFunc // address -> stops its dial loop
}

// dialDNS is Dial for a "dns:" target: it starts the discovery of host
// and returns the slaves of the first round. It fails only if target is
// malformed or ctx ends first; a name that does not resolve yet (no
// slave is ready) is logged and resolved again later.
func (m *Master) dialDNS(ctx context.Context, target string) ([]*Slave, error) {
	host, port, err := net.SplitHostPort(strings.TrimPrefix(target, DNSPrefix))
	if err != nil || host == "" || port == "" {
		return nil, fmt.Errorf("master: dial %s: want dns:NAME:PORT", target)
	}
	d := &discovery{m: m, host: host, port: port, first: make(chan struct{}), members: map[string]context.CancelFunc{}}
	before := len(m.Slaves())
	if !m.spawn(d.loop) {
		return nil, ErrClosed
	}
	select {
	case <-d.first:
	case <-ctx.Done():
		return nil, fmt.Errorf("master: dial %s: %w", target, ctx.Err())
	}
	return m.Slaves()[min(before, len(m.Slaves())):], nil
}

// loop resolves the name until the Master closes.
func (d *discovery) loop() {
	// A child of the Master's own context: Close cancels it, and every
	// member's, before it closes the sessions, so that no member starts
	// a dial that Close would cut off in the middle of its handshake.
	ctx, cancel := context.WithCancel(d.m.ctx)
	defer cancel()
	defer d.stopAll()
	tick := time.NewTicker(d.m.cfg.ResolveEvery)
	defer tick.Stop()
	var lastErr string
	for first := true; ; first = false {
		addrs, err := d.resolve(ctx)
		if err != nil && err.Error() != lastErr && ctx.Err() == nil {
			d.m.log.Warn("cannot resolve slaves; trying again", "name", d.host, "every", d.m.cfg.ResolveEvery, "err", err)
		}
		lastErr = ""
		if err != nil {
			lastErr = err.Error()
		} else {
			d.update(ctx, addrs, first)
		}
		if first {
			close(d.first)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return
		}
	}
}

// resolve returns the name's addresses, sorted, with the port.
func (d *discovery) resolve(ctx context.Context) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, d.m.cfg.ResolveEvery)
	defer cancel()
	hosts, err := d.m.cfg.Resolver.LookupHost(ctx, d.host)
	if err != nil {
		return nil, err
	}
	addrs := make([]string, 0, len(hosts))
	for _, h := range hosts {
		addrs = append(addrs, net.JoinHostPort(h, d.port))
	}
	slices.Sort(addrs)
	return slices.Compact(addrs), nil
}

// update starts a dial loop for every new address and stops those of
// addresses no longer listed. A connection to a removed address is left
// alone: the slave may still be running tasks, and the connection ends
// when it goes. In the first round it waits for the new addresses' first
// dial, so that Dial returns with the slaves that were reachable.
func (d *discovery) update(ctx context.Context, addrs []string, wait bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for addr, stop := range d.members {
		if !slices.Contains(addrs, addr) {
			d.m.log.Info("slave address left the name; not redialing it", "name", d.host, "addr", addr)
			stop()
			delete(d.members, addr)
		}
	}
	var tried sync.WaitGroup
	for _, addr := range addrs {
		if d.members[addr] != nil {
			continue
		}
		mctx, stop := context.WithCancel(ctx)
		d.members[addr] = stop
		tried.Add(1)
		if !d.m.spawn(func() { d.member(mctx, addr, tried.Done) }) {
			tried.Done()
		}
	}
	if wait {
		tried.Wait()
	}
}

// member dials addr once, calls tried, and then keeps addr dialed until
// ctx is done (the address left the name) or the Master closes.
func (d *discovery) member(ctx context.Context, addr string, tried func()) {
	sess, err := session.Dial(ctx, addr, d.m.cfg.Session, d.m.self)
	if err == nil {
		if _, err = d.m.add(sess, addr); err != nil {
			sess = nil
		}
	}
	if err != nil {
		d.m.log.Info("dial failed; retrying", "addr", addr, "err", err)
	}
	tried()
	d.m.keep(ctx, addr, sess)
}

func (d *discovery) stopAll() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, stop := range d.members {
		stop()
	}
	clear(d.members)
}
