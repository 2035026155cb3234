package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"bvntd/app"
)

// A provincial laptop with the limited copy (the default: the server's
// serverstore/provincecopy.go) receives the communes' cases, steps and
// participants without their personal fields (app.PersonalFieldsOf),
// except the cases referred to a provincial body. The store keeps which
// records it holds so (limited_records): the screens say the personal data
// stay with the commune (app.RecordHead.Limited), and an edit of those fields is
// refused here, before it would be refused by the server.

// MsgLimited refuses an edit of a personal field of a record held limited.
const MsgLimited = "Máy cấp tỉnh giữ bản rút gọn của hồ sơ này: thông tin cá nhân do UBND xã, phường lưu giữ và cập nhật, không sửa được trên máy này."

func limitedKey(entity, id string) string { return entity + "\x00" + id }

// limitedKeys returns the records held limited, keyed limitedKey.
func limitedKeys(ctx context.Context, q querier) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT entity, id FROM limited_records")
	if err != nil {
		return nil, fmt.Errorf("read limited_records: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var entity, id string
		if err := rows.Scan(&entity, &id); err != nil {
			return nil, err
		}
		out[limitedKey(entity, id)] = true
	}
	return out, rows.Err()
}

// limitedOf returns which of the records of entity named ids the store
// holds limited, keyed limitedKey, looked up by key (a few hundred at a
// time) — not limitedKeys: a provincial laptop's limited_records grows to
// hundreds of thousands of rows, and reading them all for each pulled
// page made a province's first pull quadratic (84% of its CPU at 20
// communes: bvntd-bench province-pull, issue 22).
func limitedOf(ctx context.Context, q querier, entity string, ids []string, into map[string]bool) error {
	const chunk = 500
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		args := make([]any, 0, n+1)
		args = append(args, entity)
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		ids = ids[n:]
		rows, err := q.QueryContext(ctx, "SELECT id FROM limited_records WHERE entity = ? AND id IN (?"+strings.Repeat(", ?", n-1)+")", args...)
		if err != nil {
			return fmt.Errorf("read limited_records: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			into[limitedKey(entity, id)] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// limitedOfPages is limitedOf for every record of pages.
func limitedOfPages(ctx context.Context, q querier, pages []app.PulledPage) (map[string]bool, error) {
	byEntity := map[string][]string{}
	for _, p := range pages {
		for _, r := range p.Records {
			byEntity[r.Entity] = append(byEntity[r.Entity], r.ID)
		}
	}
	out := map[string]bool{}
	for entity, ids := range byEntity {
		if err := limitedOf(ctx, q, entity, ids, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// limitedSet is which of the records of entity named ids the store holds
// limited: looked up by key for a page of a list, or the whole table read
// once for a long listing.
func limitedSet(ctx context.Context, q querier, entity string, ids []string) (map[string]bool, error) {
	if len(ids) > 5000 {
		return limitedKeys(ctx, q)
	}
	out := map[string]bool{}
	return out, limitedOf(ctx, q, entity, ids, out)
}

// markLimited records whether the stored record r came limited; set
// holds r's key if the store holds it limited (limitedOfPages), kept up to
// date.
func markLimited(ctx context.Context, tx *sql.Tx, r app.PulledRecord, set map[string]bool) error {
	key := limitedKey(r.Entity, r.ID)
	switch {
	case r.Limited && !set[key]:
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO limited_records (entity, id) VALUES (?, ?)", r.Entity, r.ID); err != nil {
			return fmt.Errorf("mark limited %s %s: %w", r.Entity, r.ID, err)
		}
		set[key] = true
	case !r.Limited && set[key]:
		if _, err := tx.ExecContext(ctx, "DELETE FROM limited_records WHERE entity = ? AND id = ?", r.Entity, r.ID); err != nil {
			return fmt.Errorf("unmark limited %s %s: %w", r.Entity, r.ID, err)
		}
		delete(set, key)
	}
	return nil
}

// isLimited reports whether the store holds the record limited.
func isLimited(ctx context.Context, q querier, entity, id string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT count(*) FROM limited_records WHERE entity = ? AND id = ?", entity, id).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read limited_records: %w", err)
	}
	return n > 0, nil
}

// IsLimited reports whether the store holds the record entity/id without
// its personal fields (a provincial laptop's limited copy).
func (db *DB) IsLimited(ctx context.Context, entity, id string) (bool, error) {
	return isLimited(ctx, db.r, entity, id)
}

// refuseLimited refuses changes that set a personal field of a record the
// store holds limited: the field named in the error is each such field.
func refuseLimited(ctx context.Context, q querier, entity, id string, changes map[string]json.RawMessage) error {
	p, ok := app.PersonalFieldsOf[entity]
	if !ok {
		return nil
	}
	var touched []string
	for _, f := range p.All() {
		if _, ok := changes[f]; ok {
			touched = append(touched, f)
		}
	}
	if len(touched) == 0 {
		return nil
	}
	limited, err := isLimited(ctx, q, entity, id)
	if err != nil || !limited {
		return err
	}
	fe := make(map[string]string, len(touched))
	for _, f := range touched {
		fe[f] = MsgLimited
	}
	return &app.Error{Code: app.EFORBIDDEN, Message: MsgLimited, Fields: fe}
}

// markLimitedCases sets Limited on the cases the store holds limited.
func (db *DB) markLimitedCases(ctx context.Context, cs []app.Case) error {
	ids := make([]string, len(cs))
	for i := range cs {
		ids[i] = cs[i].ID
	}
	set, err := limitedSet(ctx, db.r, app.EntityCase, ids)
	if err != nil || len(set) == 0 {
		return err
	}
	for i := range cs {
		cs[i].Limited = set[limitedKey(app.EntityCase, cs[i].ID)]
	}
	return nil
}
