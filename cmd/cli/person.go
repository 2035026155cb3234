package cli

import (
	"bytes"
	"context"
	"io"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage"
)

// PersonService answers a person's requests about their data for the
// desktop app's "Dữ liệu của một người" tab (ui.PersonService): it finds
// them, restricts their records, and writes the export of their data with
// its audit record.
type PersonService struct {
	DB   *storage.DB
	Refs *app.RefData
}

// FindPerson returns every record about the person q describes.
func (s PersonService) FindPerson(ctx context.Context, q app.PersonQuery) (app.PersonData, error) {
	return s.DB.FindPerson(ctx, q)
}

// SetRestricted restricts the processing of the person's records, or lifts
// it, with its audit record.
func (s PersonService) SetRestricted(ctx context.Context, r app.Restriction) error {
	return s.DB.SetRestricted(ctx, r)
}

// ExportPerson writes the export of d for the person (xlsx.WritePerson) to
// w, and records it in the audit log (app.AuditPersonExport: the records
// by number or id, one person, never their name). The workbook is made
// first and the audit written before a byte reaches w: no file leaves
// without its record.
func (s PersonService) ExportPerson(ctx context.Context, d *app.PersonData, e app.PersonExport, w io.Writer) error {
	steps := map[string][]app.CaseEvent{}
	for i := range d.Cases {
		evs, err := s.DB.ListCaseEvents(ctx, d.Cases[i].ID)
		if err != nil {
			return err
		}
		steps[d.Cases[i].ID] = evs
	}
	var buf bytes.Buffer
	if err := xlsx.WritePerson(&buf, d, xlsx.PersonOptions{PersonExport: e, Printed: s.DB.Now(), Steps: steps}, s.Refs); err != nil {
		return err
	}
	a := &app.AuditEntry{Action: app.AuditPersonExport, What: d.Describe(), People: 1, Records: d.Records(),
		Reason: e.Reason, Officer: e.Officer}
	if err := s.DB.Audit(ctx, a); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
