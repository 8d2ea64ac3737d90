package master_test

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

// fakeDNS is a Resolver whose answers the test changes, as scaling a
// Deployment changes a headless Service's records.
type fakeDNS struct {
	mu      sync.Mutex
	records map[string][]string
	asked   chan string
}

func (r *fakeDNS) LookupHost(ctx context.Context, host string) ([]string, error) {
	r.mu.Lock()
	addrs, ok := r.records[host]
	r.mu.Unlock()
	select {
	case r.asked <- host:
	default:
	}
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	return slices.Clone(addrs), nil
}

func (r *fakeDNS) set(host string, addrs ...string) {
	r.mu.Lock()
	r.records[host] = addrs
	r.mu.Unlock()
}

// serveOn runs a one-engine slave server on ip:port, as one pod of a
// Deployment would on its own IP; it returns a stop func.
func serveOn(t *testing.T, ip string, port int) (stop func()) {
	t.Helper()
	s, err := slave.New(slave.Config{Engines: 1, Name: ip, Session: session.Config{Token: token}, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, fmt.Sprint(port)))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { s.Serve(context.Background(), ln); close(done) }()
	stop = sync.OnceFunc(func() { ln.Close(); s.Close(); <-done })
	t.Cleanup(stop)
	return stop
}

// names returns the Name of every connected slave process, sorted.
func names(m *master.Master) []string {
	var out []string
	for _, s := range m.Slaves() {
		out = append(out, s.Info().Peer.Name)
	}
	slices.Sort(out)
	return out
}

// waitNames waits until the connected slaves are exactly want.
func waitNames(t *testing.T, m *master.Master, want ...string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !slices.Equal(names(m), want) {
		if time.Now().After(deadline) {
			t.Fatalf("slaves %v, want %v", names(m), want)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		m.WaitSlaves(ctx, len(want)+1) // returns on any change, or after 100ms
		cancel()
	}
}

// TestDialDNS: a dns: target dials every address of the name, dials the
// addresses added later, stops redialing the removed ones, and picks up
// a name that did not resolve at first. Each "pod" is a slave server on
// its own loopback address with the same port, as in a headless Service.
func TestDialDNS(t *testing.T) {
	probe, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2 on this machine: %v", err)
	}
	port := probe.Addr().(*net.TCPAddr).Port
	probe.Close()

	stop2 := serveOn(t, "127.0.0.2", port)
	serveOn(t, "127.0.0.3", port)
	serveOn(t, "127.0.0.4", port)

	dns := &fakeDNS{records: map[string][]string{}, asked: make(chan string, 100)}
	dns.set("slaves.ns.svc", "127.0.0.2", "127.0.0.3")
	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet,
		Resolver: dns, ResolveEvery: 50 * time.Millisecond})
	defer m.Close()

	added, err := m.Dial(ctxT(t), fmt.Sprintf("dns:slaves.ns.svc:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != 2 {
		t.Fatalf("Dial returned %d slaves, want the 2 the name resolved to", len(added))
	}
	waitNames(t, m, "127.0.0.2", "127.0.0.3")

	// Scale up: a third address appears.
	dns.set("slaves.ns.svc", "127.0.0.2", "127.0.0.3", "127.0.0.4")
	waitNames(t, m, "127.0.0.2", "127.0.0.3", "127.0.0.4")
	res, err := m.Parallel(ctxT(t), master.Task{Src: "1"}, master.Task{Src: "2"}, master.Task{Src: "3"})
	if err != nil || len(res) != 3 {
		t.Fatalf("Parallel over the discovered slaves: %v %v", res, err)
	}

	// Scale down: 127.0.0.2 leaves the name, then its pod goes away. It
	// must not be redialed: a server started at that address again stays
	// unknown to the master.
	dns.set("slaves.ns.svc", "127.0.0.3", "127.0.0.4")
	drain(dns.asked)
	<-dns.asked // a resolution after the change...
	<-dns.asked // ...and one after that one's update
	stop2()
	waitNames(t, m, "127.0.0.3", "127.0.0.4")
	serveOn(t, "127.0.0.2", port)
	drain(dns.asked)
	<-dns.asked
	<-dns.asked
	if got := names(m); !slices.Equal(got, []string{"127.0.0.3", "127.0.0.4"}) {
		t.Fatalf("after the address left the name: slaves %v", got)
	}
}

// TestDialDNSNotYet: a name with no addresses yet (no pod is ready) is
// not an error; its slaves are dialed once they appear.
func TestDialDNSNotYet(t *testing.T) {
	dns := &fakeDNS{records: map[string][]string{}, asked: make(chan string, 100)}
	m := master.New(master.Config{Session: session.Config{Token: token}, Logger: quiet,
		Resolver: dns, ResolveEvery: 50 * time.Millisecond})
	defer m.Close()
	_, addr := startSlave(t, 2)
	host, port, _ := net.SplitHostPort(addr)
	added, err := m.Dial(ctxT(t), "dns:later.example:"+port)
	if err != nil || len(added) != 0 {
		t.Fatalf("Dial of a name that does not resolve yet: %v, %v", added, err)
	}
	dns.set("later.example", host)
	if err := m.WaitSlaves(ctxT(t), 2); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Dial(ctxT(t), "dns:no-port"); err == nil {
		t.Fatal("dns: without a port was accepted")
	}
}

func drain(c chan string) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}
