//go:build linux

package deploy_test

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// nsEnv marks the copy of the test binary that runs in namespaces of its
// own; its value lists the files to mount there, "DST=SRC;…", or is "-".
const nsEnv = "DPFW_DEPLOY_NETNS"

// isolated makes the calling test run in a copy of the test binary that
// has a network namespace of its own, with only loopback, up: there a
// container's fixed port (0.0.0.0:10000) is free, each pod or node can
// have a loopback address of its own, and nothing listens where others
// could reach it. With etc (a path such as /etc/resolv.conf or
// /etc/hosts -> its content), the copy also has a mount namespace in which
// those files are mounted over the real ones, so that the binaries
// resolve names as pods do through the cluster's DNS, or as nodes do.
//
// It returns true in the copy, which goes on with the test; in the
// original it runs the copy, reports its output and returns false. It
// needs root (CI runs as root); without it the test is skipped.
func isolated(t *testing.T, etc map[string]string) bool {
	if v := os.Getenv(nsEnv); v != "" {
		if err := loopbackUp(); err != nil {
			t.Fatalf("bringing lo up: %v", err)
		}
		if v == "-" {
			return true
		}
		if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
			t.Fatalf("making mounts private: %v", err)
		}
		for _, m := range strings.Split(v, ";") {
			dst, src, _ := strings.Cut(m, "=")
			if err := syscall.Mount(src, dst, "", syscall.MS_BIND, ""); err != nil {
				t.Fatalf("mounting %s on %s: %v", src, dst, err)
			}
		}
		return true
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root for network and mount namespaces (CI runs as root)")
	}
	flags := uintptr(syscall.CLONE_NEWNET)
	var mounts []string
	for dst, content := range etc {
		flags |= syscall.CLONE_NEWNS
		f, err := os.CreateTemp("", "etc-*")
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(content)
		f.Close()
		os.Chmod(f.Name(), 0o644)
		t.Cleanup(func() { os.Remove(f.Name()) })
		mounts = append(mounts, dst+"="+f.Name())
	}
	val := strings.Join(mounts, ";")
	if val == "" {
		val = "-"
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
