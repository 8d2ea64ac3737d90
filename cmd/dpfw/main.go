// Command dpfw is the dpfw master: a REPL (or a one-shot runner) that
// sends Go snippets to slaves.
//
// Usage:
//
//	dpfw [flags]              REPL; with no -dial/-listen, on local slaves
//	dpfw [flags] -e SRC       run SRC on one slave, print its value, exit
//	dpfw [flags] FILE.go      run the file on one slave, exit (with its os.Exit status)
//	dpfw -dial A -e SRC -detach   run SRC as a detached job, print its handle, exit
//	dpfw job [-status] HANDLE     wait for a detached job (or, -status, say where it is)
//	... | dpfw [flags]        run the snippets read from stdin, exit
//
// Flags:
//
//	-local N        spawn N local slave processes (default: one per CPU when
//	                neither -dial nor -listen is given, else 0)
//	-dial A,B       connect to slave servers (dpfw-master-client)
//	-listen ADDR    accept slaves that run "slave connect" (dpfw-master-server)
//	-e SRC          run SRC and exit
//	-wait N         slaves to wait for before running -e, a file or stdin (default 1)
//	-wait-timeout D how long to wait for them (default 30s)
//	-timeout D      bound on each task (default: none)
//	-fallback D     run tasks in this process (one engine) when no slave
//	                has joined within D (default: off); :slaves shows it
//	                as local1, joined "local"
//	-fresh          run -e or the file on a reset engine: nothing that
//	                earlier tasks declared on that slave is visible
//	-native DIR     build the Go package in DIR (or a .go file) on every
//	                slave node before anything runs; repeatable (see :native)
//	-token T        cluster token (else $DPFW_TOKEN, else the user's token file)
//	-tls-cert F, -tls-key F, -tls-ca F
//	                TLS under the token handshake (else $DPFW_TLS_CERT,
//	                $DPFW_TLS_KEY, $DPFW_TLS_CA); with a CA, certificates are
//	                mutual
//	-http ADDR      serve the dashboard, metrics and JSON API on ADDR (a
//	                bare port is 127.0.0.1:PORT; beyond loopback the cluster
//	                token is required)
//	-http-tls-cert F, -http-tls-key F
//	                serve them over HTTPS (default: -tls-cert, -tls-key)
//	-v, -log-level L, -log-format F
//	                log connection events (debug), at level L, as text or json
//
// The REPL runs each input on one idle slave and prints its value, its
// output, which slave ran it and how long it took; :help lists commands.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/dpfw/dpfw/cmd/internal/buildinfo"
	"github.com/dpfw/dpfw/cmd/internal/cmdline"
	"github.com/dpfw/dpfw/eval"
	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/session/webauth"
	"github.com/dpfw/dpfw/slave/supervise"
)

// options are the parsed command line.
type options struct {
	local       int
	dial        []string
	listen      string
	expr        string
	exprSet     bool
	file        string
	wait        int
	waitTimeout time.Duration
	fallback    time.Duration
	timeout     time.Duration
	fresh       bool
	token       string
	tls         tlsFiles
	log         *cmdline.Log
	http        string
	httpTLS     tlsFiles // cert and key for -http
	// resolveEvery is how often dns: targets are resolved again.
	resolveEvery time.Duration
	// ssh lists the hosts to start slaves on (-ssh), with the ssh command
	// and the remote slave binary.
	ssh, sshCommand, sshSlave string
	// command is a subcommand ("version", "token") and its arguments.
	command     string
	commandArgs []string
	native      nativeFlag
	// detach submits -e or the file as a detached job (-detach); status
	// makes `dpfw job` report without waiting (-status).
	detach, status bool
}

