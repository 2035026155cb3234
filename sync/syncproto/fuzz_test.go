package syncproto_test

import (
	"bytes"
	"os"
	"testing"

	"bvntd/sync/syncproto"
)

// addSeeds adds every golden file, plain and gzipped, plus a few edge
// cases, to f's corpus.
func addSeeds(f *testing.F) {
	for _, g := range goldens {
		b, err := os.ReadFile(goldenPath(g.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
		f.Add(gzipBytes(f, b), true)
	}
	for _, s := range []string{``, `null`, `{}`, `[]`, `{"fields":{"a":null}}`, `{} {}`, "\x1f\x8b"} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
}

// fuzzDecode decodes data as a T. When that succeeds, the value must
// encode, plain and gzipped, and decode again to a value that encodes to
// the same bytes. (Raw field values keep the input's layout until the first
// encoding compacts them, so the first decoded value is not compared
// directly.)
func fuzzDecode[T any](t *testing.T, data []byte, gz bool) {
	var v T
	if err := syncproto.Decode(bytes.NewReader(data), gz, syncproto.MaxBodyBytes, &v); err != nil {
		return
	}
	first, err := syncproto.Encode(&v, false)
	if err != nil {
		t.Fatalf("Encode of a decoded value: %v", err)
	}
	for _, gz2 := range []bool{false, true} {
		body, err := syncproto.Encode(&v, gz2)
		if err != nil {
			t.Fatalf("Encode(gz=%v) of a decoded value: %v", gz2, err)
		}
		var w T
		if err := syncproto.Decode(bytes.NewReader(body), gz2, syncproto.MaxBodyBytes, &w); err != nil {
			t.Fatalf("Decode(gz=%v) of our own encoding %s: %v", gz2, first, err)
		}
		again, err := syncproto.Encode(&w, false)
		if err != nil {
			t.Fatalf("Encode after the second decode: %v", err)
		}
		if !bytes.Equal(again, first) {
			t.Fatalf("encoding changed after a round trip (gz=%v):\nfirst %s\nagain %s", gz2, first, again)
		}
	}
}

func FuzzDecodePushRequest(f *testing.F) {
	addSeeds(f)
	f.Fuzz(fuzzDecode[syncproto.PushRequest])
}

func FuzzDecodePushResponse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(fuzzDecode[syncproto.PushResponse])
}

func FuzzDecodePullRequest(f *testing.F) {
	addSeeds(f)
	f.Fuzz(fuzzDecode[syncproto.PullRequest])
}

func FuzzDecodePullResponse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(fuzzDecode[syncproto.PullResponse])
}

func FuzzDecodeEnrollRequest(f *testing.F) {
	addSeeds(f)
	f.Fuzz(fuzzDecode[syncproto.EnrollRequest])
}

func FuzzDecodeEnrollResponse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(fuzzDecode[syncproto.EnrollResponse])
}

func FuzzDecodeErrorResponse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(fuzzDecode[syncproto.ErrorResponse])
}
