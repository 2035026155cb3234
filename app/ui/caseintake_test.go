package ui

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"bvntd/app"
)

// pullOnline brings into fx's store, as a pull from the provincial server
// does, a case the server made from a submission on the public form: the
// online channel, a tracking code, the notice acknowledged online, not
// yet opened; change adjusts it. version is its server version (and the
// page's cursor).
func pullOnline(t *testing.T, fx *storeFixture, version int64, change func(c *app.Case)) app.Case {
	t.Helper()
	now := fx.clock.Now().UTC().Truncate(time.Second)
	c := app.Case{RecordHead: app.RecordHead{ID: app.NewID(), UnitCode: "28261", CreatedAt: now, UpdatedAt: now, CreatedBy: "Máy chủ tỉnh"},
		Number: "28261-2026-WEB1-0001", ReceivedAt: now.Add(-2 * time.Hour), Channel: app.ChannelOnlineIntake, Kind: "khieu_nai",
		ConsumerName: "Nguyễn Thị Hồng", ConsumerPhone: "0912345678", BusinessName: "Cửa hàng Bánh Ngọt",
		Sector: "thuc_pham_do_uong", Summary: "Mua bánh kem đã hết hạn sử dụng.", Status: app.StatusReceived,
		IntakeID: app.NewID(), TrackingCode: "K7Q2M9XDAB", PrivacyNotice: app.NoticeAcknowledgedOnline}
	if change != nil {
		change(&c)
	}
	page := pulled(app.EntityCase, c.ID, version, c.Fields())
	page[0].Scope = c.UnitCode
	if _, err := fx.db.ApplyPull(context.Background(), page); err != nil {
		t.Fatalf("pull: %v", err)
	}
	return c
}

// rowOf returns the list row of case id, or -1.
func rowOf(s *casesScreen, id string) int {
	for i := range s.rows {
		if s.rows[i].ID == id {
			return i
		}
	}
	return -1
}

// An online case is marked "Mới từ cổng trực tuyến" in the list, and the
// filter of that name lists it alone, until an officer opens it: opening
// stamps IntakeOpenedAt with the clock, once, through the ordinary edit
// (it goes to the outbox), and the mark goes.
func TestCases_OnlineIntakeMarkedUntilOpened(t *testing.T) {
	fx := newStoreFixture(t)
	ctx := context.Background()
	walkIn := &app.Case{ReceivedAt: fx.clock.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Trần Văn Đến", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn."}
	must(t, fx.db.CreateCase(ctx, walkIn) == nil, "create")
	on := pullOnline(t, fx, 1, nil)

	s := fx.ui.cases
	s.refresh(ctx)
	row := rowOf(s, on.ID)
	must(t, row >= 0, "the online case is not listed")
	must(t, s.cellText(row, colStatus) == "Mới từ cổng trực tuyến", "status cell %q", s.cellText(row, colStatus))
	must(t, s.isOnlineNewCell(row, colStatus), "the mark is not drawn as a badge")
	w := rowOf(s, walkIn.ID)
	must(t, s.cellText(w, colStatus) == "Mới tiếp nhận", "walk-in status cell %q", s.cellText(w, colStatus))
	must(t, s.fOnline.Visible() && s.fOnline.Text == "Mới từ cổng trực tuyến (1)", "filter %q visible %v", s.fOnline.Text, s.fOnline.Visible())
	test.Tap(s.fOnline)
	must(t, len(s.rows) == 1 && s.rows[0].ID == on.ID, "the filter lists %d rows", len(s.rows))
	test.Tap(s.fOnline)
	must(t, len(s.rows) == 2, "unticked, the list has %d rows", len(s.rows))

	fx.clock.Advance(5 * time.Minute)
	opened := fx.clock.Now().UTC().Truncate(time.Second)
	fx.ui.openCase(on.ID)
	got, err := fx.db.GetCase(ctx, on.ID)
	must(t, err == nil && got.IntakeOpenedAt.Equal(opened), "opened at %v (%v), want %v", got.IntakeOpenedAt, err, opened)
	must(t, slices.Contains(pendingChanges(t, fx.db, on.ID), "intake_opened_at"), "the stamp is not queued to sync")
	must(t, !fx.ui.detail.errMsg.Visible(), "opening showed an error: %s", fx.ui.detail.errMsg.Text)

	// The list, reloaded after the local change, has no mark left.
	row = rowOf(s, on.ID)
	must(t, row >= 0 && s.cellText(row, colStatus) == "Mới tiếp nhận", "after opening: %q", s.cellText(row, colStatus))
	must(t, !s.fOnline.Visible(), "the filter is still offered with nothing new")

	// Opened again later: the first stamp stays.
	syncedAll(t, fx.db)
	fx.ui.closeDetail()
	fx.clock.Advance(time.Hour)
	fx.ui.openCase(on.ID)
	got, _ = fx.db.GetCase(ctx, on.ID)
	must(t, got.IntakeOpenedAt.Equal(opened), "stamped again: %v", got.IntakeOpenedAt)
	must(t, len(pendingChanges(t, fx.db, on.ID)) == 0, "opening again queued %v", pendingChanges(t, fx.db, on.ID))
}

