package cli

import (
	"context"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/seeds/demo"
	"bvntd/storage"
)

// attendanceDemo writes a demo year into a new store and returns its
// folder and a session that was held, with the names of the people in its
// register (voided rows and people left out).
func attendanceDemo(t *testing.T) (dir string, s app.TrainingSession, names []string) {
	t.Helper()
	dir = t.TempDir()
	if _, _, err := run(t, "demo", "--no-files", "--data", dir, "--commune", "28261", "--complaints", "3", "--trainings", "6", "--events", "0", "--seed", "7"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, _, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sessions, err := storage.ListRecords[app.TrainingSession](ctx, db, storage.RecordQuery{})
	if err != nil {
		t.Fatal(err)
	}
	people, err := storage.ListRecords[app.Participant](ctx, db, storage.RecordQuery{})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]string{}
	for _, p := range people {
		byID[p.ID] = p.FullName
	}
	for _, x := range sessions {
		if x.Status == "ke_hoach" {
			continue
		}
		rows, err := storage.ListRecords[app.Attendance](ctx, db, storage.RecordQuery{SessionID: x.ID})
		if err != nil {
			t.Fatal(err)
		}
		names = names[:0]
		for _, a := range rows {
			if n, ok := byID[a.ParticipantID]; ok {
				names = append(names, n)
			}
		}
		if len(names) > 0 {
			return dir, x, names
		}
	}
	t.Fatal("the demo held no session with a register")
	return
}

// readAttendance opens a sign-in sheet and returns the participants' rows.
func readAttendance(t *testing.T, path string) (all [][]string, people [][]string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err = f.GetRows(xlsx.AttendanceSheet)
	if err != nil {
		t.Fatal(err)
	}
	head := -1
	for i, r := range all {
		if len(r) == 8 && r[0] == "STT" && r[7] == "Ký tên" {
			head = i
		}
	}
	if head < 0 {
		t.Fatalf("no header row in %q", all)
	}
	for i, r := range all[head+1:] {
		if len(r) == 0 || r[0] != strconv.Itoa(i+1) {
			break
		}
		people = append(people, r)
	}
	return all, people
}

func TestExportAttendance_SignInSheetOfASession(t *testing.T) {
	dir, s, names := attendanceDemo(t)
	out := filepath.Join(t.TempDir(), "diem-danh.xlsx")
	_, stderr, err := run(t, "export", "--data", dir, "--report", "attendance", "--session", s.ID, "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "Đã xuất "+strconv.Itoa(len(names))+" bản ghi") {
		t.Fatalf("stderr %q, want %d rows", stderr, len(names))
	}
	all, people := readAttendance(t, out)
	if len(people) != len(names) {
		t.Fatalf("%d rows, %d people in the register", len(people), len(names))
	}
	var got []string
	for _, r := range people {
		got = append(got, r[1])
	}
	sorted := append([]string(nil), got...)
	sort.Strings(sorted)
	sort.Strings(names)
	if strings.Join(sorted, "|") != strings.Join(names, "|") {
		t.Fatalf("names differ:\n got %v\nwant %v", sorted, names)
	}
	// Vietnamese order of the given name (the last word).
	coll := app.NewCollator()
	for i := 1; i < len(got); i++ {
		a, b := strings.Fields(got[i-1]), strings.Fields(got[i])
		if coll.CompareString(a[len(a)-1], b[len(b)-1]) > 0 {
			t.Fatalf("%q before %q", got[i-1], got[i])
		}
	}
	text := ""
	for _, r := range all {
		text += strings.Join(r, "|") + "\n"
	}
	for _, want := range []string{"UBND PHƯỜNG MỸ THO", "DANH SÁCH ĐẠI BIỂU/HỌC VIÊN THAM DỰ", s.Title, "Địa điểm: " + s.Venue} {
		if !strings.Contains(text, want) {
			t.Fatalf("sheet lacks %q:\n%s", want, text)
		}
	}

	// The title finds the session too, in any case and without diacritics;
	// --mask hides the phones but for their last 3 digits.
	masked := filepath.Join(t.TempDir(), "diem-danh-an.xlsx")
	if _, _, err := run(t, "export", "--data", dir, "--report", "attendance", "--session", strings.ToUpper(app.Fold(s.Title)),
		"--mask", "--out", masked); err != nil {
		t.Fatal(err)
	}
	_, again := readAttendance(t, masked)
	if len(again) != len(people) {
		t.Fatalf("by title: %d rows, by id %d", len(again), len(people))
	}
	phone := regexp.MustCompile(`^\*+\d{3}$`)
	seen := 0
	for _, r := range again {
		if r[5] != "" {
			seen++
			if !phone.MatchString(r[5]) {
				t.Fatalf("phone shown as %q with --mask", r[5])
			}
		}
	}
	if seen == 0 {
		t.Log("no phone in this register: masking not exercised")
	}
}

