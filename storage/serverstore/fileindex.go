package serverstore

import (
	"context"
	"encoding/json"
	"fmt"

	"bvntd/app"
)

// attachment_files (migration 0008_attachment_files_index) indexes the
// attachment records by the file they name, so that the files' rights
// (fileAccess) and counts (FilesByCommune) read a few rows instead of
// every attachment record's JSON. Every write of a record goes through
// putRecord, which keeps it in step.

// indexAttachment writes the index row of the attachment record id of
// scope, whose merged fields are fields.
func indexAttachment(ctx context.Context, tx *txn, id, scope string, fields map[string]json.RawMessage) error {
	var h string
	var voided bool
	if json.Unmarshal(fields["sha256"], &h) != nil || h == "" {
		if _, err := tx.ExecContext(ctx, `DELETE FROM attachment_files WHERE id = ?`, id); err != nil {
			return fmt.Errorf("write attachment_files: %w", err)
		}
		return nil
	}
	_ = json.Unmarshal(fields["voided"], &voided) // absent or not a boolean: not voided
	v := 0
	if voided {
		v = 1
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO attachment_files (id, scope, sha256, voided) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET sha256 = excluded.sha256, voided = excluded.voided`, id, scope, h, v); err != nil {
		return fmt.Errorf("write attachment_files: %w", err)
	}
	return nil
}

// rebuildFileIndex fills attachment_files again from the records (as the
// migration does).
func (s *Store) rebuildFileIndex(ctx context.Context) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM attachment_files`); err != nil {
		return fmt.Errorf("write attachment_files: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, scope, fields FROM records WHERE entity = ?`, app.EntityAttachment)
	if err != nil {
		return fmt.Errorf("read attachments: %w", err)
	}
	type rec struct {
		id, scope string
		fields    map[string]json.RawMessage
	}
	var recs []rec
	for rows.Next() {
		var r rec
		var fields string
		if err := rows.Scan(&r.id, &r.scope, &fields); err != nil {
			rows.Close()
			return fmt.Errorf("read attachments: %w", err)
		}
		if json.Unmarshal([]byte(fields), &r.fields) == nil {
			recs = append(recs, r)
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, r := range recs {
		if err := indexAttachment(ctx, tx, r.id, r.scope, r.fields); err != nil {
			return err
		}
	}
	return tx.Commit()
}
