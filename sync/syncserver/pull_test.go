package syncserver_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"bvntd/app"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"

	"github.com/klauspost/compress/zstd"
)

// A pull answer is the same JSON whatever the device takes: zstd for a
// device that lists it (this version's), gzip for one that asks gzip only
// (every older app), plain for one that asks neither; and it is what
// encoding/json writes of the store's Pull (syncproto.AppendPull with the
// stored fields copied as they are).
func TestPull_SameAnswerInZstdGzipOrPlain(t *testing.T) {
	f := newFixture(t, syncserver.Options{})
	dev := f.enroll(t, "28261")
	var muts []syncproto.Mutation
	for i := range 40 {
		muts = append(muts, f.caseMutation(app.NewID(), "28261", map[string]string{
			"summary": strings.Repeat("Hàng giả <kém> chất lượng & đắt. ", 1+i%5), "consumer_name": "Nguyễn Thị Đào"}))
	}
	if r := f.do(t, req{path: syncproto.PathPush, token: dev.Token, body: mustJSON(t, syncproto.PushRequest{Mutations: muts})}); r.status != http.StatusOK {
		t.Fatalf("push: %d %s", r.status, r.body)
	}
	body := []byte(`{"max_bytes":4194304}`)
	plain := f.do(t, req{path: syncproto.PathPull, token: dev.Token, body: body})
	gz := f.do(t, req{path: syncproto.PathPull, token: dev.Token, body: body, gzipResp: true})
	if plain.status != http.StatusOK || gz.status != http.StatusOK || !gz.gzipped || plain.gzipped {
		t.Fatalf("plain %d, gzip %d (gzipped %v)", plain.status, gz.status, gz.gzipped)
	}

	hr, err := http.NewRequest(http.MethodPost, f.srv.URL+syncproto.PathPull, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	hr.Header.Set(syncproto.HeaderProtocol, "1")
	hr.Header.Set("Authorization", "Bearer "+dev.Token)
	hr.Header.Set("Accept-Encoding", "zstd, gzip")
	res, err := f.srv.Client().Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "zstd" {
		t.Fatalf("zstd pull: %d, Content-Encoding %q", res.StatusCode, res.Header.Get("Content-Encoding"))
	}
	zr, err := zstd.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	zbody, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}

	// The three differ only in server_time_ms, which the clock moves.
	norm := func(b []byte) string {
		var r syncproto.PullResponse
		if err := syncproto.Decode(bytes.NewReader(b), false, syncproto.MaxBodyBytes, &r); err != nil {
			t.Fatal(err)
		}
		r.ServerTimeMS = 0
		out, _ := syncproto.Marshal(r)
		return string(out)
	}
	if norm(plain.body) != norm(gz.body) || norm(plain.body) != norm(zbody) {
		t.Fatal("the answers differ by encoding")
	}
	var r syncproto.PullResponse
	if err := syncproto.Decode(bytes.NewReader(plain.body), false, syncproto.MaxBodyBytes, &r); err != nil {
		t.Fatal(err)
	}
	if again, _ := syncproto.Marshal(r); !bytes.Equal(again, plain.body) {
		t.Fatalf("the answer is not what encoding/json writes of it:\n%s\n%s", plain.body, again)
	}
	if len(r.Scopes) != 1 || len(r.Scopes[0].Records) != 40 {
		t.Fatalf("%d scopes", len(r.Scopes))
	}
}
