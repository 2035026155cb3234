package seeds

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"bvntd/app"
)

func load(t *testing.T) *app.RefData {
	t.Helper()
	rd, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return rd
}

func TestUnits(t *testing.T) {
	rd := load(t)
	if got := len(rd.Units); got != 102 {
		t.Errorf("units = %d, want 102", got)
	}
	count := map[string]int{}
	seen := map[string]bool{}
	code5 := regexp.MustCompile(`^[0-9]{5}$`)
	for _, u := range rd.Units {
		count[u.Type]++
		if !code5.MatchString(u.Code) {
			t.Errorf("unit %q: code is not 5 digits", u.Code)
		}
		if seen[u.Code] {
			t.Errorf("unit %q: duplicate code", u.Code)
		}
		seen[u.Code] = true
		if len(u.FormedFrom) == 0 {
			t.Errorf("unit %q: no former units", u.Code)
		}
	}
	if count["xa"] != 82 || count["phuong"] != 20 || len(count) != 2 {
		t.Errorf("types = %v, want 82 xa and 20 phuong", count)
	}
	for code, name := range map[string]string{"28261": "Phường Mỹ Tho", "29905": "Phường Sa Đéc"} {
		u, ok := rd.Unit(code)
		if !ok || u.Name != name || u.Type != app.UnitPhuong {
			t.Errorf("Unit(%q) = %+v, %v; want %q, phuong", code, u, ok, name)
		}
	}
	u, _ := rd.Unit("28261")
	if u.ShortName != "Mỹ Tho" || len(u.FormedFrom) != 3 || u.FormedFrom[0] != (app.FormerUnit{OldCode: "28261", OldName: "Phường 1", MergeType: "full"}) {
		t.Errorf("Unit(28261) = %+v", u)
	}
}

// TestOldNamesTidied: the file has "Xã Tân  Khánh Trung" with two spaces.
func TestOldNamesTidied(t *testing.T) {
	rd := load(t)
	for _, u := range rd.Units {
		for _, f := range u.FormedFrom {
			if strings.Contains(f.OldName, "  ") {
				t.Errorf("unit %s: old name %q has a double space", u.Code, f.OldName)
			}
		}
	}
}

func TestCategories(t *testing.T) {
	rd := load(t)
	if len(rd.Sectors) != 19 {
		t.Errorf("sectors = %d, want 19", len(rd.Sectors))
	}
	if len(rd.IssueTypes) != 11 {
		t.Errorf("issue types = %d, want 11", len(rd.IssueTypes))
	}
	seen := map[string]bool{}
	for i, s := range rd.Sectors {
		if seen[s.Code] || s.Code == "" || s.VI == "" || s.EN == "" || s.Order != i+1 {
			t.Errorf("sector %d = %+v", i, s)
		}
		seen[s.Code] = true
	}
	seen = map[string]bool{}
	for i, it := range rd.IssueTypes {
		if seen[it.Code] || it.Code == "" || it.VI == "" || it.EN == "" || it.Order != i+1 {
			t.Errorf("issue type %d = %+v", i, it)
		}
		seen[it.Code] = true
	}
	if rd.Sectors[0].Code != "thuong_mai_dien_tu" {
		t.Errorf("first sector = %q, want thuong_mai_dien_tu", rd.Sectors[0].Code)
	}
}

func TestPlan(t *testing.T) {
	rd := load(t)
	if len(rd.Tasks) != 31 {
		t.Errorf("tasks = %d, want 31", len(rd.Tasks))
	}
	for _, task := range rd.Tasks {
		if len(task.LeadIDs) == 0 || len(task.Outputs) == 0 || task.TextVI == "" {
			t.Errorf("task %s incomplete: %+v", task.ID, task)
		}
		for _, id := range append(append([]string{}, task.LeadIDs...), task.PartnerIDs...) {
			if _, ok := rd.Agency(id); !ok {
				t.Errorf("task %s: agency %q unknown", task.ID, id)
			}
		}
		if task.StartYear < 2026 || task.EndYear > 2030 || task.StartYear > task.EndYear {
			t.Errorf("task %s: period %d-%d", task.ID, task.StartYear, task.EndYear)
		}
	}
	byID := map[string]app.PlanTask{}
	for _, task := range rd.Tasks {
		byID[task.ID] = task
	}
	if got := byID["III.6"]; got.StartYear != 2026 || got.EndYear != 2026 { // kind "year"
		t.Errorf("III.6 period = %d-%d, want 2026-2026", got.StartYear, got.EndYear)
	}
	if got := byID["III.2"]; got.StartYear != 2026 || got.EndYear != 2030 { // kind "ongoing"
		t.Errorf("III.2 period = %d-%d, want 2026-2030", got.StartYear, got.EndYear)
	}
	if got := byID["IV.8"]; got.Section != "IV" || got.LeadIDs[0] != "hoi_bvntd" {
		t.Errorf("IV.8 = %+v", got)
	}

	if len(rd.Targets) != 7 {
		t.Fatalf("targets = %d, want 7", len(rd.Targets))
	}
	for i, tg := range rd.Targets {
		if want := fmt.Sprintf("T%d", i+1); tg.ID != want {
			t.Errorf("targets[%d].ID = %q, want %q", i, tg.ID, want)
		}
		if tg.Kind == "" || tg.Value <= 0 || tg.Unit == "" || tg.TextVI == "" {
			t.Errorf("target %s incomplete: %+v", tg.ID, tg)
		}
	}
	if tg := rd.Targets[0]; tg.Kind != "share" || tg.Value != 100 || tg.Unit != "%" {
		t.Errorf("T1 = %+v", tg)
	}
	if tg := rd.Targets[2]; tg.Value != 3 || tg.ValueUpper != 5 {
		t.Errorf("T3 = %+v, want value 3 to 5", tg)
	}
	if tg := rd.Targets[6]; tg.Value != 10 || tg.Unit != "tin bài" {
		t.Errorf("T7 = %+v", tg)
	}
}

