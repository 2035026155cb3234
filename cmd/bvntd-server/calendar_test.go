package main

import (
	"bvntd/storage/pgtest"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/cmd/cli"
	"bvntd/seeds"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// calBasis is the basis of the test calendars: synthetic, not a real
// announcement.
const calBasis = "Thông báo thử nghiệm số 01/TB-THU (dữ liệu mẫu)"

// calFile2027 is an import file for 2027 as Sở Công Thương would write it
// after the Prime Minister's decision on Tết (synthetic): Tết from
// Thursday 4/2 to Thursday 11/2, one day earlier than the app's derived
// calendar, with Saturday 20/2 worked in exchange when makeUp is set; the
// other days as derived.
func calFile2027(t *testing.T, basis string, makeUp bool) string {
	t.Helper()
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	days := []calendarFileDay{{Date: "2027-02-04", Name: "Nghỉ Tết Âm lịch (hoán đổi)", Kind: app.DayHoliday, Status: app.DayOfficial}}
	for _, h := range refs.Holidays {
		if strings.HasPrefix(h.Date, "2027-") {
			if strings.Contains(h.Name, "Tết Âm lịch") {
				h.Status = app.DayOfficial
			}
			days = append(days, calendarFileDay(h))
		}
	}
	if makeUp {
		days = append(days, calendarFileDay{Date: "2027-02-20", Name: "Làm bù cho ngày 04/02", Kind: app.DayMakeUpWorkday})
	}
	year := 2027
	b, err := json.MarshalIndent(calendarFileYear{Year: &year, Basis: basis, PublishedAt: "2026-11-20", Days: days}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "lich-2027.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestScopeSharedMatchesApp(t *testing.T) {
	if app.ScopeShared != syncproto.ScopeShared {
		t.Fatalf("app %q != syncproto %q", app.ScopeShared, syncproto.ScopeShared)
	}
}

// validYear is a small valid year for the decoder tests: eleven days off
// and a make-up Saturday.
const validYear = `{"year": 2027, "basis": "Thông báo thử nghiệm", "published_at": "2026-11-20", "days": [
  {"date": "2027-01-01", "name": "Tết Dương lịch", "kind": "holiday"},
  {"date": "2027-02-05", "name": "Tết Âm lịch", "kind": "holiday"},
  {"date": "2027-02-08", "name": "Tết Âm lịch", "kind": "holiday"},
  {"date": "2027-02-09", "name": "Tết Âm lịch", "kind": "holiday"},
  {"date": "2027-02-10", "name": "Tết Âm lịch", "kind": "holiday"},
  {"date": "2027-02-11", "name": "Tết Âm lịch", "kind": "holiday"},
  {"date": "2027-04-16", "name": "Giỗ Tổ Hùng Vương", "kind": "holiday", "status": "derived"},
  {"date": "2027-04-30", "name": "Ngày Chiến thắng", "kind": "holiday"},
  {"date": "2027-05-01", "name": "Quốc tế Lao động", "kind": "holiday"},
  {"date": "2027-09-02", "name": "Quốc khánh", "kind": "holiday"},
  {"date": "2027-09-03", "name": "Quốc khánh", "kind": "holiday"},
  {"date": "2027-02-20", "name": "Làm bù", "kind": "make_up_workday"}
]}`

func TestDecodeCalendarFile(t *testing.T) {
	y2028 := strings.NewReplacer(`"year": 2027`, `"year": 2028`, `"2027-`, `"2028-`, `"2028-02-20"`, `"2028-02-19"`).Replace(validYear)
	tests := []struct {
		name  string
		data  string
		years int
		want  string // in the error; "" = accepted
	}{
		{"OneYear", validYear, 1, ""},
		{"Array", "[" + validYear + "," + y2028 + "]", 2, ""},
		{"NotepadBOM", "\ufeff" + validYear, 1, ""},
		{"Empty", " \n", 0, "rỗng"},
		{"NotJSON", "year=2027", 0, "không phải JSON"},
		{"BadJSON", "{\n  \"year\": 2027,\n  \"days\": [}", 0, "dòng 3, cột 12"},
		{"Truncated", `{"year": 2027, "days": [`, 0, "cắt cụt"},
		{"Trailing", validYear + "\n{}", 0, "dữ liệu thừa sau phần JSON, ở dòng 15"},
		{"UnknownField", strings.Replace(validYear, `"basis"`, `"source"`, 1), 0, `trường "source" không được hỗ trợ`},
		{"WrongType", `{"year": "2027"}`, 0, `trường "year" ở dòng 1, cột 15 phải là số nguyên`},
		{"DayWrongType", `{"year": 2027, "days": [{"date": 20270101}]}`, 0, `"days.date"`},
		{"NoYear", `[{"basis": "x", "days": []}]`, 0, "mục thứ 1: thiếu năm"},
		{"NoYears", `[]`, 0, "không có năm nào"},
		{"WrongYear", strings.Replace(validYear, `"2027-04-30"`, `"2026-04-30"`, 1), 0,
			`năm 2027: ngày thứ 8 trong danh sách ("2026-04-30"): ngày thuộc năm 2026, không phải năm 2027`},
		{"UnknownKind", strings.Replace(validYear, `"make_up_workday"`, `"lam_bu"`, 1), 0, `ngày thứ 12 trong danh sách ("2027-02-20"): loại (kind) "lam_bu" không hợp lệ`},
		{"BadDate", strings.Replace(validYear, `"2027-02-05"`, `"05/02/2027"`, 1), 0, `ngày thứ 2 trong danh sách ("05/02/2027"): ngày không hợp lệ`},
		{"NoName", strings.Replace(validYear, `"Tết Dương lịch"`, `""`, 1), 0, "ngày thứ 1 trong danh sách (\"2027-01-01\"): thiếu tên"},
		{"PartialYear", `{"year": 2027, "basis": "x", "days": [{"date": "2027-02-04", "name": "Tết", "kind": "holiday"}]}`, 0, "chỉ có 1 ngày nghỉ, ít hơn 11"},
		{"YearTwice", "[" + validYear + "," + validYear + "]", 0, "năm 2027 có hai lần"},
		{"TemplateBasis", strings.Replace(validYear, `"Thông báo thử nghiệm"`, mustJSONString(seededBasis), 1), 0, "câu mẫu"},
		{"Latin1", "{\"year\": 2027, \"basis\": \"Th\xf4ng b\xe1o\"}", 0, "không ở mã UTF-8"},
		{"TooLarge", strings.Repeat(" ", maxCalendarFile+1), 0, "quá lớn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			years, err := decodeCalendarFile("lich.json", []byte(tt.data))
			if tt.want == "" {
				if err != nil || len(years) != tt.years {
					t.Fatalf("%d years, %v", len(years), err)
				}
				return
			}
			msg := app.ErrorMessage(err)
			if app.ErrorCode(err) != app.EINVALID || !strings.HasPrefix(msg, "Tệp lich.json: ") ||
				!strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Fatalf("error %q (%v), want one line with %q", msg, err, tt.want)
			}
		})
	}
}

