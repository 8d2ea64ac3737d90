//go:build !unix

package supervise

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }
