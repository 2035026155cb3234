package storage

import (
	"context"
	"fmt"
	"slices"
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
	out, ok, err := db.fastAttendance(ctx, unit, held)
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

// fastAttendance is kpiAttendance's reading of plain documents; false if
// a row is not one (decodeAttendance).
func (db *DB) fastAttendance(ctx context.Context, unit string, held heldStrings) ([]app.Attendance, bool, error) {
	q, args := `SELECT id, fields FROM records WHERE entity = ?`, []any{app.EntityAttendance}
	if unit != "" {
		q += ` AND unit_code = ?`
		args = append(args, unit)
	}
	var n int // the rows made at their size: 30 MB for a province
	if err := db.r.QueryRowContext(ctx, strings.Replace(q, `id, fields`, `count(*)`, 1), args...).Scan(&n); err != nil {
		return nil, false, fmt.Errorf("list %s: %w", app.EntityAttendance, err)
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, fmt.Errorf("list %s: %w", app.EntityAttendance, err)
	}
	defer rows.Close()
	var (
		out          = make([]app.Attendance, 0, n)
		keys         = make([]string, 0, 2*n) // created_at, then id, of out's rows
		id, fields   []byte
		created      string
		voided, fine bool
	)
	for rows.Next() {
		if err := rows.Scan(&id, &fields); err != nil {
			return nil, false, err
		}
		var a app.Attendance
		if created, voided, fine = decodeAttendance(fields, &a, held); !fine {
			return nil, false, nil
		}
		if voided {
			continue
		}
		key := a.ID
		if key != string(id) {
			key = string(id)
		}
		out, keys = append(out, a), append(keys, created, key)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("list %s: %w", app.EntityAttendance, err)
	}
	// ORDER BY json_extract(fields, '$.created_at'), id: texts in bytes.
	order := make([]int32, len(out))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(i, j int32) int {
		if c := strings.Compare(keys[2*i], keys[2*j]); c != 0 {
			return c
		}
		return strings.Compare(keys[2*i+1], keys[2*j+1])
	})
	permute(out, order)
	return out, true, nil
}

// decodeAttendance decodes b, an attendance row's document, into a as
// json.Unmarshal would, and returns its created_at as SQLite's
// json_extract gives it and whether it is voided. It reads only what it
// can decode exactly as json.Unmarshal does and json_extract reads: an
// object whose names are plain and each present once, whose values are
// texts without escapes nor control characters, in UTF-8, true, false or
// null, the times in the form 2006-01-02T15:04:05Z, created_at a text;
// anything else reports false (then nothing is to be read from a).
func decodeAttendance(b []byte, a *app.Attendance, held heldStrings) (created string, voided, ok bool) {
	const (
		fID = 1 << iota
		fUnit
		fVoided
		fCreatedAt
		fCreatedBy
		fUpdatedAt
		fUpdatedBy
		fSession
		fParticipant
		fStatus
		fSigned
		fCheckedIn
	)
	var seen int
	i := skipJSONSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return "", false, false
	}
	i = skipJSONSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return "", false, false // no created_at
	}
	for {
		name, j, ok := jsonPlainString(b, i)
		if !ok {
			return "", false, false
		}
		i = skipJSONSpace(b, j)
		if i >= len(b) || b[i] != ':' {
			return "", false, false
		}
		i = skipJSONSpace(b, i+1)
		// The value: a text (without escapes), true, false or null.
		var (
			text        []byte
			isText      bool
			isTrue      bool
			isNull, lit bool
		)
		switch {
		case i < len(b) && b[i] == '"':
			if text, j, ok = jsonPlainString(b, i); !ok {
				return "", false, false
			}
			isText = true
		case hasAt(b, i, "true"):
			j, isTrue, lit = i+4, true, true
		case hasAt(b, i, "false"):
			j, lit = i+5, true
		case hasAt(b, i, "null"):
			j, isNull = i+4, true
		default:
			return "", false, false
		}
		i = j
		var flag int
		switch string(name) {
		case "id":
			flag = fID
		case "unit_code":
			flag = fUnit
		case "voided":
			flag = fVoided
		case "created_at":
			flag = fCreatedAt
		case "created_by":
			flag = fCreatedBy
		case "updated_at":
			flag = fUpdatedAt
		case "updated_by":
			flag = fUpdatedBy
		case "session_id":
			flag = fSession
		case "participant_id":
			flag = fParticipant
		case "status":
			flag = fStatus
		case "signed":
			flag = fSigned
		case "checked_in_at":
			flag = fCheckedIn
		default:
			// json.Unmarshal matches a field's name in any case.
			for _, k := range []string{"id", "unit_code", "voided", "created_at", "created_by", "updated_at", "updated_by",
				"session_id", "participant_id", "status", "signed", "checked_in_at"} {
				if strings.EqualFold(k, string(name)) {
					return "", false, false
				}
			}
		}
		if seen&flag != 0 {
			return "", false, false // twice: json_extract and json.Unmarshal differ
		}
		seen |= flag
		switch {
		case flag == 0 || isNull && flag != fCreatedAt: // ignored, or left as it is
		case flag == fVoided || flag == fSigned:
			if !lit {
				return "", false, false
			}
			if flag == fVoided {
				a.Voided, voided = isTrue, isTrue
			} else {
				a.Signed = isTrue
			}
		case !isText:
			return "", false, false
		case flag == fCreatedAt || flag == fUpdatedAt || flag == fCheckedIn:
			t, ok := plainUTCTime(text)
			if !ok {
				return "", false, false
			}
			switch flag {
			case fCreatedAt:
				a.CreatedAt, created = t, string(text)
			case fUpdatedAt:
				a.UpdatedAt = t
			default:
				a.CheckedInAt = t
			}
		case flag == fID:
			a.ID = string(text)
		case flag == fUnit:
			a.UnitCode = held.of(text)
		case flag == fCreatedBy:
			a.CreatedBy = held.of(text)
		case flag == fUpdatedBy:
			a.UpdatedBy = held.of(text)
		case flag == fSession:
			a.SessionID = held.of(text)
		case flag == fParticipant:
			a.ParticipantID = held.of(text)
		case flag == fStatus:
			a.Status = held.of(text)
		}
		i = skipJSONSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipJSONSpace(b, i+1)
			continue
		}
		if i >= len(b) || b[i] != '}' || skipJSONSpace(b, i+1) != len(b) {
			return "", false, false
		}
		break
	}
	if seen&fCreatedAt == 0 { // json_extract gives NULL: first
		return "", false, false
	}
	return created, voided, true
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
// time.Time's UnmarshalJSON does (RFC 3339); false for any other form.
func plainUTCTime(b []byte) (time.Time, bool) {
	if len(b) != 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[19] != 'Z' {
		return time.Time{}, false
	}
	for _, k := range []int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		if b[k] < '0' || b[k] > '9' {
			return time.Time{}, false
		}
	}
	t, err := time.Parse(time.RFC3339, string(b))
	return t, err == nil
}
