package session

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The cluster token comes from, in order: a flag, $DPFW_TOKEN, or the
// token file os.UserConfigDir()/dpfw/token (mode 0600, directory 0700).
//
// Who may create the token file: only a process that shows the token it
// created, so that a node never silently makes up a token its peers do
// not have. dpfw (the master, which prints the join command when it
// listens), `dpfw token` and `slave serve` (which prints the command a
// master needs) create it; `slave connect` and the local slaves never do
// (FindToken): the master they dial already has a token, and a new one
// could only be wrong.

// LoadToken finds the cluster token and says where it came from: flag if
// non-empty ("flag"), else $DPFW_TOKEN ("env"), else the token file
// ("file PATH"), which is created with 32 random bytes in hex when
// missing ("new file PATH"). A token file that group or others can read
// is refused.
func LoadToken(flag string) (token, source string, err error) {
	token, source, err = FindToken(flag)
	if !errors.Is(err, ErrNoToken) {
		return token, source, err
	}
	path, err := TokenPath()
	if err != nil {
		return "", "", err
	}
	token, created, err := createTokenFile(path)
	if err != nil {
		return "", "", err
	}
	if created {
		return token, "new file " + path, nil
	}
	return token, "file " + path, nil
}

// FindToken is LoadToken without creating anything: when there is no
// flag, no $DPFW_TOKEN and no token file, it returns an error that wraps
// ErrNoToken and says how to get one.
func FindToken(flag string) (token, source string, err error) {
	if flag != "" {
		return flag, "flag", nil
	}
	if env := os.Getenv("DPFW_TOKEN"); env != "" {
		return env, "env", nil
	}
	path, err := TokenPath()
	if err != nil {
		return "", "", err
	}
	token, err = readTokenFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", "", fmt.Errorf("%w: no -token, no $DPFW_TOKEN and no token file %s; "+
			"use the DPFW_TOKEN=… that the master printed (or run `dpfw token` there and `dpfw token set` here)", ErrNoToken, path)
	}
	if err != nil {
		return "", "", err
	}
	return token, "file " + path, nil
}

// TokenPath is the token file's path: os.UserConfigDir()/dpfw/token.
func TokenPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("session: no token flag, no $DPFW_TOKEN, and no config dir: %w", err)
	}
	return filepath.Join(dir, "dpfw", "token"), nil
}

// NewToken returns a fresh random token: 32 bytes in hex.
func NewToken() string {
	var raw [32]byte
	rand.Read(raw[:])
	return hex.EncodeToString(raw[:])
}

// WriteToken stores token in the token file, replacing the one there if
// any (atomically: a process reading it sees the old token or the new
// one), and returns the file's path.
func WriteToken(token string) (string, error) {
	token = strings.TrimSpace(token)
	if token == "" || strings.ContainsAny(token, " \t\r\n") {
		return "", errors.New("session: a token is one word, not empty")
	}
	path, err := TokenPath()
	if err != nil {
		return "", err
	}
	tmp, err := writeTemp(path, token)
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp)
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("session: writing token: %w", err)
	}
	return path, nil
}

func readTokenFile(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("session: token file %s has mode %04o, readable by group or others; run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("session: token file %s is empty", path)
	}
	return tok, nil
}

// createTokenFile writes a new random token to path unless a token file
// is there. The token is written to a temporary file first and linked
// into place, so that a process racing us never reads a half-written
// token: whoever links first wins, and the other reads the winner's
// (created is false for it).
func createTokenFile(path string) (token string, created bool, err error) {
	tok := NewToken()
	tmp, err := writeTemp(path, tok)
	if err != nil {
		return "", false, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); errors.Is(err, fs.ErrExist) {
		tok, err = readTokenFile(path) // another process won the race
		return tok, false, err
	} else if err != nil {
		return "", false, fmt.Errorf("session: creating token: %w", err)
	}
	return tok, true, nil
}

// writeTemp writes token to a new 0600 file next to path (creating the
// directory, 0700) and returns its name.
func writeTemp(path, token string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("session: creating token: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".token-*")
	if err != nil {
		return "", fmt.Errorf("session: creating token: %w", err)
	}
	_, err = f.WriteString(token + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("session: writing token: %w", err)
	}
	return f.Name(), nil
}
