package serverstore

import (
	"context"
	"fmt"
	"strings"

	"bvntd/sync/syncproto"
)

// unheld is what a push transaction on SQLite read ahead, in a few
// queries, of the records and mutation ids its mutations name: the ones
// the store did not hold when the transaction began. For those, the
// pusher skips the two reads a mutation makes (sqlSeenMutation,
// sqlReadRecord), which were a quarter of a first push's transaction.
//
// It holds because SQLite's push transaction takes the write lock at
// BEGIN (_txlock=immediate): no one else writes until it ends. The
// pusher's own writes take a key out (putRecord, record), so a record or
// an id written earlier in the same push is read as before. On
// PostgreSQL another transaction may commit a record of the same id
// meanwhile, so each is read at its turn there (unheld is nil).
type unheld struct {
	records map[string]struct{} // docKey(entity, id)
	muts    map[string]struct{} // mutation ids
}

// unheldChunk is the number of ids a query names (SQLite allows 32,766
// parameters).
const unheldChunk = 500

// readUnheld returns the records and mutation ids of muts the store does
// not hold.
func readUnheld(ctx context.Context, tx *txn, muts []syncproto.Mutation) (*unheld, error) {
	u := &unheld{records: make(map[string]struct{}, len(muts)), muts: make(map[string]struct{}, len(muts))}
	ids := make([]string, 0, len(muts))
	byEntity := map[string][]string{}
	for _, m := range muts {
		ids = append(ids, m.ID)
		u.muts[m.ID] = struct{}{}
		byEntity[m.Entity] = append(byEntity[m.Entity], m.RecordID)
		u.records[docKey(m.Entity, m.RecordID)] = struct{}{}
	}
	if err := eachHeld(ctx, tx, "SELECT mutation_id FROM applied_mutations WHERE mutation_id IN ", nil, ids,
		func(id string) { delete(u.muts, id) }); err != nil {
		return nil, fmt.Errorf("read applied mutations: %w", err)
	}
	for e, recordIDs := range byEntity {
		if err := eachHeld(ctx, tx, "SELECT id FROM records WHERE entity = ? AND id IN ", []any{e}, recordIDs,
			func(id string) { delete(u.records, docKey(e, id)) }); err != nil {
			return nil, fmt.Errorf("read records: %w", err)
		}
	}
	return u, nil
}

// eachHeld runs q, a query of one column ending in "IN ", with args and a
// list of ids, a chunk at a time, and calls held with each id it returns.
func eachHeld(ctx context.Context, tx *txn, q string, args []any, ids []string, held func(string)) error {
	for len(ids) > 0 {
		n := min(len(ids), unheldChunk)
		a := append(make([]any, 0, len(args)+n), args...)
		for _, id := range ids[:n] {
			a = append(a, id)
		}
		rows, err := tx.QueryContext(ctx, q+"(?"+strings.Repeat(", ?", n-1)+")", a...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			held(id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// docKey keys a record by entity and id.
func docKey(entity, id string) string { return entity + "\x00" + id }

// recordUnheld reports whether the record entity/id is known not to be
// held (u may be nil: not known).
func (u *unheld) recordUnheld(entity, id string) bool {
	if u == nil {
		return false
	}
	_, ok := u.records[docKey(entity, id)]
	return ok
}

// mutationUnheld reports whether the mutation id is known not to be held.
func (u *unheld) mutationUnheld(id string) bool {
	if u == nil {
		return false
	}
	_, ok := u.muts[id]
	return ok
}

// wroteRecord and wroteMutation take a key out once the push writes it.
func (u *unheld) wroteRecord(entity, id string) {
	if u != nil {
		delete(u.records, docKey(entity, id))
	}
}

func (u *unheld) wroteMutation(id string) {
	if u != nil {
		delete(u.muts, id)
	}
}
