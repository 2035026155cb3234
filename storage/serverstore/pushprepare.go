package serverstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"maps"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// prepared is what the apply of one mutation would compute without
// reading the store: its canonical content and, for a mutation that
// creates its record, app.ValidateWrite's answer as if the record is new.
type prepared struct {
	payload, hash string
	payloadErr    error
	formed        bool // checkForm passed, with hlc and officer
	hlc           app.HLC
	officer       string
	validated     bool // fields and validateErr hold ValidateWrite's answer
	fields        map[string]json.RawMessage
	validateErr   error
	// The record the write makes where the store holds none
	// (app.MergeWrite on an empty record), encoded ahead: its fields, as
	// JSON, their names in order (the stamps, all the same, are written in
	// the transaction: the stamp is the store's), and whether a value was
	// stored otherwise than sent (record.notSole). Nil when the write is
	// refused.
	newFields     map[string]json.RawMessage
	newFieldsJSON []byte
	newKeys       []string
	newNotSole    bool
}

// prepareOff turns prepare off (tests compare with and without it).
var prepareOff atomic.Bool

// minPrepared is the batch below which prepare is not worth its
// goroutines: a laptop's everyday push of a few edits.
const minPrepared = 16

// prepare works out, on every core and before the write transaction, what
// applying each mutation of req would compute from the mutation alone — a
// bulk push's canonical contents and validations were two thirds of its
// cost on one core while the server held the write lock (issue 22). The
// apply uses a result only where it is the same call: the validation of a
// write to a record the store does not hold, with the same catalogue and
// date limit (at). It returns nil for a small batch.
func prepare(req syncproto.PushRequest, refs app.Refs, at time.Time) []prepared {
	muts := req.Mutations
	if len(muts) < minPrepared || prepareOff.Load() {
		return nil
	}
	out := make([]prepared, len(muts))
	workers := min(runtime.GOMAXPROCS(0), len(muts)/minPrepared*2, 8)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(muts); i += workers {
				out[i] = prepareOne(muts[i], refs, at)
			}
		})
	}
	wg.Wait()
	return out
}

func prepareOne(m syncproto.Mutation, refs app.Refs, at time.Time) prepared {
	var p prepared
	keys := app.SortedFieldNames(m.Entity, m.Fields) // sorted once: the payload's, the new record's
	p.payload, p.hash, p.payloadErr = canonicalPayloadKeys(m, keys)
	if p.payloadErr != nil || !app.ValidID(m.ID) {
		return p
	}
	// validate's checks come first in apply; it changes only the
	// officer's name, which ValidateWrite does not read.
	h, rej := checkForm(&m)
	if rej != nil {
		return p
	}
	p.formed, p.hlc, p.officer = true, h, m.Officer
	w := app.IncomingWrite{Entity: m.Entity, RecordID: m.RecordID, UnitCode: m.Scope, Fields: m.Fields, BaseVersion: m.BaseVersion}
	p.fields, p.validateErr = app.ValidateShapedWrite(app.HeldRecord{}, w, refs, at) // checkForm checked the shape
	p.validated = true
	if p.validateErr != nil || app.CheckWrite(app.HeldRecord{}, w) != nil {
		return p
	}
	for name, v := range p.fields {
		if !app.JSONEqual(v, m.Fields[name]) {
			p.newNotSole = true
		}
	}
	w.Fields = p.fields
	fields, err := app.MergeNew(w)
	if err != nil {
		return p
	}
	if !sameNames(fields, keys) {
		keys = slices.Sorted(maps.Keys(fields))
	}
	p.newFields, p.newFieldsJSON, p.newKeys = fields, app.EncodeFieldsInOrder(fields, keys), keys
	return p
}

// MutationAnswered reports whether the mutation id of deviceID has been
// answered (applied, a duplicate or rejected, and committed): the batch a
// pipelined push names in PushRequest.After (syncserver waits for it).
func (s *Store) MutationAnswered(ctx context.Context, deviceID, id string) (bool, error) {
	var one int
	err := s.r.QueryRowContext(ctx, s.d.bind(`SELECT 1 FROM applied_mutations WHERE mutation_id = ? AND device_id = ?`), id, deviceID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// sameNames reports whether the names of f are exactly keys.
func sameNames(f map[string]json.RawMessage, keys []string) bool {
	if len(f) != len(keys) {
		return false
	}
	for _, k := range keys {
		if _, ok := f[k]; !ok {
			return false
		}
	}
	return true
}
