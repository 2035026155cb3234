package app

import (
	"encoding/json"
	"time"
)

// Conflict kinds.
const (
	// ConflictField: two devices set the same field of a record to
	// different values, each without seeing the other's change. The merge
	// kept one (last writer wins); a supervisor reviews the choice.
	ConflictField = "field"
	// ConflictVoidEdit: a device edited a record that another device had
	// voided. The record stays voided.
	ConflictVoidEdit = "void_edit"
)

// Conflict states.
const (
	ConflictOpen     = "open"
	ConflictResolved = "resolved"
)

// Resolutions.
const (
	ResolutionKeep  = "keep"  // the value the merge kept stays
	ResolutionOther = "other" // the other value was written as a new edit
)

// Conflict is a record of a concurrent change for a supervisor to review
// (Cần xem xét). The server creates it while merging; it travels to the
// devices of the commune like any record, and resolving it is an edit of
// it. The work is never blocked by it.
type Conflict struct {
	ID           string          `json:"id"`
	UnitCode     string          `json:"unit_code"`
	Kind         string          `json:"kind"`
	Entity       string          `json:"entity"`    // of the record in conflict
	RecordID     string          `json:"record_id"` // of the record in conflict
	Field        string          `json:"field"`
	KeptValue    json.RawMessage `json:"kept_value"`  // the value the merge kept
	OtherValue   json.RawMessage `json:"other_value"` // the value it did not keep
	KeptDevice   string          `json:"kept_device"`
	OtherDevice  string          `json:"other_device"`
	KeptOfficer  string          `json:"kept_officer"`
	OtherOfficer string          `json:"other_officer"`
	KeptAt       time.Time       `json:"kept_at"`  // when each write was made, by its stamp
	OtherAt      time.Time       `json:"other_at"` //
	DetectedAt   time.Time       `json:"detected_at"`
	Status       string          `json:"status"`
	Resolution   string          `json:"resolution"`
	ResolvedBy   string          `json:"resolved_by"`
	ResolvedAt   time.Time       `json:"resolved_at"`
}

// Fields returns every field of c by its JSON name.
func (c *Conflict) Fields() map[string]json.RawMessage { return toFields(c) }

// SetFields overwrites the fields of c named in f.
func (c *Conflict) SetFields(f map[string]json.RawMessage) error { return setFields(c, f) }

// bookkeepingFields change with every edit on every device; a concurrent
// write of them is not a conflict anyone needs to review.
var bookkeepingFields = map[string]bool{"updated_at": true, "updated_by": true}

// Reviewable reports whether concurrent writes of field of an entity are
// kept as a conflict for review.
func Reviewable(entity, field string) bool {
	switch {
	case bookkeepingFields[field]:
		return false
	case entity == EntityCase:
		return true
	}
	k, ok := KindOf(entity)
	return ok && (k.Reviewable == nil || k.Reviewable(field))
}

// Validate checks a conflict record as a device may write it: resolving
// it (see CheckWrite) sets a known status and resolution, and its texts
// have the shape of any record's.
func (c *Conflict) Validate() error {
	fe := map[string]string{}
	switch c.Status {
	case ConflictOpen, ConflictResolved:
	default:
		fe["status"] = "Trạng thái xem xét không hợp lệ."
	}
	switch c.Resolution {
	case "", ResolutionKeep, ResolutionOther:
	default:
		fe["resolution"] = "Cách xử lý không hợp lệ."
	}
	checkShape(fe, c)
	if len(fe) > 0 {
		return &Error{Code: EINVALID, Message: "Vui lòng sửa các trường được đánh dấu.", Fields: fe}
	}
	return nil
}
