package supervise

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"time"
)

// OrphanGrace bounds a child's clean shutdown once its supervisor has
// gone: a snippet stuck in a loop must not keep an orphan alive.
const OrphanGrace = 2 * time.Second

// IsChild reports whether this process is a child that a Supervisor
// started.
func IsChild() bool { return os.Getenv(childEnv) != "" }

// Child begins a supervised child's life; call it once, first thing. It
// removes the child marker from the environment (processes that
// snippets start are not children) and returns a context that ends when
// ctx does or when the supervisor is gone, and the listener the
// supervisor handed down (nil if none).
//
// The supervisor is gone when the lifeline reads EOF: when it stopped
// this child, or exited, however it died. The context is then cancelled,
// one line logged, and the process exits with status 1 after
// OrphanGrace unless it has exited by itself before.
func Child(ctx context.Context, log *slog.Logger) (context.Context, net.Listener, error) {
	mark := os.Getenv(childEnv)
	if mark == "" {
		return nil, nil, errors.New("supervise: not a supervised child")
	}
	os.Unsetenv(childEnv)
	var ln net.Listener
	if mark == childListener {
		f := os.NewFile(listenerFD, "listener")
		var err error
		ln, err = net.FileListener(f) // a copy: f is no longer needed
		f.Close()
		if err != nil {
			return nil, nil, err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	lifeline := os.NewFile(lifelineFD, "lifeline")
	go func() { // ends with the process, or exits it
		io.Copy(io.Discard, lifeline)
		log.Warn("supervisor gone; exiting", "pid", os.Getpid())
		time.AfterFunc(OrphanGrace, func() { os.Exit(1) })
		cancel()
	}()
	return ctx, ln, nil
}
