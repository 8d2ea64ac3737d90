package eval

import (
	"context"
	"testing"
	"time"
)

// Closures, method values and deferred calls bind what Go binds when
// they are made (eval/front/closure.go); yaegi alone read variables and
// receivers when the call ran, and hung on d := func(){…}; defer d().
// The expected output is go run's (Go 1.26) of the same program.
func TestClosuresBindAtCreation(t *testing.T) {
	e := newEngine(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := e.Run(ctx, closureProgram)
	if err != nil {
		t.Fatal(err)
	}
	const want = "p4 v7 p200 v1 p200 v0 \nd2 d1 d0 13\nb a c2 c1 c0 \n355\n6 v5 p60 5 p9 \n45\n"
	if got := string(r.Output); got != want {
		t.Errorf("output:\n%s\nwant (go run):\n%s", got, want)
	}
}

const closureProgram = `type T struct{ n int }

func (t T) show()     { fmt.Print("v", t.n, " ") }
func (t *T) pshow()   { fmt.Print("p", t.n, " ") }
func (t T) add(k int) int { return t.n + k }

type Outer struct{ T }

func deferredMethods() {
	for i := 0; i < 2; i++ {
		t := T{i}
		defer t.show()
		p := &T{i + 10}
		defer p.pshow()
		t.n, p.n = 100, 200
	}
	o := Outer{T{7}}
	defer o.show()
	o.n = 8
	v := T{3}
	defer v.pshow()
	v.n = 4
}

func deferredFuncValue() (r int) {
	for i := 0; i < 3; i++ {
		d := func() { fmt.Print("d", i, " "); r += i }
		defer d()
	}
	defer func() { r *= 10 }()
	return 1
}

func loopDefers() {
	for i := range 3 {
		defer func() { fmt.Print("c", i, " ") }()
	}
	for _, s := range []string{"a", "b"} {
		defer func() { fmt.Print(s, " ") }()
	}
}

func byReference() int {
	x := 1
	inc := func() { x++ }
	inc()
	inc()
	var fib func(int) int
	fib = func(n int) int {
		if n < 2 {
			return n
		}
		return fib(n-1) + fib(n-2)
	}
	return x*100 + fib(10)
}

func methodValues() {
	t := T{5}
	f := t.add
	show := t.show
	t.n = 50
	pf := (&t).pshow
	t.n = 60
	fmt.Print(f(1), " ")
	show()
	pf()
	g := T.add
	h := (*T).pshow
	fmt.Print(g(T{2}, 3), " ")
	h(&T{9})
	fmt.Println()
}

func waitGroupGo() int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	sum := 0
	for i := 0; i < 10; i++ {
		wg.Go(func() { mu.Lock(); sum += i; mu.Unlock() })
	}
	wg.Wait()
	return sum
}

deferredMethods()
fmt.Println()
fmt.Println(deferredFuncValue())
loopDefers()
fmt.Println()
fmt.Println(byReference())
methodValues()
fmt.Println(waitGroupGo())
`