func main() {
	if addr := os.Getenv(childEnv); addr != "" {
		os.Exit(runChild(addr))
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("dpfw", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.local, "local", -1, "spawn `N` local slave processes; default one per CPU without -dial, -listen or -ssh")
	dial := fs.String("dial", "", "dial the slave servers at `ADDRS` (comma-separated HOST:PORT or dns:NAME:PORT)")
	fs.StringVar(&o.listen, "listen", "", "accept slaves (slave connect) on `ADDR`; a bare PORT is 127.0.0.1:PORT")
	fs.StringVar(&o.expr, "e", "", "run the snippet `SRC` and exit")
	fs.IntVar(&o.wait, "wait", 1, "`N` slaves to wait for before running -e, a file or stdin (1)")
	fs.DurationVar(&o.waitTimeout, "wait-timeout", 30*time.Second, "how long `D` to wait for -wait slaves (30s)")
	fs.DurationVar(&o.fallback, "fallback", 0, "run tasks in this process when no slave has joined within `D` (off)")
	fs.DurationVar(&o.timeout, "timeout", 0, "bound `D` on each task (none)")
	fs.DurationVar(&o.resolveEvery, "resolve-every", 10*time.Second, "how often `D` to resolve dns: addresses again (10s)")
	fs.StringVar(&o.ssh, "ssh", "", "start `HOSTS` slaves over ssh: comma-separated [user@]host[:ENGINES]")
	fs.StringVar(&o.sshCommand, "ssh-command", "ssh", "the ssh `COMMAND` and its options, e.g. \"ssh -F cfg\" (ssh)")
	fs.StringVar(&o.sshSlave, "ssh-slave", "slave", "the slave `BINARY` on the ssh hosts; if not on PATH, ~/go/bin/slave (slave)")
	fs.StringVar(&o.token, "token", "", "cluster `TOKEN`; default $DPFW_TOKEN, else the token file")
	fs.BoolVar(&o.fresh, "fresh", false, "run -e or the file on a reset engine (nothing earlier tasks declared is visible)")
	fs.BoolVar(&o.detach, "detach", false, "submit -e or the file as a detached job: print its handle and exit (needs -dial or -listen)")
	fs.BoolVar(&o.status, "status", false, "dpfw job: print where the job is, without waiting")
	fs.Var(&o.native, "native", "build the Go package in `DIR` (or a .go file) on every slave node first; repeatable")
	o.log = cmdline.LogFlags(fs, "warn")
	fs.StringVar(&o.http, "http", "", "serve the dashboard, /metrics and the JSON API on `ADDR`; beyond loopback they need the token")
	fs.StringVar(&o.httpTLS.cert, "http-tls-cert", "", "serve -http over HTTPS with this certificate `FILE`; -tls-cert when not given")
	fs.StringVar(&o.httpTLS.key, "http-tls-key", "", "... and this key `FILE`; -tls-key when not given")
	fs.StringVar(&o.tls.cert, "tls-cert", os.Getenv("DPFW_TLS_CERT"), "TLS certificate `FILE` (PEM); default $DPFW_TLS_CERT")
	fs.StringVar(&o.tls.key, "tls-key", os.Getenv("DPFW_TLS_KEY"), "TLS private key `FILE` (PEM); default $DPFW_TLS_KEY")
	fs.StringVar(&o.tls.ca, "tls-ca", os.Getenv("DPFW_TLS_CA"), "CA bundle `FILE` that peers' certificates must chain to; default $DPFW_TLS_CA")
	fs.Usage = cmdline.Usage(fs, stderr,
		"dpfw [flags]               the REPL; without -dial, -listen or -ssh, on local slaves",
		"dpfw [flags] -e SRC        run SRC on one slave, print its value, exit",
		"dpfw [flags] FILE.go       run the file on one slave, exit",
		"... | dpfw [flags]         run the snippets read from stdin, exit",
		"dpfw [flags] -e SRC -detach  run SRC as a detached job on a -dial'ed slave node, print its handle, exit",
		"dpfw job [-status] HANDLE  wait for a detached job and print its output and value (-status: where it is, no wait)",
		"dpfw token [new | set]     print this user's cluster token, make a new one, or store one read from stdin",
		"dpfw version               print the version")
	pos, err := cmdline.Parse(fs, args)
	if err != nil {
		return o, err
	}
	fs.Visit(func(f *flag.Flag) { o.exprSet = o.exprSet || f.Name == "e" })
	if err := o.log.Check(); err != nil {
		return o, err
	}
	if *dial != "" {
		o.dial = strings.Split(*dial, ",")
	}
	o.listen = cmdline.Addr(o.listen)
	o.http = cmdline.Addr(o.http)
	if o.httpTLS == (tlsFiles{}) {
		o.httpTLS = tlsFiles{cert: o.tls.cert, key: o.tls.key}
	}
	if len(pos) > 0 && (pos[0] == "version" || pos[0] == "token" || pos[0] == "job") {
		o.command, o.commandArgs = pos[0], pos[1:]
		if o.command == "job" && o.local < 0 {
			o.local = 0 // it asks a node, it runs nothing
		}
		return o, nil
	}
	if o.status {
		return o, errors.New("-status applies to dpfw job")
	}
	if len(pos) > 1 {
		return o, errors.New("at most one script file")
	}
	if len(pos) == 1 {
		o.file = pos[0]
	}
	if o.fresh && !o.exprSet && o.file == "" {
		return o, errors.New("-fresh applies to -e or a file")
	}
	if o.detach && !o.exprSet && o.file == "" {
		return o, errors.New("-detach applies to -e or a file")
	}
	if o.local < 0 {
		o.local = 0
		if len(o.dial) == 0 && o.listen == "" && o.ssh == "" {
			o.local = runtime.NumCPU()
		}
	}
	if o.detach && o.local > 0 {
		return o, errDetachLocal
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "dpfw:", err)
		return 2
	}
	switch o.command {
	case "version":
		fmt.Fprintln(stdout, buildinfo.Read().Line("dpfw", master.Version))
		return 0
	case "token":
		return tokenCommand(o, stdin, stdout, stderr)
	}
	tok, src, err := session.LoadToken(o.token)
	if err != nil {
		fmt.Fprintln(stderr, "dpfw:", err)
		return 1
	}
	if path, ok := strings.CutPrefix(src, "new file "); ok {
		fmt.Fprintf(stderr, "dpfw: created a new cluster token in %s\n", path)
	}
	scfg := session.Config{Token: tok}
	if scfg.TLS, err = o.tls.load(); err != nil {
		fmt.Fprintln(stderr, "dpfw:", err)
		return 1
	}
	// The console draws task output, the status line (progress bars)
	// and log lines without tearing one another; logs and the local
	// slaves' output are also held while the REPL's prompt is shown
	// (heldWriter).
	con := newConsole(stdout, stderr, isTerminal(stdout))
	logw := &heldWriter{w: con.async()}
	log := o.log.Logger(logw)
	mcfg := master.Config{Session: scfg, Logger: log, ResolveEvery: o.resolveEvery}
	if o.fallback > 0 {
		mcfg.LocalFallback, mcfg.FallbackAfter = localFallback(scfg, log), o.fallback
	}
	c := &cli{m: master.New(mcfg), log: log, logw: logw, opts: o, con: con, out: con, errw: con.stderr(), note: con}
	defer c.stopLocal() // closes the master too
	if err := c.connect(ctx, tok, tokenShown(tok, src)); err != nil {
		fmt.Fprintln(stderr, "dpfw:", err)
		return 1
	}
	if o.command == "job" {
		return c.jobCommand(ctx)
	}
	if err := c.serveWeb(ctx); err != nil {
		fmt.Fprintln(stderr, "dpfw:", err)
		return 1
	}
	return c.main(ctx, stdin)
}

