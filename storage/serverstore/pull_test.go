package serverstore_test

import (
	"context"
	"strings"
	"testing"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

func TestPull_Scopes(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	a := MustEnroll(t, s, "28261")
	b := MustEnroll(t, s, "28262")
	prov := MustEnroll(t, s, syncproto.ScopeProvince)
	idA, idB := app.NewID(), app.NewID()
	mustPush(t, s, a, mut(idA, "28261", hlc(1), map[string]any{"consumer_name": "Nguyễn Thị Hồng Đào"}))
	mustPush(t, s, b, mut(idB, "28262", hlc(1), map[string]any{"consumer_name": "Trần Văn Bình"}))
	mustPush(t, s, prov, mut(app.NewID(), "28263", hlc(1), map[string]any{"summary": "tỉnh ghi"}))

	t.Run("ProvinceReadsAll", func(t *testing.T) {
		recs, _, _ := pullAll(t, s, prov, 0)
		if len(recs) != 3 || len(recs["28261"]) != 1 || len(recs["28262"]) != 1 || len(recs["28263"]) != 1 {
			t.Fatalf("province sees %v", recs)
		}
	})
	t.Run("CommuneReadsOwnOnly", func(t *testing.T) {
		// Even when it asks for the other commune by name.
		epoch := s.Epoch()
		resp := mustPull(t, s, a, syncproto.PullRequest{Cursors: []syncproto.Cursor{
			{Scope: "28262", Epoch: epoch, Seq: 0},
			{Scope: "28263"},
			{Scope: syncproto.ScopeProvince},
		}})
		if len(resp.Scopes) != 1 || resp.Scopes[0].Scope != "28261" || len(resp.Scopes[0].Records) != 1 ||
			resp.Scopes[0].Records[0].ID != idA {
			t.Fatalf("commune device got %+v", resp.Scopes)
		}
		for _, p := range resp.Scopes {
			for _, r := range p.Records {
				for _, v := range r.Fields {
					if strings.Contains(string(v), "Bình") {
						t.Fatal("personal data of another commune was sent")
					}
				}
			}
		}
	})
	t.Run("NothingNew", func(t *testing.T) {
		_, cursors, _ := pullAll(t, s, a, 0)
		resp := mustPull(t, s, a, syncproto.PullRequest{Cursors: cursors})
		if len(resp.Scopes) != 0 || resp.HasMore {
			t.Fatalf("second pull = %+v, want nothing", resp)
		}
	})
	t.Run("EmptyCommune", func(t *testing.T) {
		d := MustEnroll(t, s, "28999")
		resp := mustPull(t, s, d, syncproto.PullRequest{})
		if len(resp.Scopes) != 0 || resp.HasMore || resp.Scopes == nil {
			t.Fatalf("pull of an empty commune = %+v", resp)
		}
	})
}

func TestPull_PagingByBytes(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	prov := MustEnroll(t, s, syncproto.ScopeProvince)
	// The full copy: every record as stored, under the store's epoch.
	if _, err := s.SetFullCopy(context.Background(), prov.ID, true); err != nil {
		t.Fatal(err)
	}
	const n = 40
	summary := strings.Repeat("Mua phải hàng giả. ", 25) // about 500 bytes
	want := map[string]bool{}
	for i := range n {
		scope := []string{"28261", "28262", "28263"}[i%3]
		id := app.NewID()
		want[id] = true
		mustPush(t, s, prov, mut(id, scope, hlc(int64(i)), map[string]any{"summary": summary, "transaction_value": i}))
	}

	// A first page of 4 KB holds a few records and says there is more.
	resp := mustPull(t, s, prov, syncproto.PullRequest{MaxBytes: 1}) // clamped up to 4 KB
	got := 0
	for _, p := range resp.Scopes {
		got += len(p.Records)
		if p.Epoch != s.Epoch() {
			t.Fatalf("page epoch %q, want %q", p.Epoch, s.Epoch())
		}
	}
	if got == 0 || got >= n || !resp.HasMore {
		t.Fatalf("first page: %d records, has_more %v", got, resp.HasMore)
	}

	// Resuming from the cursors delivers every record exactly once, in
	// sequence order per scope.
	recs, cursors, pages := pullAll(t, s, prov, 4096)
	if pages < 5 {
		t.Fatalf("%d pages for about 24 KB at 4 KB a page", pages)
	}
	seen := map[string]bool{}
	for scope, rs := range recs {
		for i, r := range rs {
			if seen[r.ID] {
				t.Fatalf("record %s sent twice", r.ID)
			}
			seen[r.ID] = true
			if i > 0 && r.Seq <= rs[i-1].Seq {
				t.Fatalf("scope %s out of order at %d", scope, i)
			}
		}
	}
	if len(seen) != n {
		t.Fatalf("%d records pulled, want %d", len(seen), n)
	}

	// A single record bigger than the page is still sent.
	big := app.NewID()
	mustPush(t, s, prov, mut(big, "28264", hlc(100), map[string]any{"summary": strings.Repeat("x", 10000)}))
	resp = mustPull(t, s, prov, syncproto.PullRequest{MaxBytes: 4096, Cursors: cursors})
	if len(resp.Scopes) != 1 || len(resp.Scopes[0].Records) != 1 || resp.Scopes[0].Records[0].ID != big || resp.HasMore {
		t.Fatalf("big record page = %+v", resp)
	}
}

func TestPull_Reset(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	d := MustEnroll(t, s, "28261")
	for i := range 3 {
		mustPush(t, s, d, mut(app.NewID(), "28261", hlc(int64(i)), map[string]any{"transaction_value": i}))
	}
	tests := []struct {
		name     string
		cursor   syncproto.Cursor
		reset    bool
		records  int
		firstSeq int64
		wantPage bool
	}{
		{"FirstPull", syncproto.Cursor{Scope: "28261"}, false, 3, 1, true},
		{"Resume", syncproto.Cursor{Scope: "28261", Epoch: s.Epoch(), Seq: 1}, false, 2, 2, true},
		{"UpToDate", syncproto.Cursor{Scope: "28261", Epoch: s.Epoch(), Seq: 3}, false, 0, 0, false},
		{"OtherEpoch", syncproto.Cursor{Scope: "28261", Epoch: "0123456789abcdef0123456789abcdef", Seq: 2}, true, 3, 1, true},
		{"CursorAheadOfServer", syncproto.Cursor{Scope: "28261", Epoch: s.Epoch(), Seq: 99}, true, 3, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := mustPull(t, s, d, syncproto.PullRequest{Cursors: []syncproto.Cursor{tt.cursor}})
			if !tt.wantPage {
				if len(resp.Scopes) != 0 {
					t.Fatalf("scopes = %+v, want none", resp.Scopes)
				}
				return
			}
			if len(resp.Scopes) != 1 {
				t.Fatalf("scopes = %+v", resp.Scopes)
			}
			p := resp.Scopes[0]
			if p.Reset != tt.reset || len(p.Records) != tt.records || p.Records[0].Seq != tt.firstSeq || p.NextSeq != 3 || p.HasMore {
				t.Fatalf("page = reset %v, %d records from %d, next %d, more %v",
					p.Reset, len(p.Records), p.Records[0].Seq, p.NextSeq, p.HasMore)
			}
			if p.Epoch != s.Epoch() {
				t.Fatalf("epoch = %q", p.Epoch)
			}
		})
	}
}

