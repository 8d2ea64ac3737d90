//go:build !unix

package native

import (
	"context"
	"os/exec"
)

// Plugins exist only on Unix systems, where host.usable fails first.

func lockFile(context.Context, string, bool) (func(), error) {
	return nil, unsupported("Go plugins do not work on this system")
}

func tryLock(string) (func(), bool) { return nil, false }

func inGroup(*exec.Cmd) {}
