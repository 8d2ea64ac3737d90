// text/template range over an integer (Go 1.22) and over iterator funcs (Go 1.24).
package main

import (
	"iter"
	"os"
	"text/template"
)

func countdown(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := n; i > 0; i-- {
			if !yield(i) {
				return
			}
		}
	}
}

func main() {
	t := template.Must(template.New("t").Parse(`{{range 3}}[{{.}}]{{end}}
{{range $i, $v := .Names}}{{$i}}={{$v}} {{end}}
{{range .Count}}{{.}}...{{end}}liftoff
`))
	err := t.Execute(os.Stdout, map[string]any{
		"Names": []string{"a", "b"},
		"Count": countdown(3),
	})
	if err != nil {
		panic(err)
	}
}
