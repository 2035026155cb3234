package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/storage/stmt"
)

// syntheticCases returns n new cases of commune 28261 with varied,
// seeded Vietnamese text (names, addresses, businesses, summaries), as a
// commune's laptops record them: what a fresh laptop pulls.
func syntheticCases(n int, seed uint64, now time.Time) []*app.Case {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	family := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"}
	middle := []string{"Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Quốc", "Kim", "Bảo", "Thu"}
	given := []string{"An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Khoa", "Lan", "Mai", "Nam", "Phúc", "Quyên", "Sơn", "Tâm", "Uyên", "Vy"}
	streets := []string{"Nguyễn Huệ", "Lê Lợi", "Hùng Vương", "Trần Hưng Đạo", "Đinh Bộ Lĩnh", "Ấp Mỹ Hưng", "Ấp Tân Thạnh"}
	shops := []string{"Cửa hàng tạp hóa", "Siêu thị mini", "Shop thời trang", "Đại lý điện máy", "Nhà thuốc", "Tiệm điện thoại"}
	goods := []string{"sữa bột", "quần áo", "điện thoại", "tủ lạnh", "thuốc cảm", "bánh kẹo", "máy giặt", "xe đạp điện"}
	issues := []string{"hết hạn sử dụng", "không đúng mẫu", "hỏng sau hai ngày", "giá cao hơn niêm yết", "không có hóa đơn", "bị đổi hàng"}
	asks := []string{"đề nghị đổi hàng", "yêu cầu hoàn tiền", "đề nghị bồi thường", "yêu cầu xin lỗi công khai"}
	out := make([]*app.Case, n)
	for i := range out {
		received := now.Add(-time.Duration(rng.IntN(300*24)) * time.Hour).UTC().Truncate(time.Second)
		out[i] = &app.Case{
			RecordHead: app.RecordHead{ID: app.NewID(), UnitCode: "28261", CreatedAt: received, CreatedBy: "Cán bộ " + pick(given),
				UpdatedAt: received, UpdatedBy: "Cán bộ " + pick(given)},
			Number:          fmt.Sprintf("28261-2026-TEST-%04d", i+1),
			ReceivedAt:      received,
			Channel:         pick([]string{"truc_tiep", "dien_thoai", "website_ung_dung"}),
			Kind:            "khieu_nai",
			Status:          "moi_tiep_nhan",
			ConsumerName:    pick(family) + " " + pick(middle) + " " + pick(given),
			ConsumerPhone:   fmt.Sprintf("09%08d", rng.IntN(1e8)),
			ConsumerAddress: fmt.Sprintf("Số %d đường %s, Phường Mỹ Tho", 1+rng.IntN(400), pick(streets)),
			BusinessName:    pick(shops) + " " + pick(given) + " " + pick(given),
			BusinessAddress: fmt.Sprintf("Số %d %s", 1+rng.IntN(400), pick(streets)),
			Sector:          "thuong_mai_dien_tu",
			Summary: strings.Join([]string{"Mua", pick(goods), "tại", strings.ToLower(pick(shops)), "ngày",
				received.Format("02/01"), pick(issues) + ",", pick(asks), "(mã đơn", fmt.Sprintf("%d).", rng.IntN(1e6))}, " "),
		}
	}
	return out
}

// pulledCases is a page of scope 28261 holding cs, as the server sends
// them (version 1 each), its cursor at seq.
func pulledCases(cs []*app.Case, seq int64) app.PulledPage {
	p := app.PulledPage{Scope: "28261", Epoch: "e1", NextSeq: seq, Records: make([]app.PulledRecord, len(cs))}
	for i, c := range cs {
		p.Records[i] = app.PulledRecord{Entity: app.EntityCase, ID: c.ID, Fields: c.Fields(), Version: 1}
	}
	return p
}

