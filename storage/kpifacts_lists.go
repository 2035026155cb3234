package storage

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"bvntd/app"
)

// kpiAttendance returns the attendance rows of unit ("" for all) that are
// not voided, as ListRecords returns them (in the order of their
// created_at, then id), each text held once in held. A province has
// 150,000 of them: they are read without SQLite's JSON (filter and order
// are done here) and decoded by decodeAttendance, which reads the plain
// documents this program writes; if a single row is anything else, all
// are read by ListRecords.
func (db *DB) kpiAttendance(ctx context.Context, unit string, held heldStrings) ([]app.Attendance, error) {
	out, ok, err := fastRecords(ctx, db, app.EntityAttendance, unit, func(b []byte, a *app.Attendance, v *flatValue) ([]byte, bool) {
		return decodeAttendance(b, a, held, v)
	})
	if err != nil || ok {
		return out, err
	}
	out, err = ListRecords[app.Attendance](ctx, db, RecordQuery{Unit: unit})
	if err != nil {
		return nil, err
	}
	for i := range out {
		a := &out[i]
		for _, s := range []*string{&a.SessionID, &a.ParticipantID, &a.UnitCode, &a.Status, &a.CreatedBy, &a.UpdatedBy} {
			*s = held.str(*s)
		}
	}
	return out, nil
}

// kpiPublications is kpiAttendance for the publications (a province has
// 12,000).
func (db *DB) kpiPublications(ctx context.Context, unit string) ([]app.Publication, error) {
	held := heldStrings{}
	out, ok, err := fastRecords(ctx, db, app.EntityPublication, unit, func(b []byte, p *app.Publication, v *flatValue) ([]byte, bool) {
		return decodePublication(b, p, held, v)
	})
	if err != nil || ok {
		return out, err
	}
	return ListRecords[app.Publication](ctx, db, RecordQuery{Unit: unit})
}

