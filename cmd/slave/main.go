// Command slave runs dpfw engines for masters to use.
//
// Usage:
//
//	slave [flags] serve ADDR     wait for masters to dial ADDR (dpfw-slave-server)
//	slave [flags] connect ADDR   dial the master at ADDR and serve it (dpfw-slave-client)
//
// ADDR without a host (":10000") means 127.0.0.1: serving beyond loopback
// needs an explicit host such as 0.0.0.0:10000. connect redials with
// exponential backoff whenever the master goes away, until interrupted.
//
// The engines run in a child process (this binary again) under a
// supervisor that does no interpretation (package slave/supervise, which
// states the restart policy): some snippets kill the process that runs
// them and the interpreter cannot stop them (a panic in a goroutine the
// snippet started, a stack overflow, running out of memory). The
// supervisor starts a new child at once, backing off only in a crash
// loop, so the slave stays available; masters see a new process whose
// engines' state is lost. For serve the supervisor owns the listening
// socket and hands it to every child, so the address never changes.
// SIGINT or SIGTERM stops both; a killed supervisor takes its child along.
//
// Flags:
//
//	-n N        engines (interpreters), default: number of CPUs
//	-token T    cluster token (else $DPFW_TOKEN, else the user's token file)
//	-name NAME  label shown by masters
//	-supervise  run the engines in a restarted child process (default true)
//	-sandbox DIR  confine snippets: files (reads and writes) only inside
//	            DIR, no network, processes, syscall, unsafe or reflect
//	            (package eval/sandbox has the whole list); native packages
//	            are refused
//	-native     build the Go packages masters send (Master.Compile, the
//	            REPL's :native) with this node's Go toolchain and load them
//	            (default true; -native=false refuses them)
//	-native-cache DIR   where builds are kept (default: the user cache
//	            directory, dpfw/native)
//	-native-timeout D   bound on one build (5m)
//	-native-loaded N    distinct builds one engine process loads before it
//	            asks for a restart (64)
//	-tls-cert F, -tls-key F, -tls-ca F
//	            TLS under the token handshake (a CA makes certificates
//	            mutual); default $DPFW_TLS_CERT, $DPFW_TLS_KEY, $DPFW_TLS_CA
//	-metrics ADDR  serve Prometheus metrics on ADDR (a bare port is
//	            127.0.0.1:PORT; beyond loopback the cluster token is required)
//	-http-tls-cert F, -http-tls-key F
//	            serve -metrics over HTTPS (default: -tls-cert, -tls-key)
//	-v, -log-level L, -log-format F
//	            log every connection event (debug), at level L, as text or json
//
// Limits (0 keeps the default shown):
//
//	-max-source BYTES     snippet size (1 MiB)
//	-max-result BYTES     result data size (64 MiB)
//	-max-output BYTES     captured stdout+stderr per task (1 MiB)
//	-max-frame BYTES      encoded request or response (64 MiB)
//	-jobs N               detached jobs kept, running and ended (1024)
//	-jobs-bytes BYTES     outcomes of ended detached jobs kept (256 MiB)
//	-jobs-keep D          how long an ended detached job is kept (1h)
//	-max-streams N        tasks in flight per master connection (max(256, 16 per engine))
//	-handshake-timeout D  whole handshake (5s)
//	-keepalive D, -write-timeout D
//	                      a silent peer is dropped after both (1s + 3s)
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"github.com/dpfw/dpfw/cmd/internal/buildinfo"
	"github.com/dpfw/dpfw/cmd/internal/cmdline"
	"github.com/dpfw/dpfw/eval"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
	"github.com/dpfw/dpfw/slave/native"
	"github.com/dpfw/dpfw/slave/supervise"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "slave:", err)
		os.Exit(1)
	}
}

