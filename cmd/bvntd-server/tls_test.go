package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage/pgtest"
)

// writeSelfSigned writes a self-signed certificate for 127.0.0.1 and its
// key, as a province would make for a test server, and returns their paths.
// The TLS handshake checks its validity against the real clock of the
// machine (crypto/tls), whatever day the test simulates: it is valid from
// 2000 to 2099, so that the test holds on any day it is run.
func writeSelfSigned(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "bvntd thử nghiệm", Organization: []string{"Sở Công Thương Đồng Tháp"}},
		NotBefore:             time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2099, 12, 31, 0, 0, 0, 0, time.UTC),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestTLS_ServerCertificateTrustedThroughTheCAGivenAtEnrolment(t *testing.T) {
	certFile, keyFile := writeSelfSigned(t)
	dbPath := pgtest.ServerDB(t, filepath.Join(t.TempDir(), "server.sqlite"))
	m := NewMain(clocktest.Running(t))
	m.Stdout, m.Stderr = io.Discard, io.Discard
	if err := m.ParseFlags([]string{"serve", "--db", dbPath, "--addr", "127.0.0.1:0",
		"--tls-cert", certFile, "--tls-key", keyFile}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	srv := &e2eServer{URL: m.URL(), DB: dbPath}
	if !strings.HasPrefix(srv.URL, "https://") {
		t.Fatalf("server URL %s", srv.URL)
	}

	a := newDevice(t)
	a.must("demo", "--commune", "28261", "--complaints", "5", "--seed", demoSeed(t, 0))
	a.must("enroll", "--server", srv.URL, "--code", srv.code(t, "28261"), "--ca", certFile)
	a.must("sync")
	if n := len(caseIDs(t, srv.dump(t))); n != 5 {
		t.Fatalf("server has %d records over TLS", n)
	}

	// Without the CA the server is not trusted: a clear message, at once,
	// not a retry loop until the timeout.
	b := newDevice(t)
	code := srv.code(t, "28261")
	done := make(chan error, 1)
	go func() {
		_, err := b.run("enroll", "--server", srv.URL, "--code", code)
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(5 * time.Second): // its retries would take longer
		t.Fatal("an untrusted certificate was retried")
	}
	if err == nil || !strings.Contains(err.Error(), "chứng chỉ") {
		t.Fatalf("enrolment without the CA: %v", err)
	}
	if app.ErrorCode(err) == app.EINTERNAL {
		t.Fatalf("untrusted certificate reported as an internal error: %v", err)
	}
}