func TestPull_SkipOwn(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	a := MustEnroll(t, s, "28261")
	b := MustEnroll(t, s, "28261")
	mine, shared := app.NewID(), app.NewID()
	mustPush(t, s, a, mut(mine, "28261", hlc(1), map[string]any{"summary": "của A"}))
	mustPush(t, s, a, mut(shared, "28261", hlc(2), map[string]any{"summary": "chung"}))
	mustPush(t, s, b, mut(shared, "28261", hlc(3), map[string]any{"status": "dang_xu_ly"}))

	resp := mustPull(t, s, a, syncproto.PullRequest{SkipOwn: true})
	if len(resp.Scopes) != 1 || resp.Scopes[0].NextSeq != 3 {
		t.Fatalf("scopes %+v", resp.Scopes)
	}
	if recs := resp.Scopes[0].Records; len(recs) != 1 || recs[0].ID != shared {
		t.Fatalf("A got %+v; want only the record B also wrote", recs)
	}
	// Without SkipOwn (a device restored from a backup of its store), all.
	if recs := mustPull(t, s, a, syncproto.PullRequest{}).Scopes[0].Records; len(recs) != 2 {
		t.Fatalf("full pull: %d records", len(recs))
	}
	// Only its own records left: the cursor still moves to the end.
	c := mustPull(t, s, b, syncproto.PullRequest{SkipOwn: true}).Scopes[0]
	if c.NextSeq != 3 || len(c.Records) != 2 {
		t.Fatalf("B: next %d, %d records", c.NextSeq, len(c.Records))
	}
	only := MustEnroll(t, s, "28262")
	mustPush(t, s, only, mut(app.NewID(), "28262", hlc(4), map[string]any{"summary": "riêng"}))
	p := mustPull(t, s, only, syncproto.PullRequest{SkipOwn: true})
	if len(p.Scopes) != 1 || len(p.Scopes[0].Records) != 0 || p.Scopes[0].NextSeq != 1 || p.HasMore {
		t.Fatalf("a page of only own records must still move the cursor: %+v", p)
	}
}
