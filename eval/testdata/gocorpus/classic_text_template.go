// text/template with structs, range, if, functions and nested templates.
package main

import (
	"os"
	"strings"
	"text/template"
)

type Order struct {
	ID    int
	Items []Line
	Note  string
}

type Line struct {
	Name  string
	Qty   int
	Price float64
}

func (l Line) Total() float64 { return float64(l.Qty) * l.Price }

const tpl = `{{define "line"}}- {{.Name | upper}} x{{.Qty}} = {{printf "%.2f" .Total}}{{end -}}
Order #{{.ID}}
{{range $i, $l := .Items}}{{$i}} {{template "line" $l}}
{{end}}{{if .Note}}Note: {{.Note}}{{else}}(no note){{end}}
{{with $n := len .Items}}{{$n}} lines{{end}}
`

func main() {
	t := template.Must(template.New("order").Funcs(template.FuncMap{"upper": strings.ToUpper}).Parse(tpl))
	orders := []Order{
		{ID: 1, Items: []Line{{"pen", 2, 1.5}, {"pad", 1, 3}}, Note: "gift"},
		{ID: 2, Items: []Line{{"ink", 3, 0.25}}},
	}
	for _, o := range orders {
		if err := t.Execute(os.Stdout, o); err != nil {
			panic(err)
		}
	}
}
