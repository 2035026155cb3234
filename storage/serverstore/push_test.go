package serverstore_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"
)

func statuses(res []syncproto.PushResult) []string {
	out := make([]string, len(res))
	for i, r := range res {
		out[i] = r.Status
		if r.Code != "" {
			out[i] += ":" + r.Code
		}
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// recordOf pulls everything for d and returns the record id.
func recordOf(tb testing.TB, s *serverstore.Store, d device, scope, id string) (syncproto.Record, bool) {
	tb.Helper()
	recs, _, _ := pullAll(tb, s, d, 0)
	for _, r := range recs[scope] {
		if r.ID == id {
			return r, true
		}
	}
	return syncproto.Record{}, false
}

func TestPush_Duplicate(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	d := MustEnroll(t, s, "28261")
	m := mut(app.NewID(), "28261", hlc(1), map[string]any{"summary": "Nước mắm giả"})

	if got := statuses(mustPush(t, s, d, m)); !equal(got, []string{"applied"}) {
		t.Fatalf("first push = %v", got)
	}
	// Resent alone, and twice within one batch.
	if got := statuses(mustPush(t, s, d, m)); !equal(got, []string{"duplicate"}) {
		t.Fatalf("resend = %v", got)
	}
	m2 := mut(app.NewID(), "28261", hlc(2), map[string]any{"summary": "Khác"})
	if got := statuses(mustPush(t, s, d, m2, m2)); !equal(got, []string{"applied", "duplicate"}) {
		t.Fatalf("same id twice in a batch = %v", got)
	}
	// Whitespace in the JSON values is not content.
	m3 := m
	m3.Fields = map[string]json.RawMessage{"summary": json.RawMessage(` "Nước mắm giả" `)}
	m3.Officer = "someone else"
	if got := statuses(mustPush(t, s, d, m3)); !equal(got, []string{"duplicate"}) {
		t.Fatalf("resend with other spacing = %v", got)
	}
	// A duplicate does not change the record again.
	r, _ := recordOf(t, s, d, "28261", m.RecordID)
	if r.Seq != 1 {
		t.Fatalf("seq after duplicates = %d, want 1", r.Seq)
	}
}

func TestPush_IDReuse(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	d := MustEnroll(t, s, "28261")
	m := mut(app.NewID(), "28261", hlc(1), map[string]any{"summary": "A"})
	mustPush(t, s, d, m)
	other := m
	other.Fields = map[string]json.RawMessage{"summary": json.RawMessage(`"B"`)}
	res := mustPush(t, s, d, other)
	if res[0].Status != syncproto.StatusRejected || res[0].Code != syncproto.CodeIDReuse || res[0].Message == "" {
		t.Fatalf("result = %+v, want rejected id_reuse with a message", res[0])
	}
	r, _ := recordOf(t, s, d, "28261", m.RecordID)
	if field(t, r, "summary") != "A" {
		t.Fatalf("summary = %v, want A", field(t, r, "summary"))
	}
}

func TestPush_RejectedBatchContinues(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	d := MustEnroll(t, s, "28261")
	good1 := mut(app.NewID(), "28261", hlc(1), map[string]any{"summary": "1"})
	cross := mut(app.NewID(), "28262", hlc(2), map[string]any{"summary": "2"})
	good2 := mut(app.NewID(), "28261", hlc(3), map[string]any{"summary": "3"})
	res := mustPush(t, s, d, good1, cross, good2)
	if got := statuses(res); !equal(got, []string{"applied", "rejected:forbidden", "applied"}) {
		t.Fatalf("statuses = %v", got)
	}
	if res[1].Message != "Thiết bị không được ghi dữ liệu của xã, phường khác." {
		t.Fatalf("message = %q", res[1].Message)
	}
	// A rejected mutation resent gets the same rejection, never "duplicate".
	res = mustPush(t, s, d, cross)
	if got := statuses(res); !equal(got, []string{"rejected:forbidden"}) {
		t.Fatalf("resent rejection = %v", got)
	}
	// Nothing was written to the other commune; the rejection is audited.
	db := s.RawDB()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM records WHERE scope = '28262'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("records in 28262 = %d, %v", n, err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM applied_mutations`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("audited mutations = %d, %v; want 3", n, err)
	}
	var status, code string
	if err := db.QueryRow(s.Bind(`SELECT status, code FROM applied_mutations WHERE mutation_id = ?`), cross.ID).Scan(&status, &code); err != nil ||
		status != "rejected" || code != "forbidden" {
		t.Fatalf("audit of the rejected mutation = %q %q %v", status, code, err)
	}
}

func TestPush_Validation(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	d := MustEnroll(t, s, "28261")
	id := app.NewID()
	base := func() syncproto.Mutation {
		return mut(id, "28261", hlc(1), map[string]any{"summary": "x"})
	}
	tests := []struct {
		name string
		edit func(*syncproto.Mutation)
		code string
	}{
		{"ErrBadMutationID", func(m *syncproto.Mutation) { m.ID = "1" }, syncproto.CodeInvalid},
		{"ErrUnknownEntity", func(m *syncproto.Mutation) { m.Entity = "people" }, syncproto.CodeInvalid},
		{"ErrBadRecordID", func(m *syncproto.Mutation) { m.RecordID = "abc" }, syncproto.CodeInvalid},
		{"ErrBadOp", func(m *syncproto.Mutation) { m.Op = "delete" }, syncproto.CodeInvalid},
		{"ErrBadHLC", func(m *syncproto.Mutation) { m.HLC = "yesterday" }, syncproto.CodeInvalid},
		{"ErrBadScope", func(m *syncproto.Mutation) { m.Scope = "2826" }, syncproto.CodeInvalid},
		{"ErrIDMismatch", func(m *syncproto.Mutation) { m.Fields["id"] = json.RawMessage(`"` + app.NewID() + `"`) }, syncproto.CodeInvalid},
		{"ErrUnitMismatch", func(m *syncproto.Mutation) { m.Fields["unit_code"] = json.RawMessage(`"28262"`) }, syncproto.CodeInvalid},
		{"ErrUnitNotString", func(m *syncproto.Mutation) { m.Fields["unit_code"] = json.RawMessage(`28261`) }, syncproto.CodeInvalid},
		{"ErrTypeField", func(m *syncproto.Mutation) { m.Fields["type"] = json.RawMessage(`"case"`) }, syncproto.CodeInvalid},
		{"ErrEmptyFieldName", func(m *syncproto.Mutation) { m.Fields[""] = json.RawMessage(`1`) }, syncproto.CodeInvalid},
		{"ErrOtherCommune", func(m *syncproto.Mutation) { m.Scope = "28262"; m.Fields["unit_code"] = json.RawMessage(`"28262"`) }, syncproto.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := base()
			m.ID = app.NewID()
			tt.edit(&m)
			res := mustPush(t, s, d, m)
			if res[0].Status != syncproto.StatusRejected || res[0].Code != tt.code || res[0].Message == "" {
				t.Fatalf("result = %+v, want rejected %s with a message", res[0], tt.code)
			}
		})
	}
	if _, ok := recordOf(t, s, d, "28261", id); ok {
		t.Fatal("a rejected mutation created the record")
	}
	t.Run("OK", func(t *testing.T) {
		m := base()
		m.Fields["id"] = json.RawMessage(`"` + id + `"`)
		m.Fields["unit_code"] = json.RawMessage(`"28261"`)
		if got := statuses(mustPush(t, s, d, m)); !equal(got, []string{"applied"}) {
			t.Fatalf("statuses = %v", got)
		}
	})
}

func TestPush_RecordScopeIsFixed(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	prov := MustEnroll(t, s, syncproto.ScopeProvince)
	id := app.NewID()
	if got := statuses(mustPush(t, s, prov, mut(id, "28261", hlc(1), map[string]any{"summary": "a"}))); !equal(got, []string{"applied"}) {
		t.Fatalf("province writes a commune: %v", got)
	}
	if got := statuses(mustPush(t, s, prov, mut(id, "28262", hlc(2), map[string]any{"summary": "b"}))); !equal(got, []string{"rejected:forbidden"}) {
		t.Fatalf("moving a record: %v", got)
	}
}

func TestPush_CreateAddsIDAndUnit(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	d := MustEnroll(t, s, "28261")
	id := app.NewID()
	mustPush(t, s, d, mut(id, "28261", hlc(1), map[string]any{"summary": "a"}))
	r, _ := recordOf(t, s, d, "28261", id)
	if field(t, r, "id") != id || field(t, r, "unit_code") != "28261" {
		t.Fatalf("fields = %v", r.Fields)
	}
}

func TestPush_LastWriterWinsPerField(t *testing.T) {
	ctx := context.Background()
	s, _ := MustOpen(t, newTestClock())
	a := MustEnroll(t, s, "28261")
	b := MustEnroll(t, s, "28261")
	id := app.NewID()
	mustPush(t, s, a, mut(id, "28261", hlc(1), map[string]any{
		"summary": "gốc", "status": "moi_tiep_nhan", "consumer_phone": "0912345678", "sector": "thuc_pham_do_uong"}))

	// Device b edited earlier (by HLC) but pushes later; device a edited
	// the same field later but pushed first. Different fields both survive.
	mustPush(t, s, a, mut(id, "28261", hlc(30), map[string]any{"status": "dang_xu_ly", "summary": "a sửa"}))
	mustPush(t, s, b, mut(id, "28261", hlc(20), map[string]any{"status": "da_giai_quyet", "consumer_phone": "0987654321"}))
	mustPush(t, s, b, mut(id, "28261", hlc(40), map[string]any{"sector": "dien_tu_gia_dung"}))

	r, ok := recordOf(t, s, a, "28261", id)
	if !ok {
		t.Fatal("record missing")
	}
	want := map[string]any{
		"summary":        "a sửa",            // only a wrote it
		"status":         "dang_xu_ly",       // a's HLC 30 beats b's 20, though b arrived later
		"consumer_phone": "0987654321",       // only b changed it
		"sector":         "dien_tu_gia_dung", // b's later write
	}
	for k, v := range want {
		if got := field(t, r, k); got != v {
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}
	// The stamps as stored: the one most fields bear, and the others by name
	// (app.EncodeRecordStamps); each field's is the write that won it.
	var fieldsJSON, stampsJSON string
	if err := s.RawDB().QueryRow(s.Bind(`SELECT fields, stamps FROM records WHERE id = ?`), id).Scan(&fieldsJSON, &stampsJSON); err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(fieldsJSON), &fields); err != nil {
		t.Fatal(err)
	}
	stamps, err := app.DecodeRecordStamps([]byte(stampsJSON), fields)
	if err != nil || !strings.HasPrefix(stampsJSON, `{"":`) {
		t.Fatalf("stamps stored as %s: %v", stampsJSON, err)
	}
	for name, dev := range map[string]string{"id": a.ID, "unit_code": a.ID, "summary": a.ID, "status": a.ID, "consumer_phone": b.ID, "sector": b.ID} {
		if stamps[name].Device != dev {
			t.Errorf("%s stamped by %s, want %s (stored %s)", name, stamps[name].Device, dev, stampsJSON)
		}
	}

	// Same HLC on both devices: the greater device id wins, whatever the order.
	id2 := app.NewID()
	hi, lo := a, b
	if lo.ID > hi.ID {
		hi, lo = lo, hi
	}
	mustPush(t, s, hi, mut(id2, "28261", hlc(50), map[string]any{"summary": "hi"}))
	mustPush(t, s, lo, mut(id2, "28261", hlc(50), map[string]any{"summary": "lo"}))
	r, _ = recordOf(t, s, a, "28261", id2)
	if field(t, r, "summary") != "hi" {
		t.Fatalf("tie: summary = %v, want hi", field(t, r, "summary"))
	}
	_ = ctx
}

func TestPush_FutureClockBounded(t *testing.T) {
	clock := newTestClock()
	s, _ := MustOpen(t, clock)
	fast := MustEnroll(t, s, "28261")
	good := MustEnroll(t, s, "28261")
	id := app.NewID()
	// A laptop whose clock is ten years ahead writes twice.
	future := app.HLC{Wall: clock.Now().AddDate(10, 0, 0).UnixMilli()}
	mustPush(t, s, fast, mut(id, "28261", future, map[string]any{"summary": "nhanh 1"}))
	future.Wall += 1000
	mustPush(t, s, fast, mut(id, "28261", future, map[string]any{"summary": "nhanh 2"}))
	r, _ := recordOf(t, s, good, "28261", id)
	if field(t, r, "summary") != "nhanh 2" {
		t.Fatalf("the fast laptop's own edits lost their order: %v", field(t, r, "summary"))
	}
	// A minute later a laptop with a correct clock edits the same field: it wins.
	clock.Advance(time.Minute)
	mustPush(t, s, good, mut(id, "28261", app.HLC{Wall: clock.Now().UnixMilli()}, map[string]any{"summary": "đúng giờ"}))
	r, _ = recordOf(t, s, good, "28261", id)
	if field(t, r, "summary") != "đúng giờ" {
		t.Fatalf("summary = %v: a clock ten years ahead still wins", field(t, r, "summary"))
	}
}

func TestPush_SeqGapFreeAndAlwaysBumped(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	d := MustEnroll(t, s, "28261")
	other := MustEnroll(t, s, "28262")
	id := app.NewID()
	mustPush(t, s, d, mut(id, "28261", hlc(10), map[string]any{"summary": "mới"}))
	mustPush(t, s, other, mut(app.NewID(), "28262", hlc(10), map[string]any{"summary": "xã khác"}))
	// An older write (from another laptop: one laptop's writes keep their
	// outbox order) that wins no field still gives the record a new seq.
	late := MustEnroll(t, s, "28261")
	mustPush(t, s, late, mut(id, "28261", hlc(5), map[string]any{"summary": "cũ"}))
	recs, cursors, _ := pullAll(t, s, d, 0)
	// The two laptops wrote the summary concurrently: a conflict record
	// (seq 2) and the case (seq 3).
	if len(recs["28261"]) != 2 || recs["28261"][0].Entity != app.EntityConflict || recs["28261"][1].Seq != 3 {
		t.Fatalf("records = %+v, want a conflict at seq 2 and the case at seq 3", recs["28261"])
	}
	if field(t, recs["28261"][1], "summary") != "mới" {
		t.Fatalf("summary = %v, want mới", field(t, recs["28261"][1], "summary"))
	}
	if len(cursors) != 1 || cursors[0].Seq != 3 {
		t.Fatalf("cursors = %+v", cursors)
	}

	// Many concurrent pushers into one scope: seqs are 1..N with no gap.
	const writers, each = 8, 10
	var wg sync.WaitGroup
	devs := make([]device, writers)
	for i := range devs {
		devs[i] = MustEnroll(t, s, "28263")
	}
	errs := make(chan error, writers)
	for _, dv := range devs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				_, err := s.ApplyPush(context.Background(), dv.ID, syncproto.PushRequest{
					Mutations: []syncproto.Mutation{mut(app.NewID(), "28263", hlc(int64(j)), map[string]any{"transaction_value": j})}})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	recs, _, _ = pullAll(t, s, devs[0], 0)
	got := recs["28263"]
	if len(got) != writers*each {
		t.Fatalf("%d records, want %d", len(got), writers*each)
	}
	for i, r := range got {
		if r.Seq != int64(i+1) {
			t.Fatalf("record %d has seq %d: gap or disorder", i, r.Seq)
		}
	}
}

// A record created and edited in one push: the edit reads the record the
// create wrote, though the push read ahead that the store held neither
// (pushunheld.go); so does a mutation with a stale base.
func TestPush_CreatedAndEditedInOnePush(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	d := MustEnroll(t, s, "28261")
	id := app.NewID()
	create := mut(id, "28261", hlc(1), map[string]any{"summary": "Nước mắm giả", "status": "moi_tiep_nhan"})
	edit := mut(id, "28261", hlc(2), map[string]any{"summary": "Nước mắm giả nhãn"})
	edit.BaseVersion = 1
	again := mut(id, "28261", hlc(3), map[string]any{"summary": "Lần ba"})
	again.BaseVersion = 2
	if got := statuses(mustPush(t, s, d, create, edit, again)); !equal(got, []string{"applied", "applied", "applied"}) {
		t.Fatalf("push = %v", got)
	}
	r, ok := recordOf(t, s, d, "28261", id)
	if !ok || r.Version != 3 || field(t, r, "summary") != "Lần ba" || field(t, r, "status") != "moi_tiep_nhan" {
		t.Fatalf("record = version %d, summary %v, status %v; want version 3, the last edit and the created status",
			r.Version, field(t, r, "summary"), field(t, r, "status"))
	}
}
