// Native: Go compiled on the slaves at run time, called from snippets.
//
// Interpreted Go is hundreds of times slower than compiled Go for
// call-heavy code. Master.Compile sends the source of a package to every
// slave node, which builds it with its own Go toolchain as a plugin,
// loads it and lets every snippet import it as native/NAME, passing
// interpreted values in and out. The package here is ./kernels (embedded
// in this program); the slaves run in this process (examples/internal/demo),
// so this process loads the plugin. This program runs fib(27) three ways
// (compiled here, interpreted on a slave, native on a slave) and calls the
// package with a slice of its own type and with a callback.
//
// It needs the Go toolchain that built it on $PATH, and a C compiler
// (plugins need cgo). The first run on a machine also compiles the
// standard library for plugins: 20-60 s.
package main

import (
	"context"
	"embed"
	"fmt"
	"log"
	"time"

	"github.com/dpfw/dpfw/examples/internal/demo"
	"github.com/dpfw/dpfw/master"
)

//go:embed kernels/kernels.go
var kernels embed.FS

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func main() {
	m, stop := demo.Cluster(2)
	defer stop()
	ctx := context.Background()

	src, err := kernels.ReadFile("kernels/kernels.go")
	if err != nil {
		log.Fatal(err)
	}
	results, err := m.Compile(ctx, "kernels", map[string][]byte{"kernels.go": src})
	for _, r := range results {
		fmt.Printf("%s: cached %v, build %s, load %s\n", r.Node, r.Cached, r.Build.Round(time.Millisecond), r.Load.Round(time.Microsecond))
	}
	if err != nil {
		log.Fatal(err)
	}

	start := time.Now()
	want := fib(27)
	fmt.Printf("compiled here:        fib(27) = %d in %s\n", want, time.Since(start).Round(time.Microsecond))
	m.Broadcast(ctx, "func ifib(n int) int { if n < 2 { return n }; return ifib(n-1) + ifib(n-2) }")
	report(m.Run(ctx, "ifib(27)"))("interpreted on slave")
	m.Run(ctx, "kernels.Fib(1)") // the first call imports the package
	report(m.Run(ctx, "kernels.Fib(27)"))("native on slave")

	// Interpreted values in and out: a slice of the package's own type,
	// and a func of the snippet's that native code calls back.
	res, err := m.Run(ctx, `ps := []kernels.Point{{1, 1}, {3, 1}, {2, 4}}
c := kernels.Centroid(ps)
fmt.Sprintf("centroid %.1f %.1f, norm %.3f, integral of x² on [0,3] %.3f",
	c.X, c.Y, kernels.Norm(c), kernels.Integrate(func(x float64) float64 { return x * x }, 0, 3, 100))`)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Value)
}

func report(res master.Result, err error) func(string) {
	return func(how string) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-21s fib(27) = %v in %s\n", how+":", res.Value, res.Took.Round(time.Microsecond))
	}
}
