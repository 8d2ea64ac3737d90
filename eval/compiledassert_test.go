package eval

import (
	"strings"
	"testing"
)

// yaegi never matches a compiled value (*strings.Reader, time.Duration)
// to an interface the program declares or writes in place, where Go
// does: the task fails with kind unsupported instead of going on with
// ok false (eval/front/compiledassert.go). The program's own values still
// match as before.
func TestCompiledValueAssertedToProgramInterface(t *testing.T) {
	decls := "type Lener interface{ Len() int }\ntype Named interface{ String() string }\ntype Mine struct{ n int }\nfunc (Mine) String() string { return \"mine\" }\n"
	for name, src := range map[string]string{
		"comma-ok": "var r io.Reader = strings.NewReader(\"abc\")\n_, ok := r.(Lener)\nfmt.Println(ok)",
		"literal":  "var r io.Reader = strings.NewReader(\"abc\")\n_, ok := r.(interface{ Len() int })\nfmt.Println(ok)",
		"any":      "var a any = time.Second\n_, ok := a.(Named)\nfmt.Println(ok)",
		"switch":   "var a any = time.Second\nswitch a.(type) {\ncase Named:\n\tfmt.Println(\"named\")\n}",
	} {
		t.Run(name, func(t *testing.T) {
			e := newEngine(t, Config{})
			_, ee := runErr(t, e, t.Context(), decls+src)
			if ee.Kind != KindUnsupported || !strings.Contains(ee.Msg, "the type assertion of a ") {
				t.Fatalf("got %v, want kind unsupported naming the assertion", ee)
			}
		})
	}
	e := newEngine(t, Config{})
	r := run(t, e, decls+"var a any = Mine{1}\n_, ok := a.(Named)\n_, ok2 := any(3).(Named)\nfmt.Println(ok, ok2)")
	if got := string(r.Output); got != "true false\n" {
		t.Errorf("output %q", got)
	}
}
