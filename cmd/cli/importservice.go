package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage"
)

// previewRows is how many rows of the top of a sheet a preview carries.
const previewRows = 15

// ImportService imports rosters and registers for the desktop app's import
// dialog (ui.ImportService), with the same engine as `bvntd import`: every
// call reads the workbook again from its bytes, so the service keeps no
// state between the dialog's steps.
type ImportService struct {
	DB   *storage.DB
	Refs *app.RefData
}

// ProposeImport reads the worksheet sheet ("" for the first with data) of
// the workbook data and proposes a mapping with its header in headerRow
// (0: detect it).
func (s ImportService) ProposeImport(_ context.Context, kind app.ImportKind, data []byte, sheet string, headerRow int) (app.ImportPreview, error) {
	var p app.ImportPreview
	k, err := importKind(kind)
	if err != nil {
		return p, err
	}
	sh, err := readImportBytes(data, sheet)
	if err != nil {
		return p, err
	}
	m := xlsx.Propose(sh, k)
	if headerRow > 0 {
		m = xlsx.ProposeAt(sh, k, headerRow)
	}
	p.Sheets, p.Sheet, p.Width = sh.Names, sh.Name, sh.Width()
	for i := 0; i < min(previewRows, len(sh.Rows)); i++ {
		p.Top = append(p.Top, append([]string(nil), sh.Rows[i]...))
	}
	p.Headers = make([]string, p.Width)
	if m.HeaderRow > 0 {
		for c := range p.Headers {
			var parts []string
			for r := m.HeaderRow; r < max(m.FirstRow, m.HeaderRow+1); r++ {
				if v := strings.Join(strings.Fields(sh.Cell(r, c)), " "); v != "" && (len(parts) == 0 || parts[len(parts)-1] != v) {
					parts = append(parts, v)
				}
			}
			p.Headers[c] = strings.Join(parts, " / ")
		}
	}
	for _, fi := range xlsx.Fields(k) {
		f := app.ImportField{Field: string(fi.Field), Label: fi.Label, Required: fi.Required}
		if fi.Defaultable {
			f.Options = s.defaultOptions(fi.Field)
		}
		p.Fields = append(p.Fields, f)
	}
	p.Mapping = fromMapping(m)
	return p, nil
}

// defaultOptions lists the values a Defaultable field may take.
func (s ImportService) defaultOptions(f xlsx.Field) app.CodeList {
	switch f {
	case xlsx.FieldChannel:
		return app.Channels
	case xlsx.FieldKind:
		return app.CaseKinds
	case xlsx.FieldStatus:
		return app.CaseStatuses
	case xlsx.FieldSector:
		if s.Refs != nil {
			return s.Refs.SectorCodes()
		}
	}
	return nil
}

// parsed is a workbook parsed with a mapping.
type parsed struct {
	sheet   *xlsx.Sheet
	mapping xlsx.Mapping
	errs    []xlsx.RowError
	rows    []int // the Excel row of each valid entry
	people  []app.Participant
	cases   []storage.CaseImport
	session app.TrainingSession
	missing []string
}

// parse reads and parses the workbook of q; it writes nothing.
func (s ImportService) parse(ctx context.Context, q app.ImportRequest) (*parsed, error) {
	k, err := importKind(q.Kind)
	if err != nil {
		return nil, err
	}
	sh, err := readImportBytes(q.Data, q.Sheet)
	if err != nil {
		return nil, err
	}
	out := &parsed{sheet: sh, mapping: toMapping(k, q.Mapping)}
	for _, f := range out.mapping.Missing() {
		out.missing = append(out.missing, xlsx.FieldLabel(f))
	}
	if len(out.missing) > 0 {
		return out, nil
	}
	switch k {
	case xlsx.KindRoster:
		if err := s.DB.GetRecord(ctx, strings.TrimSpace(q.SessionID), &out.session); err != nil {
			if app.ErrorCode(err) == app.ENOTFOUND {
				return nil, app.Errorf(app.EINVALID, "Không tìm thấy lớp tập huấn.")
			}
			return nil, err
		}
		on := s.DB.Now()
		if d, err := time.ParseInLocation(time.DateOnly, out.session.StartDate, app.ICT); err == nil {
			on = d
		}
		entries, errs := xlsx.ParseRoster(sh, out.mapping, on)
		out.errs = errs
		for _, e := range entries {
			out.rows = append(out.rows, e.Row)
			out.people = append(out.people, e.Participant)
		}
	case xlsx.KindRegister:
		unit, err := s.DB.UnitCode(ctx)
		if err != nil {
			return nil, err
		}
		if unit == "" {
			return nil, app.Errorf(app.EINVALID, "Máy chưa chọn xã, phường: hãy đăng ký thiết bị trước khi nhập sổ theo dõi.")
		}
		entries, errs := xlsx.ParseRegister(sh, out.mapping, s.Refs, unit, s.DB.Now())
		out.errs = errs
		for _, e := range entries {
			out.rows = append(out.rows, e.Row)
			out.cases = append(out.cases, caseImport(e))
		}
	}
	return out, nil
}

