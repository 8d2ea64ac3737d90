// Native: heavy kernels compiled into the slave, called from snippets.
//
// Interpreted Go is hundreds of times slower than compiled Go for
// call-heavy code. A slave can register native packages with its
// engines (slave.Config.Eval.Packages; eval.PackagesOf converts yaegi Exports); a
// snippet then imports the package by name and calls the compiled code.
// This program runs fib(27) three ways: compiled here, interpreted on
// the slave, and native on the slave.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"reflect"
	"time"

	"github.com/dpfw/dpfw/eval"
	"github.com/dpfw/dpfw/master"
	"github.com/dpfw/dpfw/session"
	"github.com/dpfw/dpfw/slave"
)

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

// kernels is the native package snippets see as `import "kernels"`.
var kernels = map[string]map[string]reflect.Value{
	"kernels/kernels": {"Fib": reflect.ValueOf(fib)},
}

func main() {
	cfg := session.Config{Token: "native-example"}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := slave.New(slave.Config{Engines: 1, Session: cfg, Logger: quiet, Eval: eval.Config{Packages: eval.PackagesOf(kernels)}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ln, err := session.Listen("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go s.Serve(context.Background(), ln)
	m := master.New(master.Config{Session: cfg, Logger: quiet})
	defer m.Close()
	ctx := context.Background()
	if _, err := m.Dial(ctx, ln.Addr().String()); err != nil {
		log.Fatal(err)
	}

	start := time.Now()
	want := fib(27)
	fmt.Printf("compiled here:       fib(27) = %d in %s\n", want, time.Since(start).Round(time.Microsecond))

	m.Broadcast(ctx, "func ifib(n int) int { if n < 2 { return n }; return ifib(n-1) + ifib(n-2) }")
	report(m.Run(ctx, "ifib(27)"))("interpreted on slave")
	m.Run(ctx, `import "kernels"; kernels.Fib(1)`) // compiles the import once
	report(m.Run(ctx, "kernels.Fib(27)"))("native on slave")
}

func report(res master.Result, err error) func(string) {
	return func(how string) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-20s fib(27) = %v in %s\n", how+":", res.Value, res.Took.Round(time.Microsecond))
	}
}