func TestAgencies(t *testing.T) {
	rd := load(t)
	seen := map[string]bool{}
	for _, a := range rd.Agencies {
		if seen[a.ID] || a.NameVI == "" || a.NameEN == "" || a.Kind == "" || a.Level == "" {
			t.Errorf("agency %+v", a)
		}
		seen[a.ID] = true
	}
	if a, ok := rd.Agency("sct"); !ok || a.NameVI != "Sở Công Thương" {
		t.Errorf("Agency(sct) = %+v, %v", a, ok)
	}
}

// TestAllTextNFC walks every string of the loaded data.
func TestAllTextNFC(t *testing.T) {
	rd := load(t)
	n := 0
	check := func(where, s string) {
		n++
		if app.NFC(s) != s {
			t.Errorf("%s: %q is not NFC with tidy spaces", where, s)
		}
	}
	for _, u := range rd.Units {
		for _, s := range []string{u.Code, u.Name, u.ShortName, u.Type} {
			check("unit "+u.Code, s)
		}
		for _, f := range u.FormedFrom {
			for _, s := range []string{f.OldCode, f.OldName, f.MergeType} {
				check("unit "+u.Code, s)
			}
		}
	}
	for _, a := range rd.Agencies {
		for _, s := range append([]string{a.ID, a.NameVI, a.NameEN, a.Kind, a.Level}, a.Aliases...) {
			check("agency "+a.ID, s)
		}
	}
	for _, s := range rd.Sectors {
		for _, x := range []string{s.Code, s.VI, s.EN} {
			check("sector "+s.Code, x)
		}
	}
	for _, it := range rd.IssueTypes {
		for _, x := range []string{it.Code, it.VI, it.EN} {
			check("issue type "+it.Code, x)
		}
	}
	for _, task := range rd.Tasks {
		ss := []string{task.ID, task.Section, task.TextVI}
		ss = append(ss, task.LeadIDs...)
		ss = append(ss, task.PartnerIDs...)
		ss = append(ss, task.Outputs...)
		for _, s := range ss {
			check("task "+task.ID, s)
		}
	}
	for _, tg := range rd.Targets {
		for _, s := range []string{tg.ID, tg.TextVI, tg.TextEN, tg.Kind, tg.Unit, tg.Horizon, tg.Frequency} {
			check("target "+tg.ID, s)
		}
	}
	if n < 1000 {
		t.Errorf("checked only %d strings", n)
	}
}

func TestLookups(t *testing.T) {
	rd := load(t)
	var _ app.Refs = rd
	if !rd.HasUnit("28261") || !rd.HasUnit("29905") {
		t.Error("HasUnit misses a seeded unit")
	}
	for _, code := range []string{"", "2826", "282610", "99999", " 28261"} {
		if rd.HasUnit(code) {
			t.Errorf("HasUnit(%q) = true", code)
		}
	}
	if _, ok := rd.Unit("99999"); ok {
		t.Error("Unit(99999) found")
	}
	if !rd.HasSector("thuong_mai_dien_tu") || rd.HasSector("") || rd.HasSector("khong_co") {
		t.Error("HasSector wrong")
	}
	if got := rd.SectorLabel("thuong_mai_dien_tu"); got != "Thương mại điện tử, mua sắm trực tuyến, mạng xã hội" {
		t.Errorf("SectorLabel = %q", got)
	}
	if got := rd.SectorLabel("khong_co"); got != "khong_co" {
		t.Errorf("SectorLabel(unknown) = %q, want the code", got)
	}
	if !rd.HasIssueType("thong_tin_ca_nhan") || rd.HasIssueType("khong_co") {
		t.Error("HasIssueType wrong")
	}
	if got := rd.IssueTypeLabel("khong_co"); got != "khong_co" {
		t.Errorf("IssueTypeLabel(unknown) = %q", got)
	}
	if cl := rd.SectorCodes(); len(cl) != 19 || cl.Label("thuong_mai_dien_tu") != rd.SectorLabel("thuong_mai_dien_tu") {
		t.Errorf("SectorCodes = %v", cl)
	}
	if cl := rd.IssueTypeCodes(); len(cl) != 11 || cl[0].Code != "thong_tin_ca_nhan" {
		t.Errorf("IssueTypeCodes = %v", cl)
	}

	// A RefData built by hand works too, and so does the zero value.
	lit := &app.RefData{Units: []app.AdminUnit{{Code: "12345", Name: "Xã Thử"}}}
	if !lit.HasUnit("12345") || lit.HasSector("x") || lit.SectorLabel("x") != "x" {
		t.Error("literal RefData lookups wrong")
	}
	if (&app.RefData{}).HasUnit("28261") {
		t.Error("zero RefData has a unit")
	}
}

