package app

import (
	"bytes"
	"encoding/json"
	"time"
)

// Cursor is how far the device has pulled one scope of the server.
type Cursor struct {
	Scope string
	Epoch string
	Seq   int64
}

// PulledRecord is the server's merged state of one record.
type PulledRecord struct {
	Entity  string
	ID      string
	Fields  map[string]json.RawMessage
	Version int64 // the server's version, the base of the next local edit
	// Withheld, when set, is why the server sent the record without its
	// fields (WithheldTooLarge, WithheldMalformed): it is quarantined.
	Withheld string
	// Limited: the server left out the record's personal fields
	// (PersonalFieldsOf), as it does for a provincial device with the
	// limited copy (syncproto.Record.Limited).
	Limited bool
	// Raw, when Fields is nil, holds the fields as the server sent them:
	// one JSON object, compact, its keys unique and in ascending order
	// (what json.Marshal writes of Fields). The sync client hands records
	// over so to a store that says it reads them (a RawFieldsReader),
	// sparing the decoding of every field into the map.
	Raw json.RawMessage
}

// RawFieldsReader is implemented by stores that take pulled records with
// their fields in PulledRecord.Raw.
type RawFieldsReader interface {
	ReadsRawFields() bool
}

// PulledPage is one scope's page of a pull, applied in one transaction
// together with its new cursor.
type PulledPage struct {
	Scope   string
	Epoch   string
	Reset   bool
	Records []PulledRecord
	NextSeq int64
}

// Mutation results, as the server answers them.
const (
	ResultApplied   = "applied"
	ResultDuplicate = "duplicate"
	ResultRejected  = "rejected"
)

// MutationResult is the server's answer for one pushed mutation.
type MutationResult struct {
	MutationID string
	Status     string
	Code       string
	Message    string
}

// Enrollment is the binding of this device to the provincial server.
type Enrollment struct {
	ServerURL string
	Token     string
	Scope     string
	At        time.Time
	// DeviceID is the device's id given by the server at enrolment
	// (syncproto.EnrollResponse.DeviceID): the device writes under it from
	// then on. "" keeps the current id.
	DeviceID string
}

// DumpLine returns the canonical dump line of a record: its fields plus
// "type", keys sorted, compact JSON, ending in a newline. Two replicas
// holding the same record give the same bytes. Fields at their zero value
// ("", 0, false, null, [], {}, the zero instant) are left out: a record last written by an
// older version, which did not have a field, and one where that field is
// empty are the same record.
func DumpLine(entity string, fields map[string]json.RawMessage) ([]byte, error) {
	m := make(map[string]json.RawMessage, len(fields)+1)
	for k, v := range fields {
		if !isZeroJSON(v) {
			m[k] = v
		}
	}
	t, err := json.Marshal(entity)
	if err != nil {
		return nil, err
	}
	m["type"] = t
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// isZeroJSON reports whether v is a JSON zero value. The zero instant is
// one: a laptop's record type writes it for an instant a record created
// elsewhere (by another client, through the server) does not have.
func isZeroJSON(v json.RawMessage) bool {
	switch string(bytes.TrimSpace(v)) {
	case "", `""`, "0", "false", "null", "[]", "{}", `"0001-01-01T00:00:00Z"`:
		return true
	}
	return false
}
