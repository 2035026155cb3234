package syncclient

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"bvntd/app"
	"bvntd/sync/syncproto"

	"github.com/klauspost/compress/zstd"
)

// pullAnswer500 is a pull answer of 500 cases of ~1.6 KB of JSON each, as
// the server writes it.
func pullAnswer500(tb testing.TB) []byte {
	rng := rand.New(rand.NewPCG(3, 3))
	page := syncproto.ScopePage{Scope: "28261", Epoch: "e1", NextSeq: 500, Records: []syncproto.Record{}}
	for i := range 500 {
		c := app.Case{RecordHead: app.RecordHead{ID: app.NewID(), UnitCode: "28261", CreatedBy: "Cán bộ tiếp nhận"},
			Number: fmt.Sprintf("28261-2026-TEST-%04d", i), Channel: "truc_tiep", Kind: "khieu_nai", Status: "moi_tiep_nhan",
			ConsumerName: fmt.Sprintf("Nguyễn Thị %d", rng.IntN(1e6)), ConsumerPhone: fmt.Sprintf("09%08d", rng.IntN(1e8)),
			ConsumerAddress: "Số 12 đường Lê Lợi, Phường Mỹ Tho", BusinessName: "Cửa hàng Điện máy Hòa Phát",
			Sector: "thuong_mai_dien_tu", Summary: fmt.Sprintf("Mua nồi cơm điện qua mạng, nhận hàng bị vỡ (đơn %d).", rng.IntN(1e6))}
		page.Records = append(page.Records, syncproto.Record{Entity: "case", ID: c.ID, Seq: int64(i + 1), Fields: c.Fields(), Version: 1})
	}
	b, err := syncproto.AppendPull(nil, &syncproto.PullResponse{Scopes: []syncproto.ScopePage{page}}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BenchmarkPullDecode measures the device decoding one pull answer of 500
// cases as it streams (pullStream), from zstd and from gzip, with the
// fields left as they came (raw, this version's store) or decoded into
// maps (a store that does not read them raw).
func BenchmarkPullDecode(b *testing.B) {
	answer := pullAnswer500(b)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(answer)
	zw.Close()
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault))
	zs := enc.EncodeAll(answer, nil)
	for _, tc := range []struct {
		name string
		raw  bool
		zstd bool
	}{{"zstd/raw", true, true}, {"gzip/raw", true, false}, {"zstd/maps", false, true}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				var src io.Reader
				if tc.zstd {
					zr, err := zstd.NewReader(bytes.NewReader(zs), zstd.WithDecoderConcurrency(1))
					if err != nil {
						b.Fatal(err)
					}
					src = zr
					defer zr.Close()
				} else {
					zr, err := gzip.NewReader(bytes.NewReader(gz.Bytes()))
					if err != nil {
						b.Fatal(err)
					}
					src = zr
				}
				out := make(chan pullEvent, 8)
				done := make(chan int)
				go func() {
					n := 0
					for ev := range out {
						if ev.page != nil {
							n += len(ev.page.Records)
						}
					}
					done <- n
				}()
				s := &pullStream{dec: json.NewDecoder(src), pos: &pullPosition{}, out: out, ctx: context.Background(), raw: tc.raw}
				_, err := s.answer()
				close(out)
				if n := <-done; err != nil || n != 500 {
					b.Fatalf("%d records, %v", n, err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*500), "µs/record")
		})
	}
}