// TestCaseValidateWithRefs: the seeds plug into Case.Validate as its Refs.
func TestCaseValidateWithRefs(t *testing.T) {
	rd := load(t)
	c := app.Case{RecordHead: app.RecordHead{UnitCode: "99999"}, Sector: "khong_co"}
	err := c.Validate(rd, c.ReceivedAt)
	var ae *app.Error
	if !errors.As(err, &ae) || ae.Fields["unit_code"] == "" || ae.Fields["sector"] == "" {
		t.Fatalf("Validate = %v, want unit_code and sector errors", err)
	}
	c.UnitCode, c.Sector = "28261", "thuong_mai_dien_tu"
	err = c.Validate(rd, c.ReceivedAt)
	if !errors.As(err, &ae) || ae.Fields["unit_code"] != "" || ae.Fields["sector"] != "" {
		t.Fatalf("Validate = %v, want no unit_code or sector error", err)
	}
}

func TestConcurrentLookups(t *testing.T) {
	rd := load(t)
	done := make(chan bool)
	for range 8 {
		go func() {
			done <- rd.HasUnit("28261") && rd.HasSector("thuong_mai_dien_tu") && rd.HasIssueType("thong_tin_ca_nhan")
		}()
	}
	for range 8 {
		if !<-done {
			t.Error("lookup failed")
		}
	}
}

func TestLoadIsFresh(t *testing.T) {
	a, b := load(t), load(t)
	a.Units[0].Name = "changed"
	if b.Units[0].Name == "changed" {
		t.Error("Load returns shared data")
	}
}

// seedFS returns the embedded files as a MapFS, with file name's JSON
// changed by edit (when name is not "").
func seedFS(t *testing.T, name string, edit func(doc map[string]any)) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	for _, f := range []string{communesFile, agenciesFile, categoriesFile, planTasksFile, planTargetsFile, holidaysFile, slaRulesFile} {
		b, err := fs.ReadFile(files, "data/"+f)
		if err != nil {
			t.Fatal(err)
		}
		if f == name && edit != nil {
			var doc map[string]any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			edit(doc)
			if b, err = json.Marshal(doc); err != nil {
				t.Fatal(err)
			}
		}
		m[f] = &fstest.MapFile{Data: b}
	}
	return m
}

// item returns doc[list][i] as an object.
func item(doc map[string]any, list string, i int) map[string]any {
	return doc[list].([]any)[i].(map[string]any)
}

