package session

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

// startTLS wraps conn in TLS when tcfg is set (see Config.TLS) and runs
// the TLS handshake within timeout and ctx. A conn that is already a
// *tls.Conn keeps its side; any other conn becomes the TLS server. With
// tcfg nil, conn is returned as it is. The caller closes conn on failure.
func startTLS(ctx context.Context, conn net.Conn, tcfg *tls.Config, timeout time.Duration) (net.Conn, error) {
	tc, ok := conn.(*tls.Conn)
	if !ok {
		if tcfg == nil {
			return conn, nil
		}
		tc = tls.Server(conn, tcfg)
	}
	if err := tc.SetDeadline(time.Now().Add(timeout)); err != nil {
		return tc, fmt.Errorf("%w: TLS handshake: %v", ErrHandshake, err)
	}
	if err := tc.HandshakeContext(ctx); err != nil {
		switch {
		case ctx.Err() != nil:
			err = context.Cause(ctx)
		case errors.Is(err, os.ErrDeadlineExceeded):
			err = errors.New("timed out")
		}
		return tc, fmt.Errorf("%w: TLS handshake: %v", ErrHandshake, err)
	}
	return tc, nil
}

// LoadTLS builds a TLS configuration for Config.TLS from PEM files,
// usable on either side of a connection. certFile and keyFile are this
// side's certificate and key: required on the side that accepts
// connections (the TLS server), optional on the dialing side, where they
// serve mutual TLS. Give both or neither. caFile, when given, is a PEM
// bundle of the CAs that verify the peer: it becomes RootCAs (to verify
// servers) and ClientCAs, and the server then requires and verifies a
// client certificate (mutual TLS). Without caFile servers are verified
// against the system roots and clients are not asked for certificates.
// The minimum version is TLS 1.3.
func LoadTLS(certFile, keyFile, caFile string) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS13}
	if (certFile == "") != (keyFile == "") {
		return nil, fmt.Errorf("session: TLS certificate and key must be given together (cert %q, key %q)", certFile, keyFile)
	}
	if certFile != "" {
		for _, f := range []string{certFile, keyFile} {
			if _, err := os.Stat(f); err != nil {
				return nil, fmt.Errorf("session: TLS: %w", err)
			}
		}
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, fmt.Errorf("session: TLS: loading certificate %s and key %s: %w", certFile, keyFile, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("session: TLS: reading CA bundle: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("session: TLS: no PEM certificates in CA bundle %s", caFile)
		}
		cfg.RootCAs = pool
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}
