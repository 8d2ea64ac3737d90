package eval_test

import (
	"context"
	"fmt"
	"reflect"

	"github.com/dpfw/dpfw/eval"
)

func ExampleEngine_Run() {
	e, err := eval.New(eval.Config{})
	if err != nil {
		panic(err)
	}
	defer e.Close()
	ctx := context.Background()
	e.Run(ctx, "func add(a, b int) int { return a + b }")
	r, _ := e.Run(ctx, "add(2, 3)")
	fmt.Println(r.Text)
	// Output: 5
}

func ExampleEngine_Call() {
	e, _ := eval.New(eval.Config{})
	defer e.Close()
	ctx := context.Background()
	e.Run(ctx, "func greet(name string) string { return \"hello, \" + name }")
	r, _ := e.Call(ctx, "greet", "gopher")
	fmt.Println(r.Value)
	// Output: hello, gopher
}

func ExampleEngine_Run_output() {
	e, _ := eval.New(eval.Config{})
	defer e.Close()
	r, _ := e.Run(context.Background(), "import \"fmt\"\nfmt.Println(\"hi\")\nx := 1")
	fmt.Printf("%q %v\n", r.Output, r.HasValue)
	// Output: "hi\n" false
}

func ExampleEngine_Register() {
	e, _ := eval.New(eval.Config{})
	defer e.Close()
	// What `yaegi extract` generates for a package, or the slave loads
	// from a plugin it built.
	fib := eval.Package{Path: "native/fib", Symbols: map[string]reflect.Value{
		"Fib": reflect.ValueOf(fib),
	}}
	if err := e.Register(fib); err != nil {
		panic(err)
	}
	r, _ := e.Run(context.Background(), "import \"native/fib\"\nfib.Fib(30)")
	fmt.Println(r.Text)
	// Output: 832040
}

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}
