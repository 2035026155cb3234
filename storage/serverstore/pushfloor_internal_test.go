package serverstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/sync/syncproto"
)

// BenchmarkPushWrites_Floor is the floor under BenchmarkApplyPush_LaptopCases
// on SQLite: the same batches of 130 new cases, written with the push's own
// two statements (sqlPutRecord, sqlRecordMutation) into the migrated schema,
// in one transaction per batch through the store's statement cache, and
// nothing else: no decoding, no scope or duplicate check, no validation, no
// merge. Its ms/mutation is what any push must spend to keep a record and
// its audit row on this engine; the push's own figure over it is the cost
// of trusting nothing a device sends (issue 22's note uses both).
func BenchmarkPushWrites_Floor(b *testing.B) {
	ctx := context.Background()
	clock := clocktest.AtToday(b)
	s, err := Open(ctx, filepath.Join(b.TempDir(), "server.sqlite"), Options{Now: clock.Now})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	code, _, err := s.CreateEnrolCode(ctx, "28261", time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	dev, err := s.EnrollDevice(ctx, "", syncproto.EnrollRequest{Code: code, DeviceTag: "A7K3", AppVersion: "test", AdoptsDeviceID: true})
	if err != nil {
		b.Fatal(err)
	}
	const batch = 130
	at := clock.Now().UTC().Truncate(time.Second)
	type row struct {
		recordID, fields, stamps, mutationID, hash, payload, hlc string
	}
	var seq int64
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer() // the rows as the push would have made them
		rows := make([]row, batch)
		for j := range rows {
			m := laptopCase(i*batch+j, at)
			keys := app.SortedFieldNames(m.Entity, m.Fields)
			payload, hash, err := canonicalPayloadKeys(m, keys)
			if err != nil {
				b.Fatal(err)
			}
			h, _ := app.ParseHLC(m.HLC)
			st := app.Stamp{HLC: h, Device: dev.DeviceID, Version: 1}
			rows[j] = row{m.RecordID, string(app.EncodeFieldsInOrder(m.Fields, keys)), string(app.EncodeSharedStamp(keys, st)),
				m.ID, hash, payload, m.HLC}
		}
		b.StartTimer()
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		now := ms(clock.Now())
		for _, r := range rows {
			seq++
			if _, err := s.exec(ctx, tx, sqlPutRecord, app.EntityCase, r.recordID, "28261", r.fields, r.stamps, seq, now, now, dev.DeviceID); err != nil {
				b.Fatal(err)
			}
			if _, err := s.exec(ctx, tx, sqlRecordMutation, r.mutationID, dev.DeviceID, app.EntityCase, r.recordID, "28261", app.OpUpsert,
				r.hash, r.payload, syncproto.StatusApplied, "", "", seq, r.hlc, r.hlc, "Cán bộ Thử Nghiệm", at.UnixMilli(), now); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N*batch), "ms/mutation")
}

// laptopCase is the n-th new case of a bulk push as a laptop sends its
// first sync (issue 22's scenario a): every field of app.Case, as the
// outbox holds them, stamped at at.
func laptopCase(n int, at time.Time) syncproto.Mutation {
	c := app.Case{RecordHead: app.RecordHead{ID: app.NewID(), UnitCode: "28261", CreatedAt: at, CreatedBy: "Cán bộ Thử Nghiệm",
		UpdatedAt: at, UpdatedBy: "Cán bộ Thử Nghiệm"},
		Number: fmt.Sprintf("28261-2026-A7K3-%04d", n%10000), ReceivedAt: at.Add(-time.Hour), Channel: "truc_tiep",
		Kind: "khieu_nai", Status: app.StatusReceived, ConsumerName: "Nguyễn Thị Thử Nghiệm", ConsumerPhone: "0900000000",
		ConsumerAddress: "Ấp 1, xã Thử Nghiệm", BusinessName: "Cửa hàng Thử Nghiệm", BusinessAddress: "Số 1 đường Thử Nghiệm",
		Sector: "thuc_pham", Summary: "Mua hàng hết hạn sử dụng, đề nghị đổi hàng và bồi thường theo quy định"}
	h := app.HLC{Wall: at.UnixMilli(), Logical: uint32(n)}
	return syncproto.Mutation{ID: app.NewID(), Entity: app.EntityCase, RecordID: c.ID, Scope: "28261",
		Op: app.OpUpsert, Fields: c.Fields(), HLC: h.String(), DeviceTimeMS: h.Wall, Officer: "Cán bộ Thử Nghiệm"}
}
