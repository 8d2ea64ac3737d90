package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// sshd is a real OpenSSH server on 127.0.0.1, started by the test for
// itself, that lets the test's user in with a key made for the test.
// config is an ssh client config that names it as hosts node1 and node2.
type sshd struct {
	config string
}

func startSSHD(t *testing.T) *sshd {
	t.Helper()
	if _, err := os.Stat("/usr/sbin/sshd"); err != nil {
		t.Skip("no /usr/sbin/sshd: install openssh-server (.ci/run does: apt-get install -y openssh-server)")
	}
	if os.Geteuid() != 0 {
		t.Skip("sshd's privilege separation needs root (CI runs as root)")
	}
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil { // sshd's privilege separation directory
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, key := range []string{"host", "client"} {
		out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, key)).CombinedOutput()
		if err != nil {
			t.Fatalf("ssh-keygen: %v\n%s", err, out)
		}
	}
	pub, _ := os.ReadFile(filepath.Join(dir, "client.pub"))
	os.WriteFile(filepath.Join(dir, "authorized_keys"), pub, 0o600)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cfg := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s/host
AuthorizedKeysFile %s/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding yes
PidFile none
LogLevel VERBOSE
`, port, dir, dir)
	os.WriteFile(filepath.Join(dir, "sshd_config"), []byte(cfg), 0o600)
	cmd := exec.Command("/usr/sbin/sshd", "-D", "-e", "-f", filepath.Join(dir, "sshd_config"))
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	listening := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "Server listening on 127.0.0.1") {
				listening <- true
			}
			if testing.Verbose() {
				fmt.Fprintln(os.Stderr, "sshd:", sc.Text())
			}
		}
		listening <- false
	}()
	select {
	case ok := <-listening:
		if !ok {
			t.Fatal("sshd exited before listening")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("sshd did not listen within 30s")
	}
	client := fmt.Sprintf(`Host node1 node2
  HostName 127.0.0.1
  Port %d
  User %s
  IdentityFile %s/client
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel INFO
`, port, currentUser(t), dir)
	conf := filepath.Join(dir, "ssh_config")
	os.WriteFile(conf, []byte(client), 0o600)
	return &sshd{config: conf}
}

func currentUser(t *testing.T) string {
	out, err := exec.Command("id", "-un").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// slavePIDs lists the processes running the test's slave binary.
func slavePIDs() []string {
	var pids []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.HasPrefix(string(b), slaveBin+"\x00") {
			pids = append(pids, e.Name())
		}
	}
	return pids
}

// cmdlinesWith lists the command lines of all processes that contain s.
func cmdlinesWith(s string) []string {
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(b), s) {
			found = append(found, strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return found
}

// TestSSHStartsSlaves runs dpfw -ssh against a real sshd: a slave node
// starts on each host (node1 with its default engines, node2 with 2),
// reaches the master through the ssh tunnel, logs with the host as
// prefix; the token is on no command line; and the slaves stop when dpfw
// exits.
func TestSSHStartsSlaves(t *testing.T) {
	d := startSSHD(t)
	const token = "ssh-test-token-5a1e"
	cmd := exec.Command(dpfwBin, "-ssh", "node1:1,node2:2", "-ssh-command", "ssh -F "+d.config,
		"-ssh-slave", slaveBin, "-v", "-wait", "3", "-wait-timeout", "60s")
	cmd.Env = append(userEnv(t.TempDir()), "DPFW_TOKEN="+token)
	stdin, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	errR, errW := io.Pipe()
	cmd.Stderr = errW
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	var logs strings.Builder
	logLines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(errR)
		for sc.Scan() {
			select {
			case logLines <- sc.Text():
			default:
			}
		}
		close(logLines)
	}()
	// wantLogs waits until each of res has matched a log line, in any order.
	wantLogs := func(res ...*regexp.Regexp) {
		t.Helper()
		deadline := time.After(90 * time.Second)
		for len(res) > 0 {
			select {
			case l := <-logLines:
				logs.WriteString(l + "\n")
				res = slices.DeleteFunc(res, func(re *regexp.Regexp) bool { return re.MatchString(l) })
			case <-deadline:
				t.Fatalf("no log lines matching %v; log:\n%s", res, logs.String())
			}
		}
	}
	wantLogs(regexp.MustCompile(`^\[node1\] .*msg="engines ready"`), regexp.MustCompile(`^\[node2\] .*msg="engines ready"`))
	if found := cmdlinesWith(token); len(found) != 0 {
		t.Errorf("the token is on command lines: %q", found)
	}
	if len(slavePIDs()) == 0 {
		t.Fatal("no slave process found while dpfw runs")
	}
	// The master waits for 3 engines, then reads stdin: :slaves lists
	// them, by the name each node took from its host.
	fmt.Fprintln(stdin, ":slaves")
	stdin.Close() // the batch ends: dpfw exits and stops the ssh slaves
	table, _ := io.ReadAll(out)
	if s := string(table); strings.Count(s, "node1") != 1 || strings.Count(s, "node2") != 2 {
		t.Fatalf(":slaves does not show 1 engine of node1 and 2 of node2:\n%s", s)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("dpfw: %v", err)
	}
	errW.Close()
	deadline := time.Now().Add(30 * time.Second)
	for len(slavePIDs()) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("slaves %v outlived dpfw by 30s", slavePIDs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
