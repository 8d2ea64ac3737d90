package main

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/dpfw/dpfw/session"
)

// tokenCommand is `dpfw token [new | set]`:
//
//	dpfw token       print the token this user's dpfw uses (-token, $DPFW_TOKEN
//	                 or the token file, created if missing)
//	dpfw token new   write a new random token to the token file and print it
//	dpfw token set   store the token read from stdin in the token file, e.g.
//	                 dpfw token | ssh node-b dpfw token set
//
// The token goes to stdout alone, so that $(dpfw token) is the token; what
// was done, and where, goes to stderr.
func tokenCommand(o options, stdin io.Reader, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintln(stderr, "dpfw token:", err)
		return 1
	}
	switch strings.Join(o.commandArgs, " ") {
	case "":
		tok, src, err := session.LoadToken(o.token)
		if err != nil {
			return fail(err)
		}
		if path, ok := strings.CutPrefix(src, "new file "); ok {
			fmt.Fprintf(stderr, "dpfw: created a new cluster token in %s\n", path)
		}
		fmt.Fprintln(stdout, tok)
	case "new":
		tok := session.NewToken()
		path, err := session.WriteToken(tok)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stderr, "dpfw: new cluster token in %s; give it to every node (dpfw token | ssh NODE dpfw token set)\n", path)
		fmt.Fprintln(stdout, tok)
	case "set":
		line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
		if err != nil && err != io.EOF {
			return fail(err)
		}
		path, err := session.WriteToken(line)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stderr, "dpfw: token stored in %s\n", path)
	default:
		return fail(fmt.Errorf("unknown arguments %q; want nothing, new or set", o.commandArgs))
	}
	return 0
}
