package session

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testCA is a throwaway certificate authority.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue writes a leaf certificate for 127.0.0.1 and its key to dir and
// returns their paths.
func (ca *testCA) issue(t *testing.T, dir, name string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: name},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile = filepath.Join(dir, name+".crt")
	keyFile = filepath.Join(dir, name+".key")
	writeFile(t, certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	writeFile(t, keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))
	return certFile, keyFile
}

func (ca *testCA) write(t *testing.T, dir, name string) string {
	f := filepath.Join(dir, name+".pem")
	writeFile(t, f, ca.pem)
	return f
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func loadTLS(t *testing.T, cert, key, ca string) *tls.Config {
	t.Helper()
	c, err := LoadTLS(cert, key, ca)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tlsSetup returns configs for a server and a client that trust each
// other through one CA, with mutual TLS.
func tlsSetup(t *testing.T) (server, client *tls.Config, dir string, ca *testCA) {
	dir = t.TempDir()
	ca = newTestCA(t, "dpfw test CA")
	caFile := ca.write(t, dir, "ca")
	sc, sk := ca.issue(t, dir, "server")
	cc, ck := ca.issue(t, dir, "client")
	return loadTLS(t, sc, sk, caFile), loadTLS(t, cc, ck, caFile), dir, ca
}

func withTLS(c *tls.Config) Config {
	cfg := testCfg()
	cfg.TLS = c
	return cfg
}

func TestTLSBothDirections(t *testing.T) {
	server, client, _, _ := tlsSetup(t)
	for _, tc := range []struct {
		name     string
		lid, did Identity
	}{
		{"master dials slave", slaveID, masterID},
		{"slave dials master", masterID, slaveID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ls, ds, lerr, derr := connect(t, withTLS(server), tc.lid, withTLS(client), tc.did)
			if lerr != nil || derr != nil {
				t.Fatalf("connect: listener %v, dialer %v", lerr, derr)
			}
			if _, ok := ls.conn.(*tls.Conn); !ok {
				t.Fatalf("listener conn is %T, not TLS", ls.conn)
			}
			m, s := ds, ls
			if tc.did.Role == RoleSlave {
				m, s = ls, ds
			}
			go s.Serve(context.Background(), newTestHandler())
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			resp, err := m.Call(ctx, &Request{Kind: KindPing})
			if err != nil || resp.Err != nil {
				t.Fatalf("Call over TLS: %v %+v", err, resp)
			}
			st := ds.conn.(*tls.Conn).ConnectionState()
			if st.Version != tls.VersionTLS13 || len(ls.conn.(*tls.Conn).ConnectionState().PeerCertificates) == 0 {
				t.Fatalf("TLS state: version %x, client certs %d", st.Version, len(ls.conn.(*tls.Conn).ConnectionState().PeerCertificates))
			}
		})
	}
}

// expectFail connects and checks that both sides fail with ErrHandshake
// well within the handshake timeout, the listener logging one line
// containing want.
func expectFail(t *testing.T, lcfg, dcfg Config, want string) {
	t.Helper()
	var logs syncBuffer
	lcfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	start := time.Now()
	_, _, lerr, derr := connect(t, lcfg, slaveID, dcfg, masterID)
	if took := time.Since(start); took > lcfg.HandshakeTimeout+time.Second {
		t.Errorf("failing took %v", took)
	}
	if !errors.Is(lerr, ErrHandshake) || !errors.Is(derr, ErrHandshake) {
		t.Fatalf("want ErrHandshake on both sides, got listener %v, dialer %v", lerr, derr)
	}
	if !strings.Contains(lerr.Error(), want) {
		t.Errorf("listener error %q does not contain %q", lerr, want)
	}
	if n := strings.Count(logs.String(), `msg="handshake failed"`); n != 1 {
		t.Errorf("want one log line, got %d:\n%s", n, logs.String())
	}
	t.Logf("listener: %v; dialer: %v", lerr, derr)
}

func TestTLSClientWithoutCertRejected(t *testing.T) {
	server, _, dir, ca := tlsSetup(t)
	client := loadTLS(t, "", "", ca.write(t, dir, "ca2"))
	expectFail(t, withTLS(server), withTLS(client), "didn't provide a certificate")
}

func TestTLSClientCertFromOtherCARejected(t *testing.T) {
	server, _, dir, ca := tlsSetup(t)
	other := newTestCA(t, "other CA")
	cc, ck := other.issue(t, dir, "intruder")
	client := loadTLS(t, cc, ck, ca.write(t, dir, "ca2")) // trusts the server
	// Go's client offers no certificate the server's CA list does not
	// name; force it, so that the server's verification is what fails.
	client.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
		return &client.Certificates[0], nil
	}
	expectFail(t, withTLS(server), withTLS(client), "unknown authority")
}

func TestTLSServerFromOtherCARejected(t *testing.T) {
	server, _, dir, _ := tlsSetup(t)
	other := newTestCA(t, "other CA")
	cc, ck := other.issue(t, dir, "c")
	client := loadTLS(t, cc, ck, other.write(t, dir, "other"))
	expectFail(t, withTLS(server), withTLS(client), "TLS handshake")
}

func TestPlainClientToTLSServer(t *testing.T) {
	server, _, _, _ := tlsSetup(t)
	expectFail(t, withTLS(server), testCfg(), "TLS handshake")
}

func TestTLSClientToPlainServer(t *testing.T) {
	_, client, _, _ := tlsSetup(t)
	expectFail(t, testCfg(), withTLS(client), "TLS ClientHello")
}

func TestLoadTLSErrors(t *testing.T) {
	dir := t.TempDir()
	ca := newTestCA(t, "ca")
	cert, key := ca.issue(t, dir, "x")
	caFile := ca.write(t, dir, "ca")
	junk := filepath.Join(dir, "junk")
	writeFile(t, junk, []byte("not pem"))
	missing := filepath.Join(dir, "missing")
	for _, tc := range []struct {
		cert, key, ca, want string
	}{
		{cert, "", "", "together"},
		{missing, key, "", "missing"},
		{cert, missing, "", "missing"},
		{cert, junk, "", "loading certificate"},
		{"", "", missing, "reading CA bundle"},
		{"", "", junk, "no PEM certificates"},
	} {
		_, err := LoadTLS(tc.cert, tc.key, tc.ca)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("LoadTLS(%q, %q, %q) = %v, want error containing %q", tc.cert, tc.key, tc.ca, err, tc.want)
		}
	}
	c := loadTLS(t, cert, key, caFile)
	if c.MinVersion != tls.VersionTLS13 || c.ClientAuth != tls.RequireAndVerifyClientCert || c.RootCAs == nil || c.ClientCAs == nil || len(c.Certificates) != 1 {
		t.Errorf("LoadTLS config: %+v", c)
	}
	if c := loadTLS(t, cert, key, ""); c.ClientAuth != tls.NoClientCert {
		t.Errorf("without a CA the server must not require client certs")
	}
}

func TestTLSSilentClientTimesOut(t *testing.T) {
	server, _, _, _ := tlsSetup(t)
	ln, err := Listen("")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	cfg := withTLS(server)
	cfg.HandshakeTimeout = 300 * time.Millisecond
	start := time.Now()
	_, err = New(context.Background(), sc, cfg, slaveID)
	if took := time.Since(start); took > time.Second {
		t.Errorf("New took %v", took)
	}
	if !errors.Is(err, ErrHandshake) || !strings.Contains(err.Error(), "TLS handshake: timed out") {
		t.Fatalf("got %v", err)
	}
}
