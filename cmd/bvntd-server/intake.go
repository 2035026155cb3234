package main

import (
	"context"
	"fmt"
	"sort"
	"text/tabwriter"
	"time"

	"bvntd/app"
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
