// Arrays are values: copying, comparison, arrays as map keys, [...] literals.
package main

import "fmt"

type Board [3][3]byte

func (b Board) String() string {
	s := ""
	for _, row := range b {
		s += string(row[:]) + "\n"
	}
	return s
}

func winner(b Board) byte {
	lines := [][3][2]int{
		{{0, 0}, {0, 1}, {0, 2}}, {{1, 0}, {1, 1}, {1, 2}}, {{2, 0}, {2, 1}, {2, 2}},
		{{0, 0}, {1, 0}, {2, 0}}, {{0, 1}, {1, 1}, {2, 1}}, {{0, 2}, {1, 2}, {2, 2}},
		{{0, 0}, {1, 1}, {2, 2}}, {{0, 2}, {1, 1}, {2, 0}},
	}
	for _, l := range lines {
		a, b2, c := b[l[0][0]][l[0][1]], b[l[1][0]][l[1][1]], b[l[2][0]][l[2][1]]
		if a != '.' && a == b2 && b2 == c {
			return a
		}
	}
	return 0
}

func main() {
	a := [5]int{1, 2, 3}
	b := a
	b[0] = 100
	fmt.Println(a, b, a == b, len(a))
	c := [...]string{2: "c", 0: "a"}
	fmt.Println(len(c), c)

	seen := map[[2]int]bool{}
	seen[[2]int{1, 2}] = true
	fmt.Println(seen[[2]int{1, 2}], seen[[2]int{2, 1}])

	var board Board
	for i := range board {
		for j := range board[i] {
			board[i][j] = '.'
		}
	}
	moves := [][2]int{{0, 0}, {1, 1}, {0, 1}, {2, 2}, {0, 2}}
	for i, m := range moves {
		p := byte('X')
		if i%2 == 1 {
			p = 'O'
		}
		board[m[0]][m[1]] = p
	}
	fmt.Print(board)
	fmt.Printf("winner %c\n", winner(board))

	sl := a[1:4]
	sl[0] = -1
	fmt.Println(a, sl)
	pa := &a
	pa[4] = 5
	fmt.Println(a[4], len(pa))
}