func mustJSONString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// FuzzDecodeCalendarFile: whatever the file, the decoder never panics; it
// either refuses it with one Vietnamese line naming the file, or returns
// valid years that survive the trip through a sync record.
func FuzzDecodeCalendarFile(f *testing.F) {
	for _, s := range []string{validYear, "[" + validYear + "]", "", "{}", "[]", "null", `{"year":2027}`,
		`{"year": 2027, "days": [{"date": "2027-02-30", "kind": "holiday"}]}`, "\ufeff{", `[{"year":1e99}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		years, err := decodeCalendarFile("f.json", data)
		if err != nil {
			msg := app.ErrorMessage(err)
			if app.ErrorCode(err) != app.EINVALID || !strings.HasPrefix(msg, "Tệp f.json: ") ||
				strings.ContainsAny(msg, "\n\r") || !utf8.ValidString(msg) {
				t.Fatalf("error %q (%v)", msg, err)
			}
			return
		}
		if len(years) == 0 {
			t.Fatal("no error and no year")
		}
		for _, y := range years {
			if err := y.Validate(); err != nil {
				t.Fatalf("returned an invalid year: %v", err)
			}
			var back app.HolidayYear
			if err := back.SetFields(y.Fields()); err != nil {
				t.Fatalf("record of year %d unreadable: %v", y.Year, err)
			}
			if back.Year != y.Year || len(back.Days) != len(y.Days) || back.Basis != y.Basis {
				t.Fatalf("round trip of year %d changed it", y.Year)
			}
		}
	})
}

func TestCalendarCommands(t *testing.T) {
	dir := t.TempDir()
	db := pgtest.ServerDB(t, filepath.Join(dir, "server.sqlite"))
	if _, _, err := run(t, "enroll", "--db", db, "--scope", "28261"); err != nil {
		t.Fatal(err)
	}
	// Before any import: the seeded years, derived.
	stdout, _, err := run(t, "calendar", "list", "--db", db)
	if err != nil || !strings.Contains(stdout, "2027  kèm ứng dụng") || strings.Contains(stdout, "máy chủ tỉnh") {
		t.Fatalf("list before import:\n%s %v", stdout, err)
	}
	// The template of a year is an import file, refused until its basis is
	// written.
	tmpl, _, err := run(t, "calendar", "list", "--db", db, "--year", "2027")
	if err != nil {
		t.Fatal(err)
	}
	tmplPath := filepath.Join(dir, "mau.json")
	os.WriteFile(tmplPath, []byte(tmpl), 0o600)
	if _, _, err := run(t, "calendar", "import", "--db", db, "--file", tmplPath); err == nil || !strings.Contains(ErrorLine(err), "câu mẫu") {
		t.Fatalf("template imported as is: %v", err)
	}
	if years, err := decodeCalendarFile("mau.json", []byte(strings.Replace(tmpl, mustJSONString(seededBasis), `"Thông báo"`, 1))); err != nil ||
		len(years) != 1 || len(years[0].Days) != 15 { // the 15 seeded days of 2027, 24/11 (Nghị quyết 28/2026/QH16) among them
		t.Fatalf("template with a basis: %+v %v", years, err)
	}

	file := calFile2027(t, calBasis, true)
	_, stderr, err := run(t, "calendar", "import", "--db", db, "--file", file)
	if err != nil || !strings.Contains(stderr, "Năm 2027: đã nhập phiên bản 1 (16 ngày nghỉ, 1 ngày làm bù") {
		t.Fatalf("import: %q %v", stderr, err)
	}
	if _, stderr, err = run(t, "calendar", "import", "--db", db, "--file", file); err != nil || !strings.Contains(stderr, "không thay đổi (phiên bản 1)") {
		t.Fatalf("same import again: %q %v", stderr, err)
	}
	stdout, _, err = run(t, "calendar", "list", "--db", db)
	if err != nil || !strings.Contains(stdout, "2027  máy chủ tỉnh  1") || !strings.Contains(stdout, "một phần chính thức") ||
		!strings.Contains(stdout, calBasis) || !strings.Contains(stdout, "2028  kèm ứng dụng") {
		t.Fatalf("list after import:\n%s %v", stdout, err)
	}
	// list --year prints the imported year back as an import file.
	stdout, _, err = run(t, "calendar", "list", "--db", db, "--year", "2027")
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeCalendarFile("back.json", []byte(stdout))
	if err != nil || len(back) != 1 || back[0].Basis != calBasis || len(back[0].Days) != 17 { // 15 seeded days of 2027, the swapped 4/2 and the make-up 20/2
		t.Fatalf("list --year: %v\n%s", err, stdout)
	}

	badPath := filepath.Join(dir, "sai.json")
	os.WriteFile(badPath, []byte(`{"year": 2027, "days": [{"date": "2027-02-04", "kind": "nghỉ"}]}`), 0o600)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"NoAction", []string{"calendar"}, "Thiếu lệnh con"},
		{"UnknownAction", []string{"calendar", "delete", "--db", db}, "Lệnh con \"delete\" không hợp lệ"},
		{"MissingFile", []string{"calendar", "import", "--db", db}, "Thiếu --file"},
		{"NoSuchFile", []string{"calendar", "import", "--db", db, "--file", filepath.Join(dir, "none.json")}, "Không đọc được tệp"},
		{"NoDatabase", []string{"calendar", "list", "--db", filepath.Join(dir, "none.sqlite")}, "Không tìm thấy cơ sở dữ liệu"},
		{"BadYear", []string{"calendar", "list", "--db", db, "--year", "27"}, "Năm 27 không hợp lệ"},
		{"UnknownYear", []string{"calendar", "list", "--db", db, "--year", "2040"}, "Chưa có lịch nghỉ năm 2040"},
		{"UnknownFlag", []string{"calendar", "list", "--db", db, "--commune", "28261"}, "Tham số không hợp lệ"},
		{"BadFile", []string{"calendar", "import", "--db", db, "--file", badPath}, `Tệp sai.json: năm 2027: thiếu căn cứ`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := run(t, tt.args...)
			if err == nil {
				t.Fatal("no error")
			}
			if line := ErrorLine(err); !strings.Contains(line, tt.want) || strings.Contains(line, "\n") {
				t.Fatalf("error line = %q, want one line with %q", line, tt.want)
			}
			if stdout != "" {
				t.Fatalf("stdout = %q on failure", stdout)
			}
		})
	}
	// A refused import changed nothing.
	if stdout, _, _ := run(t, "calendar", "list", "--db", db); !strings.Contains(stdout, "2027  máy chủ tỉnh  1") {
		t.Fatalf("list after refused imports:\n%s", stdout)
	}
}

// Days of the field test, in Vietnam.
var (
	calWed3Feb = time.Date(2027, 2, 3, 9, 0, 0, 0, app.ICT) // the working day before Tết 2027
)

// calDue7 is the last day of seven working days from Wednesday 3/2/2027 on
// a laptop's calendar.
func calDue7(t *testing.T, l *laptop) string {
	t.Helper()
	cal, err := l.db.Calendar(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cal.AddWorkingDays(calWed3Feb, 7).Format("2006-01-02")
}

// calForwardDue is the due day of the clock for forwarding a
// negotiation-support request to the business (7 working days, Luật BVQLNTD
// 2023 Điều 57 khoản 4), as the laptop's case list counts it.
func calForwardDue(t *testing.T, l *laptop, c *app.Case) string {
	t.Helper()
	ds, err := l.db.CaseDeadlines(context.Background(), c, calWed3Feb)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Rule.Code == "forward_request" {
			return d.Due.Format("2006-01-02")
		}
	}
	t.Fatalf("no forward_request deadline: %+v", ds)
	return ""
}

func (s *fieldServer) dumpScope(scope string) string {
	s.t.Helper()
	var b strings.Builder
	if err := s.store.DumpScope(context.Background(), &b, scope); err != nil {
		s.t.Fatal(err)
	}
	return b.String()
}

// TestCalendar_OfficialYearReachesEveryCommune: the operator imports the
// official 2027 calendar, which moves a Tết day; at their next sync two
// communes' laptops and a provincial one count deadlines on it. A corrected
// announcement replaces it; the same file again sends nothing; a laptop
// that tries to write the calendar is refused and keeps its change parked.
func TestCalendar_OfficialYearReachesEveryCommune(t *testing.T) {
	clock := clocktest.New(calWed3Feb.Add(time.Hour))
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	b := newLaptop(t, srv, "29905", 0)
	prov := newFullProvinceLaptop(t, srv) // compared with the whole server
	all := []*laptop{a, b, prov}
	ctx := context.Background()

	// A negotiation-support request received on Wednesday 3/2/2027.
	req := &app.Case{ReceivedAt: calWed3Feb, Channel: "truc_tiep", Kind: "yeu_cau_ho_tro_thuong_luong",
		ConsumerName: "Phan Thị Thương Lượng", Sector: "thuc_pham_do_uong", Summary: "Đề nghị hỗ trợ thương lượng đổi hàng."}
	if err := a.db.CreateCase(ctx, req); err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		l.mustSync()
	}
	// The app's derived calendar: Tết 5–11/2, the seventh day is Friday 19/2.
	for i, l := range all {
		if got := calDue7(t, l); got != "2027-02-19" {
			t.Fatalf("laptop %d before the import: due %s", i, got)
		}
	}
	if got := calForwardDue(t, a, req); got != "2027-02-19" {
		t.Fatalf("case deadline before the import: %s", got)
	}

	// The Prime Minister's decision: Tết from 4/2, Saturday 20/2 worked.
	srv.cmd("calendar", "import", "--db", srv.path, "--file", calFile2027(t, calBasis, true))
	for _, l := range all {
		l.mustSync()
	}
	for i, l := range all {
		if got := calDue7(t, l); got != "2027-02-20" {
			t.Fatalf("laptop %d after the import: due %s, want the make-up Saturday 2027-02-20", i, got)
		}
		years, err := l.db.HolidayYears(ctx)
		if err != nil || len(years) != 1 || years[0].Basis != calBasis {
			t.Fatalf("laptop %d holiday years %+v %v", i, years, err)
		}
	}
	if got := calForwardDue(t, a, req); got != "2027-02-20" {
		t.Fatalf("case deadline after the import: %s", got)
	}
	cal, _ := b.db.Calendar(ctx)
	if name, ok := cal.HolidayName(calWed3Feb.AddDate(0, 0, 1)); !ok || name != "Nghỉ Tết Âm lịch (hoán đổi)" {
		t.Fatalf("4/2/2027 on commune 29905: %q %v", name, ok)
	}
	// Dumps hold the communes' records, not the reference calendar, on
	// both sides.
	if a.dump() != srv.dumpScope("28261") || b.dump() != srv.dumpScope("29905") || b.dump() != "" || prov.dump() != srv.dump() {
		t.Fatal("dumps differ between the laptops and the server")
	}

	// The same file again: no new version, nothing to pull.
	srv.cmd("calendar", "import", "--db", srv.path, "--file", calFile2027(t, calBasis, true))
	if res, err := a.client.Sync(ctx); err != nil || res.Pulled != 0 {
		t.Fatalf("sync after the same import: pulled %d, %v", res.Pulled, err)
	}

	// A corrected announcement (no make-up day) replaces the year.
	srv.cmd("calendar", "import", "--db", srv.path, "--file", calFile2027(t, "Thông báo thử nghiệm số 02/TB-THU (đính chính)", false))
	for _, l := range all {
		l.mustSync()
	}
	for i, l := range all {
		if got := calDue7(t, l); got != "2027-02-22" {
			t.Fatalf("laptop %d after the correction: due %s, want 2027-02-22", i, got)
		}
	}
	if got := calForwardDue(t, a, req); got != "2027-02-22" {
		t.Fatalf("case deadline after the correction: %s", got)
	}

	// Laptop B's store holds a change of the calendar (a bug, or someone
	// editing the file): the server refuses it, B parks it, nothing moves.
	raw, err := sql.Open("sqlite", "file:"+b.db.Path()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	fake := `{"id":"2027","year":2027,"basis":"Tự sửa","days":[]}`
	_, err = raw.Exec(`INSERT INTO outbox (mutation_id, entity, record_id, unit_code, op, fields, hlc, officer, device_time)
		VALUES (?, 'holiday_year', '2027', ?, 'upsert', ?, ?, 'Cán bộ 29905', ?)`,
		app.NewID(), syncproto.ScopeShared, fake, app.HLC{Wall: clock.Peek().UnixMilli()}.String(), clock.Peek().Format(time.RFC3339))
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.client.Sync(ctx)
	if err != nil || res.Rejected != 1 {
		t.Fatalf("sync of a calendar write: %+v %v", res, err)
	}
	if pending, parked, _ := b.db.OutboxCount(ctx); pending != 0 || parked != 1 {
		t.Fatalf("laptop B outbox: %d pending, %d parked", pending, parked)
	}
	st, _ := b.db.SyncStatus(ctx)
	if st.Parked != 1 {
		t.Fatalf("sync status %+v", st)
	}
	for _, l := range all {
		l.mustSync()
		if got := calDue7(t, l); got != "2027-02-22" {
			t.Fatalf("a refused write changed a calendar: %s", got)
		}
	}
	years, err := srv.store.HolidayYears(ctx)
	if err != nil || len(years) != 1 || years[0].Version != 2 || years[0].Basis == "Tự sửa" {
		t.Fatalf("server calendar after the refused write: %+v %v", years, err)
	}
}

// TestCalendar_EndToEnd_DumpsStayIdentical drives the real commands: the
// server as `bvntd-server serve`, the operator with `calendar import`, the
// laptops with `bvntd demo|enroll|sync|export`. The calendar reaches the
// laptops, and their dumps stay byte-identical to the server's export of
// their commune.
func TestCalendar_EndToEnd_DumpsStayIdentical(t *testing.T) {
	srv := startServe(t)
	serverCmd(t, "calendar", "import", "--db", srv.DB, "--file", calFile2027(t, calBasis, true))
	a := newDevice(t)
	a.must("demo", "--commune", "28261", "--complaints", "8", "--seed", demoSeed(t, 0))
	a.enroll(srv, "28261")
	a.must("sync")
	b := newDevice(t)
	b.enroll(srv, "28261")
	b.must("sync")

	commune := filepath.Join(t.TempDir(), "28261.jsonl")
	serverCmd(t, "export", "--db", srv.DB, "--report", "dump", "--commune", "28261", "--out", commune)
	want, err := os.ReadFile(commune)
	if err != nil {
		t.Fatal(err)
	}
	if a.dump() != string(want) || b.dump() != string(want) || srv.dump(t) != string(want) {
		t.Fatal("dumps differ after a calendar import")
	}
	if strings.Contains(string(want), app.EntityHolidayYear) {
		t.Fatal("the reference calendar is in the dump")
	}
	for name, d := range map[string]*device{"A": a, "B": b} {
		db, _, err := cli.OpenStore(context.Background(), d.dir, d.now)
		if err != nil {
			t.Fatal(err)
		}
		years, err := db.HolidayYears(context.Background())
		db.Close()
		if err != nil || len(years) != 1 || years[0].Year != 2027 || !reflect.DeepEqual(years[0].Basis, calBasis) {
			t.Fatalf("device %s holiday years %+v %v", name, years, err)
		}
	}
}

// TestCalendar_YearPastTheSeededCalendar: on 2/1/2031, past the calendar
// the app ships with (2026–2030), the laptops count deadlines on weekends
// only; once the operator imports the official 2031 (synthetic here:
// 1/1, Tết from Tuesday 21/1 to Monday 27/1, 1/4, 30/4, 1/5, 1–2/9), the
// laptops hold it at their next sync and count on it.
func TestCalendar_YearPastTheSeededCalendar(t *testing.T) {
	today := time.Date(2031, 1, 2, 9, 0, 0, 0, app.ICT) // a Thursday
	clock := clocktest.New(today)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	ctx := context.Background()
	due15 := func() string {
		t.Helper()
		cal, err := a.db.Calendar(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return cal.AddWorkingDays(today, 15).Format(time.DateOnly)
	}
	cal, err := a.db.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Covers(2031) {
		t.Fatal("the app's calendar already covers 2031: the test is void")
	}
	if got := due15(); got != "2031-01-23" { // weekends only
		t.Fatalf("15 working days from 2/1/2031 without a calendar: %s", got)
	}
	if _, _, err := runAt(t, clock.Now, "calendar", "list", "--db", srv.path, "--year", "2031"); !strings.Contains(ErrorLine(err), "Chưa có lịch nghỉ năm 2031") {
		t.Fatalf("list --year 2031 before the import: %v", err)
	}

	days := []calendarFileDay{{Date: "2031-01-01", Name: "Tết Dương lịch", Kind: app.DayHoliday}}
	for _, d := range []string{"2031-01-21", "2031-01-22", "2031-01-23", "2031-01-24", "2031-01-27"} {
		days = append(days, calendarFileDay{Date: d, Name: "Tết Âm lịch", Kind: app.DayHoliday})
	}
	days = append(days, calendarFileDay{Date: "2031-04-01", Name: "Giỗ Tổ Hùng Vương", Kind: app.DayHoliday},
		calendarFileDay{Date: "2031-04-30", Name: "Ngày Chiến thắng", Kind: app.DayHoliday},
		calendarFileDay{Date: "2031-05-01", Name: "Quốc tế Lao động", Kind: app.DayHoliday},
		calendarFileDay{Date: "2031-09-01", Name: "Quốc khánh", Kind: app.DayHoliday},
		calendarFileDay{Date: "2031-09-02", Name: "Quốc khánh", Kind: app.DayHoliday})
	year := 2031
	b, err := json.Marshal(calendarFileYear{Year: &year, Basis: calBasis, PublishedAt: "2030-11-20", Days: days})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "lich-2031.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if out := srv.cmd("calendar", "list", "--db", srv.path); strings.Contains(out, "2031") {
		t.Fatalf("list before the import shows 2031:\n%s", out)
	}
	srv.cmd("calendar", "import", "--db", srv.path, "--file", file)
	if out := srv.cmd("calendar", "list", "--db", srv.path); !strings.Contains(out, "2031  máy chủ tỉnh  1") {
		t.Fatalf("list after the import:\n%s", out)
	}
	a.mustSync()
	if cal, err = a.db.Calendar(ctx); err != nil || !cal.Covers(2031) {
		t.Fatalf("the laptop's calendar after the sync does not cover 2031 (%v)", err)
	}
	if name, ok := cal.HolidayName(time.Date(2031, 1, 22, 9, 0, 0, 0, app.ICT)); !ok || name != "Tết Âm lịch" {
		t.Fatalf("22/1/2031 on the laptop: %q %v", name, ok)
	}
	if got := due15(); got != "2031-01-30" { // Tết's five working days skipped
		t.Fatalf("15 working days from 2/1/2031 on the imported calendar: %s", got)
	}
}
