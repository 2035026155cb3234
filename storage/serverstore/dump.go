package serverstore

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// Dump writes every record as canonical JSON, one per line, sorted by id:
// the record's fields plus "type" (its entity), keys sorted. Two replicas
// that have converged write byte-identical dumps.
//
// The shared reference scope (the holiday calendar) is left out, as the
// devices' dumps leave it out: it is reference data, like the seeds, not
// the communes' records.
func (s *Store) Dump(ctx context.Context, w io.Writer) error {
	return s.dump(ctx, w, "")
}

// DumpScope is Dump restricted to the records of one commune.
func (s *Store) DumpScope(ctx context.Context, w io.Writer, scope string) error {
	return s.dump(ctx, w, scope)
}

func (s *Store) dump(ctx context.Context, w io.Writer, scope string) error {
	rows, err := s.r.QueryContext(ctx,
		`SELECT entity, id, fields FROM records WHERE scope != ? AND (? = '' OR scope = ?) ORDER BY id, entity`,
		syncproto.ScopeShared, scope, scope)
	if err != nil {
		return fmt.Errorf("dump: %w", err)
	}
	defer rows.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	for rows.Next() {
		var entity, id string
		var raw []byte
		if err := rows.Scan(&entity, &id, &raw); err != nil {
			return fmt.Errorf("dump: %w", err)
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return fmt.Errorf("dump: record %s: %w", id, err)
		}
		line, err := app.DumpLine(entity, fields)
		if err != nil {
			return fmt.Errorf("dump: record %s: %w", id, err)
		}
		if _, err := bw.Write(line); err != nil {
			return fmt.Errorf("dump: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("dump: %w", err)
	}
	return bw.Flush()
}
