package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage/pgtest"
	"bvntd/sync/syncproto"
)

// publicFake is an intake backend for the listener tests: they test the
// listeners, not the intake (sync/intakeweb and the store test that).
type publicFake struct{}

func (publicFake) Submit(context.Context, *app.Submission) (app.SubmitReceipt, error) {
	return app.SubmitReceipt{}, app.Errorf(app.EINVALID, "không dùng")
}

func (publicFake) Status(context.Context, string, string) (app.IntakeStatus, error) {
	return app.IntakeStatus{}, app.Errorf(app.ENOTFOUND, "không có")
}

// servePublic starts serve with --public-addr (and the extra flags).
func servePublic(t *testing.T, extra ...string) *Main {
	t.Helper()
	db := pgtest.ServerDB(t, filepath.Join(t.TempDir(), "server.sqlite"))
	m := NewMain(clocktest.Running(t))
	m.Stdout, m.Stderr = &syncBuffer{}, &syncBuffer{}
	m.IntakeBackend = publicFake{}
	if err := m.ParseFlags(append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--public-addr", "127.0.0.1:0"}, extra...)); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func fetch(t *testing.T, c *http.Client, method, url string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader("{}"))
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The device API and the public form are on their own listeners: none of
// the device API's paths answers on the public one, and the form's pages
// are not on the device API's.
func TestPublicListener_SeparateFromTheDeviceAPI(t *testing.T) {
	m := servePublic(t)
	c := http.DefaultClient
	pub, dev := m.PublicURL(), m.URL()
	if pub == "" || pub == dev {
		t.Fatalf("public %q, device %q", pub, dev)
	}
	if code, body := fetch(t, c, "GET", pub+"/"); code != 200 || !strings.Contains(body, "Phường Mỹ Tho") {
		t.Fatalf("the form on the public listener: %d", code)
	}
	if code, _ := fetch(t, c, "GET", dev+syncproto.PathHealth); code != 200 {
		t.Fatalf("the device API's health: %d", code)
	}
	for _, p := range []string{syncproto.PathHealth, syncproto.PathEnroll, syncproto.PathPush, syncproto.PathPull,
		syncproto.PathFileStatus, syncproto.PathFilePut, syncproto.PathFileGet} {
		for _, method := range []string{"GET", "POST"} {
			code, body := fetch(t, c, method, pub+p)
			if code != 404 || !strings.Contains(body, "Không có trang này") {
				t.Errorf("%s %s on the public listener: %d %.80q", method, p, code, body)
			}
		}
	}
	for _, p := range []string{"/", "/tra-cuu", "/gui"} {
		for _, method := range []string{"GET", "POST"} {
			code, body := fetch(t, c, method, dev+p)
			if code < 400 || strings.Contains(body, "phản ánh") {
				t.Errorf("%s %s on the device API: %d %.80q", method, p, code, body)
			}
		}
	}
	if !strings.Contains(m.Stderr.(*syncBuffer).String(), "public intake form on "+pub) {
		t.Error("serve does not say where the form is")
	}
}

// With TLS the public form is served over TLS too, with the same
// certificate; --public-trust-proxy needs --public-addr.
func TestPublicListener_TLSAndFlags(t *testing.T) {
	certFile, keyFile := writeSelfSigned(t)
	m := servePublic(t, "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(m.PublicURL(), "https://") {
		t.Fatalf("public URL %q", m.PublicURL())
	}
	pem, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	if code, body := fetch(t, c, "GET", m.PublicURL()+"/tra-cuu"); code != 200 || !strings.Contains(body, "Tra cứu") {
		t.Fatalf("the status page over TLS: %d", code)
	}
	if code, _ := fetch(t, http.DefaultClient, "GET", "http://"+strings.TrimPrefix(m.PublicURL(), "https://")+"/"); code != 400 {
		t.Fatalf("plain http on the TLS listener: %d", code)
	}

	err = NewMain(clocktest.Running(t)).ParseFlags([]string{"serve", "--db", "x.sqlite", "--public-trust-proxy"})
	if err == nil || !strings.Contains(err.Error(), "--public-addr") {
		t.Fatalf("--public-trust-proxy alone: %v", err)
	}
}
