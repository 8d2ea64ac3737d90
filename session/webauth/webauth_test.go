package webauth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
)

func TestLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:80": true, "127.9.9.9:1": true, "[::1]:80": true, "[::ffff:127.0.0.1]:80": true,
		"0.0.0.0:80": false, "[::]:80": false, "192.0.2.1:80": false, "10.0.0.1:80": false,
	} {
		ap, _ := net.ResolveTCPAddr("tcp", addr)
		if got := Loopback(ap); got != want {
			t.Errorf("Loopback(%s) = %v", addr, got)
		}
	}
	for host, want := range map[string]bool{
		"localhost:8787": true, "127.0.0.1": true, "[::1]:80": true, "app.localhost": true,
		"example.com": false, "127.0.0.1.nip.io:80": false, "0.0.0.0:80": false,
	} {
		if got := loopbackHost(host); got != want {
			t.Errorf("loopbackHost(%s) = %v", host, got)
		}
	}
}

// Beyond loopback, Serve refuses to run without a token rather than
// serve an open endpoint.
func TestServeNeedsATokenBeyondLoopback(t *testing.T) {
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	err = Serve(context.Background(), ln, http.NotFoundHandler(), Config{})
	if !errors.Is(err, ErrNoToken) {
		t.Fatal(err)
	}
	if _, err := ln.Accept(); err == nil {
		t.Fatal("the listener stayed open")
	}
}
