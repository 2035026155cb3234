package syncproto

import (
	"encoding/json"
	"slices"
	"strconv"
	"unicode/utf8"
)

// decodePush decodes the push body b into v as json.Unmarshal would, for
// the plain form clients write (EncodePushHead): exactly the names of
// PushRequest and Mutation, each once; texts without escapes; whole
// numbers; a JSON object of fields. Each field's value is checked as JSON
// and kept as it is, as a json.RawMessage (a slice of b). It reports false,
// v untouched, for anything else, which encoding/json then decodes (or
// refuses): reflection over a bulk push's 10,000 mutations was a tenth of
// the server's work (issue 22). FuzzDecodePush holds the two equal.
func decodePush(b []byte, v *PushRequest) bool {
	p := pushParser{b: b}
	var req PushRequest
	if !p.push(&req) {
		return false
	}
	p.ws()
	if p.i != len(p.b) {
		return false
	}
	*v = req
	return true
}

type pushParser struct {
	b     []byte
	i     int
	names map[string]string // the names read, each allocated once
}

// name reads a JSON string as text does, returning the one copy of each
// such text this parser has read: the names of fields, and the entity,
// scope, op and officer that a body repeats in every mutation.
func (p *pushParser) name() (string, bool) {
	start := p.i
	if _, ok := p.textBytes(); !ok {
		return "", false
	}
	raw := p.b[start+1 : p.i-1]
	if s, ok := p.names[string(raw)]; ok {
		return s, true
	}
	if p.names == nil {
		p.names = make(map[string]string, 64)
	}
	s := string(raw)
	p.names[s] = s
	return s, true
}

