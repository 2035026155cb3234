package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"bvntd/app"
)

const caseColumns = `id, unit_code, number, received_at, channel, kind, consumer_name,
	consumer_phone, consumer_address, business_name, business_address, sector, summary,
	status, voided, void_reason, created_at, created_by, updated_at, updated_by,
	requester_role, representative_name, representative_relation, referred_from,
	consumer_gender, consumer_birth_date, consumer_age_band, consumer_unit_code,
	consumer_old_address, vulnerable_groups, vulnerable_evidence, business_kind,
	business_tax_code, business_phone, business_online_channel, issue_types,
	transaction_type, product_or_service, transaction_date, transaction_value,
	damage_claimed, specific_request, prior_contact, prior_contact_date, evidence,
	assigned_to, resolution_method`

func scanCase(sc interface{ Scan(...any) error }) (app.Case, error) {
	var c app.Case
	var received, created, updated, groups, issues, evidence string
	err := sc.Scan(&c.ID, &c.UnitCode, &c.Number, &received, &c.Channel, &c.Kind, &c.ConsumerName,
		&c.ConsumerPhone, &c.ConsumerAddress, &c.BusinessName, &c.BusinessAddress, &c.Sector, &c.Summary,
		&c.Status, &c.Voided, &c.VoidReason, &created, &c.CreatedBy, &updated, &c.UpdatedBy,
		&c.RequesterRole, &c.RepresentativeName, &c.RepresentativeRelation, &c.ReferredFrom,
		&c.ConsumerGender, &c.ConsumerBirthDate, &c.ConsumerAgeBand, &c.ConsumerUnitCode,
		&c.ConsumerOldAddress, &groups, &c.VulnerableEvidence, &c.BusinessKind,
		&c.BusinessTaxCode, &c.BusinessPhone, &c.BusinessOnlineChannel, &issues,
		&c.TransactionType, &c.ProductOrService, &c.TransactionDate, &c.TransactionValue,
		&c.DamageClaimed, &c.SpecificRequest, &c.PriorContact, &c.PriorContactDate, &evidence,
		&c.AssignedTo, &c.ResolutionMethod)
	if err != nil {
		return c, err
	}
	c.ReceivedAt = parseTime(received)
	c.CreatedAt = parseTime(created)
	c.UpdatedAt = parseTime(updated)
	c.VulnerableGroups = parseList(groups)
	c.IssueTypes = parseList(issues)
	c.Evidence = parseList(evidence)
	return c, nil
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

// sqlPutCase inserts or replaces the row of a case.
var sqlPutCase = func() string {
	cols := strings.Split(caseColumns, ",")
	var set []string
	for _, c := range cols[1:] {
		c = strings.TrimSpace(c)
		set = append(set, c+" = excluded."+c)
	}
	return `INSERT INTO cases (` + caseColumns + `, search_folded) VALUES (?` +
		strings.Repeat(", ?", len(cols)) + `) ON CONFLICT (id) DO UPDATE SET ` +
		strings.Join(set, ", ") + `, search_folded = excluded.search_folded`
}()

// putCase inserts or replaces the row of c.
func (db *DB) putCase(ctx context.Context, tx *sql.Tx, c *app.Case) error {
	_, err := db.st.Exec(ctx, tx, sqlPutCase,
		c.ID, c.UnitCode, c.Number, formatTime(c.ReceivedAt), c.Channel, c.Kind, c.ConsumerName,
		c.ConsumerPhone, c.ConsumerAddress, c.BusinessName, c.BusinessAddress, c.Sector, c.Summary,
		c.Status, c.Voided, c.VoidReason, formatTime(c.CreatedAt), c.CreatedBy, formatTime(c.UpdatedAt), c.UpdatedBy,
		c.RequesterRole, c.RepresentativeName, c.RepresentativeRelation, c.ReferredFrom,
		c.ConsumerGender, c.ConsumerBirthDate, c.ConsumerAgeBand, c.ConsumerUnitCode,
		c.ConsumerOldAddress, formatList(c.VulnerableGroups), c.VulnerableEvidence, c.BusinessKind,
		c.BusinessTaxCode, c.BusinessPhone, c.BusinessOnlineChannel, formatList(c.IssueTypes),
		c.TransactionType, c.ProductOrService, c.TransactionDate, c.TransactionValue,
		c.DamageClaimed, c.SpecificRequest, c.PriorContact, c.PriorContactDate, formatList(c.Evidence),
		c.AssignedTo, c.ResolutionMethod,
		app.Fold(c.SearchText()))
	if err != nil {
		return fmt.Errorf("put case %s: %w", c.ID, err)
	}
	return nil
}

// sqlGetCase reads one case.
const sqlGetCase = `SELECT ` + caseColumns + ` FROM cases WHERE id = ?`

// getCase reads one case with its server version.
func getCase(ctx context.Context, q querier, id string) (app.Case, error) {
	var version int64
	c, err := scanCase(scanFirst{q.QueryRowContext(ctx, `SELECT server_version, `+caseColumns+` FROM cases WHERE id = ?`, id), &version})
	if errors.Is(err, sql.ErrNoRows) {
		return c, app.Errorf(app.ENOTFOUND, "Không tìm thấy vụ việc.")
	}
	c.Version = version
	return c, err
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
	return getCase(ctx, db.r, id)
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

// ListCases returns the cases matching q.
func (db *DB) ListCases(ctx context.Context, q app.CaseQuery) ([]app.Case, error) {
	var (
		conds []string
		args  []any
	)
	for _, t := range searchTerms(q.Text) {
		fts := `rowid IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)`
		if app.NumberTerm(t) {
			// A word with a digit may also start a part of the case
			// number (app.MatchesNumber, in SQL).
			conds = append(conds, `(`+fts+` OR ('-' || lower(number)) LIKE ? ESCAPE '\')`)
			args = append(args, ftsTerm(t), "%-"+likeEscape(t)+"%")
			continue
		}
		conds = append(conds, fts)
		args = append(args, ftsTerm(t))
	}
	if !q.IncludeVoided {
		conds = append(conds, `NOT voided`)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	order := ` ORDER BY received_at DESC, number DESC`
	if q.Sort == app.SortName {
		order = ` ORDER BY consumer_name COLLATE vi, received_at DESC`
	}
	limit := ""
	if q.Limit > 0 {
		limit = fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases`+where+order+limit, args...)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	var out []app.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
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
	rows, err := db.r.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases
		WHERE unit_code = ? AND consumer_phone = ? AND id != ? AND NOT voided
		  AND received_at BETWEEN ? AND ?
		ORDER BY received_at DESC`,
		unit, phone, c.ID, formatTime(c.ReceivedAt.Add(-DuplicateWindow)), formatTime(c.ReceivedAt.Add(DuplicateWindow)))
	if err != nil {
		return nil, fmt.Errorf("possible duplicates: %w", err)
	}
	defer rows.Close()
	var out []app.Case
	for rows.Next() {
		d, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		if app.Fold(d.BusinessName) == business {
			out = append(out, d)
		}
	}
	return out, rows.Err()
}
