package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dpfw/dpfw/master"
)

// Detached jobs from the command line:
//
//	dpfw -dial ADDR -e SRC -detach   submit SRC as a detached job, print its handle, exit
//	dpfw job HANDLE                  wait for the job; print its output and value (exit 1 if it failed, N if it called os.Exit(N))
//	dpfw job -status HANDLE          print where the job is, without waiting
//
// dpfw job dials the node the handle names, with the token; with -dial
// or -listen it asks through those connections instead (a node that ran
// "slave connect" is reachable only so: -listen and -wait for it).

// errDetachLocal refuses -detach on local slaves, which exit with dpfw.
var errDetachLocal = errors.New("-detach needs slaves that outlive this dpfw (-dial or -listen); local slaves exit with it, and their jobs with them")

// detach submits task as a detached job and prints its handle alone on
// stdout, so that H=$(dpfw ... -detach) is the handle.
func (c *cli) detach(ctx context.Context, task master.Task) {
	ctx, stop := withInterrupt(ctx)
	defer stop()
	job, err := c.m.SubmitDetached(ctx, task)
	if err != nil {
		c.printErr(err)
		return
	}
	fmt.Fprintln(c.out, job)
}

// jobCommand is `dpfw job [-status] HANDLE`.
func (c *cli) jobCommand(ctx context.Context) int {
	if len(c.opts.commandArgs) != 1 {
		return c.fatal(errors.New("usage: dpfw job [-status] HANDLE (the handle dpfw -detach printed)"))
	}
	job, err := master.ParseJob(c.opts.commandArgs[0])
	if err != nil {
		return c.fatal(err)
	}
	if c.opts.listen != "" {
		if err := c.waitSlaves(ctx); err != nil {
			return c.fatal(err)
		}
	}
	if err := c.job(ctx, job, c.opts.status); err != nil {
		return c.fatal(err)
	}
	return c.status()
}

// job waits for job and prints its outcome as a task's, or with status
// prints where it is. The error is JobStatus's: no answer.
func (c *cli) job(ctx context.Context, job master.Job, status bool) error {
	ctx, stop := withInterrupt(ctx)
	defer stop()
	if !status {
		res, err := c.m.WaitJob(ctx, job)
		c.print(res, err, false)
		return nil
	}
	st, err := c.m.JobStatus(ctx, job)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.out, jobStatusLine(st, time.Now()))
	return nil
}

// cmdDetach is :detach SRC.
func (c *cli) cmdDetach(ctx context.Context, src string) bool {
	if c.opts.local > 0 {
		c.printErr(errDetachLocal)
		return false
	}
	c.detach(ctx, master.Task{Src: src, Timeout: c.opts.timeout})
	return false
}

// cmdJob is :job [-status] HANDLE.
func (c *cli) cmdJob(ctx context.Context, arg string) bool {
	status := false
	if rest, ok := strings.CutPrefix(arg, "-status"); ok {
		status, arg = true, strings.TrimSpace(rest)
	}
	job, err := master.ParseJob(arg)
	if err != nil {
		c.printErr(err)
		return false
	}
	if err := c.job(ctx, job, status); err != nil {
		c.printErr(err)
	}
	return false
}

// jobStatusLine is a job's status in one line, e.g.
// "running on engine 0 for 1.5s; 3/10 (30%)" or "failed (timeout) after
// 2s; kept until 15:04:05".
func jobStatusLine(st master.JobStatus, now time.Time) string {
	if st.State != master.JobEnded {
		s := fmt.Sprintf("running on engine %d for %s", st.Engine, roundDur(now.Sub(st.Started)))
		if st.Progress != nil {
			s += "; " + st.Progress.String()
		}
		return s
	}
	what := "done"
	var re *master.RemoteError
	if errors.As(st.Err, &re) {
		what = fmt.Sprintf("failed (%s)", re.Kind)
	} else if st.Err != nil {
		what = "failed"
	}
	return fmt.Sprintf("%s after %s; kept until %s", what, roundDur(st.Ended.Sub(st.Started)), st.Expires.Format(time.DateTime))
}
