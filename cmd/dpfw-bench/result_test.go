package main

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// The peers' harness reads errors and worker_pids as lists: an empty
// one is [], never null.
func TestEmptyListsAreNotNull(t *testing.T) {
	data, err := json.Marshal(newResult())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"errors":[]`, `"worker_pids":[]`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("no %s in %s", want, data)
		}
	}
}

// fibLoop is the reference W3 and the native baseline check against.
func TestFibLoopIsFib(t *testing.T) {
	for n := range 25 {
		if fib(n) != fibLoop(n) {
			t.Fatalf("fib(%d) = %d, fibLoop = %d", n, fib(n), fibLoop(n))
		}
	}
	if fibLoop(27) != 196418 {
		t.Fatalf("fibLoop(27) = %d", fibLoop(27))
	}
}

func TestFirstLine(t *testing.T) {
	if got := firstLine(errors.New("one")); got != "one" {
		t.Errorf("got %q", got)
	}
	if got := firstLine(errors.Join(errors.New("a"), errors.New("b"), errors.New("c"))); got != "a (and 2 more lines)" {
		t.Errorf("got %q", got)
	}
}
