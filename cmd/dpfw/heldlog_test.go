package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func TestHeldWriter(t *testing.T) {
	var out bytes.Buffer
	h := &heldWriter{w: &out}
	fmt.Fprintln(h, "before")
	h.Hold()
	fmt.Fprintln(h, "while at the prompt")
	if out.String() != "before\n" {
		t.Fatalf("written while held: %q", out.String())
	}
	h.Release()
	fmt.Fprintln(h, "after")
	if out.String() != "before\nwhile at the prompt\nafter\n" {
		t.Fatalf("got %q", out.String())
	}

	out.Reset()
	h.Hold()
	line := strings.Repeat("x", 1023) + "\n"
	for range 2 * maxHeld / len(line) {
		h.Write([]byte(line))
	}
	h.Release()
	if !strings.HasPrefix(out.String(), "dpfw: 64 log line(s) dropped") || out.Len() > maxHeld+100 {
		t.Fatalf("bounded hold: %d bytes, starts %q", out.Len(), out.String()[:60])
	}
}