// kpiParticipants is kpiAttendance for the participants (a province has
// 50,000), each marked Limited as ListRecords marks it.
func (db *DB) kpiParticipants(ctx context.Context, unit string) ([]app.Participant, error) {
	held := heldStrings{}
	out, ok, err := fastRecords(ctx, db, app.EntityParticipant, unit, func(b []byte, p *app.Participant, v *flatValue) ([]byte, bool) {
		return decodeParticipant(b, p, held, v)
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return ListRecords[app.Participant](ctx, db, RecordQuery{Unit: unit})
	}
	if len(out) > 0 { // as ListRecords
		ids := make([]string, len(out))
		for i := range out {
			ids[i] = out[i].ID
		}
		set, err := limitedSet(ctx, db.r, app.EntityParticipant, ids)
		if err != nil {
			return nil, err
		}
		for i := range out {
			out[i].Limited = set[limitedKey(app.EntityParticipant, out[i].ID)]
		}
	}
	return out, nil
}

// fastRecords reads the records of entity of unit ("" for all) that are
// not voided, in the order of ListRecords, each decoded by decode (which
// returns its created_at as json_extract gives it, with a value to read
// the members into); false if decode could not read one.
func fastRecords[T any, P interface {
	*T
	app.Record
}](ctx context.Context, db *DB, entity, unit string, decode func([]byte, *T, *flatValue) ([]byte, bool)) ([]T, bool, error) {
	q, args := ` FROM records WHERE entity = ?`, []any{entity}
	if unit != "" {
		q += ` AND unit_code = ?`
		args = append(args, unit)
	}
	var n int // the records made at their size: 30 MB of a province's attendance
	if err := db.r.QueryRowContext(ctx, `SELECT count(*)`+q, args...).Scan(&n); err != nil {
		return nil, false, fmt.Errorf("list %s: %w", entity, err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, fields`+q, args...)
	if err != nil {
		return nil, false, fmt.Errorf("list %s: %w", entity, err)
	}
	defer rows.Close()
	var (
		out        = make([]T, 0, n)
		created    = make([]int64, 0, n)  // created_at of out's records (receivedKey)
		ids        = make([]string, 0, n) // and their ids
		id, fields sql.RawBytes
		scratch    flatValue
	)
	for rows.Next() {
		if err := rows.Scan(&id, &fields); err != nil {
			return nil, false, err
		}
		out = append(out, *new(T)) // decoded in place
		at, ok := decode(fields, &out[len(out)-1], &scratch)
		if !ok {
			return nil, false, nil
		}
		h := P(&out[len(out)-1]).Head()
		if h.Voided {
			out = out[:len(out)-1]
			continue
		}
		key, _ := receivedKey(at) // of that form (plainUTCTime)
		rowID := h.ID
		if rowID != string(id) {
			rowID = string(id)
		}
		created, ids = append(created, key), append(ids, rowID)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("list %s: %w", entity, err)
	}
	// ORDER BY json_extract(fields, '$.created_at'), id: texts in bytes
	// (the times as numbers: the same order).
	order := make([]int32, len(out))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		if c := cmp.Compare(created[i], created[j]); c != 0 {
			return c
		}
		return strings.Compare(ids[i], ids[j])
	})
	permute(out, order)
	return out, true, nil
}

// flatValue is a member's value in a flat document: a text (without
// escapes), true, false, null, or an array of such texts.
type flatValue struct {
	text        []byte // a text, or an integer's digits
	list        [][]byte
	isText      bool
	isInt       bool
	isList      bool
	isTrue, lit bool // lit: true or false
	isNull      bool
}

// decodeFlat reads b, a record's document, as an object of plain members
// (decodeAttendance says which), calling set for each with its name; set
// returns the member's bit among names (0 for another member) and whether
// it could take the value. It returns the created_at text (a member named
// created_at must be a text) and false for any document it cannot read as
// json.Unmarshal and json_extract do.
//
// v is where each member's value is read (one for all: no allocation).
func decodeFlat(b []byte, names []string, v *flatValue, set func(name []byte, v *flatValue) (int, bool)) (created []byte, ok bool) {
	var seen int
	i := skipJSONSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	i = skipJSONSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil, false // no created_at
	}
	for {
		name, j, ok := jsonPlainString(b, i)
		if !ok {
			return nil, false
		}
		i = skipJSONSpace(b, j)
		if i >= len(b) || b[i] != ':' {
			return nil, false
		}
		i = skipJSONSpace(b, i+1)
		*v = flatValue{list: v.list[:0]}
		switch {
		case i < len(b) && b[i] == '"':
			if v.text, j, ok = jsonPlainString(b, i); !ok {
				return nil, false
			}
			v.isText = true
		case i < len(b) && b[i] == '[':
			v.isList = true
			j = skipJSONSpace(b, i+1)
			if j < len(b) && b[j] == ']' {
				j++
				break
			}
			for {
				var t []byte
				if t, j, ok = jsonPlainString(b, j); !ok {
					return nil, false
				}
				v.list = append(v.list, t)
				j = skipJSONSpace(b, j)
				if j < len(b) && b[j] == ',' {
					j = skipJSONSpace(b, j+1)
					continue
				}
				if j >= len(b) || b[j] != ']' {
					return nil, false
				}
				j++
				break
			}
		case i < len(b) && (b[i] == '-' || b[i] >= '0' && b[i] <= '9'):
			// An integer: -?(0|[1-9][0-9]*), not followed by a fraction
			// nor an exponent.
			j = i
			if b[j] == '-' {
				j++
			}
			k := j
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			if j == k || b[k] == '0' && j-k > 1 || j < len(b) && (b[j] == '.' || b[j] == 'e' || b[j] == 'E') {
				return nil, false
			}
			v.text, v.isInt = b[i:j], true
		case hasAt(b, i, "true"):
			j, v.isTrue, v.lit = i+4, true, true
		case hasAt(b, i, "false"):
			j, v.lit = i+5, true
		case hasAt(b, i, "null"):
			j, v.isNull = i+4, true
		default:
			return nil, false
		}
		i = j
		if string(name) == "created_at" {
			if !v.isText {
				return nil, false // json_extract's NULL or a number: another order
			}
			created = v.text
		}
		bit, fine := set(name, v)
		if !fine {
			return nil, false
		}
		if bit == 0 {
			// json.Unmarshal matches a field's name in any case.
			for _, k := range names {
				if strings.EqualFold(k, string(name)) {
					return nil, false
				}
			}
		}
		if seen&bit != 0 {
			return nil, false // twice: json_extract and json.Unmarshal differ
		}
		seen |= bit
		i = skipJSONSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipJSONSpace(b, i+1)
			continue
		}
		if i >= len(b) || b[i] != '}' || skipJSONSpace(b, i+1) != len(b) {
			return nil, false
		}
		break
	}
	return created, created != nil
}

// headNames are the members of a record's head (app.RecordHead).
var headNames = []string{"id", "unit_code", "voided", "created_at", "created_by", "updated_at", "updated_by"}

// setHead sets the member name of a record's head h to v: its bit (1 to
// 64) or 0 for another member, and whether v suits it.
func setHead(h *app.RecordHead, name []byte, v *flatValue, held heldStrings) (int, bool) {
	switch string(name) {
	case "id":
		return 1, setText(&h.ID, v, nil)
	case "unit_code":
		return 2, setText(&h.UnitCode, v, held)
	case "voided":
		return 4, setBool(&h.Voided, v)
	case "created_at":
		return 8, setTime(&h.CreatedAt, v)
	case "created_by":
		return 16, setText(&h.CreatedBy, v, held)
	case "updated_at":
		return 32, setTime(&h.UpdatedAt, v)
	case "updated_by":
		return 64, setText(&h.UpdatedBy, v, held)
	}
	return 0, true
}

// setText sets *dst to text v (held, if held is not nil); null leaves it.
func setText(dst *string, v *flatValue, held heldStrings) bool {
	switch {
	case v.isNull:
	case !v.isText:
		return false
	case held != nil:
		*dst = held.of(v.text)
	default:
		*dst = string(v.text)
	}
	return true
}

func setBool(dst *bool, v *flatValue) bool {
	switch {
	case v.isNull:
	case !v.lit:
		return false
	default:
		*dst = v.isTrue
	}
	return true
}

func setTime(dst *time.Time, v *flatValue) bool {
	switch {
	case v.isNull:
	case !v.isText:
		return false
	default:
		t, ok := plainUTCTime(v.text)
		if !ok {
			return false
		}
		*dst = t
	}
	return true
}

// attendanceNames are the members of an attendance row.
var attendanceNames = append(slices.Clone(headNames), "session_id", "participant_id", "status", "signed", "checked_in_at")

// decodeAttendance decodes b, an attendance row's document, into a as
// json.Unmarshal would, and returns its created_at as SQLite's
// json_extract gives it. It reads only what it can decode exactly as
// json.Unmarshal does and json_extract reads: an object whose names are
// plain and each present once, whose values are texts without escapes
// nor control characters, in UTF-8, true, false or null, the times in the
// form 2006-01-02T15:04:05Z, created_at a text; anything else reports
// false (then nothing is to be read from a).
func decodeAttendance(b []byte, a *app.Attendance, held heldStrings, v *flatValue) ([]byte, bool) {
	return decodeFlat(b, attendanceNames, v, func(name []byte, v *flatValue) (int, bool) {
		switch string(name) {
		case "session_id":
			return 1 << 10, setText(&a.SessionID, v, held)
		case "participant_id":
			return 1 << 11, setText(&a.ParticipantID, v, held)
		case "status":
			return 1 << 12, setText(&a.Status, v, held)
		case "signed":
			return 1 << 13, setBool(&a.Signed, v)
		case "checked_in_at":
			return 1 << 14, setTime(&a.CheckedInAt, v)
		}
		return setHead(&a.RecordHead, name, v, held)
	})
}

// setInt sets *dst to integer v, as json.Unmarshal (an int's range);
// null leaves it.
func setInt(dst *int, v *flatValue) bool {
	switch {
	case v.isNull:
	case !v.isInt:
		return false
	default:
		n, err := strconv.Atoi(string(v.text))
		if err != nil {
			return false
		}
		*dst = n
	}
	return true
}

// publicationNames are the members of a publication.
var publicationNames = append(slices.Clone(headNames), "publication_type", "origin", "format", "title", "date", "quantity",
	"channel", "url", "note")

// decodePublication is decodeAttendance for a publication, whose quantity
// is an integer.
func decodePublication(b []byte, p *app.Publication, held heldStrings, v *flatValue) ([]byte, bool) {
	return decodeFlat(b, publicationNames, v, func(name []byte, v *flatValue) (int, bool) {
		switch string(name) {
		case "publication_type":
			return 1 << 10, setText(&p.Type, v, held)
		case "origin":
			return 1 << 11, setText(&p.Origin, v, held)
		case "format":
			return 1 << 12, setText(&p.Format, v, held)
		case "title":
			return 1 << 13, setText(&p.Title, v, nil)
		case "date":
			return 1 << 14, setText(&p.Date, v, held)
		case "quantity":
			return 1 << 15, setInt(&p.Quantity, v)
		case "channel":
			return 1 << 16, setText(&p.Channel, v, held)
		case "url":
			return 1 << 17, setText(&p.URL, v, nil)
		case "note":
			return 1 << 18, setText(&p.Note, v, nil)
		}
		return setHead(&p.RecordHead, name, v, held)
	})
}

// participantNames are the members of a participant.
var participantNames = append(slices.Clone(headNames), "full_name", "participant_type", "organisation_id", "workplace", "gender",
	"age_band", "phone", "note", "distinct_from", "restricted", "anonymised_on")

// decodeParticipant is decodeAttendance for a participant, whose
// distinct_from may also be an array of such texts.
func decodeParticipant(b []byte, p *app.Participant, held heldStrings, v *flatValue) ([]byte, bool) {
	return decodeFlat(b, participantNames, v, func(name []byte, v *flatValue) (int, bool) {
		switch string(name) {
		case "full_name":
			return 1 << 10, setText(&p.FullName, v, nil)
		case "participant_type":
			return 1 << 11, setText(&p.Type, v, held)
		case "organisation_id":
			return 1 << 12, setText(&p.OrganisationID, v, held)
		case "workplace":
			return 1 << 13, setText(&p.Workplace, v, held)
		case "gender":
			return 1 << 14, setText(&p.Gender, v, held)
		case "age_band":
			return 1 << 15, setText(&p.AgeBand, v, held)
		case "phone":
			return 1 << 16, setText(&p.Phone, v, nil)
		case "note":
			return 1 << 17, setText(&p.Note, v, nil)
		case "restricted":
			return 1 << 18, setBool(&p.Restricted, v)
		case "anonymised_on":
			return 1 << 19, setText(&p.AnonymisedOn, v, held)
		case "distinct_from":
			switch {
			case v.isNull:
			case !v.isList:
				return 1 << 20, false
			default:
				p.DistinctFrom = make([]string, len(v.list))
				for i, t := range v.list {
					p.DistinctFrom[i] = string(t)
				}
			}
			return 1 << 20, true
		}
		return setHead(&p.RecordHead, name, v, held)
	})
}

func skipJSONSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func hasAt(b []byte, i int, lit string) bool {
	return len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit
}

// jsonPlainString reads the text at b[i] (a quote): its bytes, without
// the quotes, and the position after it; false if it holds an escape, a
// control character or is not UTF-8.
func jsonPlainString(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			s := b[i+1 : j]
			return s, j + 1, utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, 0, false
		}
	}
	return nil, 0, false
}

// plainUTCTime parses a time of the form 2006-01-02T15:04:05Z, as
// time.Time's UnmarshalJSON does (RFC 3339); false for any other form or
// a day or time out of range.
func plainUTCTime[S string | []byte](b S) (time.Time, bool) {
	if _, ok := receivedKey(b); !ok {
		return time.Time{}, false
	}
	num := func(i, j int) int {
		n := 0
		for k := i; k < j; k++ {
			n = n*10 + int(b[k]-'0')
		}
		return n
	}
	y, m, d, hh, mm, ss := num(0, 4), time.Month(num(5, 7)), num(8, 10), num(11, 13), num(14, 16), num(17, 19)
	if m < time.January || m > time.December || d < 1 || d > time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day() ||
		hh > 23 || mm > 59 || ss > 59 {
		return time.Time{}, false
	}
	return time.Date(y, m, d, hh, mm, ss, 0, time.UTC), true
}
