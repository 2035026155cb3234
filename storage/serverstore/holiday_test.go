package serverstore_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"bvntd/app"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"
)

// year2027 is a synthetic official calendar for 2027 (not a real
// announcement): Tết from Thursday 4/2 to Thursday 11/2.
func year2027(basis string) app.HolidayYear {
	y := app.HolidayYear{Year: 2027, Basis: basis, PublishedAt: "2026-11-20"}
	for _, d := range []struct{ date, name string }{
		{"2027-01-01", "Tết Dương lịch"},
		{"2027-02-04", "Tết Âm lịch"}, {"2027-02-05", "Tết Âm lịch"}, {"2027-02-06", "Tết Âm lịch"},
		{"2027-02-07", "Tết Âm lịch"}, {"2027-02-08", "Tết Âm lịch"}, {"2027-02-09", "Tết Âm lịch"},
		{"2027-02-10", "Nghỉ bù Tết Âm lịch"}, {"2027-02-11", "Nghỉ bù Tết Âm lịch"},
		{"2027-04-16", "Giỗ Tổ Hùng Vương"}, {"2027-04-30", "Ngày Chiến thắng"}, {"2027-05-01", "Quốc tế Lao động"},
		{"2027-09-02", "Quốc khánh"}, {"2027-09-03", "Quốc khánh"},
	} {
		y.Days = append(y.Days, app.Holiday{Date: d.date, Name: d.name, Kind: app.DayHoliday})
	}
	return y
}

func mustPutYears(tb testing.TB, s *serverstore.Store, years ...app.HolidayYear) []serverstore.HolidayImport {
	tb.Helper()
	res, err := s.PutHolidayYears(context.Background(), years)
	if err != nil {
		tb.Fatalf("put holiday years: %v", err)
	}
	return res
}

func TestPutHolidayYears_VersionsAndSequence(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	ctx := context.Background()
	y := year2027("Thông báo thử nghiệm số 01/TB-THU")
	if res := mustPutYears(t, s, y); len(res) != 1 || !res[0].Changed || res[0].Version != 1 {
		t.Fatalf("first import: %+v", res)
	}
	// The same calendar again: nothing changes, nothing to pull.
	if res := mustPutYears(t, s, y); res[0].Changed || res[0].Version != 1 {
		t.Fatalf("same import: %+v", res)
	}
	// A corrected announcement: the next version and sequence number.
	y2 := year2027("Thông báo thử nghiệm số 02/TB-THU (đính chính)")
	y2.Days = append(y2.Days, app.Holiday{Date: "2027-02-20", Name: "Làm bù", Kind: app.DayMakeUpWorkday})
	if res := mustPutYears(t, s, y2); !res[0].Changed || res[0].Version != 2 {
		t.Fatalf("changed import: %+v", res)
	}
	got, err := s.HolidayYears(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Year != 2027 || got[0].Version != 2 || !strings.Contains(got[0].Basis, "02/TB-THU") ||
		len(got[0].Days) != 15 || got[0].Days[len(got[0].Days)-1].Date != "2027-09-03" {
		t.Fatalf("holiday years: %+v", got)
	}
	if got[0].Days[1].Status != app.DayOfficial {
		t.Fatalf("an imported day without status is %q, want official", got[0].Days[1].Status)
	}
	d := MustEnroll(t, s, "28261")
	page := mustPull(t, s, d, syncproto.PullRequest{}).Scopes
	if len(page) != 1 || page[0].Scope != syncproto.ScopeShared || page[0].NextSeq != 2 ||
		len(page[0].Records) != 1 || page[0].Records[0].ID != "2027" || page[0].Records[0].Version != 2 {
		t.Fatalf("pull: %+v", page)
	}

	// A bad year is refused whole, with the Vietnamese reason; nothing written.
	bad := year2027("Thông báo thử nghiệm số 03/TB-THU")
	bad.Days[3].Kind = "nghi_le"
	ok := year2027("x")
	ok.Year = 2028
	for i := range ok.Days {
		ok.Days[i].Date = "2028" + ok.Days[i].Date[4:]
	}
	_, err = s.PutHolidayYears(ctx, []app.HolidayYear{ok, bad})
	if app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), `"nghi_le"`) {
		t.Fatalf("bad year: %v", err)
	}
	if _, err := s.PutHolidayYears(ctx, []app.HolidayYear{ok, ok}); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("a year twice: %v", err)
	}
	if got, _ := s.HolidayYears(ctx); len(got) != 1 {
		t.Fatalf("a refused import wrote %d years", len(got))
	}
}

