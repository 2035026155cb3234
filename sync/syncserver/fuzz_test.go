package syncserver_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage/pgtest"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
	"io"
	"log/slog"
)

// fuzzHandler is a handler on a real store with one enrolled commune device.
func fuzzHandler(f *testing.F) (http.Handler, string) {
	f.Helper()
	clock := clocktest.AtToday(f)
	st, err := serverstore.Open(context.Background(), pgtest.ServerDB(f, filepath.Join(f.TempDir(), "server.sqlite")), serverstore.Options{Now: clock.Now})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	code, _, err := st.CreateEnrolCode(context.Background(), "28261", time.Hour)
	if err != nil {
		f.Fatal(err)
	}
	resp, err := st.EnrollDevice(context.Background(), "", syncproto.EnrollRequest{Code: code, DeviceTag: "A7K3", AdoptsDeviceID: true})
	if err != nil {
		f.Fatal(err)
	}
	token := resp.Token
	h := syncserver.New(st, syncserver.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxBodyBytes: 1 << 20, Now: clock.Now})
	return h, token
}

// fuzzBody posts body to path and checks the answer: never a panic or a
// 5xx, and a 4xx whenever the body does not decode.
func fuzzBody(t *testing.T, h http.Handler, token, path string, body []byte, v any) {
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set(syncproto.HeaderProtocol, "1")
	r.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	decodes := syncproto.Decode(bytes.NewReader(body), false, syncproto.MaxBodyBytes, v) == nil
	switch {
	case w.Code >= 500:
		t.Fatalf("status %d for %q: %s", w.Code, body, w.Body)
	case !decodes && (w.Code < 400 || w.Code > 499):
		t.Fatalf("status %d for an undecodable body %q", w.Code, body)
	}
}

func FuzzDecodePushRequest(f *testing.F) {
	id := app.NewID()
	f.Add([]byte(`{"device_id":"","mutations":[{"id":"` + app.NewID() + `","entity":"case","record_id":"` + id +
		`","scope":"28261","op":"upsert","fields":{"summary":"Hàng giả"},"hlc":"001773532800000.000000"}]}`))
	f.Add([]byte(`{"mutations":[{"id":"x","fields":{"type":1}}]}`))
	f.Add([]byte(`{"mutations":null}`))
	f.Add([]byte(`{"mutations":[{}]}`))
	f.Add([]byte(`{"mutations":[`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	f.Add([]byte("\x1f\x8b\x08\x00"))
	f.Add([]byte(`{"mutations":[{"fields":{"a":1e999999}}]}`))
	h, token := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzBody(t, h, token, syncproto.PathPush, body, &syncproto.PushRequest{})
	})
}

func FuzzDecodePullRequest(f *testing.F) {
	f.Add([]byte(`{"cursors":[{"scope":"28261","epoch":"abc","seq":5}],"max_bytes":4096}`))
	f.Add([]byte(`{"cursors":[{"scope":"28262","seq":-1}],"max_bytes":-5}`))
	f.Add([]byte(`{"max_bytes":99999999999999999999}`))
	f.Add([]byte(`{"cursors":{}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"cursors":[null]}`))
	f.Add([]byte(`{`))
	h, token := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzBody(t, h, token, syncproto.PathPull, body, &syncproto.PullRequest{})
	})
}

func FuzzDecodeEnrollRequest(f *testing.F) {
	f.Add([]byte(`{"code":"K7QM-3XPA-9D","device_id":"` + app.NewID() + `","device_tag":"A7K3","app_version":"0.1.0"}`))
	f.Add([]byte(`{"code":"","device_id":"x"}`))
	f.Add([]byte(`{"code":123}`))
	f.Add([]byte(`{`))
	h, token := fuzzHandler(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzBody(t, h, token, syncproto.PathEnroll, body, &syncproto.EnrollRequest{})
	})
}
