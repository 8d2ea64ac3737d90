package master_test

import (
	"context"
	"flag"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
	"github.com/dpfw/dpfw/slave/slavetest"
)

var scaleFlag = flag.String("scale", "10,100", "comma-separated numbers of light slave nodes for TestScale (make bench runs 1000 in cmd/dpfw-bench)")

// TestScale connects many light slave nodes (real sessions over
// loopback, each redialing like slave.Node.Reconnect), with two real
// slave nodes among them, to one master; runs tasks on all of them; then
// restarts the master on the same address and checks that every node
// rejoins and runs tasks again. Speed is measured by make bench, not
// here.
func TestScale(t *testing.T) {
	for _, f := range strings.Split(*scaleFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			t.Fatalf("-scale %q: %v", *scaleFlag, err)
		}
		t.Run(fmt.Sprint(n), func(t *testing.T) { testScale(t, n) })
	}
}

func testScale(t *testing.T, n int) {
	ctx := ctxT(t)
	cfg := session.Config{Token: token, Logger: quiet}
	ln, err := session.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	m := serveMaster(t, ln)

	swarm := slavetest.StartSwarm(addr, n, cfg)
	defer swarm.Close()
	const real = 2
	for range real {
		node, err := slave.New(slave.Config{Engines: 1, Session: cfg, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { node.Reconnect(rctx, addr); close(done) }()
		defer func() { cancel(); node.Close(); <-done }()
	}
	runEverywhere(t, ctx, m, n+real)

	// Restart the master on the same address: every node redials it.
	m.Close()
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	m = serveMaster(t, ln)
	runEverywhere(t, ctx, m, n+real)
	if got := swarm.Sessions.Load(); got != int64(2*n) {
		t.Errorf("the light nodes made %d sessions, want %d (one to each master)", got, 2*n)
	}
}

// serveMaster runs a master that accepts slaves on ln.
func serveMaster(t *testing.T, ln net.Listener) *master.Master {
	m := newMaster(t)
	done := make(chan struct{})
	go func() { m.Serve(context.Background(), ln); close(done) }()
	t.Cleanup(func() { m.Close(); <-done })
	return m
}

// runEverywhere waits for want slaves and runs 3 tasks per slave, every
// result checked.
func runEverywhere(t *testing.T, ctx context.Context, m *master.Master, want int) {
	t.Helper()
	if err := m.WaitSlaves(ctx, want); err != nil {
		t.Fatal(err)
	}
	tasks := make([]master.Task, 3*want)
	for i := range tasks {
		tasks[i] = master.Task{Src: fmt.Sprintf("%d + %d", i, i)}
	}
	results, err := m.Parallel(ctx, tasks...)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i, r := range results {
		if r.Value != int64(2*i) {
			t.Fatalf("task %d gave %v on %s", i, r.Value, r.Slave)
		}
		seen[r.Slave] = true
	}
	if len(seen) < 2 {
		t.Errorf("%d tasks ran on %d slaves only", len(tasks), len(seen))
	}
}