// CheckImport parses the workbook with the request's mapping and tells,
// without writing, what importing it would do with each row.
func (s ImportService) CheckImport(ctx context.Context, q app.ImportRequest) (app.ImportCheck, error) {
	var c app.ImportCheck
	p, err := s.parse(ctx, q)
	if err != nil {
		return c, err
	}
	c.Missing = p.missing
	fields := xlsx.Fields(p.mapping.Kind)
	var cols []xlsx.FieldInfo
	for _, fi := range fields {
		if _, ok := p.mapping.Columns[fi.Field]; ok {
			cols = append(cols, fi)
			c.Columns = append(c.Columns, fi.Label)
		}
	}
	if len(c.Missing) > 0 {
		return c, nil
	}
	var checks []storage.RowCheck
	if p.mapping.Kind == xlsx.KindRoster {
		checks, err = storage.CheckRoster(ctx, s.DB, &p.session, p.people)
	} else {
		checks, err = storage.CheckCases(ctx, s.DB, p.cases)
	}
	if err != nil {
		return c, err
	}
	values := func(r int) []string {
		v := make([]string, len(cols))
		for i, fi := range cols {
			v[i] = p.sheet.Cell(r, p.mapping.Columns[fi.Field])
		}
		return v
	}
	// Rows the store would refuse (a masked register's rows that are no
	// case on file) are errors too.
	errs := p.errs
	for i, ch := range checks {
		if ch.Refused != "" && i < len(p.rows) {
			errs = append(errs, xlsx.RowError{Row: p.rows[i], Reason: ch.Refused})
		}
	}
	byRow := map[int][]xlsx.RowError{}
	for _, e := range errs {
		byRow[e.Row] = append(byRow[e.Row], e)
		c.Errors = append(c.Errors, app.ImportRowError(e))
	}
	bad := xlsx.ErrorRows(errs)
	c.Invalid = len(bad)
	// Merge the valid rows and the invalid ones in sheet order.
	i, j := 0, 0
	for i < len(p.rows) || j < len(bad) {
		if i < len(p.rows) && i < len(checks) && checks[i].Refused != "" {
			i++ // listed with the invalid rows
			continue
		}
		if j >= len(bad) || i < len(p.rows) && p.rows[i] < bad[j] {
			c.Valid++
			row := app.ImportRow{Row: p.rows[i], Values: values(p.rows[i]), Status: app.ImportNew}
			if i < len(checks) {
				ch := checks[i]
				switch {
				case ch.Done:
					row.Status = app.ImportDone
				case ch.ID != "":
					row.Status = app.ImportExisting
				case len(ch.Duplicates) > 0:
					row.Status = app.ImportDuplicate
					var nums []string
					for _, d := range ch.Duplicates {
						nums = append(nums, d.Number)
					}
					row.Note = fmt.Sprintf("Có thể trùng với vụ việc %s.", strings.Join(nums, ", "))
				}
			}
			c.Rows = append(c.Rows, row)
			i++
			continue
		}
		var reasons []string
		for _, e := range byRow[bad[j]] {
			reasons = append(reasons, app.ImportRowError(e).String())
		}
		c.Rows = append(c.Rows, app.ImportRow{Row: bad[j], Values: values(bad[j]), Status: app.ImportInvalid,
			Note: strings.Join(reasons, " ")})
		j++
	}
	return c, nil
}

