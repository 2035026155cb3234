package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"bvntd/app"
)

// goMigrations are the steps of a migration that SQL cannot do, run after
// the migration's SQL file in the same transaction.
var goMigrations = map[int]func(ctx context.Context, tx *sql.Tx) error{
	14: casesToDocuments,
	16: casePersonColumns,
}

// casePersonColumns fills the columns migration 16 adds to case_list
// (restriction, the people's folded names and addresses) from each case's
// document, a batch at a time. It writes those columns only: the later
// ones of caseIndexColumns do not exist yet at this step.
func casePersonColumns(ctx context.Context, tx *sql.Tx) error {
	upd, err := tx.PrepareContext(ctx, `UPDATE case_list SET restricted = ?, person_names = ?, person_addresses = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer upd.Close()
	const batch = 2000
	for last := int64(-1); ; {
		type row struct {
			id     string
			fields []byte
		}
		var rows []row
		rs, err := tx.QueryContext(ctx, `SELECT rowid, id, fields FROM cases WHERE rowid > ? ORDER BY rowid LIMIT ?`, last, batch)
		if err != nil {
			return fmt.Errorf("read cases: %w", err)
		}
		for rs.Next() {
			var r row
			if err := rs.Scan(&last, &r.id, &r.fields); err != nil {
				rs.Close()
				return err
			}
			rows = append(rows, r)
		}
		if err := rs.Err(); err != nil {
			rs.Close()
			return err
		}
		if err := rs.Close(); err != nil {
			return err
		}
		for _, r := range rows {
			var c app.Case
			if err := json.Unmarshal(r.fields, &c); err != nil {
				return fmt.Errorf("case %s: %w", r.id, err)
			}
			names, addresses := casePersonIndex(&c)
			if _, err := upd.ExecContext(ctx, c.Restricted, names, addresses, r.id); err != nil {
				return fmt.Errorf("case %s: %w", r.id, err)
			}
		}
		if len(rows) < batch {
			return nil
		}
	}
}

// schema14CaseColumns is how many of caseIndexColumns case_list had when
// migration 14 made it.
const schema14CaseColumns = 15

// casesToDocuments copies every case from the columns of schema 13 into
// the documents of schema 14 (cases_doc), its fields exactly as the
// previous version wrote them in dumps and to the outbox (app.Case.Fields
// of the row read as it read it), with the server version; then the old
// table and its search index are replaced. Outbox rows, conflicts and steps
// refer to cases by id and are untouched: nothing is lost or sent again.
func casesToDocuments(ctx context.Context, tx *sql.Tx) error {
	// The columns case_list has at schema 14: those added later are filled
	// by their own migrations (16: casePersonColumns).
	k := newKind(caseKind.entity, "cases_doc", false, caseKind.new, caseIndexColumns[:schema14CaseColumns],
		func(d doc) []any { return caseIndex(d)[:schema14CaseColumns] })
	k.withList("case_list")
	// The copy keeps each case's server version.
	ins, err := tx.PrepareContext(ctx, k.sqlPutVersion)
	if err != nil {
		return err
	}
	defer ins.Close()
	list, err := tx.PrepareContext(ctx, k.sqlList)
	if err != nil {
		return err
	}
	defer list.Close()
	// A batch at a time, in rowid order: a province's store holds hundreds
	// of thousands of cases.
	const batch = 2000
	for last := int64(-1); ; {
		cases, versions, rowids, err := legacyCases(ctx, tx, last, batch)
		if err != nil {
			return err
		}
		for i := range cases {
			c := &cases[i]
			b, err := json.Marshal(c.Fields())
			if err != nil {
				return err
			}
			if _, err := ins.ExecContext(ctx, c.ID, string(b), versions[i]); err != nil {
				return fmt.Errorf("copy case %s: %w", c.ID, err)
			}
			if _, err := list.ExecContext(ctx, append([]any{c.ID}, caseIndex(c)...)...); err != nil {
				return fmt.Errorf("list case %s: %w", c.ID, err)
			}
		}
		if len(cases) < batch {
			break
		}
		last = rowids[len(rowids)-1]
	}
	_, err = tx.ExecContext(ctx, casesDocumentsSwap)
	return err
}

// legacyCases reads up to n cases of schema 13 after rowid last.
func legacyCases(ctx context.Context, tx *sql.Tx, last int64, n int) ([]app.Case, []int64, []int64, error) {
	rows, err := tx.QueryContext(ctx, `SELECT rowid, server_version, `+legacyCaseColumns+` FROM cases
		WHERE rowid > ? ORDER BY rowid LIMIT ?`, last, n)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("read cases: %w", err)
	}
	defer rows.Close()
	var cases []app.Case
	var versions, rowids []int64
	for rows.Next() {
		var rowid, v int64
		c, err := scanLegacyCase(scanFirst{scanFirst{rows, &rowid}, &v})
		if err != nil {
			return nil, nil, nil, fmt.Errorf("read case: %w", err)
		}
		cases, versions, rowids = append(cases, c), append(versions, v), append(rowids, rowid)
	}
	return cases, versions, rowids, rows.Err()
}

// casesDocumentsSwap puts cases_doc in the place of the old cases table,
// and gives case_list its indexes and the full-text search.
const casesDocumentsSwap = `
DROP TABLE cases_fts;
DROP TABLE cases;
ALTER TABLE cases_doc RENAME TO cases;
CREATE INDEX case_list_received_at ON case_list (received_at DESC, number DESC);
CREATE INDEX case_list_number ON case_list (number);
CREATE INDEX case_list_unit_received ON case_list (unit_code, received_at);
CREATE INDEX case_list_phone ON case_list (consumer_phone) WHERE consumer_phone <> '';
CREATE VIRTUAL TABLE cases_fts USING fts5 (
	search_folded,
	content = 'case_list',
	content_rowid = 'rowid',
	tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO cases_fts (cases_fts) VALUES ('rebuild');
CREATE TRIGGER cases_fts_insert AFTER INSERT ON case_list BEGIN
	INSERT INTO cases_fts (rowid, search_folded) VALUES (new.rowid, new.search_folded);
END;
CREATE TRIGGER cases_fts_delete AFTER DELETE ON case_list BEGIN
	INSERT INTO cases_fts (cases_fts, rowid, search_folded) VALUES ('delete', old.rowid, old.search_folded);
END;
CREATE TRIGGER cases_fts_update AFTER UPDATE OF search_folded ON case_list
WHEN old.search_folded IS NOT new.search_folded BEGIN
	INSERT INTO cases_fts (cases_fts, rowid, search_folded) VALUES ('delete', old.rowid, old.search_folded);
	INSERT INTO cases_fts (rowid, search_folded) VALUES (new.rowid, new.search_folded);
END;
`

// legacyCaseColumns are the columns of a case in schemas 1–13, read by
// scanLegacyCase only for the migration to documents.
const legacyCaseColumns = `id, unit_code, number, received_at, channel, kind, consumer_name,
	consumer_phone, consumer_address, business_name, business_address, sector, summary,
	status, voided, void_reason, created_at, created_by, updated_at, updated_by,
	requester_role, representative_name, representative_relation, referred_from,
	consumer_gender, consumer_birth_date, consumer_age_band, consumer_unit_code,
	consumer_old_address, vulnerable_groups, vulnerable_evidence, business_kind,
	business_tax_code, business_phone, business_online_channel, issue_types,
	transaction_type, product_or_service, transaction_date, transaction_value,
	damage_claimed, specific_request, prior_contact, prior_contact_date, evidence,
	assigned_to, resolution_method`

func scanLegacyCase(sc interface{ Scan(...any) error }) (app.Case, error) {
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
