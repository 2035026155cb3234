package serverstore_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/sync/syncproto"
)

// BenchmarkFileAccess measures the server's answer about one file
// (FileStatus: who may see or send it) among 100,000 attachment records
// of one commune: the records a busy province holds after some years.
func BenchmarkFileAccess(b *testing.B) {
	clock := clocktest.AtToday(b)
	const n = 100_000
	for engine, s := range benchStores(b, clock) {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			d := MustEnroll(b, s, "28261")
			db := s.RawDB()
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			q := s.Bind(`INSERT INTO records (entity, id, scope, fields, stamps, seq, version, created_at, updated_at, sole_writer)
				VALUES (?, ?, '28261', ?, '{}', ?, 1, 0, 0, '')`)
			hashes := make([]string, n)
			for i := range n {
				sum := sha256.Sum256(fmt.Appendf(nil, "tệp %d", i))
				h := hex.EncodeToString(sum[:])
				hashes[i] = h
				id := fmt.Sprintf("01J%023d", i)
				fields, _ := json.Marshal(map[string]any{"id": id, "unit_code": "28261", "case_id": fmt.Sprintf("01K%023d", i),
					"name": "hoa-don.jpg", "type": app.TypeJPEG, "size": 400 << 10, "sha256": h})
				if _, err := tx.ExecContext(ctx, q, app.EntityAttachment, id, string(fields), i+1); err != nil {
					b.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			if err := s.RebuildFileIndex(ctx); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				st, err := s.FileStatus(ctx, d.ID, syncproto.FileStatusRequest{Hashes: []string{hashes[(i*7919)%n]}})
				if err != nil || len(st) != 1 || st[0].Status != syncproto.FileMissing {
					b.Fatalf("status %+v, %v", st, err)
				}
			}
		})
	}
}
