package app_test

import (
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/seeds"
)

// intakeNow is the server's clock in these tests: a Monday, 10:00 in
// Vietnam.
var intakeNow = time.Date(2026, 3, 16, 3, 0, 0, 0, time.UTC)

func intakeRefs(tb testing.TB) *app.RefData {
	tb.Helper()
	r, err := seeds.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func goodSubmission() app.Submission {
	return app.Submission{
		ID: "0195a3c4-5b6d-7e8f-9a0b-1c2d3e4f5a6b", UnitCode: "28261",
		Name: "  Nguyễn Văn  An ", Phone: "+84 912 345 678", Address: "12 Lê Lợi",
		BusinessName: "Cửa hàng Điện máy X", BusinessAddress: "5 Hùng Vương",
		Product: "Tủ lạnh", HappenedOn: "2026-03-01",
		Summary: "Mua tủ lạnh hỏng sau 2 ngày.\nCửa hàng không đổi.", Request: "Đổi tủ lạnh mới.",
		NoticeAcknowledged: true, SubmittedAt: intakeNow,
	}
}

func TestSubmission_ValidBecomesCase(t *testing.T) {
	refs := intakeRefs(t)
	s := goodSubmission()
	s.Normalize()
	if err := s.Validate(refs, intakeNow); err != nil {
		t.Fatalf("valid submission: %v", err)
	}
	code := app.NewTrackingCode()
	c := s.Case(app.NewID(), code)
	if err := c.Validate(refs, intakeNow); err != nil {
		t.Fatalf("its case: %v", err)
	}
	if c.ConsumerName != "Nguyễn Văn An" || c.ConsumerPhone != "0912345678" || c.Channel != app.ChannelOnlineIntake ||
		c.Status != app.StatusReceived || c.Kind != "phan_anh" || !c.ReceivedAt.Equal(intakeNow) ||
		c.PrivacyNotice != app.NoticeAcknowledgedOnline || c.IntakeID != s.ID || c.TrackingCode != code ||
		c.SpecificRequest != "Đổi tủ lạnh mới." || c.ProductOrService != "Tủ lạnh" || c.TransactionDate != "2026-03-01" {
		t.Fatalf("case = %+v", c)
	}
	if app.LastDigits(c.ConsumerPhone) != "5678" {
		t.Fatalf("last digits = %q", app.LastDigits(c.ConsumerPhone))
	}
}

func TestSubmission_MessagesPerField(t *testing.T) {
	refs := intakeRefs(t)
	for _, tc := range []struct {
		name  string
		edit  func(*app.Submission)
		field string
		want  string
	}{
		{"no id", func(s *app.Submission) { s.ID = "x" }, "submission_id", "tải lại trang"},
		{"no unit", func(s *app.Submission) { s.UnitCode = "" }, "unit_code", "Vui lòng chọn xã, phường"},
		{"unknown unit", func(s *app.Submission) { s.UnitCode = "99999" }, "unit_code", "Không tìm thấy xã, phường"},
		{"no name", func(s *app.Submission) { s.Name = "" }, "name", "họ và tên"},
		{"long name", func(s *app.Submission) { s.Name = strings.Repeat("ă", 201) }, "name", "tối đa 200"},
		{"no phone", func(s *app.Submission) { s.Phone = "" }, "phone", "số điện thoại"},
		{"bad phone", func(s *app.Submission) { s.Phone = "12345" }, "phone", "chưa đúng"},
		{"long address", func(s *app.Submission) { s.Address = strings.Repeat("a", 201) }, "address", "tối đa 200"},
		{"long business", func(s *app.Submission) { s.BusinessName = strings.Repeat("a", 201) }, "business_name", "tối đa 200"},
		{"long business address", func(s *app.Submission) { s.BusinessAddress = strings.Repeat("a", 201) }, "business_address", "tối đa 200"},
		{"long product", func(s *app.Submission) { s.Product = strings.Repeat("a", 201) }, "product", "tối đa 200"},
		{"bad day", func(s *app.Submission) { s.HappenedOn = "2026-02-30" }, "happened_on", "Ngày chưa đúng"},
		{"future day", func(s *app.Submission) { s.HappenedOn = "2026-03-20" }, "happened_on", "sau ngày hôm nay"},
		{"no summary", func(s *app.Submission) { s.Summary = "" }, "summary", "kể lại sự việc"},
		{"long summary", func(s *app.Submission) { s.Summary = strings.Repeat("a", 10_001) }, "summary", "10.000"},
		{"no request", func(s *app.Submission) { s.Request = "" }, "request", "giải quyết như thế nào"},
		{"long request", func(s *app.Submission) { s.Request = strings.Repeat("a", 10_001) }, "request", "10.000"},
		{"control char", func(s *app.Submission) { s.Product = "a\x00b" }, "product", "ký tự không hợp lệ"},
		{"no notice", func(s *app.Submission) { s.NoticeAcknowledged = false }, "notice",
			"Bạn cần đọc và xác nhận thông báo về xử lý dữ liệu cá nhân trước khi gửi."},
		{"four files", func(s *app.Submission) { s.Files = make([]app.SubmittedFile, 4) }, "files", "tối đa 3 tệp"},
		{"big file", func(s *app.Submission) {
			s.Files = []app.SubmittedFile{{Name: "anh.jpg", Data: make([]byte, 5<<20+1)}}
		}, "files", "“anh.jpg” quá lớn"},
		{"empty file", func(s *app.Submission) { s.Files = []app.SubmittedFile{{Name: "a.pdf"}} }, "files", "trống"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := goodSubmission()
			tc.edit(&s)
			s.Normalize()
			err := s.Validate(refs, intakeNow)
			if app.ErrorCode(err) != app.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			fe := app.FieldErrors(err)
			if !strings.Contains(fe[tc.field], tc.want) {
				t.Fatalf("fields = %v; want %s: …%s…", fe, tc.field, tc.want)
			}
			if len(fe) != 1 {
				t.Fatalf("one bad field gave %d messages: %v", len(fe), fe)
			}
		})
	}
}

