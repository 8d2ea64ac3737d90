package eval

import "testing"

// A declared function called through parentheses ((f)(x)) panicked in
// yaegi ("reflect: call of reflect.Value.Call on ptr Value"); the front
// end drops the parentheses. The want is go run's.
func TestParenthesizedCall(t *testing.T) {
	e := newEngine(t, Config{})
	r := run(t, e, `func f(x int) int { return x + 1 }
func g() int { return (f)(2) }
type T struct{}
func (T) M(x int) int { return x }
var h = func(x int) int { return x * 2 }
fmt.Println((f)(1), g(), (T{}.M)(3), (strings.ToUpper)("a"), (h)(4), (*T)(nil) == nil)`)
	if got, want := string(r.Output), "2 3 3 A 8 true\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
