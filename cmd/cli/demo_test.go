package cli

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/seeds/demo"
	"bvntd/seeds/demo/demotest"
)

// The generator's own tests are in seeds/demo; these run `bvntd demo` as
// scripts do.

// TestDemo_Command200Cases runs `bvntd demo --complaints 200` as scripts
// do (its speed: BenchmarkDemoCommand).
func TestDemo_Command200Cases(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "200", "--seed", "5"); err != nil {
		t.Fatal(err)
	}
	db, refs, err := OpenStore(context.Background(), dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cases := demotest.LoadCases(t, db)
	if len(cases) != 200 {
		t.Fatalf("%d cases", len(cases))
	}
	demotest.CheckTimelines(t, cases, refs, db.Now())
}

// `bvntd demo` places its data relative to the program's clock
// (Main.Now), not the wall clock: run on a day far from the real one, its
// cases are received in the twelve months before that day, typed no later
// than it, and its sessions lie in the report year the demo fills then.
func TestDemo_PlacesDataRelativeToTheProgramClock(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2029, 6, 15, 10, 0, 0, 0, app.ICT)
	setClock(t, clocktest.New(at))
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "30", "--trainings", "4", "--events", "2", "--seed", "11"); err != nil {
		t.Fatal(err)
	}
	db, _, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cases := demotest.LoadCases(t, db)
	if len(cases) != 30 {
		t.Fatalf("%d cases", len(cases))
	}
	newest := time.Time{}
	for _, c := range cases {
		if c.ReceivedAt.After(at) || c.ReceivedAt.Before(at.AddDate(-1, 0, -1)) || c.CreatedAt.After(at) {
			t.Fatalf("case %s received %v, typed %v; the program's today is %v", c.Number, c.ReceivedAt, c.CreatedAt, at)
		}
		if c.ReceivedAt.After(newest) {
			newest = c.ReceivedAt
		}
	}
	if at.Sub(newest) > 30*24*time.Hour {
		t.Fatalf("newest case received %v: want some in the last month before %v", newest, at)
	}
	from, to := demo.FilledYear(at)
	y := demotest.LoadYear(t, db)
	if len(y.Sessions) != 4 {
		t.Fatalf("%d sessions", len(y.Sessions))
	}
	for _, s := range y.Sessions {
		if d := demotest.Day(s.StartDate); d.Before(from) || d.After(to) {
			t.Fatalf("session %q on %s, outside report year %v – %v", s.Title, s.StartDate, from, to)
		}
	}
}

// BenchmarkDemoCommand times `bvntd demo --complaints 200`, with its
// default year of training and outreach work (a generator gone quadratic
// shows here).
func BenchmarkDemoCommand(b *testing.B) {
	for range b.N {
		dir := b.TempDir()
		m := &Main{Stdout: io.Discard, Stderr: io.Discard, Now: testNow(b)}
		if err := m.Run(context.Background(), []string{"demo", "--data", dir, "--commune", "28261", "--complaints", "200", "--seed", "5"}); err != nil {
			b.Fatal(err)
		}
	}
}

// A session held just before Tết gets its register within the week it stays
// open (app.AttendanceLocked), not "a few working days later", which across
// Tết is past that week: the demo made on 14/12/2030 with this seed held a
// session on Friday 1/2/2030 and typed its register on 13/2, and the store
// refused it.
func TestDemo_RegisterOfASessionBeforeTet(t *testing.T) {
	setClock(t, clocktest.New(time.Date(2030, 12, 14, 9, 0, 0, 0, app.ICT)))
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "2", "--trainings", "5",
		"--seed", "11710531249845539403"); err != nil {
		t.Fatal(err)
	}
}

