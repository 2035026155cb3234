package syncclient

import (
	"strconv"
	"unicode/utf8"

	"bvntd/sync/syncproto"
)

// appendWireMutations appends the JSON array of muts as syncproto.Marshal
// writes it, without its reflection and its check of each mutation's
// fields (the outbox's own JSON, written by app.EncodeFields): a tenth of
// a bulk push's work on the laptop (issue 22). TestAppendWireMutations
// holds the two equal.
func appendWireMutations(b []byte, muts []wireMutation) []byte {
	b = append(b, '[')
	for i := range muts {
		if i > 0 {
			b = append(b, ',')
		}
		m := &muts[i]
		b = appendText(append(b, `{"id":`...), m.ID)
		b = appendText(append(b, `,"entity":`...), m.Entity)
		b = appendText(append(b, `,"record_id":`...), m.RecordID)
		b = appendText(append(b, `,"scope":`...), m.Scope)
		b = appendText(append(b, `,"op":`...), m.Op)
		b = appendText(append(b, `,"hlc":`...), m.HLC)
		if m.Officer != "" {
			b = appendText(append(b, `,"officer":`...), m.Officer)
		}
		b = strconv.AppendInt(append(b, `,"device_time_ms":`...), m.DeviceTimeMS, 10)
		if m.BaseVersion != 0 {
			b = strconv.AppendInt(append(b, `,"base_version":`...), m.BaseVersion, 10)
		}
		b = append(b, `,"fields":`...)
		if m.Fields == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, m.Fields...)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendText appends s as a JSON string as syncproto.Marshal writes it.
func appendText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2]&^1 == 0xA8 {
			q, _ := syncproto.Marshal(s)
			return append(b, q...)
		}
	}
	if !utf8.ValidString(s) {
		q, _ := syncproto.Marshal(s)
		return append(b, q...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
