// strings.Builder, bytes.Buffer, io.Writer plumbing and bufio.Scanner over a string.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

type upperWriter struct{ w io.Writer }

func (u upperWriter) Write(p []byte) (int, error) {
	return u.w.Write(bytes.ToUpper(p))
}

func main() {
	var sb strings.Builder
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&sb, "%d,", i)
	}
	sb.WriteString("end")
	sb.WriteByte('!')
	sb.WriteRune('→')
	fmt.Println(sb.String(), sb.Len())

	var buf bytes.Buffer
	buf.WriteString("hello ")
	buf.Write([]byte("world\n"))
	fmt.Fprintf(upperWriter{&buf}, "shout %d\n", 3)
	fmt.Print(buf.String())
	line, err := buf.ReadString('\n')
	fmt.Printf("%q %v %d\n", line, err, buf.Len())

	input := "alpha 1\nbeta 2\n\ngamma 3"
	sc := bufio.NewScanner(strings.NewReader(input))
	n := 0
	for sc.Scan() {
		n++
		fmt.Printf("%d:%q\n", n, sc.Text())
	}
	words := bufio.NewScanner(strings.NewReader(input))
	words.Split(bufio.ScanWords)
	count := 0
	for words.Scan() {
		count++
	}
	fmt.Println("words", count)

	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	bw.WriteString("buffered")
	fmt.Println(out.Len())
	bw.Flush()
	fmt.Println(out.Len(), out.String())
	data, _ := io.ReadAll(io.LimitReader(strings.NewReader("0123456789"), 4))
	fmt.Println(string(data))
}
