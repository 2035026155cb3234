package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"bvntd/app"
)

// Applying imports of Excel files (app/xlsx parses them): a participants
// roster onto a session's register, and an old complaint register into
// cases. Both write through the usual paths (SaveRecord, CreateCase), so
// every change goes to the outbox, and both can be run again on the same
// file without adding anything. CheckRoster and CheckCases tell, without
// writing, what an import would do: for the preview.

// ImportResult tells what an import did with its rows.
type ImportResult struct {
	// Added is the number of records created: new participants (roster)
	// or new cases (register).
	Added int
	// Matched is the number of roster rows that were a person already on
	// file (app.MatchPerson).
	Matched int
	// Marked is the number of roster rows whose attendance was written
	// (new, or changed to present).
	Marked int
	// Skipped is the number of rows that changed nothing: the person was
	// already marked present, or the case was already imported or in the
	// store.
	Skipped int
	// IDs holds, per input row, the participant or case the row is (""
	// for a failed row).
	IDs []string
	// Failed lists the rows the store refused; the others were imported.
	Failed []ImportFailure
}

// ImportFailure is a row the store refused.
type ImportFailure struct {
	Index   int    // the row's index in the input
	Message string // Vietnamese, with the bad fields
}

// RowCheck is what an import would do with one row.
type RowCheck struct {
	// ID is the record the row already is: the participant it matches, or
	// the case it was imported as; "" for a row that makes a new record.
	ID string
	// Done reports that the row would change nothing: the person is
	// already marked present, or the case already imported (or already in
	// the store).
	Done bool
	// Duplicates are, for a new case, the cases that may be the same
	// (PossibleDuplicates): a warning to show, not a block.
	Duplicates []app.Case
	// Refused is why the row would not be imported (Vietnamese): a row
	// of a masked register that is no case of the store.
	Refused string
}

// attendancePresent is the status a roster import marks (app.AttendanceStatuses).
const attendancePresent = "co_mat"

// ImportRoster puts the people of a roster on the register of session as
// present: each row is matched against the participants on file
// (app.MatchPerson; a row with an ID is that participant) or saved as a
// new participant of the session's commune, with, if the roster gave no
// group, the session's audience when it has exactly one, else "khac". The
// attendance row, whose id derives from the session and the person, is
// then written unless the person is already present: importing the same
// roster twice adds nothing the second time. A person matched is not
// changed. Like the trainer's fast entry (ui.markAttendance), it refuses a
// closed register (app.AttendanceLocked). A row the store refuses is
// listed in Failed and the others go on; any other error stops the import
// and is returned with the result so far.
func ImportRoster(ctx context.Context, db *DB, session *app.TrainingSession, people []app.Participant) (ImportResult, error) {
	res, _, err := importRoster(ctx, db, session, people, true)
	return res, err
}

// CheckRoster tells, without writing, what ImportRoster would do with
// each row.
func CheckRoster(ctx context.Context, db *DB, session *app.TrainingSession, people []app.Participant) ([]RowCheck, error) {
	_, checks, err := importRoster(ctx, db, session, people, false)
	return checks, err
}

