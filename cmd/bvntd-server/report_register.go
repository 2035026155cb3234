package main

import (
	"context"
	"fmt"
	"io"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage/serverstore"
)

// `bvntd-server export --report register [--year Y] [--commune CODE]`: the
// complaint register (sổ theo dõi tiếp nhận, giải quyết phản ánh, khiếu
// nại) of the merged data: the cases received in report year Y (15/12 of
// Y-1 to 14/12 of Y; default: app.DefaultReportYear), with their status, next
// time limit, outcome and money recovered as of now. Without --commune it
// covers the province: every commune's cases with a "Xã, phường" column,
// and a second sheet with the figures of each of the 102 communes.
//
// The register is masked (initials, the last digits of phones, the
// commune of an address, the summary scrubbed) unless --unmask gives a
// reason; an unmasked register leaves an audit record in each commune
// whose people it names (app.AuditUnmaskedExport, stored by the server
// and pulled by the commune's laptops; Luật 91/2025/QH15 Điều 19 khoản
// 2), and still masks the people who asked to restrict the processing of
// their data (Case.Restricted): the server has no leader to show them to.
func init() {
	serverReports["register"] = writeServerRegister
}

func writeServerRegister(ctx context.Context, st *serverstore.Store, refs *app.RefData, w io.Writer, o serverReportOptions) (int, error) {
	y := o.Year
	if y == 0 {
		y = app.DefaultReportYear(o.Now)
	}
	if o.Commune != "" && refs != nil && !refs.HasUnit(o.Commune) {
		return 0, app.Errorf(app.EINVALID, "Không có xã, phường mã %s trong danh mục (unknown --commune).", o.Commune)
	}
	d, err := st.KPIData(ctx, o.Commune, refs, o.Now)
	if err != nil {
		return 0, err
	}
	period := app.ReportYear(y)
	opt := xlsx.RegisterOptions{Unit: o.Commune, Period: period, Refs: refs, Printed: o.Now, Mask: o.Unmask == ""}
	if o.Unmask == "" {
		return xlsx.WriteRegister(ctx, w, d, opt)
	}
	// Who is named, commune by commune, for the audit records.
	people := map[string]map[string]bool{}
	rows := map[string]int{}
	for i := range d.Cases {
		c := &d.Cases[i]
		if c.Voided || (o.Commune != "" && c.UnitCode != o.Commune) || !period.Contains(c.ReceivedAt) {
			continue
		}
		if c.Restricted {
			restrictedMasked(c, refs)
			continue
		}
		if people[c.UnitCode] == nil {
			people[c.UnitCode] = map[string]bool{}
		}
		people[c.UnitCode][app.Fold(c.ConsumerName)+"|"+c.ConsumerPhone] = true
		rows[c.UnitCode]++
	}
	n, err := xlsx.WriteRegister(ctx, w, d, opt)
	if err != nil {
		return n, err
	}
	var entries []app.AuditEntry
	for unit, ps := range people {
		entries = append(entries, app.AuditEntry{RecordHead: app.RecordHead{UnitCode: unit}, Action: app.AuditUnmaskedExport,
			Officer: ServerOfficer, People: len(ps), Records: rows[unit], Reason: o.Unmask,
			What: fmt.Sprintf("Sổ theo dõi vụ việc của máy chủ tỉnh, kỳ %s, %s", period.Label, unitScope(refs, o.Commune))})
	}
	if err := st.PutAuditEntries(context.WithoutCancel(ctx), entries); err != nil {
		return n, err
	}
	return n, nil
}

// ServerOfficer names who acted in the audit records of the server's own
// exports: the operator of the provincial server.
const ServerOfficer = "Quản trị máy chủ tỉnh (bvntd-server)"

// restrictedMasked masks the personal data of a restricted case in the
// server's copy of the data, before an unmasked register is written.
func restrictedMasked(c *app.Case, refs *app.RefData) {
	unit := c.ConsumerUnitCode
	if refs != nil {
		if u, ok := refs.Unit(unit); ok {
			unit = u.Name
		}
	}
	c.Summary = app.ScrubCaseText(c, c.Summary)
	c.ConsumerName, c.ConsumerPhone = xlsx.MaskName(c.ConsumerName), xlsx.MaskPhone(c.ConsumerPhone)
	c.ConsumerAddress = xlsx.MaskAddress(c.ConsumerAddress, unit)
}

// unitScope names what a server report covers: a commune or the province.
func unitScope(refs *app.RefData, commune string) string {
	if commune == "" {
		return "toàn tỉnh"
	}
	if refs != nil {
		if u, ok := refs.Unit(commune); ok {
			return u.Name + " (" + commune + ")"
		}
	}
	return commune
}
