package cli

import (
	"bytes"
	"context"
	"reflect"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/seeds/demo"
	"bvntd/storage"
)

// kpiStore makes a provincial store of four communes whose cases were
// received over two report years and a half, ending near 15/12 (the cut of
// a report year) and 1/1: demo years of work written at three times, more
// steps on some cases afterwards, a few cases voided. It returns the store,
// its reference data and the clock (at 14/12/2026 23:00, the last hour of
// report year 2026).
func kpiStore(t testing.TB) (*storage.DB, *app.RefData, *clocktest.Clock) {
	t.Helper()
	ctx := context.Background()
	clock := clocktest.New(time.Date(2025, 6, 10, 9, 0, 0, 0, app.ICT))
	db, refs, err := OpenStore(ctx, t.TempDir(), clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	at := []time.Time{
		time.Date(2025, 6, 10, 9, 0, 0, 0, app.ICT),
		time.Date(2025, 12, 31, 16, 0, 0, 0, app.ICT),
		time.Date(2026, 12, 14, 23, 0, 0, 0, app.ICT),
	}
	units := []string{"28261", "28249", "29905", "30001"}
	for i, u := range units {
		if _, ok := refs.Unit(u); !ok {
			u = refs.Units[i*7%len(refs.Units)].Code
		}
		for j, when := range at {
			clock.Set(when)
			if err := demo.Write(ctx, db, &db.Now, refs, demo.Options{Unit: u, Seed: uint64(40 + 3*i + j),
				Complaints: 25 + 10*i, Edits: 30, Trainings: 2, Events: 2}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A few cases voided.
	d, err := db.KPIData(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(d.Cases); i += 23 {
		if err := db.VoidCase(ctx, d.Cases[i].ID, "Ghi trùng"); err != nil {
			t.Fatal(err)
		}
	}
	// Commune 28249's narrative of report year 2026 names its first cases
	// finished with an outcome as typical.
	d, err = db.KPIData(ctx, "28249")
	if err != nil {
		t.Fatal(err)
	}
	n := &app.ReportNarrative{RecordHead: app.RecordHead{UnitCode: "28249"}, Year: 2026, Difficulties: "Thiếu kinh phí."}
	for i := range d.Cases {
		if o := app.OutcomeOf(&d.Cases[i], stepsOf(d, d.Cases[i].ID)); o.Outcome != "" && len(n.TypicalCases) < app.MaxTypicalCases {
			n.TypicalCases = append(n.TypicalCases, d.Cases[i].ID)
		}
	}
	if len(n.TypicalCases) == 0 {
		t.Fatal("no case of 28249 finished with an outcome")
	}
	if err := db.SaveRecord(ctx, n); err != nil {
		t.Fatal(err)
	}
	clock.Set(at[len(at)-1])
	return db, refs, clock
}

// The indicators computed from the store's facts of each case
// (storage.KPIFacts, read a case at a time) are those computed from its
// cases and steps in memory (KPIData): for the province and for one
// commune, over report years, a calendar year and a month across 1/1, at
// "now"s on either side of 15/12 and 1/1.
func TestKPIFacts_SameIndicatorsAsKPIData(t *testing.T) {
	db, refs, _ := kpiStore(t)
	periods := []app.KPIPeriod{app.ReportYear(2025), app.ReportYear(2026), app.ReportYear(2027), app.CalendarYear(2026),
		{From: time.Date(2025, 12, 1, 0, 0, 0, 0, app.ICT), To: time.Date(2026, 1, 31, 0, 0, 0, 0, app.ICT), Label: "12/2025–1/2026"}}
	nows := []time.Time{time.Date(2026, 12, 14, 23, 0, 0, 0, app.ICT), time.Date(2026, 12, 15, 0, 30, 0, 0, app.ICT),
		time.Date(2027, 1, 1, 8, 0, 0, 0, app.ICT)}
	for _, unit := range []string{"", "28249"} {
		full, facts := bothData(t, db, unit)
		if len(facts.Cases) != 0 || len(facts.Events) != 0 || len(facts.Facts) != len(full.Cases) || len(full.Cases) < 50 {
			t.Fatalf("unit %q: %d cases and %d steps in memory, facts of %d, KPIData %d", unit,
				len(facts.Cases), len(facts.Events), len(facts.Facts), len(full.Cases))
		}
		overdue, timed, carried := 0, 0, 0
		for _, now := range nows {
			for _, p := range periods {
				a, b := *full, *facts
				a.Now, b.Now = now, now
				want := app.ComputeKPIs(&a, p, refs.Targets)
				got := app.ComputeKPIs(&b, p, refs.Targets)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("unit %q now %s %s: the facts give other indicators:\n got %+v\nwant %+v", unit, now, p.Label, got.Complaints, want.Complaints)
				}
				overdue += want.Complaints.OverdueNow.Count
				timed += want.Complaints.Late.Count + want.Complaints.OnTime.Count
				carried += want.Complaints.CarriedOver.Count
			}
		}
		if overdue == 0 || timed == 0 || carried == 0 {
			t.Errorf("unit %q: a thin store (overdue %d, timed %d, carried over %d)", unit, overdue, timed, carried)
		}
	}
}

// The annual report written from the store's facts of each case
// (storage.KPIFacts, as `export --report annual` now reads them) is the
// report written from the cases and steps in memory (KPIData), part for
// part and byte for byte: the province's (with its table per commune) and
// one commune's, for two report years and a period across 1/1.
func TestExportAnnual_FactsMatchKPIData(t *testing.T) {
	db, refs, clock := kpiStore(t)
	clock.SetStep(0)
	periods := []app.KPIPeriod{app.ReportYear(2026), app.ReportYear(2027),
		{From: time.Date(2025, 12, 1, 0, 0, 0, 0, app.ICT), To: time.Date(2026, 1, 31, 0, 0, 0, 0, app.ICT), Label: "12/2025–1/2026"}}
	for _, unit := range []string{"", "28249"} {
		full, facts := bothData(t, db, unit)
		for i, p := range periods {
			var a, b bytes.Buffer
			n1, err := annualWorkbook(&a, full, refs, unit, p, db.Now(), i == 2)
			if err != nil {
				t.Fatal(err)
			}
			n2, err := annualWorkbook(&b, facts, refs, unit, p, db.Now(), i == 2)
			if err != nil {
				t.Fatal(err)
			}
			if n1 != n2 || n1 == 0 && i != 1 {
				t.Fatalf("unit %q %s: %d records counted from KPIData, %d from the facts", unit, p.Label, n1, n2)
			}
			x, y := zipParts(t, a.Bytes()), zipParts(t, b.Bytes())
			if len(x) != len(y) {
				t.Fatalf("unit %q %s: %d parts from KPIData, %d from the facts", unit, p.Label, len(x), len(y))
			}
			if i == 0 && !bytes.Contains(x["xl/sharedStrings.xml"], []byte("; kết quả: ")) {
				t.Errorf("unit %q %s: no typical case with its outcome in the report", unit, p.Label)
			}
			for part, v := range x {
				if w, ok := y[part]; !ok || !bytes.Equal(v, w) {
					t.Errorf("unit %q %s: part %s differs (%d and %d bytes)", unit, p.Label, part, len(v), len(w))
				}
			}
		}
	}
}

// stepsOf returns the steps of case id in d.
func stepsOf(d *app.KPIData, id string) []app.CaseEvent {
	var out []app.CaseEvent
	for _, e := range d.Events {
		if e.CaseID == id {
			out = append(out, e)
		}
	}
	return out
}

// bothData loads the data of unit both ways: every case and step
// (KPIData) and each case as its facts (KPIFacts).
func bothData(t *testing.T, db *storage.DB, unit string) (full, facts *app.KPIData) {
	t.Helper()
	ctx := context.Background()
	full, err := db.KPIData(ctx, unit)
	if err != nil {
		t.Fatal(err)
	}
	if facts, err = db.KPIFacts(ctx, unit); err != nil {
		t.Fatal(err)
	}
	return full, facts
}
