package serverstore

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// Dump writes every record as canonical JSON, one per line, sorted by id:
// the record's fields plus "type" (its entity), keys sorted. Two replicas
// that have converged write byte-identical dumps.
func (s *Store) Dump(ctx context.Context, w io.Writer) error {
	return s.dump(ctx, w, "")
}

// DumpScope is Dump restricted to the records of one commune.
func (s *Store) DumpScope(ctx context.Context, w io.Writer, scope string) error {
	return s.dump(ctx, w, scope)
}

func (s *Store) dump(ctx context.Context, w io.Writer, scope string) error {
	rows, err := s.r.QueryContext(ctx,
		`SELECT entity, id, fields FROM records WHERE ? = '' OR scope = ? ORDER BY id, entity`, scope, scope)
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
		line, err := dumpLine(entity, fields)
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

// dumpLine is one record of a dump: its fields plus "type", as JSON with
// sorted keys and compact values, and a newline. The desktop app must use
// the same algorithm (it is to move to app.DumpLine) so that both sides
// match byte for byte.
func dumpLine(entity string, fields map[string]json.RawMessage) ([]byte, error) {
	m := make(map[string]json.RawMessage, len(fields)+1)
	for k, v := range fields {
		m[k] = v
	}
	m["type"], _ = json.Marshal(entity) // a string always marshals
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
