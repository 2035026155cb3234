package ui

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage"
)

// pullAfterRead is the store as the window sees it, with a pull that
// commits right after the next read of a record: the moment between the
// read and the save of an edit.
type pullAfterRead struct {
	*storage.DB
	pull func() // run once, after the next GetCase or GetRecord returns
}

func (p *pullAfterRead) after() {
	if f := p.pull; f != nil {
		p.pull = nil
		f()
	}
}

func (p *pullAfterRead) GetCase(ctx context.Context, id string) (app.Case, error) {
	defer p.after()
	return p.DB.GetCase(ctx, id)
}

func (p *pullAfterRead) GetRecord(ctx context.Context, id string, r app.Record) error {
	defer p.after()
	return p.DB.GetRecord(ctx, id, r)
}

// syncedAll acknowledges every pending change, as a push would.
func syncedAll(t *testing.T, db *storage.DB) {
	t.Helper()
	ctx := context.Background()
	muts, err := db.PendingBatch(ctx, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var res []app.MutationResult
	for _, m := range muts {
		res = append(res, app.MutationResult{MutationID: m.ID, Status: app.ResultApplied})
	}
	if err := db.ApplyResults(ctx, res); err != nil {
		t.Fatal(err)
	}
}

// pulled is a page bringing fields as another device wrote them, at the
// given server version.
func pulled(entity, id string, version int64, fields map[string]json.RawMessage) []app.PulledPage {
	return []app.PulledPage{{Scope: "28261", Epoch: "e1", NextSeq: version,
		Records: []app.PulledRecord{{Entity: entity, ID: id, Fields: fields, Version: version}}}}
}

// pendingChanges returns the fields of the pending outbox mutations of id.
func pendingChanges(t *testing.T, db *storage.DB, id string) []string {
	t.Helper()
	muts, err := db.PendingBatch(context.Background(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range muts {
		if m.RecordID == id {
			for k := range m.Fields {
				names = append(names, k)
			}
		}
	}
	return names
}

// An officer edits a case while a sync brings another device's change of
// another field, committed between the form's read of the case and its
// save: the pulled value survives, and only the officer's change is sent.
func TestEdit_PullBetweenReadAndSaveIsNotLost(t *testing.T) {
	ctx := context.Background()
	fx := newStoreFixtureAt(t, clocktest.AtToday(t), seededTag(t))
	c := &app.Case{ReceivedAt: fx.clock.Peek().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Trần Thị Lan", ConsumerPhone: "0901234567", Sector: "thuc_pham_do_uong",
		Summary: "Mua sữa hết hạn sử dụng."}
	if err := fx.db.CreateCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	syncedAll(t, fx.db)
	v1, _ := fx.db.GetCase(ctx, c.ID)
	if _, err := fx.db.ApplyPull(ctx, pulled(app.EntityCase, c.ID, 1, v1.Fields())); err != nil {
		t.Fatal(err)
	}

	store := &pullAfterRead{DB: fx.db}
	fx.ui.svc.Cases = store
	fx.ui.openCase(c.ID)
	fx.ui.openForm(&v1)
	f := fx.ui.form
	f.entry("consumer_phone").SetText("0912 345 678")

	// Another laptop of the commune rewrote the summary (server version 2).
	other := v1.Fields()
	other["summary"] = json.RawMessage(`"Mua sữa hết hạn sử dụng tại cửa hàng tạp hóa Cô Ba."`)
	store.pull = func() {
		if _, err := fx.db.ApplyPull(ctx, pulled(app.EntityCase, c.ID, 2, other)); err != nil {
			t.Error(err)
		}
	}
	test.Tap(f.save)

	got, err := fx.db.GetCase(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	must(t, got.ConsumerPhone == "0912345678", "the officer's phone was not saved: %q", got.ConsumerPhone)
	must(t, got.Summary == "Mua sữa hết hạn sử dụng tại cửa hàng tạp hóa Cô Ba.", "the pulled summary was lost: %q", got.Summary)
	for _, k := range pendingChanges(t, fx.db, c.ID) {
		must(t, k == "consumer_phone" || k == "updated_at" || k == "updated_by", "the edit sends %q too", k)
	}
}