// serveWeb starts -http: the dashboard, /metrics and the JSON API.
func (c *cli) serveWeb(ctx context.Context) error {
	if c.opts.http == "" {
		return nil
	}
	var tcfg *tls.Config
	if c.opts.httpTLS != (tlsFiles{}) {
		var err error
		if tcfg, err = session.LoadTLS(c.opts.httpTLS.cert, c.opts.httpTLS.key, ""); err != nil {
			return fmt.Errorf("-http TLS: %w", err)
		}
	}
	ln, err := session.Listen(c.opts.http)
	if err != nil {
		return fmt.Errorf("-http: %w", err)
	}
	scheme, note := "http", ""
	if tcfg != nil {
		scheme = "https"
	}
	if !webauth.Loopback(ln.Addr()) {
		note = " (not loopback: every request needs the cluster token, which `dpfw token` prints)"
	}
	fmt.Fprintf(c.errw, "dpfw: dashboard on %s://%s/, metrics at /metrics, JSON API at /api/%s\n", scheme, ln.Addr(), note)
	go c.m.ServeWeb(ctx, ln, tcfg) // ends when the master closes
	return nil
}

// tlsFiles are the -tls-* flags.
type tlsFiles struct{ cert, key, ca string }

// load returns nil (plain TCP) when no file is named.
func (f tlsFiles) load() (*tls.Config, error) {
	if f == (tlsFiles{}) {
		return nil, nil
	}
	return session.LoadTLS(f.cert, f.key, f.ca)
}

