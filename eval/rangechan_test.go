package eval

import (
	"context"
	"strings"
	"testing"
	"time"
)

// Range with a value variable over a slice or an array of channels, which
// yaegi alone fails ("reflect: call of reflect.Value.Len on int Value"),
// is lowered to a loop over an index (eval/front rangeChans): labels,
// continue, break, a copied array, per-iteration variables and = all
// as Go has them. The expected output is go run's (Go 1.26) of the same
// program. Over a map of channels, which yaegi also fails, it is refused.
func TestRangeOverChannels(t *testing.T) {
	e := newEngine(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := e.Run(ctx, rangeChansProgram)
	if err != nil {
		t.Fatal(err)
	}
	const want = "16\n[1 1005 2007]\n0 from 0\n1 from 1\n2 from 2\n1 1 1\n"
	if got := string(r.Output); got != want {
		t.Errorf("output:\n%s\nwant (go run):\n%s", got, want)
	}
	_, ee := runErr(t, e, ctx, "m := map[string]chan int{\"a\": make(chan int, 1)}\nfor k, c := range m { c <- 1; fmt.Println(k, <-c) }")
	if ee.Kind != KindUnsupported || !strings.Contains(ee.Msg, "for k := range m { c := m[k]") {
		t.Errorf("range over a map of channels: %#v", ee)
	}
	if r := run(t, e, "m := map[string]chan int{\"a\": nil}\nn := 0\nfor k := range m { if m[k] == nil { n++ } }\nn"); r.Value != 1 {
		t.Errorf("range over a map's keys: %v", r.Value)
	}
}

const rangeChansProgram = `import "fmt"

func sum(cs ...<-chan int) (s int) {
	for _, c := range cs {
		for n := range c {
			s += n
		}
	}
	return s
}

func filled(vs ...int) <-chan int {
	c := make(chan int, len(vs))
	for _, v := range vs {
		c <- v
	}
	close(c)
	return c
}

func labelled(cs []chan int) (got []int) {
outer:
	for i, c := range cs {
		for v := range c {
			if v < 0 {
				continue outer
			}
			if v > 100 {
				break outer
			}
			got = append(got, i*1000+v)
		}
	}
	return got
}

func arrays() {
	a := [3]chan string{make(chan string, 2), make(chan string, 2), make(chan string, 2)}
	var fs []func() string
	for i, c := range a {
		if i == 0 {
			a[1] = nil // a is copied by range: the loop still sees the old a[1]
		}
		c <- fmt.Sprint("from ", i)
		fs = append(fs, func() string { return fmt.Sprint(i, " ", <-c) })
	}
	for _, f := range fs {
		fmt.Println(f())
	}
	var k int
	var c chan string
	p := &[2]chan string{make(chan string, 1), make(chan string, 1)}
	for k, c = range p {
		c <- "x"
	}
	fmt.Println(k, len(c), len(p[0]))
	for range a {
	}
	for i := range a {
		_ = i
	}
}

fmt.Println(sum(filled(1, 2, 3), filled(), filled(10)))
c1, c2, c3 := make(chan int, 3), make(chan int, 3), make(chan int, 3)
c1 <- 1; c1 <- -1; c1 <- 2; close(c1)
c2 <- 5; close(c2)
c3 <- 7; c3 <- 200; c3 <- 8; close(c3)
fmt.Println(labelled([]chan int{c1, c2, c3}))
arrays()
`