func TestParseUnchangedCopy(t *testing.T) {
	rd, err := parse(seedFS(t, "", nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(rd.Units) != 102 {
		t.Errorf("units = %d", len(rd.Units))
	}
}

func TestParseRejectsBadData(t *testing.T) {
	tests := []struct {
		name string
		file string
		edit func(doc map[string]any)
		want []string // substrings of the error
	}{
		{"duplicate commune code", communesFile, func(d map[string]any) {
			item(d, "units", 1)["code"] = "28261"
		}, []string{"communes.json", `units[1] "28261"`, "duplicate code"}},
		{"4-digit commune code", communesFile, func(d map[string]any) {
			item(d, "units", 0)["code"] = "2826"
		}, []string{"communes.json", `units[0] "2826"`, "5 digits"}},
		{"numeric commune code", communesFile, func(d map[string]any) {
			item(d, "units", 0)["code"] = 28261
		}, []string{"communes.json", "string"}},
		{"bad unit type", communesFile, func(d map[string]any) {
			item(d, "units", 3)["type"] = "tinh"
		}, []string{"communes.json", "units[3]", `type "tinh"`}},
		{"missing unit name", communesFile, func(d map[string]any) {
			delete(item(d, "units", 5), "name")
		}, []string{"communes.json", "units[5]", "name is empty"}},
		{"name and type disagree", communesFile, func(d map[string]any) {
			item(d, "units", 0)["type"] = "xa"
		}, []string{"communes.json", `units[0] "28261"`, "short_name"}},
		{"unit count off", communesFile, func(d map[string]any) {
			d["units"] = d["units"].([]any)[1:]
		}, []string{"communes.json", "counts", "declares 102"}},
		{"bad merge type", communesFile, func(d map[string]any) {
			f := item(d, "units", 0)["formed_from_derived"].([]any)[1].(map[string]any)
			f["merge_type"] = "some"
		}, []string{"communes.json", `units[0] "28261" formed_from_derived[1]`, "merge_type"}},
		{"duplicate agency", agenciesFile, func(d map[string]any) {
			item(d, "agencies", 1)["id"] = "sct"
		}, []string{"agencies.json", `agencies[1] "sct"`, "duplicate id"}},
		{"agency without Vietnamese name", agenciesFile, func(d map[string]any) {
			item(d, "agencies", 2)["name_vi"] = "  "
		}, []string{"agencies.json", "agencies[2]", "name_vi is empty"}},
		{"agency roles disagree with tasks", agenciesFile, func(d map[string]any) {
			item(d, "agencies", 0)["lead_of"] = []any{"I.1"}
		}, []string{"agencies.json", `agencies[0] "sct"`, "lead_of"}},
		{"sector without label", categoriesFile, func(d map[string]any) {
			item(d, "sectors", 4)["label_vi"] = ""
		}, []string{"categories.json", "sectors[4]", "label_vi is empty"}},
		{"duplicate issue type", categoriesFile, func(d map[string]any) {
			item(d, "issue_types", 2)["code"] = item(d, "issue_types", 0)["code"]
		}, []string{"categories.json", `issue_types[2] "thong_tin_ca_nhan"`, "duplicate code"}},
		{"unknown lead agency", planTasksFile, func(d map[string]any) {
			item(d, "tasks", 0)["lead_ids"] = []any{"khong_co"}
		}, []string{"plan_tasks.json", `tasks[0] "I.1"`, `"khong_co"`}},
		{"unknown partner agency", planTasksFile, func(d map[string]any) {
			item(d, "tasks", 2)["partner_ids"] = []any{"sct", "xyz"}
		}, []string{"plan_tasks.json", `tasks[2] "II.1"`, "partner_ids", `"xyz"`}},
		{"duplicate task", planTasksFile, func(d map[string]any) {
			item(d, "tasks", 1)["id"] = "I.1"
		}, []string{"plan_tasks.json", `tasks[1] "I.1"`, "duplicate id"}},
		{"task in wrong section", planTasksFile, func(d map[string]any) {
			item(d, "tasks", 0)["section"] = "II"
		}, []string{"plan_tasks.json", `tasks[0] "I.1"`, "section"}},
		{"unknown period kind", planTasksFile, func(d map[string]any) {
			item(d, "tasks", 0)["period"] = map[string]any{"kind": "quarter", "start_year": 2026, "end_year": 2026}
		}, []string{"plan_tasks.json", `tasks[0] "I.1"`, `"quarter"`}},
		{"period without years", planTasksFile, func(d map[string]any) {
			item(d, "tasks", 0)["period"] = map[string]any{"kind": "range"}
		}, []string{"plan_tasks.json", `tasks[0] "I.1"`, "start_year"}},
		{"reversed period", planTasksFile, func(d map[string]any) {
			item(d, "tasks", 0)["period"] = map[string]any{"kind": "range", "start_year": 2030, "end_year": 2026}
		}, []string{"plan_tasks.json", `tasks[0] "I.1"`, "after end_year"}},
		{"duplicate target", planTargetsFile, func(d map[string]any) {
			item(d, "targets", 1)["id"] = "T1"
		}, []string{"plan_targets.json", `targets[1] "T1"`, "duplicate id"}},
		{"target without value", planTargetsFile, func(d map[string]any) {
			delete(item(d, "targets", 3)["target"].(map[string]any), "value")
		}, []string{"plan_targets.json", `targets[3] "T4"`, "target.value is missing"}},
		{"unknown target kind", planTargetsFile, func(d map[string]any) {
			item(d, "targets", 0)["target"].(map[string]any)["kind"] = "ratio"
		}, []string{"plan_targets.json", `targets[0] "T1"`, `"ratio"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(seedFS(t, tt.file, tt.edit))
			if err == nil {
				t.Fatal("parse succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestParseReportsAllProblems(t *testing.T) {
	_, err := parse(seedFS(t, communesFile, func(d map[string]any) {
		item(d, "units", 0)["code"] = "1"
		item(d, "units", 7)["type"] = "tinh"
	}))
	if err == nil || !strings.Contains(err.Error(), "units[0]") || !strings.Contains(err.Error(), "units[7]") {
		t.Fatalf("error = %v, want both units[0] and units[7]", err)
	}
}

func TestParseBrokenFiles(t *testing.T) {
	m := seedFS(t, "", nil)
	delete(m, planTargetsFile)
	if _, err := parse(m); err == nil || !strings.Contains(err.Error(), planTargetsFile) {
		t.Errorf("missing file: error = %v", err)
	}
	m = seedFS(t, "", nil)
	m[categoriesFile] = &fstest.MapFile{Data: []byte(`{"sectors": [`)}
	if _, err := parse(m); err == nil || !strings.Contains(err.Error(), categoriesFile) {
		t.Errorf("truncated file: error = %v", err)
	}
	m = seedFS(t, "", nil)
	m[agenciesFile] = &fstest.MapFile{Data: []byte(`{"note": "no list"}`)}
	if _, err := parse(m); err == nil || !strings.Contains(err.Error(), "agencies.json: agencies: no agencies") {
		t.Errorf("empty list: error = %v", err)
	}
	m = seedFS(t, "", nil)
	m[communesFile] = &fstest.MapFile{Data: append([]byte("\ufeff"), m[communesFile].Data...)}
	if _, err := parse(m); err == nil || !strings.Contains(err.Error(), communesFile) {
		t.Errorf("BOM: error = %v", err)
	}
}

// TestParseNormalisesText: decomposed input (as some editors save it) comes
// out in NFC.
func TestParseNormalisesText(t *testing.T) {
	decomposed := "Phu\u031bo\u031b\u0300ng My\u0303 Tho" // "Phường Mỹ Tho" in NFD
	rd, err := parse(seedFS(t, communesFile, func(d map[string]any) {
		item(d, "units", 0)["name"] = decomposed
		item(d, "units", 0)["short_name"] = " My\u0303  Tho "
	}))
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := rd.Unit("28261"); u.Name != "Phường Mỹ Tho" || u.ShortName != "Mỹ Tho" {
		t.Errorf("unit = %q / %q, want NFC", u.Name, u.ShortName)
	}
}

func TestVersion(t *testing.T) {
	if Version < 1 {
		t.Errorf("Version = %d", Version)
	}
}

// The seeded calendar: statutory clocks of docs/domain.md §1.5 across Tết,
// 30/4–1/5, 2/9 and 24/11, and the make-up Saturdays of 2026. Each row
// names the clock's article and, in its comment, the day off or working
// Saturday that decides it and the document that fixes that day.
func TestHolidays_StatutoryClocks(t *testing.T) {
	rd := load(t)
	cal, err := rd.Calendar()
	if err != nil {
		t.Fatal(err)
	}
	for y := 2026; y <= 2030; y++ {
		if !cal.Covers(y) {
			t.Errorf("no holidays for %d", y)
		}
	}
	at := func(s string) time.Time {
		d, err := time.ParseInLocation("2006-01-02 15:04", s, app.ICT)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		name, basis, received string
		days                  int
		want                  string
	}{
		// Công văn 12729/VPCP-KGVX, 25/12/2025: Thursday 1/1 (Bộ luật Lao
		// động 2019 Đ.112 k.1 a) and Friday 2/1 off (swapped for Saturday
		// 10/1): from Wednesday 31/12/2025 the days are 5, 6, 7/1.
		{"BusinessAcknowledgesOverNewYear2026", "Luật 19/2023 Đ.31 k.2 (3 ngày làm việc)", "2025-12-31 09:00", 3, "2026-01-07"},
		// The same letter: Saturday 10/1/2026 is a working day, so two
		// working days from Thursday 8/1 are Friday 9/1 and Saturday 10/1.
		{"MakeUpSaturday10Jan2026Counts", "Công văn 12729/VPCP-KGVX (làm bù thứ Bảy 10/01/2026)", "2026-01-08 10:00", 2, "2026-01-10"},
		// Công văn 9859/VPCP-KGVX, 13/10/2025 (Thông báo 9441/TB-BNV): Tết
		// off 14–22/2/2026, the five days of Đ.112 k.1 b on 16–20/2. From
		// Thursday 12/2: Friday 13/2, then 23 and 24/2.
		{"BusinessAcknowledgesOverTet2026", "Luật 19/2023 Đ.31 k.2 (3 ngày làm việc)", "2026-02-12 09:00", 3, "2026-02-24"},
		{"RefusalOverTet2026", "Luật 19/2023 Đ.57 k.6 (7 ngày làm việc)", "2026-02-13 16:00", 7, "2026-03-03"},
		// Giỗ Tổ 10/3 Bính Ngọ is Sunday 26/4/2026 (Đ.112 k.1 e), made up
		// on Monday 27/4 (Đ.111 k.3); 30/4 and 1/5 follow: from Friday
		// 24/4 the days are 28/4, 29/4 and Monday 4/5.
		{"BusinessAcknowledgesOverHungKings2026", "Luật 19/2023 Đ.31 k.2 (3 ngày làm việc)", "2026-04-24 15:00", 3, "2026-05-04"},
		// 30/4 and 1/5/2026 (Đ.112 k.1 c, d), Thursday and Friday; no swap
		// (Công văn 3383/BNV-CVL).
		{"BusinessAcknowledgesOver30Apr2026", "Luật 19/2023 Đ.31 k.2 (3 ngày làm việc)", "2026-04-29 10:00", 3, "2026-05-06"},
		// Công văn 9859/VPCP-KGVX: Saturday 22/8/2026 is worked in exchange
		// for Monday 31/8, so three working days from Thursday 20/8 are
		// Friday 21, Saturday 22 and Monday 24/8.
		{"MakeUpSaturday22Aug2026Counts", "Luật 19/2023 Đ.31 k.2 (3 ngày làm việc)", "2026-08-20 09:00", 3, "2026-08-24"},
		// The same letter: off 29/8–2/9/2026, i.e. Monday 31/8 (swapped),
		// Tuesday 1/9 (the adjacent day of Đ.112 k.1 đ) and Wednesday 2/9.
		// From Thursday 27/8: Friday 28/8, then 3 and 4/9.
		{"BusinessAcknowledgesOver2Sep2026", "Luật 19/2023 Đ.31 k.2 (3 ngày làm việc)", "2026-08-27 09:00", 3, "2026-09-04"},
		// Received on Tuesday 1/9/2026, a holiday: 2/9 is off too, and the
		// five days are 3, 4, 7, 8, 9/9. (The derived calendar had 2–3/9
		// off and gave 10/9; with the official days 3/9 is a working day.)
		{"BusinessReportsResultOver2Sep2026", "Luật 19/2023 Đ.57 k.5 (5 ngày làm việc)", "2026-09-01 14:00", 5, "2026-09-09"},
		// Nghị quyết 28/2026/QH16 Đ.2: Tuesday 24/11/2026, Ngày Văn hóa
		// Việt Nam, is a day off.
		{"BusinessAcknowledgesOverCultureDay2026", "Luật 19/2023 Đ.31 k.2 (3 ngày làm việc)", "2026-11-23 10:00", 3, "2026-11-27"},
		{"OffPremisesNoticeOverNewYear2028", "NĐ 55/2024 Đ.26 k.3 (3 ngày làm việc)", "2027-12-30 08:00", 3, "2028-01-05"},
		{"ForwardNegotiationRequestBeforeTet2027", "Luật 19/2023 Đ.57 k.4 (7 ngày làm việc)", "2027-02-04 09:00", 7, "2027-02-22"},
		{"BusinessStartsNegotiationOverTet2027", "Luật 19/2023 Đ.57 k.2 (7 ngày làm việc)", "2027-02-03 15:00", 7, "2027-02-19"},
		{"BusinessNegotiatesForwardedRequestOver30Apr2027", "Luật 19/2023 Đ.57 k.5 (7 ngày làm việc)", "2027-04-28 09:00", 7, "2027-05-11"},
		{"CoolingOffOver2Sep2027", "Luật 19/2023 Đ.47 k.1 g (3 ngày làm việc)", "2027-09-01 10:00", 3, "2027-09-08"},
		{"RecallNoticeGroupAOverHungKings2027", "NĐ 55/2024 Đ.18 (3 ngày làm việc)", "2027-04-15 10:00", 3, "2027-04-21"},
		{"PublicInterestLawsuitNoticeOverTet2028", "Luật 19/2023 Đ.72 (7 ngày làm việc)", "2028-01-24 10:00", 7, "2028-02-09"},
		// Tết Canh Tuất is Saturday 2/2/2030 at UTC+7 (Đ.112 k.1 b, derived:
		// the last day of the old year, Friday 1/2, to mùng 4, Tuesday 5/2,
		// and 6–7/2 in lieu of the weekend, Đ.111 k.3). From Tuesday 29/1
		// the days are 30/1, 31/1 and Friday 8/2; with Tết on 3/2 (the
		// Chinese date, as seeded before) the third was Friday 1/2.
		{"BusinessAcknowledgesBeforeTet2030", "Luật 19/2023 Đ.31 k.2 (3 ngày làm việc)", "2030-01-29 09:00", 3, "2030-02-08"},
		// From Wednesday 6/2/2030, a day in lieu: 8, 11 and 12/2 (13/2
		// with the old days).
		{"BusinessAcknowledgesDuringTet2030", "Luật 19/2023 Đ.31 k.2 (3 ngày làm việc)", "2030-02-06 09:00", 3, "2030-02-12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := cal.AddWorkingDays(at(tc.received), tc.days).Format("2006-01-02")
			if got != tc.want {
				t.Fatalf("%s: received %s → due %s, want %s", tc.basis, tc.received, got, tc.want)
			}
		})
	}
}

// The seeded time limits on a case's timeline: the next deadline, and
// overdue after it.
func TestSlaRules_Deadlines(t *testing.T) {
	rd := load(t)
	cal, err := rd.Calendar()
	if err != nil {
		t.Fatal(err)
	}
	if len(rd.SlaRules) < 5 {
		t.Fatalf("%d rules", len(rd.SlaRules))
	}
	at := func(s string) time.Time {
		d, err := time.ParseInLocation("2006-01-02 15:04", s, app.ICT)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	codes := func(ds []app.Deadline) string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Rule.Code+"@"+d.Due.Format("02/01")+map[bool]string{true: "!", false: ""}[d.Overdue])
		}
		return strings.Join(out, " ")
	}
	c := &app.Case{Kind: "yeu_cau_ho_tro_thuong_luong", Status: app.StatusReceived, ReceivedAt: at("2027-02-04 09:00")}
	// Just received, the working day before Tết 2027: acknowledge in 3 and
	// forward in 7 working days, both after the holiday.
	if got := codes(app.Deadlines(c, nil, rd.SlaRules, cal, at("2027-02-05 10:00"))); got != "intake_ack@16/02 forward_request@22/02" {
		t.Fatalf("at intake: %s", got)
	}
	// Acknowledged and accepted; the overall limit runs from the acceptance.
	evs := []app.CaseEvent{
		{Kind: app.EventAcknowledged, At: at("2027-02-12 08:00")},
		{Kind: app.EventAccepted, At: at("2027-02-12 09:00")},
	}
	c.Status = app.StatusAccepted
	if got := codes(app.Deadlines(c, evs, rd.SlaRules, cal, at("2027-02-15 10:00"))); got != "forward_request@22/02 resolve_overall@05/03" {
		t.Fatalf("after acceptance: %s", got)
	}
	// Not forwarded in time: overdue the day after.
	if got := codes(app.Deadlines(c, evs, rd.SlaRules, cal, at("2027-02-23 08:00"))); got != "forward_request@22/02! resolve_overall@05/03" {
		t.Fatalf("late: %s", got)
	}
	// Forwarded: that limit stops; a closed case has none.
	evs = append(evs, app.CaseEvent{Kind: app.EventReferred, At: at("2027-02-23 09:00")})
	if got := codes(app.Deadlines(c, evs, rd.SlaRules, cal, at("2027-02-23 10:00"))); got != "resolve_overall@05/03" {
		t.Fatalf("after referral: %s", got)
	}
	c.Status = app.StatusClosed
	if got := app.Deadlines(c, evs, rd.SlaRules, cal, at("2027-02-23 10:00")); len(got) != 0 {
		t.Fatalf("closed case has deadlines %v", got)
	}
	// Accepted through "documents received", or reopened: the overall
	// limit runs from that step.
	d := &app.Case{Kind: "khieu_nai", Status: app.StatusAccepted, ReceivedAt: at("2027-03-01 09:00")}
	devs := []app.CaseEvent{
		{Kind: app.EventAcknowledged, At: at("2027-03-01 10:00"), FromStatus: app.StatusReceived, ToStatus: app.StatusReceived},
		{Kind: app.EventDocsRequested, At: at("2027-03-01 11:00"), FromStatus: app.StatusReceived, ToStatus: app.StatusNeedsDocs},
		{Kind: app.EventDocsReceived, At: at("2027-03-04 09:00"), FromStatus: app.StatusNeedsDocs, ToStatus: app.StatusAccepted},
	}
	if got := codes(app.Deadlines(d, devs, rd.SlaRules, cal, at("2027-03-05 09:00"))); got != "resolve_overall@25/03" {
		t.Fatalf("accepted through documents: %s", got)
	}
	d.Status = app.StatusInProgress
	devs = append(devs,
		app.CaseEvent{Kind: app.EventResolved, At: at("2027-03-10 09:00"), FromStatus: app.StatusAccepted, ToStatus: app.StatusResolved},
		app.CaseEvent{Kind: app.EventReopened, At: at("2027-03-15 09:00"), FromStatus: app.StatusResolved, ToStatus: app.StatusInProgress})
	if got := codes(app.Deadlines(d, devs, rd.SlaRules, cal, at("2027-03-16 09:00"))); got != "resolve_overall@05/04" {
		t.Fatalf("reopened: %s", got)
	}
	// A vulnerable consumer's request comes first (Luật 19/2023 Điều 8
	// khoản 2): the commune's own limits halved, rounded up (a local
	// policy) and marked as priority — the commune's only: the support
	// body's 7 days (Điều 57 khoản 4, Sở Công Thương since NĐ 146/2025)
	// stay 7 (issue 18 item 3).
	v := &app.Case{Kind: "yeu_cau_ho_tro_thuong_luong", Status: app.StatusReceived, ReceivedAt: at("2027-02-04 09:00"),
		VulnerableGroups: []string{app.GroupElderly}}
	ds := app.Deadlines(v, nil, rd.SlaRules, cal, at("2027-02-05 10:00"))
	if got := codes(ds); got != "intake_ack@15/02 forward_request@22/02" {
		t.Fatalf("vulnerable at intake: %s", got)
	}
	for _, d := range ds {
		if d.Priority != d.Rule.Own() {
			t.Errorf("%s (binds %q): priority %v", d.Rule.Code, d.Rule.Binds, d.Priority)
		}
	}
}

// Who each clock binds (issue 18 item 3): the vulnerable-consumer
// shortening touches the commune's clocks only — not the consumer's time
// to supply documents (Luật 19/2023 Điều 8 khoản 2 asks agencies to help
// these consumers) nor a business's statutory days (Điều 57 khoản 2, 5,
// 6); the business's written result is due 05 working days after the
// negotiation ends (Điều 57 khoản 5); a mediation agreement's performance
// deadline is the parties' (Điều 65 khoản 2 điểm g); no rule cites Điều 11
// khoản 3 for a time limit, and none cites the repealed NĐ 99/2011 as its
// basis without saying the rule is a local choice.
func TestSlaRules_WhoEachClockBinds(t *testing.T) {
	rd := load(t)
	cal, err := rd.Calendar()
	if err != nil {
		t.Fatal(err)
	}
	codes := func(ds []app.Deadline) string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Rule.Code+"@"+d.Due.Format("02/01")+map[bool]string{true: "!", false: ""}[d.Overdue])
		}
		return strings.Join(out, " ")
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, app.ICT)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	want := map[string]string{"intake_ack": app.BindsCommune, "forward_request": app.BindsSupportBody,
		"supplement": app.BindsConsumer, "business_negotiation": app.BindsBusiness,
		"business_report": app.BindsBusiness, "resolve_overall": app.BindsCommune}
	for _, r := range rd.SlaRules {
		if w, ok := want[r.Code]; !ok || r.Binds != w {
			t.Errorf("%s binds %q, want %q", r.Code, r.Binds, w)
		}
		if r.Own() != (r.PriorityDays > 0) {
			t.Errorf("%s: own %v, priority days %d", r.Code, r.Own(), r.PriorityDays)
		}
		if strings.Contains(r.Basis, "Điều 11 khoản 3") {
			t.Errorf("%s cites Điều 11 khoản 3, which sets no time limit: %s", r.Code, r.Basis)
		}
		if strings.Contains(r.Basis, "99/2011") && !strings.Contains(r.Basis, "Lựa chọn của địa phương") {
			t.Errorf("%s rests on the repealed NĐ 99/2011 without saying it is a local choice: %s", r.Code, r.Basis)
		}
		if !r.Own() && !strings.Contains(r.Basis, "Điều") {
			t.Errorf("%s binds %s but cites no article: %s", r.Code, r.Binds, r.Basis)
		}
	}
	elderly := []string{app.GroupElderly}
	// Documents requested from an elderly consumer on Mon 01/03/2027: 5
	// working days (Mon 08/03), not 3.
	c := &app.Case{Kind: "khieu_nai", Status: app.StatusNeedsDocs, ReceivedAt: at("2027-03-01 08:00"), VulnerableGroups: elderly}
	evs := []app.CaseEvent{{Kind: app.EventDocsRequested, At: at("2027-03-01 09:00"), FromStatus: app.StatusReceived, ToStatus: app.StatusNeedsDocs}}
	ds := app.Deadlines(c, evs, rd.SlaRules, cal, at("2027-03-02 09:00"))
	if got := codes(ds); got != "supplement@08/03" || ds[0].Priority {
		t.Fatalf("an elderly consumer's documents: %s (priority %v)", got, ds[0].Priority)
	}
	// A negotiation-support request: the business contacted on Mon
	// 01/03/2027 has 7 working days (Wed 10/03), vulnerable or not; the
	// negotiation ended on Mon 15/03: the written result is due Mon 22/03;
	// it arrives, and the clock stops.
	c = &app.Case{Kind: "yeu_cau_ho_tro_thuong_luong", Status: app.StatusAwaitBusiness, ReceivedAt: at("2027-02-26 08:00"), VulnerableGroups: elderly}
	evs = []app.CaseEvent{
		{Kind: app.EventAcknowledged, At: at("2027-02-26 09:00")},
		{Kind: app.EventAccepted, At: at("2027-02-26 10:00"), FromStatus: app.StatusReceived, ToStatus: app.StatusAccepted},
		{Kind: app.EventBusinessContacted, At: at("2027-03-01 09:00"), FromStatus: app.StatusAccepted, ToStatus: app.StatusAwaitBusiness},
	}
	if got := codes(app.Deadlines(c, evs, rd.SlaRules, cal, at("2027-03-02 09:00"))); !strings.Contains(got, "business_negotiation@10/03") {
		t.Fatalf("the business's 7 days for an elderly consumer: %s", got)
	}
	evs = append(evs,
		app.CaseEvent{Kind: app.EventNegotiationStart, At: at("2027-03-08 09:00"), FromStatus: app.StatusAwaitBusiness, ToStatus: app.StatusNegotiating},
		app.CaseEvent{Kind: app.EventNegotiationResult, At: at("2027-03-15 09:00"), FromStatus: app.StatusNegotiating, ToStatus: app.StatusInProgress})
	c.Status = app.StatusInProgress
	if got := codes(app.Deadlines(c, evs, rd.SlaRules, cal, at("2027-03-16 09:00"))); !strings.Contains(got, "business_report@22/03") {
		t.Fatalf("the written result: %s", got)
	}
	evs = append(evs, app.CaseEvent{Kind: app.EventBusinessReport, At: at("2027-03-19 09:00")})
	if got := codes(app.Deadlines(c, evs, rd.SlaRules, cal, at("2027-03-19 10:00"))); strings.Contains(got, "business_report") {
		t.Fatalf("the written result arrived, its clock still runs: %s", got)
	}
	// A successful mediation's agreement to perform by 30/04/2027: a
	// clock of the parties, overdue from 01/05, stopped by the resolution.
	m := &app.Case{Kind: "khieu_nai", Status: app.StatusInProgress, ReceivedAt: at("2027-03-01 08:00")}
	mevs := []app.CaseEvent{
		{Kind: app.EventAccepted, At: at("2027-03-01 09:00"), FromStatus: app.StatusReceived, ToStatus: app.StatusAccepted},
		{Kind: app.EventMediationStart, At: at("2027-03-10 09:00"), FromStatus: app.StatusAccepted, ToStatus: app.StatusMediating},
		{Kind: app.EventMediationResult, At: at("2027-03-20 09:00"), FromStatus: app.StatusMediating, ToStatus: app.StatusInProgress,
			Agreed: true, PerformanceDeadline: "2027-04-30"},
	}
	ds = app.Deadlines(m, mevs, nil, cal, at("2027-05-03 09:00"))
	if got := codes(ds); got != "mediation_performance@30/04!" || ds[0].Rule.Own() {
		t.Fatalf("the mediation agreement: %s", got)
	}
	mevs = append(mevs, app.CaseEvent{Kind: app.EventResolved, At: at("2027-05-04 09:00")})
	m.Status = app.StatusResolved
	if got := codes(app.Deadlines(m, mevs, nil, cal, at("2027-05-04 10:00"))); got != "" {
		t.Fatalf("resolved, the agreement's clock still runs: %s", got)
	}
}

// TestTargets_AgreeWithTheirDefinitions: the seeded targets are those the
// app defines (app.TargetDefinitions, issue 18 item 5), with the same
// horizon; T7 is judged cumulatively to 2030.
func TestTargets_AgreeWithTheirDefinitions(t *testing.T) {
	rd := load(t)
	if len(rd.Targets) != len(app.TargetDefinitions) {
		t.Fatalf("%d seeded targets, %d definitions", len(rd.Targets), len(app.TargetDefinitions))
	}
	for i, tg := range rd.Targets {
		def := app.TargetDefinitions[i]
		if tg.ID != def.ID || tg.Horizon != def.Horizon {
			t.Errorf("seeded %s horizon %q; defined %s horizon %q", tg.ID, tg.Horizon, def.ID, def.Horizon)
		}
		if def.Cumulative != (tg.Frequency == "cumulative") {
			t.Errorf("%s: frequency %q, cumulative %v", tg.ID, tg.Frequency, def.Cumulative)
		}
	}
}

// TestTaskIV4_WardsOnly: Kế hoạch 395, Phụ lục, task IV.4 names "Các sở,
// ngành; UBND phường" as partners: the wards, not the communes (xã).
func TestTaskIV4_WardsOnly(t *testing.T) {
	rd := load(t)
	for _, task := range rd.Tasks {
		if task.ID != "IV.4" {
			continue
		}
		if !slices.Equal(task.PartnerIDs, []string{"so_nganh", "ubnd_phuong"}) {
			t.Errorf("IV.4 partners %v, want so_nganh and ubnd_phuong", task.PartnerIDs)
		}
		ag, ok := rd.Agency("ubnd_phuong")
		if !ok || ag.NameVI != "Ủy ban nhân dân các phường" || strings.Contains(ag.NameVI, "xã") {
			t.Errorf("ubnd_phuong %+v", ag)
		}
		return
	}
	t.Fatal("no task IV.4")
}

// The old districts come from the resolution's brackets: Phường Mỹ Tho's
// clause names "thành phố Mỹ Tho".
func TestFormerDistricts(t *testing.T) {
	d, err := FormerDistricts()
	if err != nil {
		t.Fatal(err)
	}
	if got := d["28261"]; len(got) != 1 || got[0] != "thành phố Mỹ Tho" {
		t.Fatalf("Phường Mỹ Tho: %q", got)
	}
	if len(d) < 30 || len(d) > 102 {
		t.Fatalf("%d units with a district", len(d))
	}
}
