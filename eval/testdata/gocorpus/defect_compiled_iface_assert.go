// A compiled value (*strings.Reader) asserted to an interface written in
// place: yaegi says false where Go matches; dpfw refuses it while running.
package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

type Lener interface{ Len() int }

type Named interface{ String() string }

func main() {
	var r io.Reader = strings.NewReader("abc")
	_, ok2 := r.(interface{ Len() int })
	fmt.Println(ok2)
	_, _ = time.Second, r
}
