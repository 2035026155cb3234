package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"bvntd/app"
)

// caseIndexColumns are the columns of case_list, beside a case's fields
// document in cases (its one source of truth): what the case list, its
// search, the register and the indicators read without the document. caseIndex derives
// them, in this order; listCaseColumns reads them back.
var caseIndexColumns = []string{"unit_code", "number", "received_at", "channel", "kind", "consumer_name",
	"consumer_phone", "consumer_address", "business_name", "sector", "status", "voided",
	"vulnerable_groups", "updated_at", "search_folded", "restricted", "person_names", "person_addresses",
	"intake_opened_at", "transaction_type", "issue_types", "forwarded_to"}

// caseIndex returns the index columns of a case (caseIndexColumns).
func caseIndex(d doc) []any {
	c := d.(*app.Case)
	names, addresses := casePersonIndex(c)
	return []any{c.UnitCode, c.Number, formatTime(c.ReceivedAt), c.Channel, c.Kind, c.ConsumerName,
		c.ConsumerPhone, c.ConsumerAddress, c.BusinessName, c.Sector, c.Status, c.Voided,
		formatList(c.VulnerableGroups), formatTime(c.UpdatedAt), app.Fold(c.SearchText()),
		c.Restricted, names, addresses, formatTime(c.IntakeOpenedAt), c.TransactionType, formatList(c.IssueTypes),
		c.ForwardedTo}
}

// casePersonIndex returns what FindPerson looks a case's people up in:
// the consumer's and the representative's names, and the consumer's
// address and old address (app.PersonIndex).
func casePersonIndex(c *app.Case) (names, addresses string) {
	return app.PersonIndex(c.ConsumerName, c.RepresentativeName),
		app.PersonIndex(c.ConsumerAddress, c.ConsumerOldAddress)
}

// listCaseColumns select the index columns of a case (on case_list as
// c), which scanListCase reads into a case holding those fields only:
// what the list (with its restriction mark), the register and the
// indicators of deadlines need, and when a case of the online intake
// channel was first opened (the list's "Mới từ cổng trực tuyến").
const listCaseColumns = `c.id, c.unit_code, c.number, c.received_at, c.channel, c.kind, c.consumer_name,
	c.consumer_phone, c.consumer_address, c.business_name, c.sector, c.status, c.voided,
	c.vulnerable_groups, c.updated_at, c.restricted, c.intake_opened_at`

func scanListCase(sc interface{ Scan(...any) error }) (app.Case, error) {
	var c app.Case
	var received, updated, groups, opened string
	err := sc.Scan(&c.ID, &c.UnitCode, &c.Number, &received, &c.Channel, &c.Kind, &c.ConsumerName,
		&c.ConsumerPhone, &c.ConsumerAddress, &c.BusinessName, &c.Sector, &c.Status, &c.Voided,
		&groups, &updated, &c.Restricted, &opened)
	if err != nil {
		return c, err
	}
	c.ReceivedAt, c.UpdatedAt, c.IntakeOpenedAt = parseTime(received), parseTime(updated), parseTime(opened)
	c.VulnerableGroups = parseList(groups)
	return c, nil
}