// TestDemoRecords_Command runs `bvntd demo` with --trainings and --events,
// again on the same store (the registries are reused, no second rally),
// and with --plain (cases only).
func TestDemoRecords_Command(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, stderr, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "2", "--trainings", "2", "--events", "3", "--seed", "4")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "2 lớp tập huấn") || !strings.Contains(stderr, "3 sự kiện") {
		t.Fatalf("stderr %q", stderr)
	}
	count := func() (demotest.Year, int) {
		db, _, err := OpenStore(ctx, dir, testNow(t))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		cases, err := db.ListCases(ctx, app.CaseQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return demotest.LoadYear(t, db), len(cases)
	}
	first, cases := count()
	if cases != 2 || len(first.Sessions) != 2 || len(first.Events) != 3 || len(first.Officers) < 5 {
		t.Fatalf("%d cases, %d sessions, %d events, %d officers", cases, len(first.Sessions), len(first.Events), len(first.Officers))
	}
	if _, _, err := run(t, "demo", "--data", dir, "--complaints", "0", "--trainings", "1", "--events", "1", "--seed", "5"); err != nil {
		t.Fatal(err)
	}
	second, _ := count()
	rallies := 0
	for _, e := range second.Events {
		if e.Type == "mit_tinh_15_3" {
			rallies++
		}
	}
	if len(second.Officers) != len(first.Officers) || len(second.Orgs) != len(first.Orgs) ||
		len(second.Sessions) != 3 || len(second.Events) != 4 || rallies > 1 {
		t.Fatalf("second run: %d officers, %d organisations, %d sessions, %d events (%d rallies)",
			len(second.Officers), len(second.Orgs), len(second.Sessions), len(second.Events), rallies)
	}

	plain := t.TempDir()
	if _, _, err := run(t, "demo", "--data", plain, "--commune", "28261", "--complaints", "3", "--plain"); err != nil {
		t.Fatal(err)
	}
	dump, _, err := run(t, "export", "--data", plain, "--report", "dump", "--out", "-")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(dump, "\n"); n != 3 || strings.Count(dump, `"type":"case"`) != 3 {
		t.Fatalf("--plain wrote %d records: %s", n, dump)
	}
	if _, _, err := run(t, "demo", "--data", plain, "--trainings", "-1"); app.ErrorCode(err) != app.EINVALID {
		t.Fatalf("--trainings -1: %v", err)
	}
}

// `bvntd demo` attaches sample evidence to some cases: photos of receipts
// drawn by the program (re-encoded like an officer's) and a business's
// letter as a PDF; the first case chosen has three files. The same seed
// draws the same photos.
func TestDemo_AttachesSampleEvidence(t *testing.T) {
	if testing.Short() {
		t.Skip("heavy and about its clock is fixed: runs in the full runs (.ci/test)")
	}
	ctx := context.Background()
	setClock(t, clocktest.New(time.Date(2026, 11, 20, 10, 0, 0, 0, app.ICT)))
	var hashes [2][]string
	for i := range hashes {
		dir := t.TempDir()
		if _, _, err := run(t, "demo", "--data", dir, "--commune", "28261", "--complaints", "20", "--trainings", "0", "--events", "0", "--seed", "7"); err != nil {
			t.Fatal(err)
		}
		db, _, err := OpenStore(ctx, dir, testNow(t))
		if err != nil {
			t.Fatal(err)
		}
		cases, err := db.ListCases(ctx, app.CaseQuery{})
		if err != nil {
			t.Fatal(err)
		}
		types := map[string]int{}
		three := false
		for _, c := range cases {
			files, err := db.Attachments(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			three = three || len(files) == 3
			for _, f := range files {
				types[f.Type]++
				if f.Type == app.TypeJPEG { // a letter names the case, whose number has the device's tag
					hashes[i] = append(hashes[i], f.SHA256)
				}
				if f.Type == app.TypeJPEG && (f.Width > 1600 || f.Height > 1600) {
					t.Errorf("%s not re-encoded: %d×%d", f.Name, f.Width, f.Height)
				}
				if _, err := db.AttachmentContent(ctx, f); err != nil {
					t.Errorf("%s: %v", f.Name, err)
				}
			}
		}
		db.Close()
		if types[app.TypeJPEG] < 3 || types[app.TypePDF] < 1 || !three {
			t.Fatalf("demo evidence: %v, a case with three files: %v", types, three)
		}
	}
	if strings.Join(hashes[0], ",") != strings.Join(hashes[1], ",") {
		t.Fatal("the same seed drew other files")
	}
}