// The province's limited copy of a commune's online case, and the
// device's administrator, open a new online case without marking it
// opened (the commune's officers must still see it as new) and without an
// error; a leader opening a restricted one marks it.
func TestCases_OnlineIntakeOpenedOnlyByTheCommunesOfficers(t *testing.T) {
	fx := newStoreFixture(t)
	ctx := context.Background()
	other := pullOnline(t, fx, 1, func(c *app.Case) { c.UnitCode, c.Number = "28249", "28249-2026-WEB1-0001" })
	fx.ui.openCase(other.ID)
	got, _ := fx.db.GetCase(ctx, other.ID)
	must(t, got.IntakeOpenedAt.IsZero(), "another commune's case was marked opened here")
	must(t, !fx.ui.detail.errMsg.Visible(), "error: %s", fx.ui.detail.errMsg.Text)
	fx.ui.closeDetail()

	mine := pullOnline(t, fx, 2, nil)
	fx.ui.svc.Role = "quan_tri"
	fx.ui.openCase(mine.ID)
	got, _ = fx.db.GetCase(ctx, mine.ID)
	must(t, got.IntakeOpenedAt.IsZero(), "the administrator's look marked it opened")
	fx.ui.closeDetail()

	restricted := pullOnline(t, fx, 3, func(c *app.Case) { c.Restricted = true })
	fx.ui.svc.Role = "lanh_dao"
	fx.ui.openCase(restricted.ID)
	got, _ = fx.db.GetCase(ctx, restricted.ID)
	must(t, !got.IntakeOpenedAt.IsZero(), "the leader's opening of a restricted case was not recorded")
	must(t, !fx.ui.detail.errMsg.Visible(), "error: %s", fx.ui.detail.errMsg.Text)
}

