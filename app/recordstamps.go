package app

import (
	"encoding/json"
	"fmt"
	"slices"
)

// sharedStampName is the name, in a record's stamps as the server stores
// them (EncodeRecordStamps), of the stamp that every field not named bears.
// The empty name is never a field's: a push naming it is refused.
const sharedStampName = ""

// EncodeRecordStamps writes the per-field stamps of a record whose fields
// are fields, for the server's store: the stamp that most fields bear once,
// under the empty name, and the others by field name, sorted. A new record
// written by one device has one stamp on its 50-odd fields, so its stamps
// take some 80 bytes instead of 5.6 KB (the store's rows, its log and its
// checkpoints carry them). When the names of stamps and fields differ, or
// no stamp is shared, it writes EncodeStamps' full form. DecodeRecordStamps
// reads both forms.
func EncodeRecordStamps(stamps map[string]Stamp, fields map[string]json.RawMessage) []byte {
	if len(stamps) < 2 || len(stamps) != len(fields) {
		return EncodeStamps(stamps)
	}
	if _, ok := stamps[sharedStampName]; ok {
		return EncodeStamps(stamps)
	}
	counts := make(map[Stamp]int, 2)
	for name, st := range stamps {
		if _, ok := fields[name]; !ok {
			return EncodeStamps(stamps)
		}
		counts[st]++
	}
	var shared Stamp
	most := 0
	for st, n := range counts {
		// The most borne; among equals the later stamp, so the form
		// does not depend on the map's order.
		if n > most || n == most && stampAfter(st, shared) {
			shared, most = st, n
		}
	}
	if most < 2 {
		return EncodeStamps(stamps)
	}
	others := make([]string, 0, len(stamps)-most)
	for name, st := range stamps {
		if st != shared {
			others = append(others, name)
		}
	}
	slices.Sort(others)
	b := make([]byte, 0, 96*(len(others)+1)+2)
	b = append(b, `{"":`...)
	b = shared.appendJSON(b)
	for _, name := range others {
		b = append(b, ',')
		b = appendJSONString(b, name)
		b = append(b, ':')
		b = stamps[name].appendJSON(b)
	}
	return append(b, '}')
}

// stampAfter orders stamps wholly: by clock, device, then version.
func stampAfter(a, b Stamp) bool {
	if c := a.HLC.Compare(b.HLC); c != 0 {
		return c > 0
	}
	if a.Device != b.Device {
		return a.Device > b.Device
	}
	return a.Version > b.Version
}

// EncodeSharedStamp is EncodeRecordStamps of a record whose fields, named
// keys in order, all bear st: a new record's (serverstore's push).
func EncodeSharedStamp(keys []string, st Stamp) []byte {
	if len(keys) < 2 || slices.Contains(keys, sharedStampName) {
		return EncodeSameStamps(keys, st)
	}
	b := make([]byte, 0, 96)
	b = append(b, `{"":`...)
	b = st.appendJSON(b)
	return append(b, '}')
}

// DecodeRecordStamps reads the stamps of a record whose fields are fields,
// as EncodeRecordStamps or EncodeStamps wrote them: each field not named
// bears the shared stamp.
func DecodeRecordStamps(data []byte, fields map[string]json.RawMessage) (map[string]Stamp, error) {
	stamps := map[string]Stamp{}
	if err := json.Unmarshal(data, &stamps); err != nil {
		return nil, err
	}
	shared, ok := stamps[sharedStampName]
	if !ok {
		return stamps, nil
	}
	delete(stamps, sharedStampName)
	for name := range stamps {
		if _, ok := fields[name]; !ok {
			return nil, fmt.Errorf("stamps name %q, which is not a field", name)
		}
	}
	for name := range fields {
		if _, named := stamps[name]; !named {
			stamps[name] = shared
		}
	}
	return stamps, nil
}
