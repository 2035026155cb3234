package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage"
)

// registerImport imports the register file into the store in dir through
// the desktop app's import service (the columns it proposes, untouched)
// and returns what the check and the import said.
func registerImport(t *testing.T, dir, file string) (app.ImportCheck, app.ImportOutcome) {
	t.Helper()
	ctx := context.Background()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	db, refs, err := OpenStore(ctx, dir, testNow(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := ImportService{DB: db, Refs: refs}
	p, err := svc.ProposeImport(ctx, app.ImportRegister, data, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	q := app.ImportRequest{Kind: app.ImportRegister, Data: data, Sheet: p.Sheet, Mapping: p.Mapping}
	check, err := svc.CheckImport(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(check.Missing) > 0 {
		t.Fatalf("the register's own columns are not all found: Chưa chọn cột cho: %s", strings.Join(check.Missing, ", "))
	}
	out, err := svc.ApplyImport(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	return check, out
}

// registerFields is what the register prints of a case, as the import
// reads it back: the day received (not the hour), channel, kind, the
// consumer, the business, sector, facts and status.
func registerFields(c app.Case) string {
	return strings.Join([]string{c.ReceivedAt.In(app.ICT).Format("02/01/2006"), c.Channel, c.Kind, c.ConsumerName,
		c.ConsumerPhone, c.ConsumerAddress, c.BusinessName, c.Sector, c.Summary, c.Status}, "|")
}

// The app imports its own register: every case comes back with what the
// register prints, in a fresh store and, without duplicates, in the same
// store; a masked register never writes masked texts into a case.
func TestRegister_ExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if _, _, err := run(t, "demo", "--no-files", "--data", dir, "--commune", "28261", "--complaints", "40", "--seed", "7"); err != nil {
		t.Fatal(err)
	}
	today := clockOf(t).Peek().In(app.ICT).Format("02/01/2006")
	out := filepath.Join(t.TempDir(), "so-theo-doi.xlsx")
	masked := filepath.Join(t.TempDir(), "so-theo-doi-che.xlsx")
	for _, f := range []struct {
		path string
		mask bool
	}{{out, false}, {masked, true}} {
		args := []string{"export", "--data", dir, "--report", "register", "--from", "1/1/2020", "--to", today, "--out", f.path}
		if f.mask {
			args = append(args, "--mask")
		} else {
			args = append(args, "--unmask", "Chuyển dữ liệu sang máy mới của xã")
		}
		if _, _, err := run(t, args...); err != nil {
			t.Fatal(err)
		}
	}
	period := app.KPIPeriod{From: app.ReportYear(2020).From, To: app.ReportYear(2100).To}
	orig, _ := storeCases(t, dir, "28261", period)
	if len(orig) != 40 {
		t.Fatalf("%d demo cases, want 40", len(orig))
	}

	// A fresh store of the same commune: the 40 cases come back.
	fresh := t.TempDir()
	withImportStore(t, fresh, func(db *storage.DB) {
		if err := db.SetUnitCode(ctx, "28261"); err != nil {
			t.Fatal(err)
		}
	})
	check, res := registerImport(t, fresh, out)
	if check.Valid != 40 || check.Invalid != 0 || res.Added != 40 || len(res.Errors) != 0 {
		t.Fatalf("fresh store: check %d valid %d invalid, import added %d, errors %v", check.Valid, check.Invalid, res.Added, res.Errors)
	}
	back, _ := storeCases(t, fresh, "28261", period)
	if len(back) != len(orig) {
		t.Fatalf("%d cases back, want %d", len(back), len(orig))
	}
	want := map[string]int{}
	for _, c := range orig {
		want[registerFields(c)]++
	}
	for _, c := range back {
		k := registerFields(c)
		if want[k] == 0 {
			t.Fatalf("a case came back changed or twice: %s", k)
		}
		want[k]--
	}
	// Again into the same fresh store, and into the store it came from:
	// nothing is added.
	for _, d := range []string{fresh, dir} {
		check, res := registerImport(t, d, out)
		if res.Added != 0 || res.Skipped != 40 || check.Invalid != 0 {
			t.Fatalf("re-import: added %d, skipped %d, invalid %d", res.Added, res.Skipped, check.Invalid)
		}
		if n, _ := storeCases(t, d, "28261", period); len(n) != 40 {
			t.Fatalf("re-import: %d cases, want 40", len(n))
		}
	}

	// The masked register into the store it came from: every row is a
	// case on file, skipped; no name or phone is changed.
	check, res = registerImport(t, dir, masked)
	if res.Added != 0 || res.Skipped != 40 || check.Invalid != 0 || len(res.Errors) != 0 {
		t.Fatalf("masked, same store: added %d, skipped %d, invalid %d, errors %v", res.Added, res.Skipped, check.Invalid, res.Errors)
	}
	after, _ := storeCases(t, dir, "28261", period)
	for i := range after {
		if registerFields(after[i]) != registerFields(orig[i]) {
			t.Fatalf("a masked import changed a case:\n got %s\nwant %s", registerFields(after[i]), registerFields(orig[i]))
		}
	}
	// Into a store without those cases: nothing is imported, each row
	// says why.
	other := t.TempDir()
	withImportStore(t, other, func(db *storage.DB) {
		if err := db.SetUnitCode(ctx, "28261"); err != nil {
			t.Fatal(err)
		}
	})
	check, res = registerImport(t, other, masked)
	if check.Valid != 0 || check.Invalid != 40 || res.Added != 0 || res.Invalid != 40 ||
		!strings.Contains(check.Rows[0].Note, "đã che thông tin cá nhân") || !strings.Contains(res.Errors[0].Reason, "không chọn “Che thông tin cá nhân”") {
		t.Fatalf("masked, other store: check %d/%d, import added %d invalid %d, first %+v", check.Valid, check.Invalid, res.Added, res.Invalid, check.Rows[:1])
	}
	if n, _ := storeCases(t, other, "28261", period); len(n) != 0 {
		t.Fatalf("a masked register made %d cases", len(n))
	}
	// The command line says the same.
	stdout, stderr, err := run(t, "import", "--data", other, "--register", masked)
	if err != nil || !strings.HasPrefix(stdout, "Đã nhập 0 dòng, bỏ qua 40 dòng lỗi") || !strings.Contains(stderr, xlsx.MsgMaskedRow) {
		t.Fatalf("cli, masked: %q %q %v", stdout, stderr, err)
	}
}
