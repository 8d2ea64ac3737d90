package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"time"
)

// orphanGrace bounds a clean shutdown once the supervisor has gone: a
// snippet stuck in a loop must not keep an orphan alive.
const orphanGrace = 2 * time.Second

func isWorker() bool { return os.Getenv(workerEnv) == "1" }

// runWorker is the supervised child: the engines, on the descriptors the
// supervisor handed down.
func runWorker(ctx context.Context, o options, log *slog.Logger) error {
	// Processes that snippets start are not workers.
	os.Unsetenv(workerEnv)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go watchLifeline(os.NewFile(lifelineFD, "lifeline"), cancel, log)
	var ln net.Listener
	if o.mode == "serve" {
		f := os.NewFile(listenerFD, "listener")
		var err error
		ln, err = net.FileListener(f) // a copy: f is no longer needed
		f.Close()
		if err != nil {
			return err
		}
	}
	return runEngines(ctx, o, log, ln)
}

// watchLifeline returns when the supervisor has died (the pipe's only
// writer is gone) and then stops the engines, exiting hard if they do
// not stop within orphanGrace.
func watchLifeline(f *os.File, cancel context.CancelFunc, log *slog.Logger) {
	io.Copy(io.Discard, f)
	log.Warn("supervisor gone; exiting", "pid", os.Getpid())
	time.AfterFunc(orphanGrace, func() { os.Exit(1) })
	cancel()
}
