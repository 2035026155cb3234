package app

import (
	"encoding/json"
	"maps"
	"slices"
)

// HeldRecord is a record as the server holds it when a write reaches it.
type HeldRecord struct {
	Exists  bool // false: the write creates it (Fields and Stamps are empty)
	Fields  map[string]json.RawMessage
	Stamps  map[string]Stamp // per field: the write that set it
	Version int64            // the server version; every applied write adds one
}

// IncomingWrite is one write of some fields of a record.
type IncomingWrite struct {
	Entity   string
	RecordID string
	UnitCode string // the commune (scope) of the write
	Fields   map[string]json.RawMessage
	// Stamp is the writer's: the HLC it is merged with (on the server, the
	// device's stamp bounded by the server's clock), the device, and
	// Version, the version of the record this write makes (the held
	// version plus one).
	Stamp Stamp
	// BaseVersion is the version of the record the writer had when it made
	// the change: a field another device last set in a later version was
	// written concurrently, neither write seeing the other.
	BaseVersion int64
}

// MergeConflict is a conflict for review that a write makes: the value the
// merge kept and the one it did not, each with the stamp of its write.
type MergeConflict struct {
	Kind       string // ConflictField or ConflictVoidEdit
	Field      string
	Kept       json.RawMessage
	KeptStamp  Stamp
	Other      json.RawMessage
	OtherStamp Stamp
}

// Merged is what a write does to a record.
type Merged struct {
	Fields map[string]json.RawMessage // the record's fields after the write
	Stamps map[string]Stamp           // and their stamps
	// Won lists, sorted, the fields that took the write's stamp (see
	// MergeFields).
	Won []string
	// Conflicts are the conflict records to keep, in the order to write
	// them: an edit-vs-void conflict first, then field conflicts by field
	// name.
	Conflicts []MergeConflict
}

// conflictEditable are the fields of a conflict record a device may write:
// resolving it. Devices never create conflicts.
var conflictEditable = map[string]bool{
	"status": true, "resolution": true, "resolved_by": true, "resolved_at": true,
}

// msgConflictWrite refuses a write of a conflict record other than
// resolving one that exists.
const msgConflictWrite = "Chỉ được cập nhật kết quả xem xét của một xung đột đã có."

// fieldVoided is the field that voids a case.
const fieldVoided = "voided"

