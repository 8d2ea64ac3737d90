package eval

import "testing"

// yaegi passes a negative zero argument of an interpreted function as +0
// (it skips copying arguments that reflect calls zero); the front end
// calls such functions through a func value (eval/front/signedzero.go).
// The wants are go run's. Also at the REPL: a function redefined later
// is the one a statement run again (from the cache) calls.
func TestNegativeZeroArguments(t *testing.T) {
	e := newEngine(t, Config{})
	for _, tt := range []struct{ src, want string }{
		{`type P struct{ X, Y float64 }
func f(x float64) float64 { return 1 / x }
func fp(p P) float64 { return 1 / p.Y }
func g[T float32 | complex64](x T) T { return 1 / x }
func later(a int, b float64) float64 { return helper(b) }
func helper(b float64) float64 { return 1 / b }
nz := math.Copysign(0, -1)`, ""},
		{`fmt.Println(f(nz), fp(P{Y: nz}), g(float32(nz)), later(1, nz), min(nz, 0), 1/(*new(nz)))`, "-Inf -Inf -Inf -Inf -0 -Inf\n"},
		{`func f(x float64) float64 { return 2 * x }`, ""},
		{`fmt.Println(f(nz), fp(P{Y: nz}), g(float32(nz)), later(1, nz), min(nz, 0), 1/(*new(nz)))`, "-0 -Inf -Inf -Inf -0 -Inf\n"},
	} {
		if got := string(run(t, e, tt.src).Output); got != tt.want {
			t.Errorf("%s\ngot  %q\nwant %q", tt.src, got, tt.want)
		}
	}
}
