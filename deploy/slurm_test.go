//go:build linux

package deploy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stubScontrol expands the node lists the test uses ("node[1-2]").
const stubScontrol = `#!/bin/sh
[ "$1 $2" = "show hostnames" ] || { echo "stub scontrol: unsupported: $*" >&2; exit 1; }
case "$3" in
"node[1-2]") printf 'node1\nnode2\n' ;;
*) echo "stub scontrol: unknown node list $3" >&2; exit 1 ;;
esac
`

// stubSrun starts the command once per node of the allocation, as srun
// does with --ntasks-per-node=1, with the variables srun sets for each
// task, and stops the tasks when it gets SIGTERM. It logs its own
// arguments and its tasks' pids for the test.
const stubSrun = `#!/bin/bash
echo "srun $*" >>"$STUB_LOG"
while [ $# -gt 0 ]; do
	case "$1" in
	--*=*) shift ;;
	-*) shift 2 ;;
	*) break ;;
	esac
done
pids=()
i=0
for node in $(scontrol show hostnames "$SLURM_JOB_NODELIST"); do
	SLURMD_NODENAME=$node SLURM_PROCID=$i SLURM_NODEID=$i SLURM_CPUS_ON_NODE=1 "$@" &
	pids+=($!)
	echo "task $node $!" >>"$STUB_LOG"
	i=$((i + 1))
done
trap 'kill -TERM "${pids[@]}" 2>/dev/null' TERM
wait "${pids[@]}"
wait "${pids[@]}" 2>/dev/null
exit 0
`

// TestSlurmScript runs deploy/slurm/dpfw.sbatch as sbatch would on the
// first node of a two-node allocation, with stub srun and scontrol on
// PATH. The nodes are two loopback addresses in a network namespace of
// the test's own, named in its /etc/hosts. The job (a snippet) must find
// the slaves of both nodes, the token must appear on no command line, and
// no slave may outlive the job.
func TestSlurmScript(t *testing.T) {
	if !isolated(t, map[string]string{"/etc/hosts": "127.0.0.1 localhost node1\n127.0.0.2 node2\n"}) {
		return
	}
	stubs := t.TempDir()
	for name, body := range map[string]string{"srun": stubSrun, "scontrol": stubScontrol} {
		if err := os.WriteFile(filepath.Join(stubs, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	logFile := filepath.Join(stubs, "log")
	home := t.TempDir()
	script, _ := filepath.Abs("slurm/dpfw.sbatch")
	// Each node has one CPU, so one engine: the snippet runs once both
	// have joined (the script's -wait 2).
	cmd := exec.Command("bash", script, "-v", "-timeout", "1m", "-e", "1 + 1")
	cmd.Env = []string{
		"PATH=" + stubs + ":" + filepath.Join(binDir, "runtime") + ":/usr/bin:/bin",
		"HOME=" + home,
		"SLURM_JOB_ID=4242",
		"SLURM_JOB_NODELIST=node[1-2]",
		"SLURM_JOB_NUM_NODES=2",
		"SLURM_JOB_CPUS_PER_NODE=1(x2)",
		"STUB_LOG=" + logFile,
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	done := make(chan struct{})
	var out []byte
	var err error
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("the job did not end within 2 minutes:\n%s", out)
	}
	t.Logf("job output:\n%s", out)
	if err != nil || !strings.Contains(string(out), "\n2\n") {
		t.Fatalf("the job failed or printed no 2: %v", err)
	}
	if strings.Count(string(out), `msg="slave connected"`) != 2 {
		t.Errorf("want the slaves of both nodes to join the master")
	}
	if !strings.Contains(string(out), "listening on 0.0.0.0:14242") && !strings.Contains(string(out), "listening on [::]:14242") {
		t.Errorf("the master should listen on port 10000 + job id %% 20000 = 14242")
	}
	logb, _ := os.ReadFile(logFile)
	log := string(logb)
	t.Logf("stub log:\n%s", log)
	var pids []int
	for _, l := range strings.Split(log, "\n") {
		f := strings.Fields(l)
		if len(f) == 3 && f[0] == "task" {
			pid, _ := strconv.Atoi(f[2])
			pids = append(pids, pid)
		}
		if strings.HasPrefix(l, "srun ") && !strings.Contains(l, "node1:14242") {
			t.Errorf("srun was not told to connect to the first node: %s", l)
		}
	}
	if len(pids) != 2 || !strings.Contains(log, "task node1 ") || !strings.Contains(log, "task node2 ") {
		t.Errorf("want one task on node1 and one on node2")
	}
	// The stub srun reaped its tasks before it exited, and the script
	// waited for srun: every pid must be gone.
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("slave task pid %d outlived the job", pid)
		}
	}
	for _, l := range strings.Split(log, "\n") {
		for _, w := range strings.Fields(l) {
			if len(w) == 64 && strings.Trim(w, "0123456789abcdef") == "" {
				t.Errorf("a token is on a command line: %s", l)
			}
		}
	}
}
