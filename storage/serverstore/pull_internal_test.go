package serverstore

import (
	"encoding/json"
	"strings"
	"testing"

	"bvntd/sync/syncproto"
)

// wireSize is the exact length of a record in a pull page, whatever its
// text: HTML characters, Vietnamese, line separators, control characters,
// quotes, and ids or entities that need escaping.
func TestWireSize_IsTheEncodedLength(t *testing.T) {
	texts := []string{
		"Nước mắm giả", strings.Repeat("<", 3000), "a & b > c", "dòng\u2028mới\u2029", "tab\tnew\nline\r\x01",
		`"trích dẫn" \ gạch`, "😀 biểu tượng", "",
	}
	for i, text := range texts {
		fields, err := syncproto.Marshal(map[string]any{"summary": text, "n": i, "list": []string{text, "x"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []syncproto.Record{
			{Entity: "case", ID: "0192a0b1-0000-7000-8000-000000000001", Seq: int64(i + 1)},
			{Entity: "ca<se", ID: "id \"quoted\"\n", Seq: 123456789, Version: 42},
			{Entity: "case", ID: "x", Seq: 7, Version: 3, Withheld: syncproto.WithheldTooLarge},
		} {
			n := len(fields)
			if r.Withheld == "" {
				if err := json.Unmarshal(fields, &r.Fields); err != nil {
					t.Fatal(err)
				}
			} else {
				n = 0
			}
			enc, err := syncproto.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := wireSize(&r, n), len(enc)+1; got != want {
				t.Errorf("text %d, record %s: wireSize %d, encoded %d (+1 comma):\n%s", i, r.ID, got, want, enc)
			}
		}
	}
}
