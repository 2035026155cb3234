package main

import (
	"context"
	"io"
	"strings"
	"time"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"
)

// `bvntd-server export --report audit [--from D --to D] [--commune CODE]`:
// the audit records the devices synced (nhật ký truy xuất dữ liệu cá
// nhân: every unmasked export, export of a person's data, restriction and
// anonymisation), for an inspection: one row per record with the commune's
// name, sorted by time, of the days D (dd/mm/yyyy, both included; either
// may be left out), of one commune or the whole province.
func init() {
	serverReports["audit"] = writeAuditLog
}

func writeAuditLog(ctx context.Context, st *serverstore.Store, refs *app.RefData, w io.Writer, o serverReportOptions) (int, error) {
	from, err := auditDay("--from", o.From)
	if err != nil {
		return 0, err
	}
	to, err := auditDay("--to", o.To)
	if err != nil {
		return 0, err
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		return 0, app.Errorf(app.EINVALID, "--to (%s) trước --from (%s).", o.To, o.From)
	}
	if o.Commune != "" && o.Commune != syncproto.ScopeProvince && refs != nil && !refs.HasUnit(o.Commune) {
		return 0, app.Errorf(app.EINVALID, "Không có xã, phường mã %s trong danh mục (unknown --commune).", o.Commune)
	}
	es, err := st.AuditEntries(ctx, o.Commune)
	if err != nil {
		return 0, err
	}
	name := func(code string) string {
		if code == syncproto.ScopeProvince {
			return "Sở Công Thương (máy cấp tỉnh)"
		}
		if refs != nil {
			if u, ok := refs.Unit(code); ok {
				return u.Name
			}
		}
		return code
	}
	opt := xlsx.AuditOptions{From: from, To: to, UnitName: name, Printed: o.Now}
	if o.Commune != "" {
		opt.Scope = name(o.Commune)
	}
	return xlsx.WriteAuditLog(w, es, opt)
}

// auditDay reads the day of flag (dd/mm/yyyy or d/m/yyyy) as midnight in
// Vietnam; "" is no day.
func auditDay(flag, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2/1/2006", s, app.ICT)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, app.Errorf(app.EINVALID, "%s không hợp lệ: %q (cần dd/mm/yyyy).", flag, s)
	}
	return t, nil
}
