package app

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// syncDoc is a record of any entity the sync carries, as a plain JSON
// struct: a case, a step, a conflict or a declared Kind.
type syncDoc interface {
	Fields() map[string]json.RawMessage
	SetFields(map[string]json.RawMessage) error
}

// newSyncDoc returns an empty record of entity, or nil for an entity the
// sync does not carry.
func newSyncDoc(entity string) syncDoc {
	switch entity {
	case EntityCase:
		return &Case{}
	case EntityCaseEvent:
		return &CaseEvent{}
	case EntityConflict:
		return &Conflict{}
	}
	if r := NewRecord(entity); r != nil {
		return r
	}
	return nil
}

var knownFields sync.Map // entity → map[string]bool

// fieldsOfEntity returns the field names of entity's record type.
func fieldsOfEntity(entity string) map[string]bool {
	if v, ok := knownFields.Load(entity); ok {
		return v.(map[string]bool)
	}
	d := newSyncDoc(entity)
	if d == nil {
		return nil
	}
	m := map[string]bool{}
	for _, name := range RecordFieldNames(d) {
		m[name] = true
	}
	knownFields.Store(entity, m)
	return m
}

// Messages of refused writes.
const (
	msgWriteRefused = "Máy chủ tỉnh không nhận thay đổi này"
	msgWrongType    = "Giá trị không đúng kiểu dữ liệu."
	msgUnknownField = "Loại dữ liệu này không có trường này (máy chủ tỉnh có thể cần cập nhật phiên bản mới)."
	msgNotUTF8      = "Văn bản không phải UTF-8 hợp lệ."
)

// CheckWriteShape checks what can be told of a write of entity's fields
// without decoding them: at most MaxWriteFields fields and MaxWriteBytes
// bytes (ETOOLARGE, checked first, so a huge write costs nothing more),
// field names the record type has, and values that are valid UTF-8
// (EINVALIDVALUE). The error is an *Error with a Vietnamese message naming
// the fields, for the officer whose change it is.
func CheckWriteShape(entity string, fields map[string]json.RawMessage) error {
	if n := len(fields); n > MaxWriteFields {
		return &Error{Code: ETOOLARGE, Message: fmt.Sprintf(
			"%s: thay đổi có %d trường, nhiều hơn mức tối đa %d.", msgWriteRefused, n, MaxWriteFields)}
	}
	if n := writeSize(fields); n > MaxWriteBytes {
		return &Error{Code: ETOOLARGE, Message: fmt.Sprintf(
			"%s: thay đổi lớn %s, quá mức tối đa %s.", msgWriteRefused, FormatBytes(int64(n)), FormatBytes(MaxWriteBytes))}
	}
	known := fieldsOfEntity(entity)
	fe := map[string]string{}
	for name, v := range fields {
		switch {
		case !known[name]:
			fe[name] = msgUnknownField
		case !utf8.Valid(v):
			fe[name] = msgNotUTF8
		}
	}
	return valueError(entity, fe)
}

// ValidateWrite checks the values of write w to the record held as rec
// with the validator of the record's type — each record's Validate, the one
// the laptop's forms use — at now, with the reference data refs. It
// returns the fields to merge: w's fields as the record type writes them
// (each value decoded into its Go type and encoded again, every text in
// Unicode NFC), or an *Error (EINVALIDVALUE or ETOOLARGE) with a
// Vietnamese message naming the refused fields. A nil refs skips the
// catalogue checks.
//
// What is checked against what:
//
//   - Each value w writes must decode into its field's type (a number into
//     a number, a date into a date…): strictly, field by field. This is
//     what keeps every stored record readable by every laptop.
//   - The record is then validated as w leaves it: the held fields that
//     decode, with w's fields applied. Only the messages about the fields w
//     writes refuse it. A rule about a field w does not write (a required
//     field left empty, a date a newer version no longer accepts) may
//     concern a record an older version stored, or the part of a record
//     other writes set, and must not make every later edit of it fail; a
//     field the held record has that no longer decodes is left out, so it
//     refuses nothing either. Rules across fields (an end date before its
//     start) thus refuse the write that sets the field they name.
//   - A write that creates a record is checked the same way: a laptop's
//     new record carries every field, so all of it is checked.
//   - now is the latest instant a date may be: the caller's clock plus
//     the clock drift it tolerates (the server uses the later of its clock
//     and the device's, plus the drift it ignores, so that a laptop whose
//     clock is ahead is not refused the dates its forms accepted).
//
// Text is put in NFC only (not trimmed or re-spaced like the forms'
// Normalize), which is value by value and idempotent: a laptop's value,
// normalised already, comes back byte for byte.
func ValidateWrite(rec HeldRecord, w IncomingWrite, refs Refs, now time.Time) (map[string]json.RawMessage, error) {
	if fieldsOfEntity(w.Entity) != nil {
		if err := CheckWriteShape(w.Entity, w.Fields); err != nil {
			return nil, err
		}
	}
	return ValidateShapedWrite(rec, w, refs, now)
}

