package app

import (
	"bytes"
	"encoding/json"
	"time"
)

// Entity names: the "type" of a record on the wire and in dumps.
const (
	EntityCase      = "case"
	EntityConflict  = "conflict"
	EntityCaseEvent = "case_event"
)

// Mutation operations.
const (
	OpUpsert = "upsert" // create a record or set some of its fields
)

// Mutation is one logical change of one record, written to the outbox in
// the same transaction as the change itself. Its ID is the idempotency key
// of the sync protocol.
type Mutation struct {
	ID       string // UUIDv7
	Entity   string // EntityCase …
	RecordID string
	UnitCode string // the commune (scope) the record belongs to
	Op       string
	// Fields holds only the fields that changed, by their JSON names, as
	// JSON values.
	Fields map[string]json.RawMessage
	// FieldsJSON, when set, is Fields as one JSON object, as the outbox
	// holds it: the push sends it as it is instead of encoding Fields.
	FieldsJSON json.RawMessage
	HLC        HLC
	// BaseVersion is the server version of the record the change was made
	// on (0 if the device never received the record from the server).
	BaseVersion int64
	DeviceID    string
	Officer     string
	DeviceTime  time.Time // what the officer's clock said, for the audit trail
}

// Stamp orders writes to one field: the HLC, then the device id. The
// server also keeps the record version the write produced, to tell a
// concurrent write (made without seeing this one) from a later one.
type Stamp struct {
	HLC     HLC    `json:"h"`
	Device  string `json:"d"`
	Version int64  `json:"v,omitempty"`
}

// After reports whether s wins over o under last-writer-wins.
func (s Stamp) After(o Stamp) bool {
	if c := s.HLC.Compare(o.HLC); c != 0 {
		return c > 0
	}
	return s.Device > o.Device
}

// MarshalJSON writes a stamp as {"h":"<hlc>","d":"<device>"}.
func (s Stamp) MarshalJSON() ([]byte, error) {
	return s.appendJSON(nil), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *Stamp) UnmarshalJSON(b []byte) error {
	var v struct {
		H string `json:"h"`
		D string `json:"d"`
		V int64  `json:"v"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	h, err := ParseHLC(v.H)
	if err != nil {
		return err
	}
	*s = Stamp{HLC: h, Device: v.D, Version: v.V}
	return nil
}

// MergeFields applies a write of fields stamped st to a record's current
// fields and per-field stamps, field by field, last-writer-wins. It reports
// which fields took the new value. Both maps are updated in place. The same
// writes applied in any order give the same result.
func MergeFields(cur map[string]json.RawMessage, stamps map[string]Stamp, fields map[string]json.RawMessage, st Stamp) (won []string) {
	for name, v := range fields {
		old, seen := stamps[name]
		if seen && !st.After(old) {
			continue
		}
		stamps[name] = st
		if !bytes.Equal(cur[name], v) || !seen {
			cur[name] = v
		}
		won = append(won, name)
	}
	return won
}
