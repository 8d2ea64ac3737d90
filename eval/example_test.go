package eval_test

import (
	"context"
	"fmt"

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