// ApplyImport imports the valid rows of the workbook (through the outbox);
// importing the same workbook again adds nothing.
func (s ImportService) ApplyImport(ctx context.Context, q app.ImportRequest) (app.ImportOutcome, error) {
	var o app.ImportOutcome
	p, err := s.parse(ctx, q)
	if err != nil {
		return o, err
	}
	if len(p.missing) > 0 {
		return o, p.mapping.Check()
	}
	var res storage.ImportResult
	if p.mapping.Kind == xlsx.KindRoster {
		res, err = storage.ImportRoster(ctx, s.DB, &p.session, p.people)
	} else {
		res, err = storage.ImportCases(ctx, s.DB, p.cases)
	}
	errs := p.errs
	for _, f := range res.Failed {
		errs = append(errs, xlsx.RowError{Row: p.rows[f.Index], Reason: f.Message})
	}
	o.Added, o.Matched, o.Marked, o.Skipped = res.Added, res.Matched, res.Marked, res.Skipped
	for _, e := range errs {
		o.Errors = append(o.Errors, app.ImportRowError(e))
	}
	o.Invalid = len(xlsx.ErrorRows(errs))
	return o, err
}

// WriteImportErrors writes the rows errs name back as an .xlsx with a
// "Lỗi" column and returns the number of rows written.
func (s ImportService) WriteImportErrors(_ context.Context, q app.ImportRequest, errs []app.ImportRowError, w io.Writer) (int, error) {
	k, err := importKind(q.Kind)
	if err != nil {
		return 0, err
	}
	sh, err := readImportBytes(q.Data, q.Sheet)
	if err != nil {
		return 0, err
	}
	rowErrs := make([]xlsx.RowError, len(errs))
	for i, e := range errs {
		rowErrs[i] = xlsx.RowError(e)
	}
	return xlsx.WriteErrors(w, sh, toMapping(k, q.Mapping), rowErrs)
}

// caseImport is the store's import of a parsed register row.
func caseImport(e xlsx.RegisterEntry) storage.CaseImport {
	ci := storage.CaseImport{Source: e.Source, Case: e.Case, Masked: e.Masked}
	if e.Masked {
		ci.Refusal = xlsx.MsgMaskedRow
	}
	return ci
}

func importKind(k app.ImportKind) (xlsx.Kind, error) {
	switch k {
	case app.ImportRoster:
		return xlsx.KindRoster, nil
	case app.ImportRegister:
		return xlsx.KindRegister, nil
	}
	return 0, app.Errorf(app.EINVALID, "Chưa chọn loại dữ liệu cần nhập.")
}

func readImportBytes(data []byte, sheet string) (*xlsx.Sheet, error) {
	if sheet != "" {
		return xlsx.ReadSheetNamed(bytes.NewReader(data), sheet)
	}
	return xlsx.ReadSheet(bytes.NewReader(data))
}

func fromMapping(m xlsx.Mapping) app.ImportMapping {
	out := app.ImportMapping{HeaderRow: m.HeaderRow, FirstRow: m.FirstRow,
		Columns: map[string]int{}, Defaults: map[string]string{}}
	for f, c := range m.Columns {
		out.Columns[string(f)] = c
	}
	for f, v := range m.Defaults {
		out.Defaults[string(f)] = v
	}
	return out
}

func toMapping(k xlsx.Kind, m app.ImportMapping) xlsx.Mapping {
	out := xlsx.Mapping{Kind: k, HeaderRow: m.HeaderRow, FirstRow: max(m.FirstRow, 1),
		Columns: map[xlsx.Field]int{}, Defaults: map[xlsx.Field]string{}}
	for f, c := range m.Columns {
		if c >= 0 {
			out.Set(xlsx.Field(f), c)
		}
	}
	for f, v := range m.Defaults {
		out.SetDefault(xlsx.Field(f), v)
	}
	return out
}
