package app

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
)

// EncodeFields writes a record's fields as a JSON object with sorted keys.
// Unlike json.Marshal it copies each value as it is instead of validating,
// compacting and HTML-escaping it again, so it writes the same JSON value,
// not always the same bytes: the values must be valid JSON already (they
// were decoded from a request or made by json.Marshal). It is the hot path
// of applying a push; dumps still go through DumpLine.
func EncodeFields(m map[string]json.RawMessage) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return EncodeFieldsInOrder(m, keys)
}

// EncodeFieldsInOrder is EncodeFields of m whose names, sorted, are keys
// (sorted once by a caller that needs them too).
func EncodeFieldsInOrder(m map[string]json.RawMessage, keys []string) []byte {
	size := 2
	for _, k := range keys {
		size += len(k) + len(m[k]) + 4
	}
	b := make([]byte, 0, size)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		if v := m[k]; len(v) > 0 {
			b = append(b, v...)
		} else {
			b = append(b, "null"...)
		}
	}
	return append(b, '}')
}

// EncodeStamps writes per-field stamps as a JSON object with sorted keys,
// in the form Stamp.MarshalJSON writes.
func EncodeStamps(m map[string]Stamp) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := make([]byte, 0, len(m)*96+2)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = m[k].appendJSON(b)
	}
	return append(b, '}')
}

// EncodeSameStamps is EncodeStamps of a record whose fields, named keys
// in order, all bear the stamp st: a new record's (serverstore's push).
func EncodeSameStamps(keys []string, st Stamp) []byte {
	one := st.appendJSON(nil)
	n := 2
	for _, k := range keys {
		n += len(k) + 4 + len(one)
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = append(b, one...)
	}
	return append(b, '}')
}

func (s Stamp) appendJSON(b []byte) []byte {
	b = append(b, `{"h":"`...)
	b = s.HLC.appendTo(b)
	b = append(b, `","d":`...)
	b = appendJSONString(b, s.Device)
	if s.Version != 0 {
		b = append(b, `,"v":`...)
		b = strconv.AppendInt(b, s.Version, 10)
	}
	return append(b, '}')
}

// appendJSONString appends s as a JSON string: plain ASCII directly, anything
// else through encoding/json.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// Marshal is json.Marshal without HTML escaping: "<", ">" and "&" stay one
// byte each instead of six (\u003c…), so a record's JSON is as long as its
// text (the sync's page budgets count it, docs/DESIGN.md §4).
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}
