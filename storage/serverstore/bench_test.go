package serverstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage/pgtest"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"
)

// benchStores opens a store on each engine, on clock: SQLite in a file,
// and PostgreSQL when the tests run on it (BVNTD_TEST_ENGINE=postgres).
func benchStores(b *testing.B, clock *clocktest.Clock) map[string]*serverstore.Store {
	out := map[string]*serverstore.Store{}
	open := func(name, db string) {
		s, err := serverstore.Open(context.Background(), db, serverstore.Options{Now: clock.Now})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		out[name] = s
	}
	open("sqlite", filepath.Join(b.TempDir(), "server.sqlite"))
	if pgtest.Postgres() {
		open("postgres", pgtest.NewSchema(b))
	}
	return out
}

// benchCase is a realistic new case: the fields an intake form fills.
func benchCase(id, scope string, h app.HLC) syncproto.Mutation {
	return mut(id, scope, h, map[string]any{
		"number": "28261-2026-0001", "received_at": "2026-03-15T08:00:00Z", "channel": "truc_tiep",
		"kind": "khieu_nai", "status": "moi_tiep_nhan", "consumer_name": "Nguyễn Thị Thử Nghiệm",
		"consumer_phone": "0900000000", "consumer_address": "Ấp 1, xã Thử Nghiệm", "business_name": "Cửa hàng Thử Nghiệm",
		"business_address": "Số 1 đường Thử Nghiệm", "sector": "thuc_pham", "summary": "Mua hàng hết hạn sử dụng, đề nghị đổi hàng và bồi thường",
		"created_at": "2026-03-15T08:00:00Z", "created_by": "Cán bộ Thử Nghiệm",
	})
}

// BenchmarkApplyPush measures one push of a batch of 25 new cases from a
// commune device (the client's usual batch): the server's whole cost of a
// mutation, in one transaction. ms/mutation is the figure of the capacity
// plan.
func BenchmarkApplyPush(b *testing.B) {
	clock := clocktest.AtToday(b)
	for engine, s := range benchStores(b, clock) {
		b.Run(engine, func(b *testing.B) {
			d := MustEnroll(b, s, "28261")
			const batch = 25
			b.ResetTimer()
			for i := range b.N {
				muts := make([]syncproto.Mutation, batch)
				for j := range muts {
					muts[j] = benchCase(app.NewID(), "28261", app.HLC{Wall: clock.Now().UnixMilli(), Logical: uint32(i*batch + j)})
				}
				if _, err := s.ApplyPush(context.Background(), d.ID, syncproto.PushRequest{Mutations: muts}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N*batch), "ms/mutation")
		})
	}
}

// BenchmarkApplyPush_LaptopCases measures a bulk push as a laptop sends
// its first sync (issue 22's scenario a): batches of 130 new cases with
// every field of app.Case, as the outbox holds them.
func BenchmarkApplyPush_LaptopCases(b *testing.B) {
	clock := clocktest.AtToday(b)
	for engine, s := range benchStores(b, clock) {
		b.Run(engine, func(b *testing.B) {
			d := MustEnroll(b, s, "28261")
			const batch = 130
			at := clock.Now().UTC().Truncate(time.Second)
			b.ResetTimer()
			for i := range b.N {
				b.StopTimer() // the laptop's part
				muts := make([]syncproto.Mutation, batch)
				for j := range muts {
					muts[j] = serverstore.LaptopCase(i*batch+j, at)
				}
				b.StartTimer()
				if _, err := s.ApplyPush(context.Background(), d.ID, syncproto.PushRequest{Mutations: muts}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N*batch), "ms/mutation")
		})
	}
}

// BenchmarkPullPage measures one full pull page (the default 256 KB,
// about 400 cases) read by a provincial device from a store of 5,000
// cases.
func BenchmarkPullPage(b *testing.B) {
	clock := clocktest.AtToday(b)
	for engine, s := range benchStores(b, clock) {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			d := MustEnroll(b, s, "28261")
			p := MustEnroll(b, s, syncproto.ScopeProvince)
			for i := range 200 {
				muts := make([]syncproto.Mutation, 25)
				for j := range muts {
					muts[j] = benchCase(app.NewID(), "28261", app.HLC{Wall: clock.Now().UnixMilli(), Logical: uint32(i*25 + j)})
				}
				if _, err := s.ApplyPush(ctx, d.ID, syncproto.PushRequest{Mutations: muts}); err != nil {
					b.Fatal(err)
				}
			}
			records := 0
			b.ResetTimer()
			for i := range b.N {
				// Pages from different places of the scope.
				start := int64(i%10) * 400
				resp, err := s.Pull(ctx, p.ID, syncproto.PullRequest{
					Cursors: []syncproto.Cursor{{Scope: "28261", Epoch: s.Epoch(), Seq: start}}})
				if err != nil {
					b.Fatal(err)
				}
				for _, pg := range resp.Scopes {
					records += len(pg.Records)
				}
			}
			b.ReportMetric(float64(records)/float64(b.N), "records/page")
			if records == 0 {
				b.Fatal(fmt.Sprintf("%s: empty pages", engine))
			}
		})
	}
}

// BenchmarkPullNothing measures the pull of a commune device that is up to
// date: what every idle laptop costs the server at each sync.
func BenchmarkPullNothing(b *testing.B) {
	for engine, s := range benchStores(b, newTestClock()) {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			d := MustEnroll(b, s, "28261")
			mustPush(b, s, d, benchCase(app.NewID(), "28261", hlc(1)))
			_, cursors, _ := pullAll(b, s, d, 0)
			b.ResetTimer()
			for range b.N {
				resp, err := s.Pull(ctx, d.ID, syncproto.PullRequest{Cursors: cursors})
				if err != nil {
					b.Fatal(err)
				}
				if len(resp.Scopes) != 0 {
					b.Fatal("not up to date")
				}
			}
		})
	}
}