func TestSubmission_ScriptIsText(t *testing.T) {
	refs := intakeRefs(t)
	const x = `<script>alert("x")</script>`
	s := goodSubmission()
	for _, p := range []*string{&s.Name, &s.Address, &s.BusinessName, &s.BusinessAddress, &s.Product, &s.Summary, &s.Request} {
		*p = x
	}
	s.Normalize()
	if err := s.Validate(refs, intakeNow); err != nil {
		t.Fatalf("script in every field: %v", err)
	}
	if c := s.Case(app.NewID(), app.NewTrackingCode()); c.Summary != x || c.ConsumerName != x {
		t.Fatalf("stored as %q, %q", c.Summary, c.ConsumerName)
	}
}

func TestTrackingCode(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := app.NewTrackingCode()
		if !app.ValidTrackingCode(c) || strings.ContainsAny(c, "01OI") || seen[c] {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
	}
	if got := app.NormalizeTrackingCode(" abcde-fghjk "); got != "ABCDEFGHJK" {
		t.Fatalf("normalized = %q", got)
	}
}

func TestCase_ValidateIntakeFields(t *testing.T) {
	refs := intakeRefs(t)
	s := goodSubmission()
	s.Normalize()
	base := s.Case(app.NewID(), app.NewTrackingCode())
	for _, tc := range []struct {
		name, field string
		edit        func(*app.Case)
	}{
		{"forward to itself", "forwarded_to", func(c *app.Case) { c.ForwardedTo = c.UnitCode }},
		{"forward to unknown", "forwarded_to", func(c *app.Case) { c.ForwardedTo = "99999" }},
		{"forward to bad code", "forwarded_to", func(c *app.Case) { c.ForwardedTo = "abc" }},
		{"bad forwarded from", "forwarded_from", func(c *app.Case) { c.ForwardedFrom = "x" }},
		{"bad tracking code", "tracking_code", func(c *app.Case) { c.TrackingCode = "ABC0O1I" }},
		{"long reply", "consumer_reply", func(c *app.Case) { c.ConsumerReply = strings.Repeat("a", app.MaxReplyText+1) }},
		{"sent without text", "consumer_reply", func(c *app.Case) { c.ConsumerReplyAt = intakeNow }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := *base
			tc.edit(&c)
			if fe := app.FieldErrors(c.Validate(refs, intakeNow)); fe[tc.field] == "" || len(fe) != 1 {
				t.Fatalf("fields = %v, want one on %s", fe, tc.field)
			}
		})
	}
	c := *base
	c.ForwardedTo = "28249"
	c.ConsumerReply, c.ConsumerReplyAt = "Đã nhận.", intakeNow
	if err := c.Validate(refs, intakeNow); err != nil {
		t.Fatalf("a good forward and reply: %v", err)
	}
}

func TestPublicStatus(t *testing.T) {
	refs := intakeRefs(t)
	cal, err := refs.Calendar()
	if err != nil {
		t.Fatal(err)
	}
	s := goodSubmission()
	s.Normalize()
	c := s.Case(app.NewID(), app.NewTrackingCode())
	c.ConsumerName = "secret"

	st := app.PublicStatus(c, nil, refs.SlaRules, cal, intakeNow)
	// Received Monday 16/3/2026: three working days to acknowledge, Thursday 19/3.
	if st.Status != "Đã gửi đến UBND xã, phường, đang chờ cán bộ tiếp nhận" ||
		st.NextStep != "UBND xã, phường xác nhận đã tiếp nhận" ||
		!st.NextDue.Equal(time.Date(2026, 3, 19, 0, 0, 0, 0, app.ICT)) || !st.ReceivedAt.Equal(intakeNow) {
		t.Fatalf("new: %+v", st)
	}
	ack := app.CaseEvent{ID: app.NewID(), UnitCode: c.UnitCode, CaseID: c.ID, Kind: app.EventAcknowledged, At: intakeNow.Add(time.Hour)}
	c.ConsumerReply = "Bản nháp chưa gửi"
	st = app.PublicStatus(c, []app.CaseEvent{ack}, refs.SlaRules, cal, intakeNow.Add(2*time.Hour))
	if st.Status != "Đã tiếp nhận" || st.Reply != "" || st.NextStep != "" {
		t.Fatalf("acknowledged, reply not sent: %+v", st)
	}
	c.ConsumerReplyAt = intakeNow.Add(3 * time.Hour)
	st = app.PublicStatus(c, []app.CaseEvent{ack}, refs.SlaRules, cal, intakeNow.Add(4*time.Hour))
	if st.Reply != "Bản nháp chưa gửi" || !st.ReplyAt.Equal(c.ConsumerReplyAt) {
		t.Fatalf("reply sent: %+v", st)
	}
	if strings.Contains(st.Status+st.NextStep+st.Reply, "secret") {
		t.Fatal("a name on the status page")
	}
	acc := app.CaseEvent{ID: app.NewID(), UnitCode: c.UnitCode, CaseID: c.ID, Kind: app.EventAccepted, At: intakeNow.Add(5 * time.Hour)}
	c.Status = app.StatusAccepted
	st = app.PublicStatus(c, []app.CaseEvent{ack, acc}, refs.SlaRules, cal, intakeNow.Add(6*time.Hour))
	if st.Status != "Đã nhận giải quyết" || st.NextStep != "UBND xã, phường giải quyết" || st.NextDue.IsZero() {
		t.Fatalf("accepted: %+v", st)
	}
}