// The case screen of an online case shows the tracking code and the
// "Trả lời người tiêu dùng" section. A reply is written to the case only
// when sent, after a question that shows exactly what the consumer will
// read; the day it was sent shows; a change after that says it is not
// sent until sent again. Leaving with a draft asks first, and going back
// keeps it.
func TestCaseDetail_ReplyToTheConsumerSentExplicitly(t *testing.T) {
	fx := newStoreFixture(t)
	ctx := context.Background()
	on := pullOnline(t, fx, 1, nil)
	fx.ui.openCase(on.ID)
	d := fx.ui.detail
	p := d.intake
	must(t, p.tracking.Visible() && p.tracking.Text == "Mã tra cứu của người tiêu dùng: K7Q2M9XDAB", "tracking %q", p.tracking.Text)
	must(t, p.section.Visible(), "no reply section")
	must(t, p.replyState.Text == "Chưa gửi: người tiêu dùng chưa thấy trả lời nào.", "state %q", p.replyState.Text)
	must(t, p.send.Disabled(), "send enabled with nothing written")

	const reply = "UBND phường đã tiếp nhận phản ánh của chị.\nNgày 25/11 cán bộ làm việc với cửa hàng."
	p.reply.SetText(reply) // as typed, with its new line
	must(t, !p.send.Disabled(), "send disabled with a reply written")

	// Leaving asks; going back keeps the draft.
	test.Tap(d.back)
	o := topOverlay(t, fx.win)
	must(t, strings.Contains(strings.Join(texts(o), "\n"), "Bỏ trả lời chưa gửi?"), "no question on leaving: %v", texts(o))
	test.Tap(mustButton(t, o, "Tiếp tục nhập"))
	must(t, fx.ui.detail == d && p.reply.Text == reply, "the draft was lost")
	got, _ := fx.db.GetCase(ctx, on.ID)
	must(t, got.ConsumerReply == "" && got.ConsumerReplyAt.IsZero(), "a draft was written to the case: %q", got.ConsumerReply)

	// Sending asks, showing the text itself.
	test.Tap(p.send)
	o = topOverlay(t, fx.win)
	all := strings.Join(texts(o), "\n")
	must(t, strings.Contains(all, "Người tiêu dùng sẽ thấy đúng nội dung dưới đây") && strings.Contains(all, reply),
		"the question does not show what the consumer will read:\n%s", all)
	fx.clock.Advance(3 * time.Minute)
	sentAt := fx.clock.Now().UTC().Truncate(time.Second)
	test.Tap(mustButton(t, o, "Gửi"))
	got, _ = fx.db.GetCase(ctx, on.ID)
	must(t, got.ConsumerReply == reply && got.ConsumerReplyAt.Equal(sentAt), "stored %q at %v, want at %v", got.ConsumerReply, got.ConsumerReplyAt, sentAt)
	must(t, slices.Contains(pendingChanges(t, fx.db, on.ID), "consumer_reply_at"), "the reply is not queued to sync")
	d = fx.ui.detail
	p = d.intake
	must(t, p.replyState.Text == "Đã gửi lên cổng tra cứu ngày "+FormatDateTime(sentAt)+".", "state %q", p.replyState.Text)
	must(t, p.send.Disabled() && !p.dirty(), "after sending: send enabled %v, draft %v", !p.send.Disabled(), p.dirty())

	// A change is a draft until sent again: the consumer still sees the
	// text sent.
	test.Type(p.reply, " Cửa hàng đã đồng ý hoàn tiền.")
	must(t, strings.HasPrefix(p.replyState.Text, "Đã sửa, chưa gửi: người tiêu dùng vẫn thấy nội dung đã gửi ngày "), "state %q", p.replyState.Text)
	must(t, !p.send.Disabled(), "send disabled after a change")
	got, _ = fx.db.GetCase(ctx, on.ID)
	must(t, got.ConsumerReply == reply, "the change reached the case unsent: %q", got.ConsumerReply)

	// Leaving and confirming drops the draft.
	test.Tap(d.back)
	test.Tap(mustButton(t, topOverlay(t, fx.win), "Bỏ thay đổi"))
	must(t, fx.ui.detail == nil, "still on the case after discarding")
}

// A walk-in case has no tracking code and no reply section.
func TestCaseDetail_NoReplySectionWithoutTrackingCode(t *testing.T) {
	fx := newStoreFixture(t)
	c := &app.Case{ReceivedAt: fx.clock.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Trần Văn Đến", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn."}
	must(t, fx.db.CreateCase(context.Background(), c) == nil, "create")
	fx.ui.openCase(c.ID)
	p := fx.ui.detail.intake
	must(t, !p.tracking.Visible() && !p.section.Visible() && !p.dirty(), "a walk-in case shows the online parts")
	test.Tap(fx.ui.detail.back)
	must(t, fx.ui.detail == nil, "leaving a walk-in case asked something")
}

