package syncclient

import (
	"strconv"

	"bvntd/app"
)

// appendWireMutations appends the JSON array of muts as syncproto.Marshal
// writes it, without its reflection and its check of each mutation's
// fields (the outbox's own JSON, written by app.EncodeFields): a tenth of
// a bulk push's work on the laptop (issue 22). FuzzAppendWireMutations
// holds the two equal.
func appendWireMutations(b []byte, muts []wireMutation) []byte {
	b = append(b, '[')
	for i := range muts {
		if i > 0 {
			b = append(b, ',')
		}
		m := &muts[i]
		b = app.AppendJSONText(append(b, `{"id":`...), m.ID)
		b = app.AppendJSONText(append(b, `,"entity":`...), m.Entity)
		b = app.AppendJSONText(append(b, `,"record_id":`...), m.RecordID)
		b = app.AppendJSONText(append(b, `,"scope":`...), m.Scope)
		b = app.AppendJSONText(append(b, `,"op":`...), m.Op)
		b = app.AppendJSONText(append(b, `,"hlc":`...), m.HLC)
		if m.Officer != "" {
			b = app.AppendJSONText(append(b, `,"officer":`...), m.Officer)
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
