package front

import (
	"bytes"
	"os"
	"testing"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// TestYaegiAssertionMatrix keeps the characterisation that typeswitch.go
// is built on measured: bare yaegi (no front end) runs the assertion
// matrix and must print what testdata/dyntypes/matrix.yaegi.txt records,
// which differs from go run's matrix.go.txt exactly where yaegi is wrong.
// If yaegi changes, this fails and the lowering and refusals must be
// reconsidered.
func TestYaegiAssertionMatrix(t *testing.T) {
	src, err := os.ReadFile("testdata/dyntypes/matrix.go")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	i := interp.New(interp.Options{Stdout: &out})
	if err := i.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval(string(src)); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("DPFW_RECORD") != "" {
		if err := os.WriteFile("testdata/dyntypes/matrix.yaegi.txt", out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/dyntypes/matrix.yaegi.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("bare yaegi's assertion matrix changed:\n%s\nrecorded:\n%s", out.Bytes(), want)
	}
	goOut, err := os.ReadFile("testdata/dyntypes/matrix.go.txt")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(goOut, want) {
		t.Errorf("yaegi now agrees with go run on every assertion: the refusals in typeswitch.go may go")
	}
}