// Forwarding: "Chuyển sang xã, phường khác…" asks for the commune (typed
// without diacritics) and the reason, each required, then sets
// ForwardedTo (an ordinary edit) and notes the reason in the timeline;
// the case waits to move until the server has moved it (status
// da_chuyen), then says where it went. A moved-in case says where it came
// from.
func TestCaseDetail_ForwardToAnotherCommune(t *testing.T) {
	fx := newStoreFixture(t)
	ctx := context.Background()
	on := pullOnline(t, fx, 1, nil)
	fx.ui.openCase(on.ID)
	d := fx.ui.detail
	fwd := mustButton(t, d.actions, "Chuyển sang xã, phường khác…")
	test.Tap(fwd)
	f := d.intake.fwd
	must(t, f != nil, "no forward dialog")
	must(t, !slices.Contains(f.unit.codes, "28261"), "the case's own commune is offered")

	test.Tap(f.save)
	must(t, f.errs["forwarded_to"].Visible() && f.errs["reason"].Visible(), "empty choices were not refused")
	got, _ := fx.db.GetCase(ctx, on.ID)
	must(t, got.ForwardedTo == "", "forwarded without a commune")

	test.Type(f.unit.sel, "dao thanh")
	must(t, f.unit.Code() == "28249", "typing “dao thanh” chose %q", f.unit.Code())
	test.Type(f.reason, "Cửa hàng ở phường Đạo Thạnh.")
	test.Tap(f.save)
	got, _ = fx.db.GetCase(ctx, on.ID)
	must(t, got.ForwardedTo == "28249", "forwarded to %q", got.ForwardedTo)
	must(t, slices.Contains(pendingChanges(t, fx.db, on.ID), "forwarded_to"), "the forward is not queued to sync")
	evs, _ := fx.db.ListCaseEvents(ctx, on.ID)
	must(t, len(evs) == 1 && evs[0].Kind == app.EventNote && evs[0].Note == "Chuyển sang Phường Đạo Thạnh. Lý do: Cửa hàng ở phường Đạo Thạnh.",
		"the reason is not in the timeline: %+v", evs)
	d = fx.ui.detail
	must(t, d.intake.fwd == nil, "the dialog stayed open")
	must(t, d.intake.forwardState.Visible() && strings.HasPrefix(d.intake.forwardState.Text, "Đang chờ chuyển đến Phường Đạo Thạnh"),
		"pending: %q", d.intake.forwardState.Text)
	must(t, findButton(d.actions, "Chuyển sang xã, phường khác…") == nil, "a forwarded case can be forwarded again")
	must(t, d.intake.reply.Disabled(), "the reply can still be written here")

	// The server moved it.
	syncedAll(t, fx.db)
	moved := got
	moved.Status = app.StatusReferred
	if _, err := fx.db.ApplyPull(ctx, pulled(app.EntityCase, on.ID, 2, moved.Fields())); err != nil {
		t.Fatal(err)
	}
	fx.ui.closeDetail()
	fx.ui.openCase(on.ID)
	must(t, fx.ui.detail.intake.forwardState.Text == "Đã chuyển đến Phường Đạo Thạnh.", "moved: %q", fx.ui.detail.intake.forwardState.Text)
	fx.ui.closeDetail()

	// A case moved here from a case this laptop holds names its commune;
	// from one it does not hold, says another commune.
	in := pullOnline(t, fx, 3, func(c *app.Case) { c.ForwardedFrom, c.Number = on.ID, "28261-2026-WEB1-0002" })
	fx.ui.openCase(in.ID)
	must(t, fx.ui.detail.intake.forwardState.Text == "Chuyển từ Phường Mỹ Tho.", "from: %q", fx.ui.detail.intake.forwardState.Text)
	fx.ui.closeDetail()
	far := pullOnline(t, fx, 4, func(c *app.Case) { c.ForwardedFrom, c.Number = app.NewID(), "28261-2026-WEB1-0003" })
	fx.ui.openCase(far.ID)
	must(t, fx.ui.detail.intake.forwardState.Text == "Chuyển từ xã, phường khác.", "from elsewhere: %q", fx.ui.detail.intake.forwardState.Text)
}

