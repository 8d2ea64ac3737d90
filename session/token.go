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

// LoadToken finds the cluster token and says where it came from: flag if
// non-empty ("flag"), else $DPFW_TOKEN ("env"), else the file
// os.UserConfigDir()/dpfw/token ("file PATH"), which is created with 32
// random bytes in hex (directory 0700, file 0600) when missing. A token
// file that group or others can read is refused.
func LoadToken(flag string) (token, source string, err error) {
	if flag != "" {
		return flag, "flag", nil
	}
	if env := os.Getenv("DPFW_TOKEN"); env != "" {
		return env, "env", nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", "", fmt.Errorf("session: no token flag, no $DPFW_TOKEN, and no config dir: %w", err)
	}
	path := filepath.Join(dir, "dpfw", "token")
	token, err = readTokenFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		token, err = createTokenFile(path)
	}
	if err != nil {
		return "", "", err
	}
	return token, "file " + path, nil
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

// createTokenFile writes a new random token to path. The token is written
// to a temporary file first and linked into place, so that a process
// racing us never reads a half-written token: whoever links first wins,
// and the other reads the winner's.
func createTokenFile(path string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("session: creating token: %w", err)
	}
	var raw [32]byte
	rand.Read(raw[:])
	tok := hex.EncodeToString(raw[:])
	f, err := os.CreateTemp(filepath.Dir(path), ".token-*")
	if err != nil {
		return "", fmt.Errorf("session: creating token: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = f.WriteString(tok + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("session: writing token: %w", err)
	}
	if err := os.Link(f.Name(), path); errors.Is(err, fs.ErrExist) {
		return readTokenFile(path) // another process won the race
	} else if err != nil {
		return "", fmt.Errorf("session: creating token: %w", err)
	}
	return tok, nil
}
