package syncproto_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"bvntd/sync/syncproto"
)

// randomString mixes what strings hold: Vietnamese, quotes, backslashes,
// control characters, HTML characters, U+2028, invalid UTF-8.
func randomString(rng *rand.Rand) string {
	parts := []string{"a", "Nguyễn Thị Đào", `"`, `\`, "\n", "\t", "\x01", "<b>&", "\u2028", "\xff", " ", "28261", "đ", "_x"}
	var b strings.Builder
	for range rng.IntN(6) {
		b.WriteString(parts[rng.IntN(len(parts))])
	}
	return b.String()
}

func randomValue(rng *rand.Rand, depth int) json.RawMessage {
	switch rng.IntN(7) {
	case 0:
		return raw("null")
	case 1:
		return raw(fmt.Sprint(rng.IntN(1e6) - 1000))
	case 2:
		return raw("true")
	case 3:
		if depth < 2 {
			return raw(`[` + string(randomValue(rng, depth+1)) + `,` + string(randomValue(rng, depth+1)) + `]`)
		}
	case 4:
		if depth < 2 {
			b, _ := syncproto.Marshal(map[string]json.RawMessage{randomString(rng): randomValue(rng, depth+1)})
			return b
		}
	}
	b, _ := syncproto.Marshal(randomString(rng))
	return b
}

func randomFields(rng *rand.Rand) map[string]json.RawMessage {
	if rng.IntN(10) == 0 {
		return nil
	}
	f := map[string]json.RawMessage{}
	for range rng.IntN(12) {
		name := []string{"id", "summary", "consumer_name", "a", "B", "x_y", ""}[rng.IntN(7)]
		if rng.IntN(8) == 0 {
			name = randomString(rng)
		}
		f[name] = randomValue(rng, 0)
	}
	return f
}

func randomPull(rng *rand.Rand) syncproto.PullResponse {
	resp := syncproto.PullResponse{HasMore: rng.IntN(2) == 0, ServerTimeMS: rng.Int64N(1 << 42)}
	if rng.IntN(2) == 0 {
		resp.MinAppVersion = "1.2." + fmt.Sprint(rng.IntN(9))
	}
	if rng.IntN(2) == 0 {
		resp.RecoveryKey = "age1" + randomString(rng)
	}
	if rng.IntN(8) != 0 {
		resp.Scopes = []syncproto.ScopePage{}
	}
	for range rng.IntN(4) {
		p := syncproto.ScopePage{Scope: randomString(rng), Epoch: "e" + fmt.Sprint(rng.IntN(9)), Reset: rng.IntN(3) == 0,
			NextSeq: rng.Int64N(1e9), HasMore: rng.IntN(2) == 0}
		if rng.IntN(6) != 0 {
			p.Records = []syncproto.Record{}
		}
		for range rng.IntN(6) {
			r := syncproto.Record{Entity: "case", ID: randomString(rng), Seq: rng.Int64N(1e9), Fields: randomFields(rng),
				Version: rng.Int64N(3), Limited: rng.IntN(4) == 0}
			if rng.IntN(5) == 0 {
				r.Withheld, r.Fields = syncproto.WithheldMalformed, nil
			}
			p.Records = append(p.Records, r)
		}
		resp.Scopes = append(resp.Scopes, p)
	}
	return resp
}

// AppendPull writes what Marshal writes, on random answers (seeded),
// whether the records' fields are given as maps or as their canonical
// JSON; CanonicalObject holds for every map Marshal writes with plain
// keys, and whenever it holds, decoding and encoding again gives the same
// bytes.
func TestAppendPull_SameBytesAsMarshal(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 2))
	for i := range 3000 {
		resp := randomPull(rng)
		want, err := syncproto.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		got, err := syncproto.AppendPull(nil, &resp, nil)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("answer %d:\n got %s\nwant %s (%v)", i, got, want, err)
		}
		var raws [][]json.RawMessage
		for _, p := range resp.Scopes {
			var pr []json.RawMessage
			for _, r := range p.Records {
				var b json.RawMessage
				if r.Fields != nil {
					b, _ = syncproto.Marshal(r.Fields)
					plain := true
					for k := range r.Fields {
						plain = plain && !strings.ContainsAny(k, "\"\\") && strings.IndexFunc(k, func(c rune) bool { return c < 0x20 || c >= 0x7f }) < 0
					}
					if syncproto.CanonicalObject(b) != plain {
						t.Fatalf("CanonicalObject(%s) = %v; its keys plain: %v", b, !plain, plain)
					}
				}
				pr = append(pr, b)
			}
			raws = append(raws, pr)
		}
		got, err = syncproto.AppendPull(nil, &resp, raws)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("answer %d with raw fields:\n got %s\nwant %s (%v)", i, got, want, err)
		}
	}
}

func TestCanonicalObject(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{`{}`, true},
		{`{"a":1,"b":{"z":1,"a":[1, 2]}}`, false}, // a space inside a value
		{`{"a":1,"b":{"z":1,"a":[1,2]}}`, true},   // nested keys in any order
		{`{"b":1,"a":2}`, false},
		{`{"a":1,"a":2}`, false},
		{`{"a":1 }`, false},
		{` {"a":1}`, false},
		{`{"\u0061":1}`, false},
		{`{"é":1}`, false},
		{`{"":1,"a":"x y"}`, true},
		{`{"a":"\"}\"","b":2}`, true},
		{`{"a":1}x`, false},
		{`null`, false},
		{`[1]`, false},
		{`{"a":}`, false},
	} {
		got := syncproto.CanonicalObject([]byte(tc.in))
		if got != tc.want {
			t.Errorf("CanonicalObject(%s) = %v, want %v", tc.in, got, tc.want)
		}
		if got {
			var m map[string]json.RawMessage
			if err := json.Unmarshal([]byte(tc.in), &m); err != nil {
				t.Fatal(err)
			}
			if b, _ := syncproto.Marshal(m); string(b) != tc.in {
				t.Errorf("%s encodes again as %s", tc.in, b)
			}
		}
	}
}

// FuzzCanonicalObject: whatever the input, a document CanonicalObject
// accepts decodes into a map that encodes back to the same bytes.
func FuzzCanonicalObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":[1,{"c":null}]}`, `{"a":"x\"y","b":"\\"}`, `{"b":1,"a":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !syncproto.CanonicalObject(b) {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil || m == nil {
			t.Fatalf("accepted %q: %v", b, err)
		}
		if out, _ := syncproto.Marshal(m); !bytes.Equal(out, b) {
			t.Fatalf("accepted %q, encodes again as %q", b, out)
		}
	})
}

// BenchmarkAppendPull encodes a pull answer of 500 cases as the server
// does: fields as stored, copied (raw), against encoding/json (map).
func BenchmarkAppendPull(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 5))
	resp := syncproto.PullResponse{Scopes: []syncproto.ScopePage{{Scope: "28261", Epoch: "e1", NextSeq: 500}}}
	var raws []json.RawMessage
	for i := range 500 {
		f := map[string]json.RawMessage{}
		for j := range 50 {
			f[fmt.Sprintf("field_%02d", j)], _ = syncproto.Marshal(fmt.Sprintf("Nguyễn Văn %d %d", rng.IntN(1e6), j))
		}
		bb, _ := syncproto.Marshal(f)
		raws = append(raws, bb)
		resp.Scopes[0].Records = append(resp.Scopes[0].Records, syncproto.Record{Entity: "case", ID: fmt.Sprint(i), Seq: int64(i + 1), Fields: f, Version: 1})
	}
	b.Run("raw", func(b *testing.B) {
		for range b.N {
			if _, err := syncproto.AppendPull(nil, &resp, [][]json.RawMessage{raws}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("marshal", func(b *testing.B) {
		for range b.N {
			if _, err := syncproto.Marshal(resp); err != nil {
				b.Fatal(err)
			}
		}
	})
}