// The training summary of a report year (by default that of today) has
// the figures of the dashboard (ComputeKPIs) for that year.
func TestExportAttendance_SummaryEqualsTheDashboard(t *testing.T) {
	dir, _, _ := attendanceDemo(t)
	ctx := context.Background()
	db, _, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	today := db.Now()
	d, err := db.KPIData(ctx, "28261")
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	// The demo holds its sessions in the report year of today or, in the
	// first four months of one, the year before (demo.FilledYear).
	current := app.DefaultReportYear(today)
	_, end := demo.FilledYear(today)
	filled := end.Year()
	for _, tc := range []struct {
		args []string
		year int
	}{
		{nil, current}, // without --year: the report year of today
		{[]string{"--year", strconv.Itoa(filled)}, filled},
	} {
		k := app.ComputeKPIs(d, app.ReportYear(tc.year), nil).Training
		out := filepath.Join(t.TempDir(), "tong-hop.xlsx")
		a := append([]string{"export", "--data", dir, "--report", "attendance", "--out", out}, tc.args...)
		_, stderr, err := run(t, a...)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(stderr, "Đã xuất "+strconv.Itoa(k.Sessions.Count)+" bản ghi") {
			t.Fatalf("%v: stderr %q, want %d sessions", tc.args, stderr, k.Sessions.Count)
		}
		f, err := excelize.OpenFile(out)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows(xlsx.TrainingSummarySheet, excelize.Options{RawCellValue: true})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(rows[1][0], "Phường Mỹ Tho") || !strings.Contains(rows[2][0], "Năm báo cáo "+strconv.Itoa(tc.year)) {
			t.Fatalf("%v: head %q, want report year %d", tc.args, rows[:3], tc.year)
		}
		group := map[string]int{}
		for _, g := range k.ByGroup {
			group[g.Code] = g.Count
		}
		var total, people []string
		sessions := 0
		for _, r := range rows {
			switch {
			case len(r) > 0 && strings.HasPrefix(r[0], "Tổng cộng"):
				total = r[6:]
			case len(r) > 0 && strings.HasPrefix(r[0], "Số người tham dự"):
				people = r[6:]
			case len(r) > 1 && r[0] == strconv.Itoa(sessions+1):
				sessions++
			}
		}
		want := []string{strconv.Itoa(group["can_bo"]), strconv.Itoa(group["nguoi_dan"]), strconv.Itoa(group["doanh_nghiep"]),
			strconv.Itoa(k.PersonTimes.Count)}
		if strings.Join(total, "|") != strings.Join(want, "|") || sessions != k.Sessions.Count {
			t.Fatalf("%v: totals %q over %d sessions; dashboard %q over %d", tc.args, total, sessions, want, k.Sessions.Count)
		}
		if len(people) != 4 || people[3] != strconv.Itoa(k.DistinctPersons.Count) {
			t.Fatalf("%v: distinct persons %q, dashboard %d", tc.args, people, k.DistinctPersons.Count)
		}
		if tc.year == filled && k.PersonTimes.Count == 0 {
			t.Fatalf("the demo's report year %d has nobody present", filled)
		}
	}
}

func TestExportAttendance_Errors(t *testing.T) {
	dir, s, _ := attendanceDemo(t)
	out := filepath.Join(t.TempDir(), "x.xlsx")
	// Two sessions of the same title, and a voided one.
	ctx := context.Background()
	db, _, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	for i, title := range []string{"Lớp trùng tên", "Lớp trùng tên", "Lớp ghi nhầm"} {
		x := &app.TrainingSession{Title: title, StartDate: "2026-06-0" + strconv.Itoa(i+1), Status: "ke_hoach", Format: "truc_tiep"}
		x.Voided = i == 2
		if err := db.SaveRecord(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	for _, tc := range []struct {
		name string
		args []string
		code string
		want string
	}{
		{"UnknownSession", []string{"--session", "lớp không có"}, app.ENOTFOUND, "Không tìm thấy lớp tập huấn"},
		{"TwoOfThatTitle", []string{"--session", "LOP TRUNG TEN"}, app.EINVALID, "Có 2 lớp tên \"Lớp trùng tên\"; chọn theo mã lớp"},
		{"Voided", []string{"--session", "lớp ghi nhầm"}, app.EINVALID, "đã bị hủy"},
		{"SessionAndYear", []string{"--session", s.ID, "--year", "2026"}, app.EINVALID, "bỏ --session"},
		{"FromWithoutTo", []string{"--from", "01/01/2026"}, app.EINVALID, "Cần cả --from và --to"},
		{"BadDate", []string{"--from", "2026-01-01", "--to", "31/12/2026"}, app.EINVALID, "dd/mm/yyyy"},
		{"YearAndFrom", []string{"--year", "2026", "--from", "01/01/2026", "--to", "31/12/2026"}, app.EINVALID, "không dùng cả hai"},
		{"OtherCommune", []string{"--commune", "29905"}, app.EINVALID, "ghi nhận cho xã, phường mã 28261"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"export", "--data", dir, "--report", "attendance", "--out", out}, tc.args...)
			_, _, err := run(t, args...)
			if app.ErrorCode(err) != tc.code || !strings.Contains(app.ErrorMessage(err), tc.want) {
				t.Fatalf("error %v (%s), want %s with %q", err, app.ErrorCode(err), tc.code, tc.want)
			}
			if _, err := excelize.OpenFile(out); err == nil {
				t.Fatal("a failed export left a file")
			}
		})
	}
	// A custom period works.
	if _, _, err := run(t, "export", "--data", dir, "--report", "attendance", "--from", "01/01/2020", "--to", "31/12/2030", "--out", out); err != nil {
		t.Fatal(err)
	}
}
