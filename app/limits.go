package app

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Limits of what a record may hold, and of one write of it. They are
// defined here once: the forms' validators (each record's Validate, through
// checkShape) and the provincial server's check of every pushed change
// (ValidateWrite) use the same numbers, so that nothing an officer could
// type is refused by the server and nothing the server accepts is more than
// a form allows.
const (
	// MaxShortText bounds a one-line text, in characters: a name, an
	// address, a title, a code, an id. It is the limit of every text field
	// that declares no other (see textLimit).
	MaxShortText = 200
	// MaxNoteText bounds a short note (`text:"note"`): the evidence of a
	// vulnerable consumer, the parties of a meeting.
	MaxNoteText = 1_000
	// MaxLongText bounds a multi-line text (`text:"long"`): a case's
	// summary, a request, a note, the minutes of a meeting.
	MaxLongText = 10_000
	// MaxListItems bounds the entries of a list field (evidence, issue
	// types, audiences, partners…); each entry is a short text.
	MaxListItems = 50
	// MinYear and MaxYear bound the year (UTC) of any instant a record
	// holds (received, created, updated, checked in…): a laptop whose clock
	// battery died may stamp 1980, nothing real is before 1900, and an
	// instant past year 9999 cannot even be written as JSON.
	MinYear, MaxYear = 1900, 2200

	// MaxWriteFields bounds the fields of one write (a mutation): a new
	// case, the largest record, has about fifty.
	MaxWriteFields = 100
	// MaxWriteBytes bounds one write's field names and JSON values, in
	// bytes: a case with every text at its limit in four-byte characters
	// is about 150 KB.
	MaxWriteBytes = 256 << 10
	// MaxFieldName bounds a field name, in bytes.
	MaxFieldName = 64
)

// Codes of a write the server refuses (ValidateWrite, CheckWriteShape):
// they are sent as a mutation's rejection code, and syncproto mirrors them
// by value (syncproto.CodeInvalidValue, syncproto.CodeTooLarge).
const (
	// EINVALIDVALUE: a value no form could hold: of the wrong type, out of
	// range, too long, not in its code list or catalogue, not UTF-8, or a
	// field the record type does not have.
	EINVALIDVALUE = "invalid_value"
	// ETOOLARGE: more than MaxWriteFields fields or MaxWriteBytes bytes.
	ETOOLARGE = "too_large"
)

// Messages of the shape checks.
const (
	msgControlChar = "Có ký tự không hợp lệ (ký tự điều khiển hoặc mã hóa sai)."
	msgBadInstant  = "Thời điểm không hợp lệ."
)

// msgTooLong is the message of a text over its limit.
func msgTooLong(limit int) string {
	return fmt.Sprintf("Quá dài (tối đa %s ký tự).", formatCount(limit))
}

// formatCount writes n with dots between thousands, as Vietnamese does:
// 10000 → "10.000".
func formatCount(n int) string { return formatCount64(int64(n)) }

// shapeField is a field of a record type checked by checkShape.
type shapeField struct {
	name  string // JSON name
	index []int  // reflect index path
	kind  shapeKind
	limit int // characters, for texts and list entries
}

type shapeKind int

const (
	shapeText shapeKind = iota
	shapeList
	shapeInstant
)

var (
	shapesMu sync.RWMutex
	shapes   = map[reflect.Type][]shapeField{}
	timeType = reflect.TypeFor[time.Time]()
)

// textLimit returns the limit of a text field: its `text` tag ("long",
// "note") or MaxShortText.
func textLimit(f reflect.StructField) int {
	switch f.Tag.Get("text") {
	case "long":
		return MaxLongText
	case "note":
		return MaxNoteText
	}
	return MaxShortText
}

// shapeOf lists the fields of struct type t that checkShape checks, by the
// JSON names the record's Fields use (embedded structs flattened, as
// encoding/json does).
func shapeOf(t reflect.Type) []shapeField {
	shapesMu.RLock()
	fs, ok := shapes[t]
	shapesMu.RUnlock()
	if ok {
		return fs
	}
	fs = appendShape(nil, t, nil)
	shapesMu.Lock()
	shapes[t] = fs
	shapesMu.Unlock()
	return fs
}

func appendShape(out []shapeField, t reflect.Type, index []int) []shapeField {
	for i := range t.NumField() {
		f := t.Field(i)
		idx := append(append([]int(nil), index...), i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = appendShape(out, f.Type, idx)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		switch {
		case f.Type.Kind() == reflect.String:
			out = append(out, shapeField{name: name, index: idx, kind: shapeText, limit: textLimit(f)})
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String:
			out = append(out, shapeField{name: name, index: idx, kind: shapeList, limit: textLimit(f)})
		case f.Type == timeType:
			out = append(out, shapeField{name: name, index: idx, kind: shapeInstant})
		}
	}
	return out
}

// RecordFieldNames returns the JSON names of the fields of a record type (a
// plain JSON struct, or a pointer to one), sorted as declared.
func RecordFieldNames(v any) []string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return appendNames(nil, t)
}

func appendNames(out []string, t reflect.Type) []string {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = appendNames(out, f.Type)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.IsExported() && name != "-" && name != "" {
			out = append(out, name)
		}
	}
	return out
}

// checkShape adds to fe a message for every field of the record v (a
// pointer to a plain JSON struct) whose value no form could hold, unless
// fe already has one for it: a text over its limit (textLimit) or with a
// control character other than a tab or a line break, a list of more than
// MaxListItems entries or with such an entry, an instant outside
// MinYear–MaxYear. Every record's Validate runs it, so every free-text
// field has a limit, on the laptop and on the server alike.
func checkShape(fe map[string]string, v any) { checkShapeOf(fe, v, false) }

// checkInstants is checkShape for the instants only: what must hold before
// a record is encoded (an instant past year 9999 has no JSON).
func checkInstants(fe map[string]string, v any) { checkShapeOf(fe, v, true) }

func checkShapeOf(fe map[string]string, v any, instantsOnly bool) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	for _, f := range shapeOf(rv.Type()) {
		if _, done := fe[f.name]; done || instantsOnly && f.kind != shapeInstant {
			continue
		}
		fv := rv.FieldByIndex(f.index)
		switch f.kind {
		case shapeText:
			if msg := checkText(fv.String(), f.limit); msg != "" {
				fe[f.name] = msg
			}
		case shapeList:
			if fv.Len() > MaxListItems {
				fe[f.name] = fmt.Sprintf("Danh sách quá dài (tối đa %d mục).", MaxListItems)
				continue
			}
			for i := range fv.Len() {
				if msg := checkText(fv.Index(i).String(), f.limit); msg != "" {
					fe[f.name] = msg
					break
				}
			}
		case shapeInstant:
			t := fv.Interface().(time.Time)
			if y := t.UTC().Year(); !t.IsZero() && (y < MinYear || y > MaxYear) {
				fe[f.name] = msgBadInstant
			}
		}
	}
}

// CheckText returns why s cannot be a text of at most limit characters
// (too long, a control character other than a tab or a line break, not
// UTF-8), in Vietnamese, or "".
func CheckText(s string, limit int) string { return checkText(s, limit) }

func checkText(s string, limit int) string {
	if len(s) > limit && utf8.RuneCountInString(s) > limit {
		return msgTooLong(limit)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return msgControlChar
		}
	}
	if !utf8.ValidString(s) {
		return msgControlChar
	}
	return ""
}

// writeSize returns the bytes of a write's field names and values.
func writeSize(fields map[string]json.RawMessage) int {
	n := 0
	for k, v := range fields {
		n += len(k) + len(v)
	}
	return n
}
