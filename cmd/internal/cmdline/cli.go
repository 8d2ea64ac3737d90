// Package cmdline holds the command-line conventions that dpfw and slave
// share: flags before or after the subcommand and its arguments, a bare
// port as an address, and short help texts.
package cmdline

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
)

// Parse parses args with fs and returns the positional arguments. Flags
// may come anywhere: before, between or after them, so
// "slave serve :10000 -n 2" and "slave -n 2 serve :10000" are the same.
// "--" ends the flags: everything after it is positional.
func Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		used := len(args) - fs.NArg()
		rest := fs.Args()
		if used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// Addr turns a bare port ("10000") into ":10000", which the dpfw
// listeners bind on 127.0.0.1 only; anything else is returned as is.
func Addr(s string) string {
	if s != "" && strings.Trim(s, "0123456789") == "" {
		return ":" + s
	}
	return s
}

// Usage returns a flag.FlagSet Usage function that prints the synopsis
// lines and then one line per flag, with its value's name and its help
// text only: the help texts say the defaults that matter, so Go's
// "(default -1)" notes are left out.
func Usage(fs *flag.FlagSet, w io.Writer, synopsis ...string) func() {
	return func() {
		for i, s := range synopsis {
			switch {
			case i == 0:
				fmt.Fprintf(w, "usage: %s\n", s)
			case s == "":
				fmt.Fprintln(w)
			default:
				fmt.Fprintf(w, "       %s\n", s)
			}
		}
		fmt.Fprintln(w, "flags (before or after the arguments):")
		fs.VisitAll(func(f *flag.Flag) {
			name, help := flag.UnquoteUsage(f)
			left := "-" + f.Name
			if name != "" {
				left += " " + name
			}
			fmt.Fprintf(w, "  %-24s %s\n", left, help)
		})
	}
}

// ReachableAddr is addr as another machine would dial it: an
// unspecified host (0.0.0.0, ::, none) is replaced by this machine's name.
func ReachableAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err == nil && (host == "0.0.0.0" || host == "::" || host == "") {
		if h, err := os.Hostname(); err == nil {
			return net.JoinHostPort(h, port)
		}
	}
	return addr
}
