package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"bvntd/app"
)

// On a provincial laptop with the limited copy, a commune's case arrives
// without its personal fields: the list says the commune keeps them where
// the name would be, the case says so in place of the consumer's details,
// and the case can be neither edited nor printed there.
func TestCaseScreen_LimitedCaseSaysTheCommuneKeepsThePersonalData(t *testing.T) {
	fx := newStoreFixture(t)
	ctx := context.Background()
	c := &app.Case{ReceivedAt: fx.clock.Now().Add(-time.Hour).UTC().Truncate(time.Second), Channel: "truc_tiep",
		Kind: "khieu_nai", Sector: "thuc_pham_do_uong", Status: app.StatusAccepted, Number: "28249-2026-B2-0001",
		RecordHead: app.RecordHead{ID: app.NewID(), UnitCode: "28249"}}
	fields := c.Fields()
	for _, f := range app.PersonalFieldsOf[app.EntityCase].All() {
		delete(fields, f)
	}
	_, err := fx.db.ApplyPull(ctx, []app.PulledPage{{Scope: "28249", Epoch: "e1", NextSeq: 1,
		Records: []app.PulledRecord{{Entity: app.EntityCase, ID: c.ID, Fields: fields, Version: 1, Limited: true}}}})
	must(t, err == nil, "pull: %v", err)

	s := fx.ui.cases
	s.refresh(ctx)
	row := -1
	for i := range s.rows {
		if s.rows[i].Case.ID == c.ID {
			row = i
		}
	}
	must(t, row >= 0, "the limited case is not listed")
	must(t, s.cellText(row, colConsumer) == "(do UBND xã, phường lưu giữ)", "consumer cell %q", s.cellText(row, colConsumer))

	fx.ui.openCase(c.ID)
	d := fx.ui.detail
	info := strings.Join(texts(d.info), "\n")
	must(t, strings.Contains(info, "Thông tin cá nhân do UBND xã, phường lưu giữ"), "the case does not say who keeps the personal data:\n%s", info)
	must(t, d.edit.Disabled() && d.print.Disabled(), "a limited case can be edited (%v) or printed (%v)", !d.edit.Disabled(), !d.print.Disabled())
	test.Tap(d.edit)
	must(t, fx.ui.detail == d, "tapping the disabled edit button opened something")
}

// A participant held without the name says who keeps it; a named one
// (and one of a commune laptop) shows the name.
func TestPersonName_Limited(t *testing.T) {
	lim := &app.Participant{RecordHead: app.RecordHead{Limited: true}}
	must(t, personName(lim) == "(do UBND xã, phường lưu giữ)", "limited participant: %q", personName(lim))
	named := &app.Participant{FullName: "Lê Văn Tám"}
	must(t, personName(named) == "Lê Văn Tám", "participant: %q", personName(named))
}
