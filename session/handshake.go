package session

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// handshake runs the protocol preamble on conn (see doc.go) and returns
// the peer's Identity. It is bounded by timeout and by ctx; the caller
// closes conn when it fails.
func handshake(ctx context.Context, conn net.Conn, token string, self Identity, timeout time.Duration) (Identity, error) {
	if err := conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrHandshake, err)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	peer, err := runHandshake(conn, token, self)
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w: %v", ErrHandshake, context.Cause(ctx))
		}
		return Identity{}, err
	}
	if !stop() {
		return Identity{}, fmt.Errorf("%w: %v", ErrHandshake, context.Cause(ctx))
	}
	if err := conn.SetDeadline(time.Time{}); err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrHandshake, err)
	}
	return peer, nil
}

func runHandshake(conn net.Conn, token string, self Identity) (Identity, error) {
	nonce := make([]byte, nonceSize)
	rand.Read(nonce)

	// Step 1: preamble and hello, both ways at once.
	out := append(preamble(), handshakeFrame(&hello{Self: self, Nonce: nonce})...)
	var h hello
	err := exchange(conn, out, func() error {
		if err := readPreamble(conn); err != nil {
			return err
		}
		return readHandshake(conn, &h)
	})
	if err != nil {
		return Identity{}, handshakeErr("reading hello", err)
	}
	if len(h.Nonce) != nonceSize {
		return Identity{}, fmt.Errorf("%w: bad nonce length %d", ErrHandshake, len(h.Nonce))
	}

	// Step 2: proofs.
	var p proof
	mine := authMAC(token, self.Role, h.Nonce, nonce)
	err = exchange(conn, handshakeFrame(&proof{MAC: mine}), func() error { return readHandshake(conn, &p) })
	if err != nil {
		return Identity{}, handshakeErr("reading proof", err)
	}

	// Step 3: verdicts. Authentication is judged before roles, so an
	// unauthenticated peer learns nothing more than "wrong token".
	var mineV verdict
	var fail error
	want := authMAC(token, h.Self.Role, nonce, h.Nonce)
	switch {
	case !hmac.Equal(p.MAC, want):
		mineV.Reason = "wrong token"
		fail = fmt.Errorf("%w: wrong token (the peer's proof does not verify: its token is not ours)", ErrAuth)
	case !compatible(self.Role, h.Self.Role):
		mineV.Reason = roleReason(self.Role, h.Self.Role)
		fail = fmt.Errorf("%w: %s", ErrRole, mineV.Reason)
	default:
		mineV.OK = true
	}
	var theirs verdict
	err = exchange(conn, handshakeFrame(&mineV), func() error { return readHandshake(conn, &theirs) })
	if fail != nil {
		return Identity{}, fail
	}
	if err != nil {
		return Identity{}, handshakeErr("reading verdict", err)
	}
	if !theirs.OK {
		reason := fmt.Sprintf("peer rejected us: %q", theirs.Reason)
		switch theirs.Reason {
		case "wrong token":
			return Identity{}, fmt.Errorf("%w: wrong token (the peer rejected our proof: its token is not ours)", ErrAuth)
		}
		return Identity{}, fmt.Errorf("%w: %s", ErrHandshake, reason)
	}
	return h.Self, nil
}

// exchange writes out while read runs, so that two peers writing at once
// cannot deadlock on an unbuffered conn such as net.Pipe.
func exchange(conn net.Conn, out []byte, read func() error) error {
	errc := make(chan error, 1)
	go func() {
		_, err := conn.Write(out)
		errc <- err
	}()
	if err := read(); err != nil {
		conn.SetDeadline(time.Unix(1, 0)) // unblock the write
		<-errc
		return err
	}
	return <-errc
}

// errSilentPeer is a connection closed before it sent a byte: a TCP
// health check (a Kubernetes tcpSocket probe, a load balancer) or a port
// scan. It is logged at debug level only, so that probes every few
// seconds do not fill the log.
var errSilentPeer = errors.New("the peer closed the connection without sending anything (a port probe?)")

// preamble is what each side writes first: the magic and the protocol
// version, one byte.
func preamble() []byte { return append([]byte(magic), protocolVersion) }

// readPreamble reads and checks the magic and protocol version.
func readPreamble(r io.Reader) error {
	var pre [len(magic) + 1]byte
	if n, err := io.ReadFull(r, pre[:]); err != nil {
		if n == 0 && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) {
			return fmt.Errorf("%w: %w", ErrHandshake, errSilentPeer)
		}
		return err
	}
	if string(pre[:len(magic)]) != magic {
		what := "not a dpfw peer?"
		switch {
		case pre[0] == 0x16 && pre[1] == 0x03:
			what = "a TLS ClientHello; not a dpfw peer"
		case isHTTP(pre[:]):
			what = "an HTTP request; not a dpfw peer"
		}
		return fmt.Errorf("%w: bad magic (%s)", ErrHandshake, what)
	}
	if v := pre[len(magic)]; v != protocolVersion {
		return fmt.Errorf("%w: %w: unsupported protocol version %d from the peer (this side speaks %d; run the same dpfw release on both sides)",
			ErrHandshake, ErrVersion, v, protocolVersion)
	}
	return nil
}

func isHTTP(b []byte) bool {
	for _, m := range []string{"GET ", "POST", "PUT ", "HEAD", "HTTP", "OPTIO", "DELET", "CONNE", "PATCH"} {
		if bytes.HasPrefix(b, []byte(m)[:min(len(m), len(b))]) {
			return true
		}
	}
	return false
}

// handshakeErr turns an I/O error during the handshake into a clear one.
func handshakeErr(step string, err error) error {
	switch {
	case errors.Is(err, ErrHandshake):
		return err
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("%w: timed out %s", ErrHandshake, step)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: connection closed by peer while %s", ErrHandshake, step)
	case isTLSAlert(err):
		// With TLS 1.3 a client learns that the server refused its
		// certificate only on its first read.
		return fmt.Errorf("%w: TLS: peer rejected us while %s: %v", ErrHandshake, step, err)
	case errors.Is(err, ErrFrameTooLarge):
		return fmt.Errorf("%w: %s: %v", ErrHandshake, step, err)
	}
	return fmt.Errorf("%w: %s: %v", ErrHandshake, step, err)
}

// isTLSAlert reports whether err is a TLS alert sent by the peer, which
// crypto/tls returns as a *net.OpError with Op "remote error".
func isTLSAlert(err error) bool {
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "remote error"
}

// authMAC is a proof of knowledge of token bound to the protocol
// version (so that a peer cannot be talked into another version than the
// one it announced), the prover's role and both nonces, the verifier's
// first.
func authMAC(token string, prover Role, verifierNonce, proverNonce []byte) []byte {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte(authLabel))
	m.Write([]byte{protocolVersion, byte(prover)})
	m.Write(verifierNonce)
	m.Write(proverNonce)
	return m.Sum(nil)
}

func compatible(a, b Role) bool {
	return (a == RoleMaster && b == RoleSlave) || (a == RoleSlave && b == RoleMaster)
}

func roleReason(self, peer Role) string {
	if self == peer && (self == RoleMaster || self == RoleSlave) {
		return fmt.Sprintf("both sides are %ss", self)
	}
	return fmt.Sprintf("roles %s and %s cannot talk", self, peer)
}
