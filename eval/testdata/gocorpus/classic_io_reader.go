// Implementing io.Reader and io.Writer; io.Copy, io.MultiWriter, io.TeeReader, io.Pipe-free plumbing.
package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

type rot13 struct{ r io.Reader }

func (r rot13) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	for i := 0; i < n; i++ {
		c := p[i]
		switch {
		case c >= 'a' && c <= 'z':
			p[i] = 'a' + (c-'a'+13)%26
		case c >= 'A' && c <= 'Z':
			p[i] = 'A' + (c-'A'+13)%26
		}
	}
	return n, err
}

type countWriter struct {
	n, writes int
}

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += len(p)
	c.writes++
	return len(p), nil
}

type slowReader struct {
	s string
	i int
}

func (s *slowReader) Read(p []byte) (int, error) {
	if s.i >= len(s.s) {
		return 0, io.EOF
	}
	p[0] = s.s[s.i]
	s.i++
	return 1, nil
}

func main() {
	var out bytes.Buffer
	cw := &countWriter{}
	n, err := io.Copy(io.MultiWriter(&out, cw), rot13{strings.NewReader("Hello, Gopher!")})
	fmt.Println(n, err, out.String(), cw.n)

	var tee bytes.Buffer
	all, _ := io.ReadAll(io.TeeReader(&slowReader{s: "abc"}, &tee))
	fmt.Println(string(all), tee.String())

	buf := make([]byte, 4)
	k, err := io.ReadFull(strings.NewReader("xy"), buf)
	fmt.Println(k, err)
	sr := io.NewSectionReader(strings.NewReader("0123456789"), 2, 5)
	part, _ := io.ReadAll(sr)
	fmt.Println(string(part))
	var sb strings.Builder
	io.WriteString(&sb, "done")
	fmt.Println(sb.String())
}