// BenchmarkApplyPull_Page500 stores a pulled page of 500 new cases (a
// fresh laptop's first pull) in a store on disk: the laptop's whole cost
// of a pulled case (documents, list, full-text index, cursor), per page.
// raw: the fields as the sync client hands them over (app.PulledRecord.Raw);
// fields: as maps (other callers); group8: eight such pages in one call, as
// the sync client gathers the pages waiting (up to 4,096 records a
// transaction).
func BenchmarkApplyPull_Page500(b *testing.B) {
	for _, way := range []string{"raw", "fields", "group8"} {
		b.Run(way, func(b *testing.B) {
			db := MustOpenDB(b)
			ctx := context.Background()
			const n = 500
			pages := 1
			if way == "group8" {
				pages = 8
			}
			b.ReportAllocs()
			for i := range b.N {
				b.StopTimer()
				group := make([]app.PulledPage, pages)
				for g := range group {
					seq := (i*pages + g + 1)
					group[g] = pulledCases(syntheticCases(n, uint64(seq), db.Now()), int64(seq*n))
					if way == "fields" {
						continue
					}
					for j := range group[g].Records {
						r := &group[g].Records[j]
						r.Raw, _ = json.Marshal(r.Fields)
						r.Fields = nil
					}
				}
				b.StartTimer()
				if _, err := db.ApplyPull(ctx, group); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n*pages), "µs/record")
		})
	}
}

// BenchmarkApplyPull_Floor is the floor under BenchmarkApplyPull_Page500:
// the same pages' rows (documents, list rows; the full-text index and the
// KPI cache's generation at the end, as a pull does), decoded and staged
// before the timer starts, then written by the pull's own multi-row
// upserts (docWriter) in one transaction. What ApplyPull spends above it is its reading of the
// page, its checks and its cursor.
func BenchmarkApplyPull_Floor(b *testing.B) {
	db := MustOpenDB(b)
	ctx := context.Background()
	const n = 500
	k, _ := kindOf(app.EntityCase)
	for i := range b.N {
		b.StopTimer()
		page := pulledCases(syntheticCases(n, uint64(i+1), db.Now()), int64((i+1)*n))
		for j := range page.Records {
			r := &page.Records[j]
			r.Raw, _ = json.Marshal(r.Fields)
			r.Fields = nil
		}
		prepared := prepareNew(page.Records, nil)
		preps := make([]preparedDoc, n)
		for j := range preps {
			if preps[j] = prepared.get(j); !preps[j].ok {
				b.Fatalf("record %d not prepared", j)
			}
		}
		b.StartTimer()
		if err := db.tx(ctx, func(tx *sql.Tx) error {
			above, err := deferIndexing(ctx, tx)
			if err != nil {
				return err
			}
			w := newDocWriter(stmt.InTx(tx))
			for j, r := range page.Records {
				w.stage(k, r.ID, preps[j].json, preps[j].index, r.Version)
			}
			if err := w.flush(ctx); err != nil {
				return err
			}
			return indexDeferred(ctx, tx, above)
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/record")
}

// BenchmarkPendingAfter reads a push's batch of 400 new cases from the
// outbox, as the sync client does before each push (PendingAfter: the
// fields as the outbox holds them), and as PendingBatch gives them (split
// into a map, for other callers).
func BenchmarkPendingAfter(b *testing.B) {
	db := MustOpenDB(b)
	ctx := context.Background()
	for _, c := range syntheticCases(400, 4, db.Now()) {
		c.ID = ""
		if err := db.CreateCase(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	for _, way := range []string{"after", "batch"} {
		b.Run(way, func(b *testing.B) {
			for b.Loop() {
				read := db.PendingBatch
				if way == "after" {
					read = func(ctx context.Context, n int) ([]app.Mutation, error) { return db.PendingAfter(ctx, "", n) }
				}
				ms, err := read(ctx, 1<<30)
				if err != nil || len(ms) != 400 {
					b.Fatalf("%d mutations, %v", len(ms), err)
				}
			}
		})
	}
}
