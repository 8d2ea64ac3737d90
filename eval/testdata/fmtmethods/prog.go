package main

import (
	"fmt"
	"log"
	"os"
	"strings"
)

type Money struct{ Cents int64 }

func (m Money) String() string { return fmt.Sprintf("$%d.%02d", m.Cents/100, m.Cents%100) }

type Day int

func (d Day) String() string { return []string{"Sun", "Mon"}[d] }

type Name string

func (n Name) String() string { return "N:" + string(n) }

type Stack struct{ items []int }

func (s *Stack) String() string { return fmt.Sprint("S", len(s.items)) }

type VE struct{ F string }

func (e VE) Error() string { return "invalid " + e.F }

type Order struct {
	Price Money
	Qty   int
	note  Money
	Next  *Order
}

type Boom struct{}

func (Boom) String() string { panic("bang") }

type Hex int

func (h Hex) Format(f fmt.State, c rune) { fmt.Fprintf(f, "H<%c>", c) }

func main() {
	fmt.Println([]Money{{1}, {250}}, map[string]Money{"rent": {99900}})
	fmt.Printf("%v|%d|%x|%5s|%-6v|%q\n", Money{1}, Money{1}, Day(1), Day(0), Day(1), Name("a"))
	fmt.Printf("%d %s %v\n", Name("x"), Name("x"), []Name{"y"})
	fmt.Print(Name("a"), Name("b"), 3, "\n")
	o := Order{Price: Money{5}, Qty: 2, note: Money{7}}
	fmt.Printf("%v %+v\n", o, struct{ P Money }{Money{6}})
	fmt.Println(&o, []*Stack{{items: []int{1}}}, [2]Day{0, 1})
	var sp *Stack
	fmt.Println(sp, []*Stack{nil})
	var mp *Money
	fmt.Printf("[%7v]\n", mp)
	fmt.Println(Boom{}, []Boom{{}})
	fmt.Println(Hex(3), []Hex{1})
	fmt.Printf("%d %x\n", Hex(3), []Hex{1})
	fmt.Println([]error{VE{"a"}}, VE{"b"}, []VE{{"c"}})
	var b strings.Builder
	fmt.Fprintf(&b, "%v", []Day{1, 0})
	fmt.Println(b.String())
	log.SetOutput(os.Stdout)
	log.SetFlags(0)
	log.Println([]Money{{3}})
	fmt.Println(fmt.Errorf("e: %v", []Money{{4}}))
}

// Recorded with: go run eval/testdata/fmtmethods/prog.go > eval/testdata/fmtmethods/prog.stdout
