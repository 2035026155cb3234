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
// one commune, or on a provincial device without a commune of the whole
// province, received in the period of q (the current report year by
// default), streamed from the store.
func writeRegister(ctx context.Context, db *storage.DB, refs *app.RefData, w io.Writer, q app.ReportRequest) (reportOut, error) {
	// A register of 100,000 cases allocates gigabytes in passing but keeps
	// ~100 MB live: let the heap grow before collecting (≈8% faster),
	// within a limit well under the 300 MB budget of an old laptop.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(250 << 20))
	period, err := registerPeriod(q, db.Now())
	if err != nil {
		return reportOut{}, err
	}
	unit, err := registerUnit(ctx, db, refs, q.Commune)
	if err != nil {
		return reportOut{}, err
	}
	// The cases are read a batch at a time (storage.Register), not all
	// at once (KPIData): a register of 100,000 cases stays within a few
	// hundred megabytes. The cases of a restricted person are left out
	// unless the one who asks may see them.
	reg, err := db.Register(ctx, storage.RegisterQuery{Unit: unit, Period: period, WithRestricted: q.SeesRestricted})
	if err != nil {
		return reportOut{}, err
	}
	src := &peopleCounter{Register: reg, people: map[string]bool{}}
	n, err := xlsx.WriteRegisterStream(ctx, w, src, xlsx.RegisterOptions{Unit: unit, Period: period, Mask: !q.Unmask, Refs: refs})
	return reportOut{rows: n, people: len(src.people),
		what: "Sổ theo dõi tiếp nhận, giải quyết phản ánh, khiếu nại; " + period.Label + "; " + unitLabel(refs, unit)}, err
}

// peopleCounter is the register's cases, counting the consumers they
// name: by name without diacritics and phone digits, so that one person's
// several cases count once.
type peopleCounter struct {
	*storage.Register
	people map[string]bool
}

func (p *peopleCounter) Each(ctx context.Context, units []string, fn func(c *app.Case, evs []app.CaseEvent) error) error {
	return p.Register.Each(ctx, units, func(c *app.Case, evs []app.CaseEvent) error {
		p.people[personKey(c.ConsumerName, c.ConsumerPhone)] = true
		return fn(c, evs)
	})
}

// personKey tells people apart for a count: the name without diacritics
// and the digits of the phone.
func personKey(name, phone string) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, phone)
	return app.Fold(name) + "|" + digits
}

// registerPeriod is the period of q: report year q.Year (15/12 of the
// year before to 14/12), or the days from q.From to q.To (both included;
// without From, from the first case; without To, to today), else
// app.DefaultReportYear of now.
func registerPeriod(q app.ReportRequest, now time.Time) (app.KPIPeriod, error) {
	if q.From.IsZero() && q.To.IsZero() {
		y := q.Year
		if y == 0 {
			y = app.DefaultReportYear(now)
		}
		return app.ReportYear(y), nil
	}
	if q.Year != 0 {
		return app.KPIPeriod{}, app.Errorf(app.EINVALID, "Chọn --year hoặc --from/--to, không dùng cả hai.")
	}
	p := app.KPIPeriod{From: time.Date(2000, 1, 1, 0, 0, 0, 0, app.ICT), To: dayIn(now)}
	if !q.From.IsZero() {
		p.From = dayIn(q.From)
	}
	if !q.To.IsZero() {
		p.To = dayIn(q.To)
	}
	if p.To.Before(p.From) {
		return p, app.Errorf(app.EINVALID, "Ngày --to (%s) trước ngày --from (%s).", p.To.Format(dayVI), p.From.Format(dayVI))
	}
	if q.From.IsZero() {
		p.Label = "Đến ngày " + p.To.Format(dayVI)
	} else {
		p.Label = fmt.Sprintf("Từ ngày %s đến ngày %s", p.From.Format(dayVI), p.To.Format(dayVI))
	}
	return p, nil
}

const dayVI = "02/01/2006"

// dayIn returns midnight, in Vietnam, of t's day: the day a period starts
// or ends on.
func dayIn(t time.Time) time.Time {
	y, m, d := t.In(app.ICT).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, app.ICT)
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
