package session

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// A bad Config is an error naming the field, from Validate and from
// every entry point, never a value silently changed into another.
func TestConfigValidate(t *testing.T) {
	ok := Config{Token: testToken}
	if err := ok.Validate(); err != nil {
		t.Fatalf("the zero Config with a token: %v", err)
	}
	if err := (Config{Token: testToken, MaxFrame: 1 << 10, MaxStreams: 1, KeepAlive: time.Millisecond}).Validate(); err != nil {
		t.Fatalf("the smallest limits: %v", err)
	}
	if err := (Config{}).Validate(); !errors.Is(err, ErrNoToken) {
		t.Fatalf("no token: %v", err)
	}
	for field, cfg := range map[string]Config{
		"HandshakeTimeout": {Token: testToken, HandshakeTimeout: -time.Second},
		"KeepAlive":        {Token: testToken, KeepAlive: -1},
		"WriteTimeout":     {Token: testToken, WriteTimeout: -time.Millisecond},
		"MaxFrame":         {Token: testToken, MaxFrame: 100},
		"MaxStreams":       {Token: testToken, MaxStreams: -3},
	} {
		cfg.Logger = quiet
		err := cfg.Validate()
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), field+" is ") {
			t.Errorf("%s: %v, want ErrConfig naming the field", field, err)
			continue
		}
		t.Logf("%s: %v", field, err)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if _, err := Dial(ctx, "127.0.0.1:1", cfg, masterID); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: Dial: %v", field, err)
		}
		a, b := net.Pipe()
		if _, err := New(ctx, a, cfg, masterID); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: New: %v", field, err)
		}
		b.Close()
		ln, err := Listen("")
		if err != nil {
			t.Fatal(err)
		}
		spawn := func(func()) bool { t.Errorf("%s: Accept accepted", field); return false }
		if err := Accept(ctx, ln, cfg, slaveID, spawn, nil); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: Accept: %v", field, err)
		}
		if err := Redial(ctx, "127.0.0.1:1", cfg, slaveID, nil); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: Redial: %v", field, err)
		}
		cancel()
	}
	if err := (Config{Token: testToken, MaxFrame: 1 << 40}).Validate(); !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "32 bits") {
		t.Errorf("a 1 TiB MaxFrame: %v", err)
	}
}