func (p *pushParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// eat skips white space and c.
func (p *pushParser) eat(c byte) bool {
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// object reads a JSON object, calling member for each name (the reader
// then at its value); each name only once (seen holds them).
func (p *pushParser) object(member func(name string) bool) bool {
	if !p.eat('{') {
		return false
	}
	if p.eat('}') {
		return true
	}
	var seen [12]string
	n := 0
	for {
		p.ws()
		name, ok := p.name()
		if !ok || n == len(seen) || slices.Contains(seen[:n], name) || !p.eat(':') {
			return false
		}
		seen[n] = name
		n++
		p.ws()
		if !member(name) {
			return false
		}
		if p.eat(',') {
			continue
		}
		return p.eat('}')
	}
}

func (p *pushParser) push(v *PushRequest) bool {
	return p.object(func(name string) bool {
		var ok bool
		switch name {
		case "device_id":
			v.DeviceID, ok = p.text()
		case "after":
			v.After, ok = p.text()
		case "device_now_ms":
			v.DeviceNowMS, ok = p.int()
		case "mutations":
			ok = p.mutations(&v.Mutations)
		}
		return ok
	})
}

func (p *pushParser) mutations(out *[]Mutation) bool {
	if !p.eat('[') {
		return false
	}
	ms := []Mutation{}
	if !p.eat(']') {
		for {
			p.ws()
			var m Mutation
			if !p.mutation(&m) {
				return false
			}
			ms = append(ms, m)
			if p.eat(',') {
				continue
			}
			if !p.eat(']') {
				return false
			}
			break
		}
	}
	*out = ms
	return true
}

func (p *pushParser) mutation(m *Mutation) bool {
	return p.object(func(name string) bool {
		var ok bool
		switch name {
		case "id":
			m.ID, ok = p.text()
		case "entity":
			m.Entity, ok = p.name()
		case "record_id":
			m.RecordID, ok = p.text()
		case "scope":
			m.Scope, ok = p.name()
		case "op":
			m.Op, ok = p.name()
		case "hlc":
			m.HLC, ok = p.text()
		case "officer":
			m.Officer, ok = p.name()
		case "device_time_ms":
			m.DeviceTimeMS, ok = p.int()
		case "base_version":
			m.BaseVersion, ok = p.int()
		case "fields":
			ok = p.fields(&m.Fields)
		}
		return ok
	})
}

// fields reads the object of a mutation's fields; a name written twice
// keeps its last value, as encoding/json does in a map.
func (p *pushParser) fields(out *map[string]json.RawMessage) bool {
	if !p.eat('{') {
		return false
	}
	f := make(map[string]json.RawMessage, 48)
	if !p.eat('}') {
		for {
			p.ws()
			name, ok := p.name()
			if !ok || !p.eat(':') {
				return false
			}
			p.ws()
			start := p.i
			if !p.value(0) {
				return false
			}
			f[name] = json.RawMessage(p.b[start:p.i:p.i])
			if p.eat(',') {
				continue
			}
			if !p.eat('}') {
				return false
			}
			break
		}
	}
	*out = f
	return true
}

// text reads a JSON string without escapes, of valid UTF-8 (what
// encoding/json would decode to the same bytes).
func (p *pushParser) text() (string, bool) {
	b, ok := p.textBytes()
	return string(b), ok
}

// textBytes is text's bytes, in the body.
func (p *pushParser) textBytes() ([]byte, bool) {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return nil, false
	}
	start := p.i + 1
	for i := start; i < len(p.b); i++ {
		switch c := p.b[i]; {
		case c == '"':
			s := p.b[start:i]
			if !utf8.Valid(s) {
				return nil, false
			}
			p.i = i + 1
			return s, true
		case c < 0x20 || c == '\\':
			return nil, false
		}
	}
	return nil, false
}

// int reads a whole number written the plain way that fits an int64.
func (p *pushParser) int() (int64, bool) {
	start := p.i
	if p.i < len(p.b) && p.b[p.i] == '-' {
		p.i++
	}
	digits := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	if p.i == digits || p.i-digits > 1 && p.b[digits] == '0' {
		return 0, false
	}
	if p.i < len(p.b) {
		switch p.b[p.i] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	n, err := strconv.ParseInt(string(p.b[start:p.i]), 10, 64)
	return n, err == nil
}

// maxDepth bounds the nesting of a field's value read here (deeper ones go
// to encoding/json).
const maxDepth = 64

// value skips one JSON value, checking its syntax as encoding/json does
// (a string's bytes are not checked as UTF-8: a json.RawMessage keeps
// them as they are).
func (p *pushParser) value(depth int) bool {
	if p.i >= len(p.b) || depth > maxDepth {
		return false
	}
	switch c := p.b[p.i]; {
	case c == '"':
		return p.skipString()
	case c == '{':
		p.i++
		if p.eat('}') {
			return true
		}
		for {
			p.ws()
			if !p.skipString() || !p.eat(':') {
				return false
			}
			p.ws()
			if !p.value(depth + 1) {
				return false
			}
			if p.eat(',') {
				continue
			}
			return p.eat('}')
		}
	case c == '[':
		p.i++
		if p.eat(']') {
			return true
		}
		for {
			p.ws()
			if !p.value(depth + 1) {
				return false
			}
			if p.eat(',') {
				continue
			}
			return p.eat(']')
		}
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return false
}

func (p *pushParser) literal(s string) bool {
	if len(p.b)-p.i >= len(s) && string(p.b[p.i:p.i+len(s)]) == s {
		p.i += len(s)
		return true
	}
	return false
}

func (p *pushParser) skipString() bool {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return false
	}
	for i := p.i + 1; i < len(p.b); i++ {
		switch c := p.b[i]; {
		case c == '"':
			p.i = i + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			i++
			if i >= len(p.b) {
				return false
			}
			switch p.b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(p.b) {
					return false
				}
				for _, h := range p.b[i+1 : i+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				i += 4
			default:
				return false
			}
		}
	}
	return false
}

// number skips a JSON number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func (p *pushParser) number() bool {
	b, i := p.b, p.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	p.i = i
	return true
}
