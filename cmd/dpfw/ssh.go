package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dpfw/dpfw/cmd/internal/cmdline"
	"github.com/dpfw/dpfw/master"
)

// sshHost is one host of -ssh: "[user@]host[:N]", N engines (0: the
// slave's default, one per CPU there).
type sshHost struct {
	dest    string // what ssh is given: [user@]host
	engines int
}

// parseSSH reads the -ssh list, "host1,user@host2:4".
func parseSSH(list string) ([]sshHost, error) {
	var hosts []sshHost
	for _, h := range strings.Split(list, ",") {
		h = strings.TrimSpace(h)
		var n int
		if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.HasSuffix(h, "]") {
			var err error
			if n, err = strconv.Atoi(h[i+1:]); err != nil || n < 1 {
				return nil, fmt.Errorf("-ssh %q: want HOST or HOST:ENGINES", h)
			}
			h = h[:i]
		}
		h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
		if h == "" || strings.HasPrefix(h, "-") {
			return nil, fmt.Errorf("-ssh: bad host %q", h)
		}
		hosts = append(hosts, sshHost{dest: h, engines: n})
	}
	return hosts, nil
}

// sshLaunch starts `slave connect` on remote hosts over ssh and keeps it
// running until Stop:
//
//   - Without -listen, dpfw listens on a loopback port only, and each
//     ssh session forwards a port on its host's loopback back to it
//     (ssh -R 0:…), so the slaves reach the master through ssh, and
//     nothing listens beyond loopback on either side. With -listen, the
//     slaves dial that address directly.
//   - The token, and the address to dial, reach the remote shell on its
//     standard input, never on a command line (which other users of the
//     host could read); the slave gets the token in its environment.
//   - The remote shell stops the slave when its standard input closes:
//     when dpfw stops it, exits or dies, or the ssh connection drops.
//   - The slaves' logs, and ssh's own, are streamed to dpfw's log with a
//     "[host]" prefix.
//   - A session that ends while dpfw runs is started again, after 1 s
//     doubling to 1 min.
type sshLaunch struct {
	ssh    []string // the ssh command and its options (-ssh-command)
	slave  string   // the slave binary on the remote hosts (-ssh-slave)
	token  string
	target string // the address the slaves dial; "" with the tunnel
	lport  string // the local port the tunnel leads to
	log    io.Writer

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // one per host
}

// startSSH starts a slave node on every -ssh host.
func (c *cli) startSSH(ctx context.Context, token, listenAddr string) error {
	hosts, err := parseSSH(c.opts.ssh)
	if err != nil {
		return err
	}
	l := &sshLaunch{ssh: strings.Fields(c.opts.sshCommand), slave: c.opts.sshSlave, token: token, log: c.logw}
	if len(l.ssh) == 0 {
		return errors.New("-ssh-command is empty")
	}
	if listenAddr != "" {
		l.target = cmdline.ReachableAddr(listenAddr)
	} else {
		ln, err := master.Listen("127.0.0.1:0")
		if err != nil {
			return err
		}
		go c.m.Serve(ctx, ln) // ends when the master closes
		_, l.lport, _ = net.SplitHostPort(ln.Addr().String())
	}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	for _, h := range hosts {
		l.wg.Go(func() { l.keep(h) })
	}
	c.ssh = l
	return nil
}

// Stop ends every ssh session (the remote slaves stop with them) and
// waits for them. It is idempotent.
func (l *sshLaunch) Stop() {
	l.cancel()
	l.wg.Wait()
}

// keep runs the session for h until Stop, starting it again when it ends.
func (l *sshLaunch) keep(h sshHost) {
	wait := time.Second
	for {
		start := time.Now()
		err := l.run(h)
		if l.ctx.Err() != nil {
			return
		}
		if time.Since(start) > time.Minute {
			wait = time.Second
		}
		fmt.Fprintf(l.log, "[%s] dpfw: ssh session ended (%v); starting it again in %s\n", h.dest, err, wait)
		select {
		case <-time.After(wait):
		case <-l.ctx.Done():
			return
		}
		wait = min(2*wait, time.Minute)
	}
}

// allocatedRE is ssh's report of the port sshd picked for "-R 0:…".
var allocatedRE = regexp.MustCompile(`^Allocated port (\d+) for remote forward`)

// sshStopGrace is how long a session may take to end after its stdin
// closed (the remote slave stopping) before ssh is killed.
const sshStopGrace = 10 * time.Second

// run is one ssh session on h: it lasts until the session ends or Stop.
func (l *sshLaunch) run(h sshHost) error {
	args := append(l.ssh[1:], "-T", "-o", "BatchMode=yes", "-o", "ServerAliveInterval=15")
	if l.target == "" {
		args = append(args, "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:"+l.lport)
	}
	args = append(args, h.dest, l.remoteScript(h))
	cmd := exec.Command(l.ssh[0], args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = w, w
	err = cmd.Start()
	w.Close()
	if err != nil {
		r.Close()
		return err
	}
	port := make(chan string, 1)
	streamed := make(chan struct{})
	go func() { // ends when ssh and the remote side have closed their output
		defer close(streamed)
		defer r.Close()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if m := allocatedRE.FindStringSubmatch(sc.Text()); m != nil && l.target == "" {
				select {
				case port <- m[1]:
				default:
				}
			}
			fmt.Fprintf(l.log, "[%s] %s\n", h.dest, sc.Text())
		}
	}()
	exited := make(chan error, 1)
	go func() {
		<-streamed
		exited <- cmd.Wait()
	}()

	target := l.target
	if target == "" {
		select {
		case p := <-port:
			target = net.JoinHostPort("127.0.0.1", p)
		case err := <-exited:
			return fmt.Errorf("ssh ended before forwarding a port: %w", err)
		case <-l.ctx.Done():
			return l.stop(cmd, stdin, exited)
		}
	}
	if _, err := fmt.Fprintf(stdin, "%s\n%s\n", l.token, target); err != nil {
		return l.stop(cmd, stdin, exited)
	}
	select {
	case err := <-exited:
		return err
	case <-l.ctx.Done():
		return l.stop(cmd, stdin, exited)
	}
}

// stop closes the session's stdin, which stops the remote slave and so
// the session, and kills ssh if it has not ended within sshStopGrace.
func (l *sshLaunch) stop(cmd *exec.Cmd, stdin io.Closer, exited <-chan error) error {
	stdin.Close()
	select {
	case err := <-exited:
		return err
	case <-time.After(sshStopGrace):
		cmd.Process.Kill()
		return <-exited
	}
}

// remoteScript is the POSIX shell command run on h: it reads the token
// and the address from stdin, runs the slave with the token in its
// environment, and stops it when stdin closes (fd 3 keeps stdin for the
// watcher: a background job's own stdin is /dev/null).
func (l *sshLaunch) remoteScript(h sshHost) string {
	n := ""
	if h.engines > 0 {
		n = fmt.Sprintf(" -n %d", h.engines)
	}
	return strings.Join([]string{
		`IFS= read -r DPFW_TOKEN && IFS= read -r addr || exit 1`,
		`export DPFW_TOKEN`,
		`s=` + shellQuote(l.slave) + `; command -v "$s" >/dev/null 2>&1 || s="$HOME/go/bin/slave"`,
		`exec 3<&0`,
		`"$s" connect "$addr"` + n + ` -name ` + shellQuote(h.dest) + ` </dev/null & p=$!`,
		`(cat <&3 >/dev/null 2>&1; kill -TERM $p 2>/dev/null) >/dev/null 2>&1 </dev/null &`,
		`exec 3<&-`,
		`wait $p`,
	}, "\n")
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
