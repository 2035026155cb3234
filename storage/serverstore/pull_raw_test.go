package serverstore_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"

	"github.com/klauspost/compress/zstd"
)

// pushCases stores n cases of commune 28261 pushed by d: the fields an
// intake form fills, valid for the catalogue.
func pushCases(tb testing.TB, s *serverstore.Store, d device, clock *clocktest.Clock, n int) {
	tb.Helper()
	for i := 0; i < n; i += 25 {
		muts := make([]syncproto.Mutation, min(25, n-i))
		for j := range muts {
			k := i + j
			muts[j] = mut(app.NewID(), "28261", app.HLC{Wall: clock.Now().UnixMilli(), Logical: uint32(k)}, map[string]any{
				"number": fmt.Sprintf("28261-2026-TEST-%04d", k), "received_at": "2026-03-15T08:00:00Z", "channel": "truc_tiep",
				"kind": "khieu_nai", "status": "moi_tiep_nhan", "consumer_name": fmt.Sprintf("Nguyễn Thị Thử %d", k),
				"consumer_phone": fmt.Sprintf("09%08d", k), "consumer_address": "Ấp 1, xã Thử Nghiệm", "business_name": "Cửa hàng Thử Nghiệm",
				"business_address": "Số 1 đường Thử Nghiệm", "sector": "thuc_pham_do_uong",
				"summary":    fmt.Sprintf("Mua hàng hết hạn sử dụng <ngày %d>, đề nghị đổi hàng & bồi thường", k),
				"created_at": "2026-03-15T08:00:00Z", "created_by": "Cán bộ Thử Nghiệm",
			})
		}
		res, err := s.ApplyPush(context.Background(), d.ID, syncproto.PushRequest{Mutations: muts})
		if err != nil {
			tb.Fatal(err)
		}
		if res[0].Status != syncproto.StatusApplied {
			tb.Fatalf("push: %+v", res[0])
		}
	}
}

// PullRaw answers what Pull answers: the same pages, and each record's
// fields either the same map or its document, which encodes as the map
// does; its answer, written by syncproto.AppendPull, is byte for byte the
// one encoding/json writes of Pull's. For a commune device, a provincial
// device with the full copy and one with the limited copy (whose records
// go without their personal fields: decoded, as before).
func TestPullRaw_SameAnswerAsPull(t *testing.T) {
	clock := newTestClock()
	s, _ := MustOpen(t, clock)
	d := MustEnroll(t, s, "28261")
	pushCases(t, s, d, clock, 60)
	full := MustEnroll(t, s, syncproto.ScopeProvince)
	if _, err := s.SetFullCopy(context.Background(), full.ID, true); err != nil {
		t.Fatal(err)
	}
	limited := MustEnroll(t, s, syncproto.ScopeProvince)
	other := MustEnroll(t, s, "28261")
	for name, dev := range map[string]device{"commune": other, "full": full, "limited": limited} {
		t.Run(name, func(t *testing.T) {
			var cursors []syncproto.Cursor
			for page := 0; ; page++ {
				req := syncproto.PullRequest{Cursors: cursors, MaxBytes: 8 << 10, AcceptWithheld: true}
				want, err := s.Pull(context.Background(), dev.ID, req)
				if err != nil {
					t.Fatal(err)
				}
				got, raw, err := s.PullRaw(context.Background(), dev.ID, req)
				if err != nil {
					t.Fatal(err)
				}
				wantJSON, _ := syncproto.Marshal(want)
				gotJSON, err := syncproto.AppendPull(nil, &got, raw)
				if err != nil || !bytes.Equal(gotJSON, wantJSON) {
					t.Fatalf("page %d: PullRaw's answer differs from Pull's (%v)", page, err)
				}
				rawCount := 0
				for _, r := range raw {
					for _, f := range r {
						if f != nil {
							rawCount++
						}
					}
				}
				if (name == "limited") != (rawCount == 0) {
					t.Fatalf("page %d: %d records sent as stored", page, rawCount)
				}
				if !want.HasMore {
					return
				}
				cursors = cursors[:0]
				for _, p := range want.Scopes {
					cursors = append(cursors, syncproto.Cursor{Scope: p.Scope, Epoch: p.Epoch, Seq: p.NextSeq})
				}
			}
		})
	}
}

// BenchmarkPullAnswer measures the server's whole cost of a commune
// device's pull page of the default client size (512 KB of records, about
// 725 of these cases) from a store of 5,000: reading the page, encoding it
// and compressing it. raw+zstd: PullRaw, syncproto.AppendPull and zstd, as
// the handler answers this version's devices; raw: the same in gzip, as it
// answers older ones; json: Pull, encoding/json and gzip, as it did.
func BenchmarkPullAnswer(b *testing.B) {
	clock := clocktest.AtToday(b)
	for engine, s := range benchStores(b, clock) {
		s.SetRefs(mustTestRefs(b))
		ctx := context.Background()
		d := MustEnroll(b, s, "28261")
		pushCases(b, s, d, clock, 5000)
		p := MustEnroll(b, s, "28261")
		for _, way := range []string{"raw+zstd", "raw", "json"} {
			b.Run(engine+"/"+way, func(b *testing.B) {
				records, wire := 0, 0
				zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
				zs, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1))
				var buf bytes.Buffer
				for i := range b.N {
					req := syncproto.PullRequest{MaxBytes: 512 << 10, Cursors: []syncproto.Cursor{{Scope: "28261", Epoch: s.Epoch(), Seq: int64(i%4) * 900}}}
					var body []byte
					var resp syncproto.PullResponse
					var err error
					if way != "json" {
						var raw [][]json.RawMessage
						if resp, raw, err = s.PullRaw(ctx, p.ID, req); err == nil {
							body, err = syncproto.AppendPull(nil, &resp, raw)
						}
					} else if resp, err = s.Pull(ctx, p.ID, req); err == nil {
						body, err = syncproto.Marshal(resp)
					}
					if err != nil {
						b.Fatal(err)
					}
					if way == "raw+zstd" {
						wire += len(zs.EncodeAll(body, nil))
					} else {
						buf.Reset()
						zw.Reset(&buf)
						zw.Write(body)
						zw.Close()
						wire += buf.Len()
					}
					for _, pg := range resp.Scopes {
						records += len(pg.Records)
					}
				}
				if records == 0 {
					b.Fatal(fmt.Sprintf("%s: empty pages", engine))
				}
				b.ReportMetric(float64(records)/float64(b.N), "records/page")
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(records), "µs/record")
				b.ReportMetric(float64(wire)/float64(b.N), "B-wire/page")
			})
		}
	}
}
