package serverstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"bvntd/sync/syncproto"
)

// oldHash is how earlier versions hashed a mutation's content: json.Marshal,
// which HTML-escapes.
func oldHash(m syncproto.Mutation) string {
	b, _ := json.Marshal(struct {
		Entity   string                     `json:"entity"`
		RecordID string                     `json:"record_id"`
		Scope    string                     `json:"scope"`
		Op       string                     `json:"op"`
		Fields   map[string]json.RawMessage `json:"fields"`
		HLC      string                     `json:"hlc"`
	}{m.Entity, m.RecordID, m.Scope, m.Op, m.Fields, m.HLC})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// A mutation applied by an earlier version and resent after the upgrade is
// still a duplicate: the hash is the one json.Marshal gave, while the
// payload kept is not HTML-escaped.
func TestCanonicalPayload_HashOfEarlierVersions(t *testing.T) {
	for _, v := range []string{
		`"plain"`, `"Hàng <giả> & nhái"`, `"a\u003cb"`, "\"line\u2028sep\u2029par\"", `{"k":"<&>"}`, `["<", ">", "&"]`,
		` "spaced" `, `123`, "\"\xe2\x80\"", "\"bad\xff<\"",
	} {
		m := syncproto.Mutation{Entity: "case<&>", RecordID: "id\u2028", Scope: "28261", Op: "upsert", HLC: "h",
			Fields: map[string]json.RawMessage{"summary": json.RawMessage(v), "x<y": json.RawMessage(`1`)}}
		payload, hash, err := canonicalPayload(m)
		if err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if want := oldHash(m); hash != want {
			t.Errorf("%s: hash %s, earlier versions %s (payload %s)", v, hash, want, payload)
		}
		if strings.Contains(v, "<") && strings.Contains(payload, `\u003c`) && !strings.Contains(v, `\u003c`) {
			t.Errorf("%s: payload kept HTML-escaped: %s", v, payload)
		}
	}
}

func TestAuditText(t *testing.T) {
	for in, want := range map[string]string{
		"case": "case", "a\x00b": "ab", "\xffx": "\uFFFDx", strings.Repeat("é", 500): strings.Repeat("é", 400),
	} {
		if got := auditText(in); got != want {
			t.Errorf("auditText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := auditPayload(strings.Repeat("x", 3*maxAuditPayload)); !strings.Contains(got, "omitted") {
		t.Errorf("a huge payload is kept: %d bytes", len(got))
	}
}

// plainCanonical writes what encoding/json writes, byte for byte, whenever
// it writes anything: a resend's hash must not depend on the path taken.
func FuzzPlainCanonical(f *testing.F) {
	f.Add("case", "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b", "28261", "upsert", "000001773000000.000001",
		"summary", `"Có \"ngoặc\" <b> & \u2028"`, "amount", ` 1500000 `)
	f.Add("case", "x", "28261", "upsert", "h", "a", `{"x" : [1, 2, {"y":null}]}`, "b", `"\u00e1"`)
	f.Add("cá", "x", "28261", "upsert", "h", "a<", `1`, "b", `tru`)
	f.Fuzz(func(t *testing.T, entity, id, scope, op, h, k1, v1, k2, v2 string) {
		m := syncproto.Mutation{Entity: entity, RecordID: id, Scope: scope, Op: op, HLC: h,
			Fields: map[string]json.RawMessage{k1: json.RawMessage(v1), k2: json.RawMessage(v2)}}
		got, ok := plainCanonical(m, slices.Sorted(maps.Keys(m.Fields)))
		if !ok {
			return
		}
		want, err := marshalCanonical(m)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("plain %s\njson  %s (%v)", got, want, err)
		}
	})
}

// FuzzCanonicalPayload_Hash: whatever the texts and values, the hash is
// the one earlier versions gave (json.Marshal's, HTML-escaped), whichever
// path wrote the payload.
func FuzzCanonicalPayload_Hash(f *testing.F) {
	f.Add("case", "Hàng <giả> & nhái", `"Hàng <giả> & nhái"`, `12`)
	f.Add("case\u2028", "x\u2029", "\"line\u2028sep\u2029par\"", `[1, "<"]`)
	f.Add("c", "\xe2\x80", "\"\xe2\x80\xa8\"", `-0`)
	f.Fuzz(func(t *testing.T, entity, id, v1, v2 string) {
		m := syncproto.Mutation{Entity: entity, RecordID: id, Scope: "28261", Op: "upsert", HLC: "h",
			Fields: map[string]json.RawMessage{"a": json.RawMessage(v1), "b": json.RawMessage(v2)}}
		if !json.Valid([]byte(v1)) || !json.Valid([]byte(v2)) {
			return // the wire's decoder gives valid values only
		}
		_, hash, err := canonicalPayload(m)
		if err != nil {
			t.Fatal(err)
		}
		if want := oldHash(m); hash != want {
			t.Fatalf("hash %s, earlier versions %s", hash, want)
		}
	})
}
