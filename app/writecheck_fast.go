package app

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The validator decodes a write's values into the record's Go type and
// encodes them again (ValidateWrite). Through encoding/json that is two
// reflective passes over a whole object for each value, the larger part of
// the server's cost of a bulk push (issue 22). fieldCodec does the same
// field by field: a text, a yes/no or a whole number written the plain way
// (what a laptop sends) is set and written directly; any other value of a
// field goes through encoding/json, field alone, which decodes and encodes
// a struct member exactly as it does inside the struct. A type whose JSON
// names encoding/json would resolve otherwise (a field without a name, a
// tag option, an embedded pointer or named embedding, a name twice) is left
// to encoding/json whole. FuzzFieldCodec holds the two ways equal.

// fieldCodec is how the fields of a record type are decoded and encoded one
// by one, or nil when the type must go through encoding/json whole.
type fieldCodec struct {
	fields map[string]codecField
}

type codecField struct {
	index []int
	// kind is String, Bool, Int or Int64; Struct for a time.Time (decoded
	// and encoded by its own UnmarshalJSON and MarshalJSON, which
	// encoding/json would call); or Invalid: through encoding/json.
	kind reflect.Kind
}

var fieldCodecs sync.Map // reflect.Type → *fieldCodec (nil: none)

// codecOfDoc returns the codec of d's type (a pointer to a struct), nil if
// there is none.
func codecOfDoc(d any) *fieldCodec {
	t := reflect.TypeOf(d)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct || reflect.ValueOf(d).IsNil() {
		return nil
	}
	return codecOf(t.Elem())
}

// codecOf returns the codec of the struct type t, nil if there is none.
func codecOf(t reflect.Type) *fieldCodec {
	if v, ok := fieldCodecs.Load(t); ok {
		return v.(*fieldCodec)
	}
	c := &fieldCodec{fields: map[string]codecField{}}
	if !c.add(t, nil) {
		c = nil
	}
	fieldCodecs.Store(t, c)
	return c
}

func (c *fieldCodec) add(t reflect.Type, index []int) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		idx := append(append([]int(nil), index...), i)
		tag, hasTag := f.Tag.Lookup("json")
		if f.Anonymous {
			if hasTag || f.Type.Kind() != reflect.Struct {
				return false
			}
			if !c.add(f.Type, idx) {
				return false
			}
			continue
		}
		if !f.IsExported() || tag == "-" {
			continue
		}
		if !hasTag || tag == "" || strings.Contains(tag, ",") {
			return false
		}
		if _, twice := c.fields[tag]; twice {
			return false
		}
		k := reflect.Invalid
		switch f.Type.Kind() {
		case reflect.String, reflect.Bool, reflect.Int, reflect.Int64:
			if f.Type.PkgPath() == "" { // string, bool, int, int64 themselves: no methods
				k = f.Type.Kind()
			}
		case reflect.Struct:
			if f.Type == timeType {
				k = reflect.Struct
			}
		}
		c.fields[tag] = codecField{index: idx, kind: k}
	}
	return true
}

// setFields sets the fields f of d (a pointer to a struct) as
// json.Unmarshal of the object of f would. handled is false, d untouched,
// when the codec cannot: a name that is not exactly one of d's fields (which
// encoding/json matches without case, or skips).
func (c *fieldCodec) setFields(d any, f map[string]json.RawMessage) (handled bool, err error) {
	for name := range f {
		if _, ok := c.fields[name]; !ok {
			return false, nil
		}
	}
	rv := reflect.ValueOf(d).Elem()
	for name, raw := range f {
		if e := setMember(rv, c.fields[name], raw); e != nil && err == nil {
			err = e
		}
	}
	return true, err
}

// setMember sets the field cf of rv (the struct) from raw as
// json.Unmarshal would.
func setMember(rv reflect.Value, cf codecField, raw json.RawMessage) error {
	if len(raw) == 0 {
		raw = json.RawMessage("null") // as EncodeFields writes it
	}
	fv := rv.FieldByIndex(cf.index)
	switch cf.kind {
	case reflect.String:
		if s, ok := plainJSONText(raw); ok {
			fv.SetString(s)
			return nil
		}
	case reflect.Bool:
		switch string(raw) {
		case "true":
			fv.SetBool(true)
			return nil
		case "false":
			fv.SetBool(false)
			return nil
		}
	case reflect.Int, reflect.Int64:
		if n, ok := plainJSONInt(raw); ok && !fv.OverflowInt(n) {
			fv.SetInt(n)
			return nil
		}
	case reflect.Struct: // time.Time: json.Unmarshal hands it the literal as it is
		if string(raw) == "null" || len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
			return fv.Addr().Interface().(*time.Time).UnmarshalJSON(raw)
		}
	}
	return json.Unmarshal(raw, fv.Addr().Interface())
}

