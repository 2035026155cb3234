package cli

import (
	"bytes"
	"context"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/app/xlsx"
)

// The window's Báo cáo screen sends its request as it is (WriteReport):
// a period given by two instants at any time of day means their days in
// Vietnam, and the reports have the rows `bvntd export` writes for the same
// days given as flags.
func TestWriteReport_TypedRequest(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--no-files", "--data", dir, "--commune", "28261", "--complaints", "40", "--trainings", "4", "--events", "0", "--seed", "3"); err != nil {
		t.Fatal(err)
	}
	db, refs, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	today := dayIn(db.Now())
	// 06:00 in Vietnam is 23:00 UTC the day before: the day is Vietnam's.
	from := today.AddDate(0, 0, -300).Add(6 * time.Hour).UTC()
	to := today.AddDate(0, 0, -20).Add(6 * time.Hour).UTC()
	flag := func(t time.Time) string { return t.In(app.ICT).Format("02/01/2006") }
	year := app.ReportYearOf(db.Now())
	var files [][]byte
	cases := []struct {
		q    app.ReportRequest
		args []string
	}{
		{app.ReportRequest{Report: app.ReportRegister, From: from, To: to},
			[]string{"--report", "register", "--from", flag(from), "--to", flag(to), "--mask"}},
		{app.ReportRequest{Report: app.ReportRegister, From: from, Unmask: true, Reason: "Kiểm tra"},
			[]string{"--report", "register", "--from", flag(from), "--unmask", "Kiểm tra"}},
		{app.ReportRequest{Report: app.ReportAttendance, From: from, To: to},
			[]string{"--report", "attendance", "--from", flag(from), "--to", flag(to)}},
		{app.ReportRequest{Report: app.ReportAnnual, Year: year},
			[]string{"--report", "annual", "--year", strconv.Itoa(year)}},
	}
	for _, tc := range cases {
		var b bytes.Buffer
		if _, err := WriteReport(ctx, db, refs, &b, tc.q); err != nil {
			t.Fatalf("%+v: %v", tc.q, err)
		}
		files = append(files, b.Bytes())
	}
	// What the window asks wrongly is refused as the flags are.
	for _, q := range []app.ReportRequest{
		{Report: app.ReportAnnual, From: from},
		{Report: app.ReportAttendance, From: from},
		{Report: app.ReportRegister, From: to, To: from},
		{Report: app.ReportRegister, Year: year, To: to},
		{Report: "dump"},
	} {
		if _, err := WriteReport(ctx, db, refs, &bytes.Buffer{}, q); app.ErrorCode(err) != app.EINVALID {
			t.Errorf("%+v: %v", q, err)
		}
	}
	db.Close()

	for i, tc := range cases {
		out := t.TempDir() + "/report.xlsx"
		if _, _, err := run(t, append(append([]string{"export", "--data", dir}, tc.args...), "--out", out)...); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		want := sheetRows(t, openXlsx(t, out))
		f, err := excelize.OpenReader(bytes.NewReader(files[i]))
		if err != nil {
			t.Fatal(err)
		}
		got := sheetRows(t, f)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%+v: the window's report differs from `bvntd export %v`:\n%v\n%v", tc.q, tc.args, got, want)
		}
		if tc.q.Report == app.ReportRegister && len(got[xlsx.RegisterSheet]) <= xlsx.RegisterHeaderRow+1 {
			t.Fatalf("%v: no case in the register", tc.args)
		}
	}
}

// sheetRows returns the rows of every sheet of f.
func sheetRows(t *testing.T, f *excelize.File) map[string][][]string {
	t.Helper()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rows
	}
	return out
}
