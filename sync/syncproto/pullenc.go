package syncproto

import (
	"encoding/json"
	"strconv"
)

// AppendPull appends resp as JSON to buf: byte for byte what Marshal(resp)
// writes, without reflection. raw, if not nil, holds for some records
// (raw[page][record], nil for the others) their fields as one JSON object
// exactly as Marshal writes their Fields (compact, keys sorted, unique):
// those are copied as they are, and the record's Fields are not read. The
// server's pull answers go this way: a record's fields as stored need no
// decoding and encoding again (serverstore's PullRaw).
func AppendPull(buf []byte, resp *PullResponse, raw [][]json.RawMessage) ([]byte, error) {
	buf = append(buf, `{"scopes":`...)
	if resp.Scopes == nil {
		buf = append(buf, "null"...)
	} else {
		buf = append(buf, '[')
		for i := range resp.Scopes {
			if i > 0 {
				buf = append(buf, ',')
			}
			var pageRaw []json.RawMessage
			if i < len(raw) {
				pageRaw = raw[i]
			}
			var err error
			if buf, err = appendPage(buf, &resp.Scopes[i], pageRaw); err != nil {
				return nil, err
			}
		}
		buf = append(buf, ']')
	}
	buf = append(buf, `,"has_more":`...)
	buf = strconv.AppendBool(buf, resp.HasMore)
	buf = append(buf, `,"server_time_ms":`...)
	buf = strconv.AppendInt(buf, resp.ServerTimeMS, 10)
	if resp.MinAppVersion != "" {
		buf = append(buf, `,"min_app_version":`...)
		buf = appendString(buf, resp.MinAppVersion)
	}
	if resp.RecoveryKey != "" {
		buf = append(buf, `,"recovery_key":`...)
		buf = appendString(buf, resp.RecoveryKey)
	}
	return append(buf, '}'), nil
}

func appendPage(buf []byte, p *ScopePage, raw []json.RawMessage) ([]byte, error) {
	buf = append(buf, `{"scope":`...)
	buf = appendString(buf, p.Scope)
	buf = append(buf, `,"epoch":`...)
	buf = appendString(buf, p.Epoch)
	buf = append(buf, `,"reset":`...)
	buf = strconv.AppendBool(buf, p.Reset)
	buf = append(buf, `,"records":`...)
	if p.Records == nil {
		buf = append(buf, "null"...)
	} else {
		buf = append(buf, '[')
		for j := range p.Records {
			if j > 0 {
				buf = append(buf, ',')
			}
			var fields json.RawMessage
			if j < len(raw) {
				fields = raw[j]
			}
			var err error
			if buf, err = appendRecord(buf, &p.Records[j], fields); err != nil {
				return nil, err
			}
		}
		buf = append(buf, ']')
	}
	buf = append(buf, `,"next_seq":`...)
	buf = strconv.AppendInt(buf, p.NextSeq, 10)
	buf = append(buf, `,"has_more":`...)
	buf = strconv.AppendBool(buf, p.HasMore)
	return append(buf, '}'), nil
}

func appendRecord(buf []byte, r *Record, raw json.RawMessage) ([]byte, error) {
	buf = append(buf, `{"entity":`...)
	buf = appendString(buf, r.Entity)
	buf = append(buf, `,"id":`...)
	buf = appendString(buf, r.ID)
	buf = append(buf, `,"seq":`...)
	buf = strconv.AppendInt(buf, r.Seq, 10)
	buf = append(buf, `,"fields":`...)
	switch {
	case raw != nil:
		buf = append(buf, raw...)
	case r.Fields == nil:
		buf = append(buf, "null"...)
	default:
		b, err := Marshal(r.Fields)
		if err != nil {
			return nil, err
		}
		buf = append(buf, b...)
	}
	if r.Version != 0 {
		buf = append(buf, `,"version":`...)
		buf = strconv.AppendInt(buf, r.Version, 10)
	}
	if r.Withheld != "" {
		buf = append(buf, `,"withheld":`...)
		buf = appendString(buf, r.Withheld)
	}
	if r.Limited {
		buf = append(buf, `,"limited":true`...)
	}
	return append(buf, '}'), nil
}

// appendString appends s as Marshal writes a string.
func appendString(buf []byte, s string) []byte {
	if plainJSON(s) {
		buf = append(buf, '"')
		buf = append(buf, s...)
		return append(buf, '"')
	}
	b, _ := Marshal(s) // a string always marshals
	return append(buf, b...)
}

// plainJSON reports whether s is written in JSON as it is, between quotes:
// printable ASCII without a quote or a backslash.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// CanonicalObject reports whether b is a JSON object exactly as Marshal
// writes a map[string]json.RawMessage decoded from b: valid, compact (no
// space outside strings), its keys plain (printable ASCII without a quote
// or a backslash), unique and in ascending order. Such a document is sent
// as it is (AppendPull).
func CanonicalObject(b []byte) bool {
	return json.Valid(b) && CanonicalValidObject(b)
}

// CanonicalValidObject is CanonicalObject for b known to be valid JSON (a
// value a json.Decoder read): the same answer without checking it again.
func CanonicalValidObject(b []byte) bool {
	if len(b) < 2 || b[0] != '{' {
		return false
	}
	// Valid JSON: walk it, checking the keys of the top level and that
	// no space stands outside a string.
	depth, inString, keyStart := 0, false, -1
	var prev []byte
	expectKey := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				if keyStart >= 0 {
					return false // an escape in a key
				}
				i++
			case '"':
				inString = false
				if keyStart >= 0 {
					key := b[keyStart:i]
					if prev != nil && string(key) <= string(prev) {
						return false
					}
					prev = key
					if len(prev) == 0 {
						prev = []byte{} // an empty key: the next must be greater
					}
					keyStart = -1
				}
			default:
				if keyStart >= 0 && (c < 0x20 || c >= 0x7f) {
					return false
				}
			}
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			return false
		case '"':
			inString = true
			if depth == 1 && expectKey {
				keyStart = i + 1
				expectKey = false
			}
		case '{', '[':
			depth++
			if depth == 1 {
				expectKey = true
			}
		case '}', ']':
			depth--
		case ',':
			if depth == 1 {
				expectKey = true
			}
		}
	}
	return true
}