// DecodeObjectInto sets d, a pointer to a new record struct, from b, a
// JSON object known to be valid (a value a json.Decoder read), as
// json.Unmarshal(b, d) would: member by member, in order, through d's
// field codec, without the map of ValidObjectFields. handled is false
// when it cannot (no codec, an escaped name, a name that is not exactly
// one of d's fields): d may then be partly set, and the caller decodes a
// new record another way.
func DecodeObjectInto(d any, b []byte) (handled bool, err error) {
	c := codecOfDoc(d)
	if c == nil {
		return false, nil
	}
	rv := reflect.ValueOf(d).Elem()
	known := true
	if !eachMember(b, func(name []byte, raw json.RawMessage) bool {
		cf, ok := c.fields[string(name)]
		if !ok {
			known = false
			return false
		}
		if e := setMember(rv, cf, raw); e != nil && err == nil {
			err = e
		}
		return true
	}) || !known {
		return false, nil
	}
	return true, err
}

// encode returns the JSON of d's fields named in names, as Marshal of d
// writes them: the value in names itself where it is already that.
func (c *fieldCodec) encode(d any, names map[string]json.RawMessage) (map[string]json.RawMessage, bool, error) {
	for name := range names {
		if _, ok := c.fields[name]; !ok {
			return nil, false, nil
		}
	}
	rv := reflect.ValueOf(d).Elem()
	out := make(map[string]json.RawMessage, len(names))
	for name := range names {
		cf := c.fields[name]
		fv := rv.FieldByIndex(cf.index)
		raw := names[name]
		switch cf.kind {
		case reflect.String:
			if s := fv.String(); plainText(s) {
				if len(raw) == len(s)+2 && raw[0] == '"' && string(raw[1:len(raw)-1]) == s && raw[len(raw)-1] == '"' {
					out[name] = raw // written as it is written (shared: values are never changed in place)
				} else {
					out[name] = AppendJSONText(make([]byte, 0, len(s)+2), s)
				}
				continue
			}
		case reflect.Bool:
			if v := fv.Bool(); v && string(raw) == "true" || !v && string(raw) == "false" {
				out[name] = raw
			} else {
				out[name] = json.RawMessage(strconv.AppendBool(nil, v))
			}
			continue
		case reflect.Int, reflect.Int64:
			if n, ok := plainJSONInt(raw); ok && n == fv.Int() && string(raw) != "-0" {
				out[name] = raw
			} else {
				out[name] = json.RawMessage(strconv.AppendInt(nil, fv.Int(), 10))
			}
			continue
		case reflect.Struct: // time.Time: what encoding/json writes is its MarshalJSON
			b, err := fv.Interface().(time.Time).MarshalJSON()
			if err != nil {
				return nil, true, err
			}
			if bytes.Equal(b, raw) {
				b = raw
			}
			out[name] = b
			continue
		}
		b, err := Marshal(fv.Addr().Interface())
		if err != nil {
			return nil, true, err
		}
		out[name] = b
	}
	return out, true, nil
}

// plainJSONText returns the text of raw when raw is a JSON string with no
// escape and no byte that needs one (what a laptop writes).
func plainJSONText(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	s := string(raw[1 : len(raw)-1])
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' {
			return "", false
		}
	}
	return s, utf8.ValidString(s)
}

// plainText reports whether encoding/json writes s as it is between quotes
// (with HTML escaping off): valid UTF-8 with no quote, backslash, control
// character, U+2028 or U+2029.
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' {
			return false
		}
		if c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
			return false
		}
	}
	return utf8.ValidString(s)
}

// AppendJSONText appends s as a JSON string as Marshal writes it (no HTML
// escaping): between quotes as it is when plainText, else through
// encoding/json.
func AppendJSONText(b []byte, s string) []byte {
	if !plainText(s) {
		q, _ := Marshal(s) // a string always marshals
		return append(b, q...)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plainJSONInt returns the value of raw when raw is a JSON integer written
// the plain way (an optional minus, no leading zero, no fraction or
// exponent) that fits in an int64.
func plainJSONInt(raw []byte) (int64, bool) {
	s := raw
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	return n, err == nil
}