// MergeWrite decides what write w does to the record held as rec; it is
// the whole merge rule of sync, and reads and changes nothing else (rec
// and w are left as they are).
//
//   - A write CheckWrite refuses is refused with its error, and nothing is
//     decided.
//   - A write that creates the record also sets its id and unit_code from
//     w when it does not carry them, so that every replica has them.
//   - Each field takes the written value if w's stamp is after the field's
//     (Stamp.After: the HLC, then the device id): last writer wins, so the
//     same writes in any order give the same record (MergeFields).
//   - A field conflict is kept when another device last set the field in a
//     version w had not seen (its stamp's Version > w.BaseVersion), the
//     field is Reviewable, and the two values differ as JSON values:
//     whichever write wins, Kept is the value the record now holds and
//     Other the one it lost. A device never conflicts with itself, and a
//     write made after seeing the other one never conflicts.
//   - An edit of a case that another device voided in a version the edit
//     had not seen, and which does not set "voided" itself, leaves the
//     case voided (it never writes that field) and keeps a ConflictVoidEdit
//     conflict: Kept is the voided value with the void's stamp, Other the
//     edit's fields as one JSON object with w's stamp. The edit's fields
//     still merge like any other.
func MergeWrite(rec HeldRecord, w IncomingWrite) (Merged, error) {
	if err := CheckWrite(rec, w); err != nil {
		return Merged{}, err
	}
	fields := writtenFields(rec, w)
	out := Merged{Fields: maps.Clone(rec.Fields), Stamps: maps.Clone(rec.Stamps)}
	if out.Fields == nil { // sized for the fields written: a new record's are all of them
		out.Fields = make(map[string]json.RawMessage, len(fields))
	}
	if out.Stamps == nil {
		out.Stamps = make(map[string]Stamp, len(fields))
	}
	st := w.Stamp
	// unseen reports whether the field was last written by another device
	// in a version w had not seen.
	unseen := func(name string) (Stamp, bool) {
		old, ok := rec.Stamps[name]
		return old, ok && old.Device != st.Device && old.Version > w.BaseVersion
	}

	if vs, ok := unseen(fieldVoided); ok && w.Entity == EntityCase && string(rec.Fields[fieldVoided]) == "true" {
		if _, touches := fields[fieldVoided]; !touches {
			edit, _ := Marshal(fields) // valid JSON values always marshal
			out.Conflicts = append(out.Conflicts, MergeConflict{
				Kind: ConflictVoidEdit, Field: fieldVoided,
				Kept: rec.Fields[fieldVoided], KeptStamp: vs,
				Other: edit, OtherStamp: st,
			})
		}
	}

	var clashes []string
	for name, v := range fields {
		if _, ok := unseen(name); ok && Reviewable(w.Entity, name) && !JSONEqual(rec.Fields[name], v) {
			clashes = append(clashes, name)
		}
	}
	slices.Sort(clashes)

	out.Won = MergeFields(out.Fields, out.Stamps, fields, st)
	slices.Sort(out.Won)

	for _, name := range clashes {
		c := MergeConflict{Kind: ConflictField, Field: name,
			Kept: rec.Fields[name], KeptStamp: rec.Stamps[name], Other: fields[name], OtherStamp: st}
		if out.Stamps[name] == st { // this write won: the held value is the other one
			c.Kept, c.KeptStamp, c.Other, c.OtherStamp = out.Fields[name], st, rec.Fields[name], rec.Stamps[name]
		}
		out.Conflicts = append(out.Conflicts, c)
	}
	return out, nil
}

// writtenFields is a copy of w's fields and, when w creates its record,
// the record's id and unit_code if w does not carry them.
func writtenFields(rec HeldRecord, w IncomingWrite) map[string]json.RawMessage {
	fields := maps.Clone(w.Fields)
	if fields == nil {
		fields = map[string]json.RawMessage{}
	}
	if !rec.Exists {
		if _, ok := fields["id"]; !ok {
			fields["id"] = mustJSONString(w.RecordID)
		}
		if _, ok := fields["unit_code"]; !ok {
			fields["unit_code"] = mustJSONString(w.UnitCode)
		}
	}
	return fields
}

// MergeNew is MergeWrite(HeldRecord{}, w)'s fields: what a write that
// creates its record leaves, without building the stamps (w.Stamp on every
// field) and won names MergeWrite also returns. The server's push merges
// new records ahead with it and writes their stamps as one
// (EncodeSharedStamp).
func MergeNew(w IncomingWrite) (map[string]json.RawMessage, error) {
	if err := CheckWrite(HeldRecord{}, w); err != nil {
		return nil, err
	}
	return writtenFields(HeldRecord{}, w), nil
}

// CheckWrite reports whether the merge refuses w on rec, and why, as an
// *Error (EINVALID): a write of a conflict record may only resolve one that
// exists (set its status, resolution, resolved_by, resolved_at) — devices
// never create conflicts. It needs neither w's stamp nor its base version,
// so a refused write can be told before it is given a stamp.
func CheckWrite(rec HeldRecord, w IncomingWrite) error {
	if w.Entity != EntityConflict {
		return nil
	}
	if !rec.Exists {
		return &Error{Code: EINVALID, Message: msgConflictWrite}
	}
	for name := range w.Fields {
		if !conflictEditable[name] {
			return &Error{Code: EINVALID, Message: msgConflictWrite}
		}
	}
	return nil
}

// JSONEqual reports whether two JSON values are the same value (whatever
// their spacing and key order).
func JSONEqual(a, b json.RawMessage) bool {
	if string(a) == string(b) {
		return true
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xb) == string(yb)
}

func mustJSONString(s string) json.RawMessage {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}