// Any case still "mới tiếp nhận" can be forwarded; once accepted, only an
// online one; a limited copy never.
func TestCanForward(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    app.Case
		want bool
	}{
		{"walk-in received", app.Case{Channel: "truc_tiep", Status: app.StatusReceived}, true},
		{"walk-in accepted", app.Case{Channel: "truc_tiep", Status: app.StatusAccepted}, false},
		{"online accepted", app.Case{Channel: app.ChannelOnlineIntake, Status: app.StatusAccepted}, true},
		{"online moved", app.Case{Channel: app.ChannelOnlineIntake, Status: app.StatusReferred, ForwardedTo: "28249"}, false},
		{"pending", app.Case{Channel: app.ChannelOnlineIntake, Status: app.StatusReceived, ForwardedTo: "28249"}, false},
		{"limited", app.Case{RecordHead: app.RecordHead{Limited: true}, Channel: app.ChannelOnlineIntake, Status: app.StatusReceived}, false},
		{"voided", app.Case{RecordHead: app.RecordHead{Voided: true}, Channel: "truc_tiep", Status: app.StatusReceived}, false},
	} {
		if got := canForward(&tc.c); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The intake form never offers the online channel nor the online
// acknowledgement of the notice for a new case (the server alone sets
// them), but shows them on a case that has them.
func TestCaseForm_OnlineChoicesOnlyOnCasesThatHaveThem(t *testing.T) {
	fx := newFixture(t)
	fx.ui.openForm(nil)
	f := fx.ui.form
	for key, code := range map[string]string{"channel": app.ChannelOnlineIntake, "privacy_notice": app.NoticeAcknowledgedOnline} {
		s := f.choice(key)
		must(t, !slices.Contains(s.codes, code), "a new case offers %s %s", key, code)
		must(t, len(s.codes) > 1, "%s offers nothing", key)
	}
	f.onCancel()

	c := fx.cases.add(t, app.Case{ConsumerName: "Nguyễn Thị Hồng", Channel: app.ChannelOnlineIntake,
		PrivacyNotice: app.NoticeAcknowledgedOnline, TrackingCode: "K7Q2M9XDAB"})
	fx.ui.openForm(&c)
	f = fx.ui.form
	must(t, f.choice("channel").Code() == app.ChannelOnlineIntake && f.choice("channel").sel.Selected == "Trực tuyến (cổng tiếp nhận)",
		"channel shown %q", f.choice("channel").sel.Selected)
	must(t, f.choice("privacy_notice").Code() == app.NoticeAcknowledgedOnline &&
		f.choice("privacy_notice").sel.Selected == "Người tiêu dùng đã đọc và xác nhận trên cổng trực tuyến",
		"notice shown %q", f.choice("privacy_notice").sel.Selected)
}

// TestOnlineIntake_Screens draws the list and the case screen of an online
// case, the reply's question and the forward dialog, into the folder
// BVNTD_SCREENSHOTS names (skipped without it): what the officer sees, to
// look at.
func TestOnlineIntake_Screens(t *testing.T) {
	if os.Getenv("BVNTD_SCREENSHOTS") == "" {
		t.Skip("BVNTD_SCREENSHOTS is not set")
	}
	fx := newStoreFixture(t)
	fx.win.Resize(fyne.NewSize(1280, 800))
	ctx := context.Background()
	walkIn := &app.Case{ReceivedAt: fx.clock.Now().Add(-26 * time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Trần Văn Đến", Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn."}
	must(t, fx.db.CreateCase(ctx, walkIn) == nil, "create")
	on := pullOnline(t, fx, 1, nil)
	shot := func(name string) { screenshot(t, fx, name) }
	fx.ui.cases.refresh(ctx)
	shot("online-1-list")
	fx.ui.openCase(on.ID)
	p := fx.ui.detail.intake
	test.Type(p.reply, "UBND phường đã tiếp nhận phản ánh của chị. Ngày 25/11 cán bộ làm việc với cửa hàng.")
	shot("online-2-detail")
	test.Tap(p.send)
	shot("online-3-confirm")
	test.Tap(mustButton(t, topOverlay(t, fx.win), "Gửi"))
	shot("online-4-sent")
	test.Tap(mustButton(t, fx.ui.detail.actions, "Chuyển sang xã, phường khác…"))
	test.Type(fx.ui.detail.intake.fwd.unit.sel, "dao thanh")
	shot("online-5-forward")
	test.Type(fx.ui.detail.intake.fwd.reason, "Cửa hàng ở phường Đạo Thạnh.")
	test.Tap(fx.ui.detail.intake.fwd.save)
	shot("online-6-pending")
}

// The dashboard counts the cases received through the online intake
// channels of Kế hoạch 395 (III.2.a), the provincial form's beside them,
// and the tile lists them.
func TestDashboard_CountsTheOnlineChannel(t *testing.T) {
	fx := newDashFixture(t, "28261", dashNow)
	ctx := context.Background()
	must(t, fx.tileValue(t, "complaints.online") == "0", "online before any case: %s", fx.tileValue(t, "complaints.online"))
	received := dashNow.Add(-48 * time.Hour).UTC().Truncate(time.Second)
	for _, ch := range []string{"truc_tiep", "cong_dvc"} {
		c := &app.Case{ReceivedAt: received, Channel: ch, Kind: "khieu_nai", ConsumerName: "Trần Văn " + ch,
			Sector: "thuc_pham_do_uong", Summary: "Mua sữa hết hạn."}
		must(t, fx.db.CreateCase(ctx, c) == nil, "create")
	}
	on := app.Case{RecordHead: app.RecordHead{ID: app.NewID(), UnitCode: "28261", CreatedAt: received, UpdatedAt: received},
		Number: "28261-2026-WEB1-0001", ReceivedAt: received, Channel: app.ChannelOnlineIntake, Kind: "khieu_nai",
		ConsumerName: "Nguyễn Thị Hồng", Sector: "thuc_pham_do_uong", Summary: "Mua bánh hết hạn.", Status: app.StatusReceived,
		TrackingCode: "K7Q2M9XDAB"}
	_, err := fx.db.ApplyPull(ctx, pulled(app.EntityCase, on.ID, 1, on.Fields()))
	must(t, err == nil, "pull: %v", err)
	test.Tap(fx.v.reloadBtn)
	must(t, fx.tileValue(t, "complaints.received") == "3", "received %s", fx.tileValue(t, "complaints.received"))
	must(t, fx.tileValue(t, "complaints.online") == "2", "online %s", fx.tileValue(t, "complaints.online"))
	must(t, fx.v.tiles["complaints.online"].note == "1 vụ qua cổng tiếp nhận trực tuyến của tỉnh", "note %q", fx.v.tiles["complaints.online"].note)
	screenshot(t, &storeFixture{win: fx.win}, "online-7-dashboard")
	test.Tap(fx.v.tiles["complaints.online"])
	got := fx.drillTitles()
	must(t, strings.Contains(got, "28261-2026-WEB1-0001") && !strings.Contains(got, "truc_tiep"), "online list: %s", got)
}

// A reply typed and not sent is work in progress: the lock keeps it for
// the officer as typing (closing the program then asks), and gives it back.
func TestLock_UnsentReplyIsKeptAsTyping(t *testing.T) {
	fx := newStoreFixture(t)
	on := pullOnline(t, fx, 1, nil)
	fx.ui.openCase(on.ID)
	ws := fx.ui.park(nil)
	must(t, !ws.typing, "a case only read counts as typing")
	fx.ui.unpark(ws)
	fx.ui.detail.intake.reply.SetText("UBND phường đã tiếp nhận phản ánh của chị.")
	ws = fx.ui.park(nil)
	must(t, ws.typing && ws.hasWork, "an unsent reply is not kept as typing: typing %v, work %v", ws.typing, ws.hasWork)
	must(t, fx.ui.detail == nil, "the case stays open for the next officer")
	fx.ui.unpark(ws)
	must(t, fx.ui.detail != nil && fx.ui.detail.intake.reply.Text == "UBND phường đã tiếp nhận phản ánh của chị.", "the draft did not come back")
}
