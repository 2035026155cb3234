package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"bvntd/app"
)

// SeedVersion returns the version of the reference data in the store (0 if
// none).
func (db *DB) SeedVersion(ctx context.Context) (int, error) {
	s, err := getMeta(ctx, db.r, metaSeedVersion)
	if err != nil || s == "" {
		return 0, err
	}
	return strconv.Atoi(s)
}

// ApplySeeds loads reference data of the given version into the store if
// the store holds an older version (or none), all in one transaction. It
// reports whether anything was written. Rows are upserted, never deleted, so
// records that name an old code keep a label.
func (db *DB) ApplySeeds(ctx context.Context, version int, r *app.RefData) (bool, error) {
	have, err := db.SeedVersion(ctx)
	if err != nil {
		return false, err
	}
	if have >= version {
		return false, nil
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		for _, u := range r.Units {
			if _, err := tx.ExecContext(ctx, `INSERT INTO admin_units (code, name, short_name, type) VALUES (?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, short_name = excluded.short_name, type = excluded.type`,
				u.Code, u.Name, u.ShortName, u.Type); err != nil {
				return fmt.Errorf("seed unit %s: %w", u.Code, err)
			}
		}
		for _, a := range r.Agencies {
			if _, err := tx.ExecContext(ctx, `INSERT INTO agencies (id, name_vi, name_en, kind, level) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en,
					kind = excluded.kind, level = excluded.level`,
				a.ID, a.NameVI, a.NameEN, a.Kind, a.Level); err != nil {
				return fmt.Errorf("seed agency %s: %w", a.ID, err)
			}
		}
		for _, s := range r.Sectors {
			if err := upsertLabel(ctx, tx, "sectors", s.Code, s.VI, s.EN, s.Order); err != nil {
				return err
			}
		}
		for _, s := range r.IssueTypes {
			if err := upsertLabel(ctx, tx, "issue_types", s.Code, s.VI, s.EN, s.Order); err != nil {
				return err
			}
		}
		for _, t := range r.Tasks {
			if _, err := tx.ExecContext(ctx, `INSERT INTO plan_tasks
				(id, section, text_vi, lead_ids, partner_ids, outputs, start_year, end_year)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET section = excluded.section, text_vi = excluded.text_vi,
					lead_ids = excluded.lead_ids, partner_ids = excluded.partner_ids, outputs = excluded.outputs,
					start_year = excluded.start_year, end_year = excluded.end_year`,
				t.ID, t.Section, t.TextVI, jsonList(t.LeadIDs), jsonList(t.PartnerIDs), jsonList(t.Outputs),
				t.StartYear, t.EndYear); err != nil {
				return fmt.Errorf("seed task %s: %w", t.ID, err)
			}
		}
		for _, t := range r.Targets {
			if _, err := tx.ExecContext(ctx, `INSERT INTO plan_targets
				(id, text_vi, text_en, kind, value, unit, horizon, frequency) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET text_vi = excluded.text_vi, text_en = excluded.text_en,
					kind = excluded.kind, value = excluded.value, unit = excluded.unit,
					horizon = excluded.horizon, frequency = excluded.frequency`,
				t.ID, t.TextVI, t.TextEN, t.Kind, t.Value, t.Unit, t.Horizon, t.Frequency); err != nil {
				return fmt.Errorf("seed target %s: %w", t.ID, err)
			}
		}
		return setMeta(ctx, tx, metaSeedVersion, strconv.Itoa(version))
	})
	return err == nil, err
}

func upsertLabel(ctx context.Context, tx *sql.Tx, table, code, vi, en string, ord int) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (code, label_vi, label_en, ord) VALUES (?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET label_vi = excluded.label_vi, label_en = excluded.label_en, ord = excluded.ord`,
		code, vi, en, ord)
	if err != nil {
		return fmt.Errorf("seed %s %s: %w", table, code, err)
	}
	return nil
}

func jsonList(s []string) string {
	if s == nil {
		s = []string{}
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// CountSeedRows returns the number of rows in a reference table (tests and
// diagnostics).
func (db *DB) CountSeedRows(ctx context.Context, table string) (int, error) {
	switch table {
	case "admin_units", "agencies", "sectors", "issue_types", "plan_tasks", "plan_targets":
	default:
		return 0, fmt.Errorf("not a reference table: %s", table)
	}
	var n int
	err := db.r.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n)
	return n, err
}