// options are the parsed command line.
type options struct {
	engines   int
	token     string
	name      string
	log       *cmdline.Log
	metrics   string    // -metrics ADDR
	httpTLS   [2]string // cert, key for -metrics
	supervise bool
	mode      string // "serve" or "connect"
	addr      string
	args      []string  // as given, for the supervised child
	tls       [3]string // cert, key, CA files
	eval      eval.Config
	session   session.Config
	native    native.Config
	noNative  bool
	jobs      slave.JobsConfig
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	if len(args) == 1 && args[0] == "version" {
		fmt.Println(buildinfo.Read().Line("slave", slave.Version))
		return nil
	}
	o, err := parse(args, stderr)
	if err != nil {
		return err
	}
	log := o.log.Logger(stderr)
	switch {
	case supervise.IsChild():
		ctx, ln, err := supervise.Child(ctx, log)
		if err != nil {
			return err
		}
		return runEngines(ctx, o, log, ln)
	case o.supervise:
		return superviseEngines(ctx, o, log, stderr)
	default:
		return runEngines(ctx, o, log, nil)
	}
}

func parse(args []string, stderr io.Writer) (options, error) {
	o := options{args: args}
	fs := flag.NewFlagSet("slave", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.engines, "n", 0, "`N` engines (interpreters); default one per CPU")
	fs.StringVar(&o.token, "token", "", "cluster `TOKEN`; default $DPFW_TOKEN, else the token file")
	fs.StringVar(&o.name, "name", "", "`NAME` shown by masters")
	o.log = cmdline.LogFlags(fs, "info")
	fs.StringVar(&o.metrics, "metrics", "", "serve Prometheus metrics on `ADDR`; beyond loopback they need the token")
	fs.StringVar(&o.httpTLS[0], "http-tls-cert", "", "serve -metrics over HTTPS with this certificate `FILE`; -tls-cert when not given")
	fs.StringVar(&o.httpTLS[1], "http-tls-key", "", "... and this key `FILE`; -tls-key when not given")
	fs.BoolVar(&o.supervise, "supervise", true, "run the engines in a child process, restarted when a snippet kills it (on; -supervise=false: off)")
	fs.StringVar(&o.eval.Sandbox, "sandbox", "", "confine snippets: files only inside `DIR`; no network, processes, syscall, unsafe or reflect")
	native := fs.Bool("native", true, "build the Go packages masters send with this node's Go toolchain and load them (on; -native=false: off)")
	fs.StringVar(&o.native.Dir, "native-cache", "", "`DIR` where native builds are kept (the user cache directory, dpfw/native)")
	fs.DurationVar(&o.native.Timeout, "native-timeout", 0, "bound `D` on one native build (5m)")
	fs.IntVar(&o.native.MaxLoaded, "native-loaded", 0, "`N` native builds one engine process loads before it asks for a restart (64)")
	fs.StringVar(&o.tls[0], "tls-cert", os.Getenv("DPFW_TLS_CERT"), "TLS certificate `FILE` (PEM); default $DPFW_TLS_CERT")
	fs.StringVar(&o.tls[1], "tls-key", os.Getenv("DPFW_TLS_KEY"), "TLS private key `FILE` (PEM); default $DPFW_TLS_KEY")
	fs.StringVar(&o.tls[2], "tls-ca", os.Getenv("DPFW_TLS_CA"), "CA bundle `FILE` that peers' certificates must chain to; default $DPFW_TLS_CA")
	fs.BoolVar(&o.eval.NoFrontEnd, "no-front-end", false, "run snippets as written, without the Go front end's type check and lowering (for measuring it: Go fidelity is lost)")
	fs.IntVar(&o.eval.MaxSource, "max-source", 0, "snippet size limit in `BYTES` (1 MiB)")
	fs.IntVar(&o.eval.MaxResult, "max-result", 0, "result data limit in `BYTES` (64 MiB)")
	fs.IntVar(&o.eval.MaxOutput, "max-output", 0, "captured output per task in `BYTES` (1 MiB)")
	fs.IntVar(&o.jobs.Max, "jobs", 0, "`N` detached jobs kept, running and ended (1024)")
	fs.Int64Var(&o.jobs.MaxBytes, "jobs-bytes", 0, "bytes of ended detached jobs' outcomes kept, in `BYTES` (256 MiB)")
	fs.DurationVar(&o.jobs.Keep, "jobs-keep", 0, "how long `D` an ended detached job is kept (1h)")
	fs.IntVar(&o.session.MaxFrame, "max-frame", 0, "encoded request or response limit in `BYTES` (64 MiB)")
	fs.IntVar(&o.session.MaxStreams, "max-streams", 0, "`N` tasks in flight per master connection (max(256, 16 per engine))")
	fs.DurationVar(&o.session.HandshakeTimeout, "handshake-timeout", 0, "bound `D` on the handshake (5s)")
	fs.DurationVar(&o.session.KeepAlive, "keepalive", 0, "keepalive interval `D` (1s)")
	fs.DurationVar(&o.session.WriteTimeout, "write-timeout", 0, "bound `D` on each write and keepalive answer (3s)")
	fs.Usage = cmdline.Usage(fs, stderr, "slave serve ADDR [flags]     wait for masters to dial ADDR",
		"slave connect ADDR [flags]   dial the master at ADDR and serve it",
		"slave version                print the version",
		"",
		"ADDR is HOST:PORT; \":PORT\" or a bare PORT means 127.0.0.1:PORT (loopback only),",
		"0.0.0.0:PORT every interface. The token is -token, else $DPFW_TOKEN, else the file",
		"~/.config/dpfw/token, which only serve creates.")
	pos, err := cmdline.Parse(fs, args)
	if err != nil {
		return o, err
	}
	if len(pos) != 2 || (pos[0] != "serve" && pos[0] != "connect") {
		fs.Usage()
		return o, errors.New("expected: serve ADDR or connect ADDR")
	}
	if err := o.log.Check(); err != nil {
		return o, err
	}
	o.mode, o.addr = pos[0], cmdline.Addr(pos[1])
	o.noNative = !*native
	o.metrics = cmdline.Addr(o.metrics)
	if o.httpTLS == [2]string{} {
		o.httpTLS = [2]string{o.tls[0], o.tls[1]}
	}
	if o.engines <= 0 {
		o.engines = runtime.NumCPU()
	}
	return o, nil
}

