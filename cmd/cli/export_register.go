package cli

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage"
)

func init() {
	reportWriters["register"] = writeRegister
}

// writeRegister writes the complaint register of the store: the cases of
// one commune, or on a provincial device without --commune of the whole
// province, received in the period of o (the current report year by
// default), streamed from the store.
func writeRegister(ctx context.Context, db *storage.DB, refs *app.RefData, w io.Writer, o exportOptions) (int, error) {
	// A register of 100,000 cases allocates gigabytes in passing but keeps
	// ~100 MB live: let the heap grow before collecting (≈8% faster),
	// within a limit well under the 300 MB budget of an old laptop.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(250 << 20))
	period, err := registerPeriod(o, db.Now())
	if err != nil {
		return 0, err
	}
	unit, err := registerUnit(ctx, db, refs, o.commune)
	if err != nil {
		return 0, err
	}
	// The cases are read a batch at a time (storage.Register), not all
	// at once (KPIData): a register of 100,000 cases stays within a few
	// hundred megabytes.
	reg, err := db.Register(ctx, storage.RegisterQuery{Unit: unit, Period: period})
	if err != nil {
		return 0, err
	}
	return xlsx.WriteRegisterStream(ctx, w, reg, xlsx.RegisterOptions{Unit: unit, Period: period, Mask: o.mask, Refs: refs})
}

// registerPeriod is the period of o: report year --year (15/12 of the
// year before to 14/12), or the days from --from to --to (both included;
// without --from, from the first case; without --to, to today), else the
// report year of now.
func registerPeriod(o exportOptions, now time.Time) (app.KPIPeriod, error) {
	if o.from == "" && o.to == "" {
		y := o.year
		if y == 0 {
			y = app.ReportYearOf(now)
		}
		return app.ReportYear(y), nil
	}
	if o.year != 0 {
		return app.KPIPeriod{}, app.Errorf(app.EINVALID, "Chọn --year hoặc --from/--to, không dùng cả hai.")
	}
	n := now.In(app.ICT)
	p := app.KPIPeriod{From: time.Date(2000, 1, 1, 0, 0, 0, 0, app.ICT),
		To: time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, app.ICT)}
	var err error
	if o.from != "" {
		if p.From, err = parseRegisterDay("--from", o.from); err != nil {
			return p, err
		}
	}
	if o.to != "" {
		if p.To, err = parseRegisterDay("--to", o.to); err != nil {
			return p, err
		}
	}
	if p.To.Before(p.From) {
		return p, app.Errorf(app.EINVALID, "Ngày --to (%s) trước ngày --from (%s).", p.To.Format(dayVI), p.From.Format(dayVI))
	}
	if o.from == "" {
		p.Label = "Đến ngày " + p.To.Format(dayVI)
	} else {
		p.Label = fmt.Sprintf("Từ ngày %s đến ngày %s", p.From.Format(dayVI), p.To.Format(dayVI))
	}
	return p, nil
}

const dayVI = "02/01/2006"

// parseRegisterDay reads a day dd/mm/yyyy (or d/m/yyyy) as midnight in
// Vietnam.
func parseRegisterDay(flag, s string) (time.Time, error) {
	t, err := time.ParseInLocation("2/1/2006", strings.TrimSpace(s), app.ICT)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, app.Errorf(app.EINVALID, "%s không hợp lệ: %q (cần dd/mm/yyyy).", flag, s)
	}
	return t, nil
}

// registerUnit is the commune the register covers: --commune, else the
// device's commune, else "" (the province, on a provincial device). A
// commune's device keeps to its own commune.
func registerUnit(ctx context.Context, db *storage.DB, refs *app.RefData, commune string) (string, error) {
	own, err := db.UnitCode(ctx)
	if err != nil {
		return "", err
	}
	commune = strings.TrimSpace(commune)
	switch {
	case commune == "":
		return own, nil
	case refs != nil && !refs.HasUnit(commune):
		return "", app.Errorf(app.EINVALID, "Mã xã, phường không hợp lệ: %q.", commune)
	case own != "" && commune != own:
		return "", app.Errorf(app.EINVALID, "Máy này ghi nhận cho xã, phường %s; không xuất sổ của %s.", own, commune)
	}
	return commune, nil
}