func importRoster(ctx context.Context, db *DB, session *app.TrainingSession, people []app.Participant, apply bool) (ImportResult, []RowCheck, error) {
	res := ImportResult{IDs: make([]string, len(people))}
	checks := make([]RowCheck, len(people))
	if session == nil || session.ID == "" {
		return res, nil, app.Errorf(app.EINVALID, "Chưa chọn lớp tập huấn.")
	}
	var s app.TrainingSession
	if err := db.GetRecord(ctx, session.ID, &s); err != nil {
		if app.ErrorCode(err) == app.ENOTFOUND {
			return res, nil, app.Errorf(app.ENOTFOUND, "Không tìm thấy lớp tập huấn.")
		}
		return res, nil, err
	}
	now := db.Now()
	if app.AttendanceLocked(&s, now) {
		return res, nil, app.Errorf(app.EINVALID, "Danh sách tham dự của lớp này đã khóa, không thể ghi thêm.")
	}
	if msg := app.AttendanceNotYet(&s, attendancePresent, now); msg != "" {
		return res, nil, app.Errorf(app.EINVALID, "%s", msg)
	}
	known, err := ListRecords[app.Participant](ctx, db, RecordQuery{})
	if err != nil {
		return res, nil, err
	}
	orgs, err := ListRecords[app.Organisation](ctx, db, RecordQuery{})
	if err != nil {
		return res, nil, err
	}
	defaultType := "khac"
	if len(s.Audiences) == 1 && app.ParticipantTypes.Has(s.Audiences[0]) {
		defaultType = s.Audiences[0]
	}
	marked := map[string]bool{} // participants marked by an earlier row (a check writes nothing)
	for i, row := range people {
		if err := ctx.Err(); err != nil {
			return res, checks, err
		}
		p := row
		matched := p.ID != ""
		if !matched {
			if k, ok := app.MatchPerson(p, known, orgs); ok {
				p, matched = known[k], true
			}
		}
		if matched {
			res.Matched++
			if !strings.HasPrefix(p.ID, "new:") {
				checks[i].ID = p.ID
			}
		} else {
			if p.UnitCode == "" {
				p.UnitCode = s.UnitCode
			}
			if p.Type == "" {
				p.Type = defaultType
			}
			if apply {
				if err := db.SaveRecord(ctx, &p); err != nil {
					if app.ErrorCode(err) == app.EINVALID {
						res.Failed = append(res.Failed, ImportFailure{Index: i, Message: importMessage(err)})
						continue
					}
					return res, checks, err
				}
			} else {
				p.ID = fmt.Sprintf("new:%d", i) // later rows of the same person match it
			}
			res.Added++
			known = append(known, p)
		}
		if !strings.HasPrefix(p.ID, "new:") {
			res.IDs[i] = p.ID
		}
		if marked[p.ID] {
			res.Skipped++
			checks[i].Done = true
			continue
		}
		var a app.Attendance
		err := db.GetRecord(ctx, app.AttendanceID(s.ID, p.ID), &a)
		switch {
		case err == nil:
			if a.Status == attendancePresent && !a.Voided {
				res.Skipped++
				checks[i].Done = true
				marked[p.ID] = true
				continue
			}
		case app.ErrorCode(err) == app.ENOTFOUND:
			a = app.Attendance{SessionID: s.ID, ParticipantID: p.ID}
			a.UnitCode = s.UnitCode
		default:
			return res, checks, err
		}
		marked[p.ID] = true
		if !apply {
			res.Marked++
			continue
		}
		a.Status, a.Voided = attendancePresent, false
		if a.CheckedInAt.IsZero() {
			a.CheckedInAt = now
		}
		if err := db.SaveRecord(ctx, &a); err != nil {
			if app.ErrorCode(err) == app.EINVALID {
				res.Failed = append(res.Failed, ImportFailure{Index: i, Message: importMessage(err)})
				continue
			}
			return res, checks, err
		}
		res.Marked++
	}
	return res, checks, nil
}

// CaseImport is one case of an imported register.
type CaseImport struct {
	// Source is the case's number in the register, "" if it has none.
	Source string
	Case   app.Case
	// Masked: the row comes from a register with personal data hidden
	// (xlsx.RegisterEntry.Masked). It is skipped when it is a case of the
	// store (found by its number), else refused: a masked row never
	// becomes a case and never changes one.
	Masked bool
	// Refusal is the message of a refused masked row.
	Refusal string
}

