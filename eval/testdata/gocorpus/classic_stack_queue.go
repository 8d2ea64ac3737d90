// Stack-based expression evaluation (shunting-yard) and a ring-buffer queue.
package main

import (
	"fmt"
	"strconv"
	"strings"
)

var prec = map[string]int{"+": 1, "-": 1, "*": 2, "/": 2}

func toRPN(expr string) []string {
	var out, ops []string
	for _, tok := range strings.Fields(expr) {
		switch {
		case tok == "(":
			ops = append(ops, tok)
		case tok == ")":
			for ops[len(ops)-1] != "(" {
				out = append(out, ops[len(ops)-1])
				ops = ops[:len(ops)-1]
			}
			ops = ops[:len(ops)-1]
		case prec[tok] > 0:
			for len(ops) > 0 && prec[ops[len(ops)-1]] >= prec[tok] {
				out = append(out, ops[len(ops)-1])
				ops = ops[:len(ops)-1]
			}
			ops = append(ops, tok)
		default:
			out = append(out, tok)
		}
	}
	for len(ops) > 0 {
		out = append(out, ops[len(ops)-1])
		ops = ops[:len(ops)-1]
	}
	return out
}

func evalRPN(toks []string) int {
	var st []int
	for _, t := range toks {
		if n, err := strconv.Atoi(t); err == nil {
			st = append(st, n)
			continue
		}
		b, a := st[len(st)-1], st[len(st)-2]
		st = st[:len(st)-2]
		switch t {
		case "+":
			st = append(st, a+b)
		case "-":
			st = append(st, a-b)
		case "*":
			st = append(st, a*b)
		case "/":
			st = append(st, a/b)
		}
	}
	return st[0]
}

type Ring struct {
	buf        []int
	head, size int
}

func (r *Ring) Push(v int) bool {
	if r.size == len(r.buf) {
		return false
	}
	r.buf[(r.head+r.size)%len(r.buf)] = v
	r.size++
	return true
}

func (r *Ring) Pop() (int, bool) {
	if r.size == 0 {
		return 0, false
	}
	v := r.buf[r.head]
	r.head = (r.head + 1) % len(r.buf)
	r.size--
	return v, true
}

func main() {
	for _, e := range []string{"3 + 4 * 2", "( 3 + 4 ) * 2", "10 - 4 - 3", "100 / ( 2 * 5 ) + 7"} {
		rpn := toRPN(e)
		fmt.Println(e, "=>", strings.Join(rpn, " "), "=", evalRPN(rpn))
	}
	r := &Ring{buf: make([]int, 3)}
	fmt.Println(r.Push(1), r.Push(2), r.Push(3), r.Push(4))
	v, _ := r.Pop()
	r.Push(5)
	fmt.Print(v, " ")
	for {
		v, ok := r.Pop()
		if !ok {
			break
		}
		fmt.Print(v, " ")
	}
	fmt.Println()
}
