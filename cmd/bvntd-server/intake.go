package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"text/tabwriter"
	"time"

	"bvntd/app"
	"bvntd/storage/serverstore"
	"bvntd/sync/intakeweb"
)

// intake prints the submissions of the online intake form (issue 21)
// received per commune and per day, in Vietnam, between --from and --to
// (`bvntd-server intake`): by commune, then by day and commune.
func (m *Main) intake(ctx context.Context) error {
	from, err := auditDay("--from", m.IntakeFrom)
	if err != nil {
		return err
	}
	to, err := auditDay("--to", m.IntakeTo)
	if err != nil {
		return err
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return app.Errorf(app.EINVALID, "--to phải sau hoặc bằng --from.")
	}
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	rows, err := m.store.IntakeCounts(ctx, day(from), day(to))
	if err != nil {
		return err
	}
	type commune struct {
		code, name string
		n          int
	}
	byUnit := map[string]*commune{}
	total := 0
	for _, r := range rows {
		c := byUnit[r.Unit]
		if c == nil {
			c = &commune{code: r.Unit, name: r.Name}
			byUnit[r.Unit] = c
		}
		c.n += r.Count
		total += r.Count
	}
	units := make([]*commune, 0, len(byUnit))
	for _, c := range byUnit {
		units = append(units, c)
	}
	sort.Slice(units, func(i, j int) bool { return units[i].code < units[j].code })

	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MÃ XÃ\tTÊN\tSỐ HỒ SƠ TRỰC TUYẾN")
	for _, c := range units {
		fmt.Fprintf(tw, "%s\t%s\t%d\n", c.code, c.name, c.n)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "NGÀY\tMÃ XÃ\tTÊN\tSỐ HỒ SƠ")
	for _, r := range rows {
		d, _ := time.ParseInLocation(time.DateOnly, r.Day, app.ICT)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", d.Format("02/01/2006"), r.Unit, r.Name, r.Count)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "%d hồ sơ gửi qua cổng tiếp nhận trực tuyến, %d xã, phường.\n", total, len(units))
	return nil
}

// intakeStore is what the server's store offers the public form (issue 21):
// a submission becomes a case of its commune; the status page's answer.
type intakeStore interface {
	SubmitIntake(ctx context.Context, sub *app.Submission) (app.SubmitReceipt, error)
	IntakeStatus(ctx context.Context, code, phoneLast4 string) (app.IntakeStatus, error)
}

var _ intakeStore = (*serverstore.Store)(nil)

// storeIntake adapts the store to intakeweb.Backend.
type storeIntake struct{ st intakeStore }

func (b storeIntake) Submit(ctx context.Context, sub *app.Submission) (app.SubmitReceipt, error) {
	return b.st.SubmitIntake(ctx, sub)
}

func (b storeIntake) Status(ctx context.Context, code, phoneLast4 string) (app.IntakeStatus, error) {
	return b.st.IntakeStatus(ctx, code, phoneLast4)
}

// publicHandler is the public intake form of serve --public-addr.
func (m *Main) publicHandler(logger *slog.Logger) (http.Handler, error) {
	backend := m.IntakeBackend
	if backend == nil {
		backend = storeIntake{m.store}
	}
	units, districts, err := intakeweb.LoadUnits()
	if err != nil {
		return nil, err
	}
	return intakeweb.New(intakeweb.Options{Backend: backend, Units: units, Districts: districts, Now: m.Now,
		Logger: logger, TrustProxy: m.PublicTrustProxy})
}