// ValidateShapedWrite is ValidateWrite of a write whose shape the caller
// has checked already (CheckWriteShape passed): the server's push checks
// it before reading any value, and validates a bulk push's new records
// ahead on every core.
func ValidateShapedWrite(rec HeldRecord, w IncomingWrite, refs Refs, now time.Time) (map[string]json.RawMessage, error) {
	if fieldsOfEntity(w.Entity) == nil { // cached: no record made to tell
		return nil, &Error{Code: EINVALIDVALUE, Message: msgWriteRefused + ": loại dữ liệu không được hỗ trợ."}
	}
	return validateShaped(rec, w, refs, now)
}

// validateShaped is ValidateShapedWrite of a known entity.
func validateShaped(rec HeldRecord, w IncomingWrite, refs Refs, now time.Time) (map[string]json.RawMessage, error) {
	if rec.Exists && IsAppendOnly(w.Entity) {
		return nil, &Error{Code: EINVALIDVALUE, Message: msgWriteRefused + ": " + MsgAppendOnly}
	}
	// The written values alone, each in its type.
	written := newSyncDoc(w.Entity)
	if err := setRaw(written, w.Fields); err != nil {
		fe := map[string]string{}
		for name, v := range w.Fields {
			if setRaw(newSyncDoc(w.Entity), map[string]json.RawMessage{name: v}) != nil {
				fe[name] = msgWrongType
			}
		}
		if len(fe) == 0 { // the fields decode one by one but not together: cannot happen
			fe[firstKey(w.Fields)] = msgWrongType
		}
		return nil, valueError(w.Entity, fe)
	}
	nfcStrings(written)
	fe := map[string]string{}
	checkInstants(fe, written)
	if err := valueError(w.Entity, only(fe, w.Fields)); err != nil {
		return nil, err // before encoding: an instant past year 9999 has no JSON
	}
	out, err := encodeWritten(written, w.Fields)
	if err != nil {
		return nil, &Error{Code: EINVALIDVALUE, Message: msgWriteRefused + ": " + msgWrongType, Err: err}
	}

	// The record as the write leaves it. A new record is the written
	// values (out decodes into them again) with its id and commune.
	whole := written
	if rec.Exists {
		whole = heldDoc(w.Entity, rec.Fields)
		if err := setRaw(whole, out); err != nil {
			return nil, &Error{Code: EINVALIDVALUE, Message: msgWriteRefused + ": " + msgWrongType, Err: err}
		}
	} else {
		head := map[string]json.RawMessage{}
		for name, v := range map[string]string{"id": w.RecordID, "unit_code": w.UnitCode} {
			if _, written := w.Fields[name]; !written {
				head[name] = mustJSONString(v)
			}
		}
		if len(head) > 0 {
			setRaw(whole, head)
		}
	}
	return out, valueError(w.Entity, only(FieldErrors(validateDoc(whole, refs, now)), w.Fields))
}

// validateDoc runs the validator of d's type.
func validateDoc(d syncDoc, refs Refs, now time.Time) error {
	switch v := d.(type) {
	case Record: // a case, or a declared Kind
		return v.Validate(refs, now)
	case *CaseEvent:
		return v.ValidateAt(refs, now)
	case *Conflict:
		return v.Validate()
	}
	return nil
}