// scanCases reads rows of (fields, server_version) into whole cases.
func scanCases(rows *sql.Rows) ([]app.Case, error) {
	defer rows.Close()
	var out []app.Case
	for rows.Next() {
		var f sql.RawBytes // decoded before the next Scan: no copy
		var c app.Case
		if err := rows.Scan(&f, &c.Version); err != nil {
			return nil, err
		}
		if err := json.Unmarshal(f, &c); err != nil {
			return nil, fmt.Errorf("case: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// formatList stores a list column as a JSON array.
func formatList(l []string) string {
	if len(l) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(l) // a []string always marshals
	return string(b)
}

// parseList reads a list column; an empty list is nil, as in a new Case.
func parseList(s string) []string {
	var l []string
	if json.Unmarshal([]byte(s), &l) != nil || len(l) == 0 {
		return nil
	}
	return l
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// putCase writes c with its index columns.
func (db *DB) putCase(ctx context.Context, tx *sql.Tx, c *app.Case) error {
	return db.put(ctx, tx, caseKind, c)
}

// getCase reads one case with its server version.
func getCase(ctx context.Context, db *DB, q querier, id string) (app.Case, error) {
	var c app.Case
	f, v, found, err := db.get(ctx, q, caseKind, id)
	switch {
	case err != nil:
		return c, err
	case !found:
		return c, app.Errorf(app.ENOTFOUND, "Không tìm thấy vụ việc.")
	}
	if err := json.Unmarshal(f, &c); err != nil {
		return c, fmt.Errorf("case %s: %w", id, err)
	}
	c.Version = v
	if c.Limited, err = isLimited(ctx, q, app.EntityCase, id); err != nil {
		return c, err
	}
	return c, nil
}

// scanFirst scans its first column into first, the rest into what Scan
// is given.
type scanFirst struct {
	sc    interface{ Scan(...any) error }
	first any
}

func (s scanFirst) Scan(dst ...any) error { return s.sc.Scan(append([]any{s.first}, dst...)...) }

// GetCase returns the case with the given id.
func (db *DB) GetCase(ctx context.Context, id string) (app.Case, error) {
	return getCase(ctx, db, db.r, id)
}

// CreateCase records a new case: it fills the id, the number, the commune
// (if empty), the status (if empty) and the author fields, validates it,
// and writes it with its outbox mutation in one transaction.
func (db *DB) CreateCase(ctx context.Context, c *app.Case) error {
	now := db.Now().UTC().Truncate(time.Second)
	officer := db.currentOfficer()
	if c.UnitCode == "" {
		unit, err := db.UnitCode(ctx)
		if err != nil {
			return err
		}
		c.UnitCode = unit
	}
	if c.Status == "" {
		c.Status = app.StatusReceived
	}
	c.ID = app.NewID()
	c.CreatedAt, c.UpdatedAt = now, now
	c.CreatedBy, c.UpdatedBy = officer, officer
	c.Number = "" // allocated below, after validation
	c.Normalize()
	if err := c.Validate(db.currentRefs(), now); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		year := c.ReceivedAt.In(app.ICT).Year()
		var seq int
		err := tx.QueryRowContext(ctx, `INSERT INTO case_counters (unit_code, year, seq) VALUES (?, ?, 1)
			ON CONFLICT (unit_code, year) DO UPDATE SET seq = seq + 1 RETURNING seq`, c.UnitCode, year).Scan(&seq)
		if err != nil {
			return fmt.Errorf("case counter: %w", err)
		}
		c.Number = app.FormatCaseNumber(c.UnitCode, year, db.tag, seq)
		if err := db.putCase(ctx, tx, c); err != nil {
			return err
		}
		return db.appendMutation(ctx, tx, app.EntityCase, c.ID, c.UnitCode, c.Fields(), officer, now)
	})
}

// ListCases returns the cases matching q, whole.
func (db *DB) ListCases(ctx context.Context, q app.CaseQuery) ([]app.Case, error) {
	where, args := caseWhere(q)
	rows, err := db.r.QueryContext(ctx, `SELECT d.fields, d.server_version FROM case_list c JOIN cases d ON d.id = c.id`+where+caseOrder(q), args...)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	cs, err := scanCases(rows)
	if err != nil {
		return nil, err
	}
	return cs, db.markLimitedCases(ctx, cs)
}

// listCases returns the cases matching q with their index columns only
// (scanListCase): what the case list shows and counts deadlines with.
func (db *DB) listCases(ctx context.Context, q app.CaseQuery) ([]app.Case, error) {
	where, args := caseWhere(q)
	rows, err := db.r.QueryContext(ctx, `SELECT `+listCaseColumns+` FROM case_list c`+where+caseOrder(q), args...)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	var out []app.Case
	for rows.Next() {
		c, err := scanListCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return out, db.markLimitedCases(ctx, out)
}

// caseWhere is the condition choosing the cases of q (on case_list as c).
func caseWhere(q app.CaseQuery) (string, []any) {
	var (
		conds []string
		args  []any
	)
	for _, t := range searchTerms(q.Text) {
		fts := `c.rowid IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)`
		if app.NumberTerm(t) {
			// A word with a digit may also start a part of the case
			// number (app.MatchesNumber, in SQL).
			conds = append(conds, `(`+fts+` OR ('-' || lower(c.number)) LIKE ? ESCAPE '\')`)
			args = append(args, ftsTerm(t), "%-"+likeEscape(t)+"%")
			continue
		}
		conds = append(conds, fts)
		args = append(args, ftsTerm(t))
	}
	if !q.IncludeVoided {
		conds = append(conds, `NOT c.voided`)
	}
	if q.HideRestricted {
		conds = append(conds, `NOT c.restricted`)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// caseOrder is the order and limit of q.
func caseOrder(q app.CaseQuery) string {
	order := ` ORDER BY c.received_at DESC, c.number DESC`
	if q.Sort == app.SortName {
		order = ` ORDER BY c.consumer_name COLLATE vi, c.received_at DESC`
	}
	if q.Limit > 0 {
		order += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	return order
}

// searchTerms returns the words an officer typed, folded, without quotes,
// leaving out those with nothing searchable in them. Every word must
// match (a prefix of a word of the case's text, or for a word with a digit,
// also the start of a part of its number).
func searchTerms(text string) []string {
	var terms []string
	for _, w := range strings.Fields(app.Fold(text)) {
		w = strings.Map(func(r rune) rune {
			if r == '"' {
				return -1
			}
			return r
		}, w)
		if strings.IndexFunc(w, isWordRune) < 0 {
			continue
		}
		terms = append(terms, w)
	}
	return terms
}

// ftsTerm is the FTS5 query of one word: a prefix.
func ftsTerm(w string) string { return `"` + w + `"*` }

// likeEscape escapes the wildcards of LIKE (with ESCAPE '\').
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func isWordRune(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r > 0x7f
}

// CountCases returns the number of cases in the store.
func (db *DB) CountCases(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, "SELECT count(*) FROM cases").Scan(&n)
	return n, err
}

// DuplicateWindow is how far apart two cases of the same consumer phone
// and business may be received to be flagged as possible duplicates.
const DuplicateWindow = 30 * 24 * time.Hour

// PossibleDuplicates returns the cases of the same commune with the same
// consumer phone and the same business (compared without diacritics or
// case) received within DuplicateWindow of c, other than c itself, newest
// first. It is a warning for the officer, never a block: c need not be
// saved yet. A case without a phone or a business has none.
func (db *DB) PossibleDuplicates(ctx context.Context, c *app.Case) ([]app.Case, error) {
	phone := app.NormalizePhone(c.ConsumerPhone)
	business := app.Fold(app.NFC(c.BusinessName))
	if phone == "" || business == "" || c.ReceivedAt.IsZero() {
		return nil, nil
	}
	unit := c.UnitCode
	if unit == "" {
		var err error
		if unit, err = db.UnitCode(ctx); err != nil {
			return nil, err
		}
	}
	rows, err := db.r.QueryContext(ctx, `SELECT d.fields, d.server_version FROM case_list c JOIN cases d ON d.id = c.id
		WHERE c.unit_code = ? AND c.consumer_phone = ? AND c.id != ? AND NOT c.voided
		  AND c.received_at BETWEEN ? AND ?
		ORDER BY c.received_at DESC`,
		unit, phone, c.ID, formatTime(c.ReceivedAt.Add(-DuplicateWindow)), formatTime(c.ReceivedAt.Add(DuplicateWindow)))
	if err != nil {
		return nil, fmt.Errorf("possible duplicates: %w", err)
	}
	cs, err := scanCases(rows)
	if err != nil {
		return nil, err
	}
	var out []app.Case
	for _, d := range cs {
		if app.Fold(d.BusinessName) == business {
			out = append(out, d)
		}
	}
	return out, nil
}
