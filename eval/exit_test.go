package eval

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// exitCase is a snippet that exits, and how Go ends it.
type exitCase struct {
	name   string
	src    string
	code   int
	output string // Result.Output: stdout and stderr up to the exit
	stderr string // Exit.Stderr: log.Fatal's line
}

var exitCases = []exitCase{
	{name: "os.Exit skips deferred calls", code: 3, output: "before\n",
		src: "import (\"fmt\"; \"os\")\nfunc main2() {\n\tdefer fmt.Println(\"deferred\")\n\tfmt.Println(\"before\")\n\tos.Exit(3)\n\tfmt.Println(\"after\")\n}\nmain2()"},
	{name: "status 0 is a success", code: 0, output: "ok\n",
		src: "import (\"fmt\"; \"os\")\nfmt.Println(\"ok\")\nos.Exit(0)\nfmt.Println(\"after\")"},
	{name: "recover cannot stop it", code: 5, output: "",
		src: "import (\"fmt\"; \"os\")\nfunc f() {\n\tdefer func() { recover(); fmt.Println(\"recovered\") }()\n\tos.Exit(5)\n}\nf()"},
	{name: "from a deferred call during a panic", code: 4, output: "",
		src: "import (\"fmt\"; \"os\")\nfunc f() {\n\tdefer fmt.Println(\"outer deferred\")\n\tdefer func() { os.Exit(4) }()\n\tpanic(\"boom\")\n}\nf()"},
	{name: "inside a String method that fmt calls", code: 6, output: "",
		src: "import (\"fmt\"; \"os\")\ntype T int\nfunc (T) String() string { os.Exit(6); return \"t\" }\nfmt.Println(T(1))\nfmt.Println(\"after\")"},
	{name: "from a goroutine while main waits natively", code: 7, output: "main waits\n",
		src: "import (\"fmt\"; \"os\"; \"sync\")\nvar wg sync.WaitGroup\nwg.Add(1)\nready := make(chan int)\ngo func() { <-ready; os.Exit(7) }()\nfmt.Println(\"main waits\")\nclose(ready)\nwg.Wait()"},
	{name: "from a goroutine while main sleeps", code: 8, output: "",
		src: "import (\"os\"; \"time\")\ngo func() { os.Exit(8) }()\ntime.Sleep(time.Hour)"},
	{name: "from a goroutine while main blocks on a channel", code: 9, output: "",
		src: "import \"os\"\nch := make(chan int)\ngo func() { os.Exit(9) }()\n<-ch"},
	{name: "log.Fatal prints on stderr and exits 1", code: 1, output: "first\n", stderr: "app: config missing\n",
		src: "import (\"fmt\"; \"log\")\nlog.SetFlags(0)\nlog.SetPrefix(\"app: \")\ndefer fmt.Println(\"deferred\")\nfmt.Println(\"first\")\nlog.Fatal(\"config missing\")"},
	{name: "log.Fatalf", code: 1, stderr: "n=3\n",
		src: "import \"log\"\nlog.SetFlags(0)\nlog.Fatalf(\"n=%d\", 3)"},
	{name: "log.Fatal to a logger output of the snippet's own", code: 1, output: "to stdout\n",
		src: "import (\"log\"; \"os\")\nlog.SetFlags(0)\nlog.SetOutput(os.Stdout)\nlog.Fatalln(\"to stdout\")"},
}

func TestExit(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, "func keep() int { return 42 }")
	for _, tt := range exitCases {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, err := e.Run(ctx, tt.src)
			checkExit(t, tt, res, err)
			// The engine carries on, with its definitions (replayed in a
			// fresh interpreter) and nothing printed by what the exit stopped.
			if r := run(t, e, "keep()"); r.Value != 42 || len(r.Output) != 0 {
				t.Errorf("after the exit: keep() = %v, output %q", r.Value, r.Output)
			}
		})
	}
}

func checkExit(t *testing.T, tt exitCase, res Result, err error) {
	t.Helper()
	if res.Exit == nil {
		t.Fatalf("Exit = nil, err %v, output %q", err, res.Output)
	}
	if res.Exit.Code != tt.code || res.Exit.Stderr != tt.stderr || string(res.Output) != tt.output {
		t.Errorf("Exit %+v, output %q; want code %d, stderr %q, output %q", *res.Exit, res.Output, tt.code, tt.stderr, tt.output)
	}
	if !res.Reset || res.HasValue {
		t.Errorf("Reset %v, HasValue %v; want a replaced interpreter and no value", res.Reset, res.HasValue)
	}
	var ee *Error
	switch {
	case tt.code == 0 && err != nil:
		t.Errorf("os.Exit(0): err %v; want success", err)
	case tt.code != 0 && (!errors.As(err, &ee) || ee.Kind != KindExit || ee.Msg != fmt.Sprintf("exit status %d", tt.code)):
		t.Errorf("err %#v; want kind exit, \"exit status %d\"", err, tt.code)
	}
}

// Call runs a function that exits as Run runs a snippet that does.
func TestExitCall(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, "import \"os\"\nfunc quit(n int) int { os.Exit(n); return 0 }")
	res, err := e.Call(context.Background(), "quit", 2)
	checkExit(t, exitCase{code: 2}, res, err)
	res, err = e.Call(context.Background(), "quit", 0)
	checkExit(t, exitCase{code: 0}, res, err)
}

// A sandboxed engine exits the same way.
func TestExitSandbox(t *testing.T) {
	e := newEngine(t, Config{Sandbox: t.TempDir()})
	res, err := e.Run(context.Background(), "import (\"fmt\"; \"os\")\ndefer fmt.Println(\"deferred\")\nfmt.Println(\"x\")\nos.Exit(3)")
	checkExit(t, exitCase{code: 3, output: "x\n"}, res, err)
}

// runtime.Goexit on the task's goroutine fails the task; the engine
// carries on.
func TestGoexit(t *testing.T) {
	e := newEngine(t, Config{})
	_, ee := runErr(t, e, context.Background(), "import \"runtime\"\nruntime.Goexit()")
	if ee.Kind != KindPanic || !strings.Contains(ee.Msg, "Goexit") {
		t.Errorf("got %#v", ee)
	}
	if r := run(t, e, "1+1"); r.Value != 2 {
		t.Errorf("after Goexit: %v", r.Value)
	}
}

// A goroutine that an earlier task left running is part of the program:
// its os.Exit ends the task running then.
func TestExitFromEarlierGoroutine(t *testing.T) {
	e := newEngine(t, Config{})
	run(t, e, "import \"os\"\nvar release = make(chan int)\ngo func() { <-release; os.Exit(3) }()")
	res, err := e.Run(context.Background(), "close(release)\nselect {}")
	checkExit(t, exitCase{code: 3}, res, err)
}