// env passes the files on to local slaves.
func (f tlsFiles) env() []string {
	return []string{"DPFW_TLS_CERT=" + f.cert, "DPFW_TLS_KEY=" + f.key, "DPFW_TLS_CA=" + f.ca}
}

// cli is one run of the command: the master, how to reach its slaves,
// and where to print.
type cli struct {
	m           *master.Master
	log         *slog.Logger
	logw        *heldWriter // where log lines go (errw too); held at the prompt
	ssh         *sshLaunch  // the -ssh slaves, if any
	opts        options
	con         *console  // the terminal: out, errw, note and the logs go through it
	out         io.Writer // values and what snippets print
	errw        io.Writer // errors
	note        io.Writer // "# s1 · 47µs" lines: out at the prompt, errw when reading a pipe or file
	localSlaves []*supervise.Supervisor
	failed      bool         // a task failed (exit status 1 when not interactive)
	exitCode    *int         // the status of the last task that called os.Exit or log.Fatal (status)
	last        string       // the slave that ran the previous entry
	local       *eval.Engine // the :local interpreter, once used
	api         *clusterAPI
}

// connect brings up slaves as the flags ask: spawned local ones, dialed
// servers, and a listener for remote ones.
// shown is the token as the join command may print it (tokenShown).
func (c *cli) connect(ctx context.Context, token, shown string) error {
	var listenAddr string
	for _, addr := range c.opts.dial {
		if _, err := c.m.Dial(ctx, strings.TrimSpace(addr)); err != nil {
			return err
		}
	}
	if c.opts.listen != "" {
		ln, err := master.Listen(c.opts.listen)
		if err != nil {
			return err
		}
		go c.m.Serve(ctx, ln) // ends when the master closes
		fmt.Fprintf(c.errw, "dpfw: listening on %s; on each slave node run:\n  %s\n", ln.Addr(), joinCommand(ln.Addr().String(), shown))
		listenAddr = ln.Addr().String()
	}
	if c.opts.ssh != "" {
		if err := c.startSSH(ctx, token, listenAddr); err != nil {
			return err
		}
	}
	if c.opts.local > 0 {
		return c.startLocal(ctx, token)
	}
	return nil
}

