package app

import (
	"bytes"
	"maps"
	"slices"
	"testing"
)

// TestEncodeSameStamps_IsEncodeStamps: the new record's stamps written
// ahead (serverstore's push) are byte for byte EncodeStamps of the map.
func TestEncodeSameStamps_IsEncodeStamps(t *testing.T) {
	for _, st := range []Stamp{
		{HLC: HLC{Wall: 1773626400000, Logical: 7}, Device: "0195a3c4-5b6d-7e8f-9a0b-000000000001", Version: 1},
		{HLC: HLC{Wall: 1, Logical: 0}, Device: `thiết bị "lạ"`, Version: 0},
	} {
		for _, keys := range [][]string{nil, {"id"}, {"consumer_name", "id", "summary", "unit_code", "ý_kiến"}} {
			m := map[string]Stamp{}
			for _, k := range keys {
				m[k] = st
			}
			want := EncodeStamps(m)
			if got := EncodeSameStamps(slices.Sorted(maps.Keys(m)), st); !bytes.Equal(got, want) {
				t.Errorf("%v %v:\n got %s\nwant %s", st, keys, got, want)
			}
		}
	}
}
