package app

import "encoding/json"

// splitObject returns the members of b, a JSON object this program wrote
// itself (Marshal's output: valid, compact or not), by name, each value as
// the bytes of b it spans — without the validation and copies of
// json.Unmarshal into a map, which was a third of the server's cost of a
// pushed record (issue 22). It reports false for anything but a plain
// object with unescaped names, and the caller then decodes b with
// encoding/json: only the bytes of a valid object it wrote may come here,
// because a value is cut at its end, not checked.
func splitObject(b []byte) (map[string]json.RawMessage, bool) {
	m := make(map[string]json.RawMessage, 48)
	if !eachMember(b, func(name []byte, v json.RawMessage) bool {
		m[string(name)] = v
		return true
	}) {
		return nil, false
	}
	return m, true
}

// eachMember calls fn with each member of b, a JSON object as splitObject
// takes it, in order, until fn returns false. It reports false for
// anything but a plain object with unescaped names (fn may have been
// called for the members before), and if fn stopped it.
func eachMember(b []byte, fn func(name []byte, v json.RawMessage) bool) bool {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return skipSpace(b, i+1) == len(b)
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return false
		}
		j := i + 1
		for j < len(b) && b[j] != '"' {
			if b[j] == '\\' || b[j] < 0x20 || b[j] >= 0x80 {
				return false // an escaped or non-ASCII name: encoding/json decodes it
			}
			j++
		}
		if j >= len(b) {
			return false
		}
		name := b[i+1 : j]
		i = skipSpace(b, j+1)
		if i >= len(b) || b[i] != ':' {
			return false
		}
		i = skipSpace(b, i+1)
		end, ok := valueEnd(b, i)
		if !ok || end == i {
			return false
		}
		if !fn(name, json.RawMessage(b[i:end:end])) {
			return false
		}
		i = skipSpace(b, end)
		if i >= len(b) {
			return false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return skipSpace(b, i+1) == len(b)
		default:
			return false
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// valueEnd returns the end of the JSON value starting at b[i].
func valueEnd(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				end, ok := stringEnd(b, i)
				if !ok {
					return end, false
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
			i++
		}
		return i, false
	}
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i, true
		}
		i++
	}
	return i, true
}

// stringEnd returns the end of the JSON string starting at b[i] (a quote).
func stringEnd(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return len(b), false
}

// ValidObjectFields returns the members of b, a JSON object known to be
// valid: written by Marshal, or stored under a CHECK (json_valid(…)), like
// the outbox's fields. A value is cut, not checked (see splitObject).
func ValidObjectFields(b []byte) (map[string]json.RawMessage, error) {
	if m, ok := splitObject(b); ok {
		return m, nil
	}
	var m map[string]json.RawMessage
	return m, json.Unmarshal(b, &m)
}