// sessionConfig is the wire configuration: the token, TLS if asked for,
// and the limits, validated; source says where the token came from (see
// session.LoadToken).
//
// The token file rule (session/token.go): serve may create the token
// file, as it then prints the command a master needs, token included;
// connect never does: the master it dials already has a token, and one
// made up here could only be wrong. Without -token, $DPFW_TOKEN or a
// token file, connect fails and says where to get the token.
func (o options) sessionConfig() (cfg session.Config, source string, err error) {
	cfg = o.session
	load := session.LoadToken
	if o.mode == "connect" {
		load = session.FindToken
	}
	if cfg.Token, source, err = load(o.token); err != nil {
		return cfg, "", err
	}
	if cfg.TLS, err = o.tlsConfig(); err != nil {
		return cfg, "", err
	}
	return cfg, source, cfg.Validate()
}

// printJoinHint tells, for a token read from or created in the token
// file, the exact command a master on another machine runs to use this
// slave server. A token given by -token or $DPFW_TOKEN is not printed: it
// may come from a secret store, and logs are no place for it.
func printJoinHint(w io.Writer, ln net.Listener, token, source string) {
	if path, ok := strings.CutPrefix(source, "new file "); ok {
		fmt.Fprintf(w, "slave: created a new cluster token in %s\n", path)
	} else if !strings.HasPrefix(source, "file ") {
		return
	}
	fmt.Fprintf(w, "slave: a master uses this slave with:\n  DPFW_TOKEN=%s dpfw -dial %s\n",
		token, cmdline.ReachableAddr(ln.Addr().String()))
}

func (o options) tlsConfig() (*tls.Config, error) {
	if o.tls == [3]string{} {
		return nil, nil
	}
	return session.LoadTLS(o.tls[0], o.tls[1], o.tls[2])
}