func TestPull_SharedScopeReachesEveryDevice(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	a := MustEnroll(t, s, "28261")
	b := MustEnroll(t, s, "29905")
	prov := MustEnroll(t, s, syncproto.ScopeProvince)
	mustPush(t, s, a, mut(app.NewID(), "28261", hlc(1), map[string]any{"consumer_name": "Nguyễn Thị Hồng Đào"}))
	mustPutYears(t, s, year2027("Thông báo thử nghiệm số 01/TB-THU"))

	for name, d := range map[string]device{"28261": a, "29905": b, "province": prov} {
		recs, _, _ := pullAll(t, s, d, 0)
		if len(recs[syncproto.ScopeShared]) != 1 || recs[syncproto.ScopeShared][0].Entity != app.EntityHolidayYear {
			t.Fatalf("%s: shared scope %+v", name, recs[syncproto.ScopeShared])
		}
		if name == "29905" && len(recs["28261"]) != 0 {
			t.Fatal("29905 received a record of 28261")
		}
	}
	// Up to date: a second pull sends nothing.
	_, cursors, _ := pullAll(t, s, b, 0)
	if resp := mustPull(t, s, b, syncproto.PullRequest{Cursors: cursors}); len(resp.Scopes) != 0 {
		t.Fatalf("second pull: %+v", resp.Scopes)
	}
}

// TestPush_SharedScopeRefused: no device, not even a provincial one, may
// write the calendar; it is the operator's, through PutHolidayYears.
func TestPush_SharedScopeRefused(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	mustPutYears(t, s, year2027("Thông báo thử nghiệm số 01/TB-THU"))
	for _, scope := range []string{"28261", syncproto.ScopeProvince} {
		d := MustEnroll(t, s, scope)
		for _, m := range []syncproto.Mutation{
			{ID: app.NewID(), Entity: app.EntityHolidayYear, RecordID: "2027", Scope: syncproto.ScopeShared, Op: app.OpUpsert,
				Fields: map[string]json.RawMessage{"basis": json.RawMessage(`"giả mạo"`)}, HLC: hlc(9).String()},
			mut(app.NewID(), syncproto.ScopeShared, hlc(10), map[string]any{"summary": "vụ việc chung"}),
		} {
			res := mustPush(t, s, d, m)
			if res[0].Status != syncproto.StatusRejected || res[0].Code != syncproto.CodeForbidden ||
				!strings.Contains(res[0].Message, "Sở Công Thương") {
				t.Fatalf("%s device writing into the shared scope: %+v", scope, res[0])
			}
		}
	}
	got, err := s.HolidayYears(context.Background())
	if err != nil || len(got) != 1 || got[0].Version != 1 || got[0].Basis != "Thông báo thử nghiệm số 01/TB-THU" {
		t.Fatalf("calendar after refused pushes: %+v %v", got, err)
	}
}

// TestDump_LeavesSharedScopeOut: dumps hold the communes' records only, as
// the devices' dumps do.
func TestDump_LeavesSharedScopeOut(t *testing.T) {
	s, _ := MustOpen(t, newTestClock())
	d := MustEnroll(t, s, "28261")
	id := app.NewID()
	mustPush(t, s, d, mut(id, "28261", hlc(1), map[string]any{"summary": "x"}))
	mustPutYears(t, s, year2027("Thông báo thử nghiệm số 01/TB-THU"))
	for _, scope := range []string{"", "28261", syncproto.ScopeShared} {
		var b strings.Builder
		if err := s.DumpScope(context.Background(), &b, scope); err != nil {
			t.Fatal(err)
		}
		want := 1
		if scope == syncproto.ScopeShared {
			want = 0
		}
		if n := strings.Count(b.String(), "\n"); n != want || strings.Contains(b.String(), app.EntityHolidayYear) {
			t.Fatalf("dump of %q: %q", scope, b.String())
		}
	}
}