func (c *cli) main(ctx context.Context, stdin io.Reader) int {
	interactive := !c.opts.exprSet && c.opts.file == "" && isTerminal(stdin)
	if len(c.opts.native) > 0 {
		if err := c.waitSlaves(ctx); err != nil {
			return c.fatal(err)
		}
		for _, path := range c.opts.native {
			if !c.compileNative(ctx, path) && !interactive {
				return 1
			}
		}
	}
	if interactive {
		c.repl(ctx)
		return 0
	}
	c.note = c.errw // stdout carries only what the snippets produce
	var src []byte
	if c.opts.file != "" && !c.opts.exprSet {
		var err error
		if src, err = os.ReadFile(c.opts.file); err != nil {
			return c.fatal(err)
		}
	}
	if err := c.waitSlaves(ctx); err != nil {
		return c.fatal(err)
	}
	switch {
	case c.opts.detach && c.opts.exprSet:
		c.detach(ctx, master.Task{Src: c.opts.expr, Timeout: c.opts.timeout, Fresh: c.opts.fresh})
	case c.opts.detach:
		script, _ := scriptSource(string(src), true)
		c.detach(ctx, master.Task{Src: script, Timeout: c.opts.timeout, Fresh: c.opts.fresh})
	case c.opts.exprSet:
		c.run(ctx, master.Task{Src: c.opts.expr, Timeout: c.opts.timeout, Fresh: c.opts.fresh}, false)
	case c.opts.file != "":
		script, _ := scriptSource(string(src), true)
		c.run(ctx, master.Task{Src: script, Timeout: c.opts.timeout, Fresh: c.opts.fresh}, false)
	default:
		c.batch(ctx, stdin)
		if c.failed {
			return 1
		}
		return 0
	}
	return c.status()
}

func (c *cli) fatal(err error) int {
	fmt.Fprintln(c.errw, "dpfw:", err)
	return 1
}

// waitSlaves waits for -wait slaves (and for the local ones), bounded by
// -wait-timeout, so one-shot runs fail clearly instead of hanging.
func (c *cli) waitSlaves(ctx context.Context) error {
	n := max(c.opts.wait, c.opts.local)
	ctx, cancel := context.WithTimeout(ctx, c.opts.waitTimeout)
	defer cancel()
	if err := c.m.WaitSlaves(ctx, n); err != nil {
		return fmt.Errorf("no %d slave(s) within %s (-wait, -wait-timeout): %w", n, c.opts.waitTimeout, err)
	}
	return nil
}

func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// scriptMain is what a file's func main is called on the slaves:
// snippets may not define main (their statements are their main).
const scriptMain = "scriptMain"

// scriptSource turns a Go file into a snippet: the package clause goes
// (its line stays, blank, so positions still match the file), and func
// main is renamed scriptMain, and called when callMain is set (as `dpfw
// FILE.go` does; :load only defines it). hasMain reports whether the
// file had a main.
func scriptSource(src string, callMain bool) (out string, hasMain bool) {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "package "):
			lines[i] = ""
		case strings.HasPrefix(l, "func main()"):
			// The line directive puts what follows back in its column.
			lines[i] = fmt.Sprintf("func %s()/*line :%d:%d*/%s", scriptMain, i+1, len("func main()")+1, l[len("func main()"):])
			hasMain = true
		}
	}
	out = strings.Join(lines, "\n")
	if hasMain && callMain {
		out += "\n" + scriptMain + "()"
	}
	return out, hasMain
}

// tokenShown is the token as dpfw may print it: a token read from (or
// put in) this user's token file is printed, so that other nodes can use
// it; one given by -token or $DPFW_TOKEN is not, as it may come from a
// secret store (a Kubernetes Secret) and logs are not the place for it.
func tokenShown(token, source string) string {
	switch source {
	case "flag":
		return "<your -token>"
	case "env":
		return "\"$DPFW_TOKEN\""
	}
	return token
}

// joinCommand is what a remote node runs to join this master. An
// unspecified listen host is replaced by this machine's name.
func joinCommand(addr, token string) string {
	return fmt.Sprintf("DPFW_TOKEN=%s slave connect %s", token, cmdline.ReachableAddr(addr))
}
