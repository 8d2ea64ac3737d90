//go:build linux

package deploy_test

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"unsafe"
)

// nsEnv marks the copy of the test binary that runs in a namespace of its
// own; its value is the resolv.conf to use there, or "-".
const nsEnv = "DPFW_DEPLOY_NETNS"

// isolated makes the calling test run in a copy of the test binary that
// has a network namespace of its own, with only loopback, up: there a
// container's fixed port (0.0.0.0:10000) is free, each pod can have a
// loopback address of its own, and nothing listens where others could
// reach it. With resolvConf, the copy also has a mount namespace in which
// that file is /etc/resolv.conf, so the binaries resolve names through
// the test's DNS server as pods resolve them through the cluster's.
//
// It returns true in the copy, which goes on with the test; in the
// original it runs the copy, reports its output and returns false. It
// needs root (CI runs as root); without it the test is skipped.
func isolated(t *testing.T, resolvConf string) bool {
	if v := os.Getenv(nsEnv); v != "" {
		if err := loopbackUp(); err != nil {
			t.Fatalf("bringing lo up: %v", err)
		}
		if v != "-" {
			if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
				t.Fatalf("making mounts private: %v", err)
			}
			if err := syscall.Mount(v, "/etc/resolv.conf", "", syscall.MS_BIND, ""); err != nil {
				t.Fatalf("mounting %s on /etc/resolv.conf: %v", v, err)
			}
		}
		return true
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root for network and mount namespaces (CI runs as root)")
	}
	flags := uintptr(syscall.CLONE_NEWNET)
	val := "-"
	if resolvConf != "" {
		flags |= syscall.CLONE_NEWNS
		f, err := os.CreateTemp("", "resolv-*.conf")
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(resolvConf)
		f.Close()
		os.Chmod(f.Name(), 0o644)
		t.Cleanup(func() { os.Remove(f.Name()) })
		val = f.Name()
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v", "-test.count=1", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), nsEnv+"="+val)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: flags, Pdeathsig: syscall.SIGKILL}
	out, err := cmd.CombinedOutput()
	t.Logf("in a network namespace of its own:\n%s", out)
	if err != nil {
		t.Fatalf("the isolated test failed: %v", err)
	}
	return false
}

// loopbackUp sets the flag IFF_UP on lo, as `ip link set lo up` does: a
// new network namespace starts with it down.
func loopbackUp() error {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, 0)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	var ifr struct {
		name  [syscall.IFNAMSIZ]byte
		flags uint16
		_     [22]byte
	}
	copy(ifr.name[:], "lo")
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.SIOCGIFFLAGS, uintptr(unsafe.Pointer(&ifr))); e != 0 {
		return e
	}
	ifr.flags |= syscall.IFF_UP | syscall.IFF_RUNNING
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.SIOCSIFFLAGS, uintptr(unsafe.Pointer(&ifr))); e != 0 {
		return e
	}
	return nil
}