// valueError is the refusal of a write whose fields fe are bad, or nil.
func valueError(entity string, fe map[string]string) error {
	if len(fe) == 0 {
		return nil
	}
	names := slices.Sorted(maps.Keys(fe))
	var parts []string
	for i, name := range names {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("và %d trường khác.", len(names)-i))
			break
		}
		parts = append(parts, FieldLabel(entity, name)+": "+fe[name])
	}
	return &Error{Code: EINVALIDVALUE, Message: msgWriteRefused + " — " + strings.Join(parts, " "), Fields: fe}
}

// only returns the messages of fe about the fields in keep.
func only(fe map[string]string, keep map[string]json.RawMessage) map[string]string {
	out := map[string]string{}
	for name, msg := range fe {
		if _, ok := keep[name]; ok {
			out[name] = msg
		}
	}
	return out
}

func firstKey(m map[string]json.RawMessage) string {
	return slices.Sorted(maps.Keys(m))[0]
}

// setRaw sets the fields f of d from their JSON values as they are (valid
// JSON, decoded from a request or a store).
func setRaw(d syncDoc, f map[string]json.RawMessage) error {
	return DecodeFieldsInto(d, f)
}

// DecodeFieldsInto sets d, a pointer to a record struct, from f: fields
// whose values are valid JSON (split from an object a decoder checked,
// say), as json.Unmarshal of their object into d would. It goes through
// the record's field codec where that knows every name (fieldCodec), and
// encoding/json otherwise.
func DecodeFieldsInto(d any, f map[string]json.RawMessage) error {
	if c := codecOfDoc(d); c != nil {
		if handled, err := c.setFields(d, f); handled {
			return err
		}
	}
	return json.Unmarshal(EncodeFields(f), d)
}

// heldDoc returns the record of entity with the fields f, leaving out those
// that do not decode into their type (stored by an older version).
func heldDoc(entity string, f map[string]json.RawMessage) syncDoc {
	d := newSyncDoc(entity)
	if len(f) == 0 || setRaw(d, f) == nil {
		return d
	}
	d = newSyncDoc(entity) // the failed decoding may have set part of a bad field
	for name, v := range f {
		one := map[string]json.RawMessage{name: v}
		if setRaw(newSyncDoc(entity), one) == nil {
			setRaw(d, one)
		}
	}
	return d
}

// encodeWritten is the JSON of d's fields named in written, as d's Fields
// writes them.
func encodeWritten(d syncDoc, written map[string]json.RawMessage) (map[string]json.RawMessage, error) {
	if c := codecOfDoc(d); c != nil {
		if out, handled, err := c.encode(d, written); handled {
			return out, err
		}
	}
	canon, err := encodeFields(d)
	if err != nil {
		return nil, err
	}
	out := make(map[string]json.RawMessage, len(written))
	for name := range written {
		out[name] = canon[name]
	}
	return out, nil
}

// encodeFields is d's Fields, with an error instead of a panic for a value
// that has no JSON.
func encodeFields(d syncDoc) (map[string]json.RawMessage, error) {
	b, err := Marshal(d)
	if err != nil {
		return nil, err
	}
	return ValidObjectFields(b)
}

// nfcStrings puts every text of the record d (a pointer to a plain JSON
// struct) in Unicode normalisation form C.
func nfcStrings(d any) {
	rv := reflect.ValueOf(d).Elem()
	for _, f := range shapeOf(rv.Type()) {
		fv := rv.FieldByIndex(f.index)
		switch f.kind {
		case shapeText:
			if s := fv.String(); !norm.NFC.IsNormalString(s) {
				fv.SetString(norm.NFC.String(s))
			}
		case shapeList:
			for i := range fv.Len() {
				if s := fv.Index(i).String(); !norm.NFC.IsNormalString(s) {
					fv.Index(i).SetString(norm.NFC.String(s))
				}
			}
		}
	}
}
