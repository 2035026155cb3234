package app

import (
	"encoding/json"
	"fmt"
	"sync"
)

// Kind declares one kind of synced record. A new kind is one RegisterKind
// call with a type that implements Record: the local store keeps it in its
// records table, the sync sends and merges it per field, the server stores
// and serves it, dumps and lists include it — without a line of storage or
// sync code. The cases, their steps and the conflicts have stores of their
// own (EntityCase, EntityCaseEvent, EntityConflict) and are not Kinds.
// A record type is a plain JSON struct: Fields returns its JSON by field
// name (FieldsOf) and SetFields sets fields by name (SetFieldsOf); the
// store keeps the struct's JSON as the record's document.
type Kind struct {
	Entity string        // the "type" on the wire and in dumps; never renamed
	New    func() Record // an empty record of the kind
	// Search returns the text a record is found by in lists (the store
	// folds it, Fold); nil: found by nothing.
	Search func(Record) string
	// Reviewable reports whether two devices' different values of field,
	// written concurrently, are kept as a conflict for review (besides the
	// bookkeeping fields, never); nil: every field is.
	Reviewable func(field string) bool
	// SharedID: a record's id is derived from what it is about (a
	// commune's report of a year), so several devices may create the same
	// record offline. Its creation then carries only the fields given
	// (CreateFields): one device's blank must not overwrite what another
	// wrote.
	SharedID bool
	// AppendOnly: a record is created once and never changed (an audit
	// record): a write to one that exists is refused, on the laptop and
	// on the server.
	AppendOnly bool
}

// MsgAppendOnly is why a change of an append-only record is refused.
const MsgAppendOnly = "Bản ghi này chỉ được thêm mới, không sửa hay hủy được."

// IsAppendOnly reports whether entity is a Kind with AppendOnly.
func IsAppendOnly(entity string) bool {
	k, ok := KindOf(entity)
	return ok && k.AppendOnly
}

// CreateFields returns the fields a new record's mutation carries: all of
// them, or for a kind with SharedID the head and the fields not blank.
func CreateFields(entity string, f map[string]json.RawMessage) map[string]json.RawMessage {
	k, ok := KindOf(entity)
	if !ok || !k.SharedID {
		return f
	}
	out := map[string]json.RawMessage{}
	for name, v := range f {
		if _, head := headFields[name]; head || !isZeroJSON(v) {
			out[name] = v
		}
	}
	return out
}

var (
	kindsMu sync.RWMutex
	kinds   = map[string]Kind{}
)

// RegisterKind declares k. It panics on an empty or taken entity name: a
// programming error, found when the program starts.
func RegisterKind(k Kind) {
	kindsMu.Lock()
	defer kindsMu.Unlock()
	switch {
	case k.Entity == "" || k.New == nil:
		panic("app.RegisterKind: a kind needs an entity name and a constructor")
	case k.Entity == EntityCase || k.Entity == EntityCaseEvent || k.Entity == EntityConflict || kinds[k.Entity].Entity != "":
		panic(fmt.Sprintf("app.RegisterKind: entity %q is taken", k.Entity))
	}
	if got := k.New().Entity(); got != k.Entity {
		panic(fmt.Sprintf("app.RegisterKind: %q makes records of entity %q", k.Entity, got))
	}
	kinds[k.Entity] = k
	RecordEntities = append(RecordEntities, k.Entity)
}

// KindOf returns the declaration of entity.
func KindOf(entity string) (Kind, bool) {
	kindsMu.RLock()
	defer kindsMu.RUnlock()
	k, ok := kinds[entity]
	return k, ok
}

// IsRecordEntity reports whether entity is a declared Kind.
func IsRecordEntity(entity string) bool {
	_, ok := KindOf(entity)
	return ok
}

// NewRecord returns an empty record of entity, or nil for an unknown one.
func NewRecord(entity string) Record {
	if k, ok := KindOf(entity); ok {
		return k.New()
	}
	return nil
}

// SearchText returns the text r is found by (Kind.Search), "" for none.
func SearchText(r Record) string {
	if k, ok := KindOf(r.Entity()); ok && k.Search != nil {
		return k.Search(r)
	}
	return ""
}

// IsEntity reports whether entity is a record type the sync carries: a
// case, a step, a conflict or a declared Kind.
func IsEntity(entity string) bool {
	return entity == EntityCase || entity == EntityCaseEvent || entity == EntityConflict || IsRecordEntity(entity)
}

// The kinds of the registries, training and outreach work (docs/domain.md
// §5.2, §5.5), in the order dumps and exports list them.
func init() {
	for _, k := range []Kind{
		{Entity: EntityOfficer, New: func() Record { return &Officer{} }, Search: func(r Record) string {
			v := r.(*Officer)
			return v.FullName + " " + v.Phone + " " + v.Position
		}},
		{Entity: EntityOrganisation, New: func() Record { return &Organisation{} }, Search: func(r Record) string {
			return r.(*Organisation).Name
		}},
		{Entity: EntityParticipant, New: func() Record { return &Participant{} }, Search: func(r Record) string {
			v := r.(*Participant)
			return v.FullName + " " + v.Phone + " " + v.Workplace
		}},
		{Entity: EntityTraining, New: func() Record { return &TrainingSession{} }, Search: func(r Record) string {
			v := r.(*TrainingSession)
			return v.Title + " " + v.Venue
		}},
		// Two laptops marking the same person at the same session: a
		// different status or signature is for review; the check-in times
		// differ by nature.
		{Entity: EntityAttendance, New: func() Record { return &Attendance{} },
			Reviewable: func(field string) bool { return field == "status" || field == "signed" }},
		{Entity: EntityOutreach, New: func() Record { return &OutreachEvent{} }, Search: func(r Record) string {
			v := r.(*OutreachEvent)
			return v.Title + " " + v.Venue + " " + v.Theme
		}},
		{Entity: EntityPublication, New: func() Record { return &Publication{} }, Search: func(r Record) string {
			return r.(*Publication).Title
		}},
		{Entity: EntityOffPremisesNotice, New: func() Record { return &OffPremisesNotice{} }, Search: func(r Record) string {
			v := r.(*OffPremisesNotice)
			return v.BusinessName + " " + v.Title + " " + v.Place + " " + v.BusinessTaxCode
		}},
	} {
		RegisterKind(k)
	}
}

// FieldsOf returns the fields of a record type that is a plain JSON struct,
// by JSON name: what its Fields method returns.
func FieldsOf(v any) map[string]json.RawMessage { return toFields(v) }

// SetFieldsOf overwrites the fields of v named in f: what its SetFields
// method does.
func SetFieldsOf(v any, f map[string]json.RawMessage) error { return setFields(v, f) }
