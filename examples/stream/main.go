// Stream: a remote function and a local procedure joined by a stream
// (dpfw's (lambda (i o) ...) with a local procedure). The master sends
// lines; the slave sends them back upper-cased, one at a time.
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"

	"github.com/dpfw/dpfw/examples/internal/demo"
	"github.com/dpfw/dpfw/master"
)

const remote = `
import (
	"bufio"
	"io"
	"strings"
)

func(r io.Reader, w io.Writer) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if _, err := io.WriteString(w, strings.ToUpper(sc.Text())+"\n"); err != nil {
			return err
		}
	}
	return sc.Err()
}`

func local(ctx context.Context, r io.Reader, w io.WriteCloser) (any, error) {
	go func() {
		defer w.Close() // the slave's scanner sees EOF
		for _, l := range []string{"hello", "distributed", "world"} {
			fmt.Fprintln(w, l)
		}
	}()
	var got []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fmt.Println("from slave:", sc.Text())
		got = append(got, sc.Text())
	}
	return len(got), sc.Err()
}

func main() {
	m, stop := demo.Cluster(1)
	defer stop()
	ctx := context.Background()
	res, err := m.Submit(ctx, master.Task{Src: remote, Local: local}).Wait(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("lines:", res.Value)
}
