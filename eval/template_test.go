package eval

import (
	"context"
	"strings"
	"testing"
)

// text/template and html/template would call (or print through) the
// methods of the program's types, which the interpreter's values do not
// carry into reflection: such data is refused before anything runs
// (eval/front refuseTemplateMethods); plain data runs.
func TestTemplateDataWithMethods(t *testing.T) {
	e := newEngine(t, Config{})
	ctx := context.Background()
	run(t, e, "import (\"os\"; \"text/template\"; ht \"html/template\")\ntype Line struct{ Qty int; Price float64 }\nfunc (l Line) Total() float64 { return float64(l.Qty) * l.Price }\ntype Plain struct{ Name string; N int }")
	for _, src := range []string{
		"fmt.Println(\"before\")\ntemplate.Must(template.New(\"t\").Parse(\"{{.Total}}\")).Execute(os.Stdout, Line{2, 1.5})",
		"template.Must(template.New(\"t\").Parse(\"{{range .}}{{.Qty}}{{end}}\")).Execute(os.Stdout, map[string][]*Line{\"a\": nil})",
		"ht.Must(ht.New(\"t\").Parse(`{{define \"x\"}}{{.}}{{end}}`)).ExecuteTemplate(os.Stdout, \"x\", struct{ L Line }{})",
	} {
		res, ee := runErr(t, e, ctx, src)
		if ee.Kind != KindUnsupported || !strings.Contains(ee.Msg, "main.Line, whose methods the template cannot see") || len(res.Output) != 0 {
			t.Errorf("%s:\ngot %#v, output %q", src, ee, res.Output)
		}
	}
	r := run(t, e, "template.Must(template.New(\"t\").Parse(\"{{.Name}}={{.N}} {{len .}}\")).Execute(os.Stdout, map[string]any{\"Name\": \"a\", \"N\": 1})")
	if string(r.Output) != "a=1 2" {
		t.Errorf("plain data: output %q", r.Output)
	}
	r = run(t, e, "template.Must(template.New(\"t\").Parse(\"{{.Name}}={{.N}}\")).Execute(os.Stdout, Plain{\"b\", 2})")
	if string(r.Output) != "b=2" {
		t.Errorf("plain struct: output %q", r.Output)
	}
}