// CaseImportKey returns the key an imported register row is remembered
// by (table import_keys): with a register number, the commune, the year
// received and the number; without, a hash of the commune, the day
// received, the consumer's name and phone, the business and the summary
// (texts compared by their words, without diacritics, case or
// punctuation). c is
// expected normalised (app.Case.Normalize).
func CaseImportKey(unit, source string, c *app.Case) string {
	day := c.ReceivedAt.In(app.ICT)
	if src := strings.Join(strings.Fields(app.Fold(source)), ""); src != "" {
		return fmt.Sprintf("n|%s|%d|%s", unit, day.Year(), src)
	}
	h := sha256.New()
	for _, part := range []string{unit, day.Format(time.DateOnly), importWords(c.ConsumerName),
		app.NormalizePhone(c.ConsumerPhone), importWords(c.BusinessName), importWords(c.Summary)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return "h|" + hex.EncodeToString(h.Sum(nil)[:16])
}

// ImportCases records the cases of an imported register through
// CreateCase (each with its outbox mutation), in the commune given or the
// device's. A row already imported on this device (its CaseImportKey is
// known), or whose case is already in the store (a case with that number,
// or with the same commune, time received, consumer, phone, business and
// summary, e.g. brought by a sync), is skipped: importing the same
// register twice adds nothing the second time. A row the store refuses is
// listed in Failed and the others go on; any other error stops the import
// and is returned with the result so far.
func ImportCases(ctx context.Context, db *DB, cases []CaseImport) (ImportResult, error) {
	res, _, err := importCases(ctx, db, cases, true)
	return res, err
}

// CheckCases tells, without writing, what ImportCases would do with each
// row, with the possible duplicates of each new case.
func CheckCases(ctx context.Context, db *DB, cases []CaseImport) ([]RowCheck, error) {
	_, checks, err := importCases(ctx, db, cases, false)
	return checks, err
}

func importCases(ctx context.Context, db *DB, cases []CaseImport, apply bool) (ImportResult, []RowCheck, error) {
	res := ImportResult{IDs: make([]string, len(cases))}
	checks := make([]RowCheck, len(cases))
	unit, err := db.UnitCode(ctx)
	if err != nil {
		return res, nil, err
	}
	seen := map[string]string{} // keys of this batch (a check writes none)
	for i, in := range cases {
		if err := ctx.Err(); err != nil {
			return res, checks, err
		}
		c := in.Case
		if c.UnitCode == "" {
			c.UnitCode = unit
		}
		c.Normalize()
		key := CaseImportKey(c.UnitCode, in.Source, &c)
		id, ok := seen[key]
		if !ok {
			if id, err = db.importedCase(ctx, key, in.Source, &c); err != nil {
				return res, checks, err
			}
		}
		if id != "" {
			if apply && !ok {
				if err := db.rememberImport(ctx, key, id); err != nil {
					return res, checks, err
				}
			}
			seen[key] = id
			res.Skipped++
			if !strings.HasPrefix(id, "new:") { // a check: a row above makes it
				res.IDs[i] = id
				checks[i].ID = id
			}
			checks[i].Done = true
			continue
		}
		if in.Masked {
			msg := in.Refusal
			if msg == "" {
				msg = "Dòng đã che thông tin cá nhân: không nhập thành vụ việc mới."
			}
			checks[i].Refused = msg
			res.Failed = append(res.Failed, ImportFailure{Index: i, Message: msg})
			continue
		}
		if !apply {
			dups, err := db.PossibleDuplicates(ctx, &c)
			if err != nil {
				return res, checks, err
			}
			checks[i].Duplicates = dups
			seen[key] = fmt.Sprintf("new:%d", i)
			res.Added++
			continue
		}
		if err := db.CreateCase(ctx, &c); err != nil {
			if app.ErrorCode(err) == app.EINVALID {
				res.Failed = append(res.Failed, ImportFailure{Index: i, Message: importMessage(err)})
				continue
			}
			return res, checks, err
		}
		// A crash before this line leaves the case without its key; the
		// next import finds it by its contents instead.
		if err := db.rememberImport(ctx, key, c.ID); err != nil {
			return res, checks, err
		}
		seen[key] = c.ID
		res.Added++
		res.IDs[i] = c.ID
	}
	return res, checks, nil
}

// importedCase returns the id of the case a register row already is: by
// its import key, by the register's number when that is a case number of
// the store, or by its contents; "" if none.
func (db *DB) importedCase(ctx context.Context, key, source string, c *app.Case) (string, error) {
	var id string
	err := db.r.QueryRowContext(ctx, `SELECT case_id FROM import_keys WHERE key = ?`, key).Scan(&id)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("import key: %w", err)
	}
	if src := strings.TrimSpace(source); src != "" {
		err := db.r.QueryRowContext(ctx, `SELECT id FROM case_list WHERE number = ? COLLATE NOCASE`, src).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("case by number: %w", err)
		}
	}
	rows, err := db.r.QueryContext(ctx, `SELECT d.fields, d.server_version FROM case_list c JOIN cases d ON d.id = c.id
		WHERE c.unit_code = ? AND c.received_at = ? AND NOT c.voided ORDER BY c.id`,
		c.UnitCode, formatTime(c.ReceivedAt))
	if err != nil {
		return "", fmt.Errorf("cases received at: %w", err)
	}
	same, err := scanCases(rows)
	if err != nil {
		return "", err
	}
	for _, d := range same {
		if importWords(d.ConsumerName) == importWords(c.ConsumerName) && app.NormalizePhone(d.ConsumerPhone) == c.ConsumerPhone &&
			importWords(d.BusinessName) == importWords(c.BusinessName) && importWords(d.Summary) == importWords(c.Summary) {
			return d.ID, nil
		}
	}
	return "", rows.Err()
}

// importWords is the form texts are compared in to recognise a row: its
// words, folded (no diacritics, đ → d, lower case), without punctuation.
func importWords(s string) string {
	return strings.Join(strings.FieldsFunc(app.Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// rememberImport records that the row of key is case id.
func (db *DB) rememberImport(ctx context.Context, key, id string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO import_keys (key, case_id, imported_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO NOTHING`, key, id, formatTime(db.Now()))
		if err != nil {
			return fmt.Errorf("import key: %w", err)
		}
		return nil
	})
}

// importMessage is the Vietnamese text of a refusal, with its fields.
func importMessage(err error) string {
	msg := app.ErrorMessage(err)
	if fe := app.FieldErrors(err); len(fe) > 0 {
		var parts []string
		for _, v := range fe {
			parts = append(parts, v)
		}
		sort.Strings(parts)
		msg = strings.Join(parts, " ")
	}
	return msg
}
