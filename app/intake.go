package app

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// The online intake channel (Kế hoạch 395/KH-UBND task II.2: "thiết lập và
// vận hành hiệu quả kênh tiếp nhận phản ánh, khiếu nại trực tuyến"): a
// consumer fills the public form the provincial server serves; the server
// turns the submission into a case of the chosen commune (channel
// ChannelOnlineIntake) by its own identity, and the consumer follows it
// with a tracking code and the last four digits of their phone.

// Submission is what a consumer sent on the public form. The form's field
// names are the json names; a validation error (*Error, EINVALID) keys its
// Fields by them so that the form shows each message next to its field.
type Submission struct {
	// ID is the submission's id, made by the form when it is first shown
	// (a hidden field): a double click or a resend of the same form makes
	// one case.
	ID       string `json:"submission_id"`
	UnitCode string `json:"unit_code"` // the commune or ward chosen
	// Who the consumer is and how to reach them.
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Address string `json:"address"`
	// The business and what happened: the product or service, when (a
	// YYYY-MM-DD day, optional), the facts, and what the consumer asks.
	BusinessName    string `json:"business_name"`
	BusinessAddress string `json:"business_address"`
	Product         string `json:"product"`
	HappenedOn      string `json:"happened_on"`
	Summary         string `json:"summary"`
	Request         string `json:"request"`
	// NoticeAcknowledged: the consumer ticked that they read the notice on
	// the processing of their data (PrivacyNotice, NĐ 356/2025/NĐ-CP); a
	// submission without it is refused.
	NoticeAcknowledged bool `json:"notice"`
	// Files are the evidence the consumer attached (optional).
	Files []SubmittedFile `json:"-"`
	// SubmittedAt is set by the server from its clock, never by the form.
	SubmittedAt time.Time `json:"-"`
}

// SubmittedFile is one evidence file sent with a submission.
type SubmittedFile struct {
	Name string
	Data []byte
}

// SubmitReceipt is what the consumer is told after sending: the tracking
// code, when it was received and by which commune; Repeated when the
// submission had been received already (the same receipt again).
type SubmitReceipt struct {
	TrackingCode string
	ReceivedAt   time.Time
	UnitName     string
	Repeated     bool
}

// IntakeStatus is all the public status page shows of a case: never a
// name, another case or an internal note.
type IntakeStatus struct {
	UnitName   string    // the commune or ward handling it now
	ReceivedAt time.Time // when the submission was received
	Status     string    // the status in plain words
	NextStep   string    // the next step, in plain words ("" none)
	NextDue    time.Time // the day it is due (zero: none)
	Reply      string    // the message the officer sent to the consumer ("" none)
	ReplyAt    time.Time
}

// Limits of a submission's evidence files: at most MaxIntakeFiles files,
// each at most MaxIntakeFileSize bytes as sent (a phone's photo; the
// server re-encodes photos, app/attachfile, before it keeps them).
const (
	MaxIntakeFiles    = 3
	MaxIntakeFileSize = 5 << 20
)

// MaxReplyText bounds the message to the consumer (Case.ConsumerReply), in
// characters: a few sentences on a phone's screen.
const MaxReplyText = 2_000

// IntakeOfficer is the name the online intake's writes are recorded under
// (the officer of its mutations, the creator of its cases).
const IntakeOfficer = "Cổng tiếp nhận trực tuyến"

// IntakeKind is the kind of a case filed on the public form: a report
// (phản ánh). The form asks no kind: a consumer cannot be expected to know
// the legal difference between a report, a complaint against a business
// (khiếu nại, which presumes they asked the business first, Luật 19/2023
// Điều 56) and a request for negotiation support (Điều 57), and choosing
// wrongly would start the wrong clocks (forward_request runs for a support
// request only). A report starts only the commune's own clocks; the
// officer who reads it sets the kind it really is.
const IntakeKind = "phan_anh"

// IntakeSector is the sector of a case filed on the public form ("khac",
// other): the form asks none; the officer sets it.
const IntakeSector = "khac"

// Messages of the submission's own checks: plain words, to the consumer.
const (
	msgSubmissionID = "Biểu mẫu không hợp lệ hoặc đã quá cũ. Vui lòng tải lại trang rồi gửi lại."
	msgSubUnit      = "Vui lòng chọn xã, phường nơi bạn muốn gửi phản ánh."
	msgSubUnitBad   = "Không tìm thấy xã, phường này. Vui lòng chọn lại trong danh sách."
	msgSubName      = "Vui lòng nhập họ và tên của bạn."
	msgSubPhone     = "Vui lòng nhập số điện thoại để cán bộ liên hệ và để bạn tra cứu kết quả."
	msgSubPhoneBad  = "Số điện thoại chưa đúng. Vui lòng nhập số gồm 10 hoặc 11 chữ số, ví dụ: 0912 345 678."
	msgSubSummary   = "Vui lòng kể lại sự việc đã xảy ra."
	msgSubRequest   = "Vui lòng cho biết bạn đề nghị được giải quyết như thế nào."
	msgSubNotice    = "Bạn cần đọc và xác nhận thông báo về xử lý dữ liệu cá nhân trước khi gửi."
	msgSubDayBad    = "Ngày chưa đúng. Vui lòng chọn lại ngày (ngày, tháng, năm)."
	msgSubDayFuture = "Ngày xảy ra sự việc không thể sau ngày hôm nay."
	msgSubTooMany   = "Bạn chỉ gửi được tối đa 3 tệp."
	msgSubFileEmpty = "Tệp “%s” trống, không có nội dung."
	msgSubFileBig   = "Tệp “%s” quá lớn (%s). Mỗi tệp tối đa 5 MB: bạn có thể chụp lại ảnh với chất lượng thấp hơn."
	msgSubFix       = "Vui lòng kiểm tra lại các mục được đánh dấu."
)

// subFields maps the fields of the case a submission becomes to the
// submission's own (the form's names): a message of Case.Validate on one of
// them is shown next to the form's field.
var subFields = map[string]string{
	"unit_code":          "unit_code",
	"consumer_name":      "name",
	"consumer_phone":     "phone",
	"consumer_address":   "address",
	"business_name":      "business_name",
	"business_address":   "business_address",
	"product_or_service": "product",
	"transaction_date":   "happened_on",
	"summary":            "summary",
	"specific_request":   "request",
	"intake_id":          "submission_id",
}

// Normalize puts every text in NFC with tidy spaces (the long texts keep
// their line breaks) and the phone in its plain form, as the case does.
func (s *Submission) Normalize() {
	for _, p := range []*string{&s.ID, &s.UnitCode, &s.Name, &s.Address, &s.BusinessName,
		&s.BusinessAddress, &s.Product, &s.HappenedOn} {
		*p = NFC(*p)
	}
	s.Phone = NormalizePhone(s.Phone)
	s.Summary = NFCText(s.Summary)
	s.Request = NFCText(s.Request)
	for i := range s.Files {
		s.Files[i].Name = NFC(s.Files[i].Name)
	}
	if !s.SubmittedAt.IsZero() {
		s.SubmittedAt = s.SubmittedAt.UTC().Truncate(time.Second)
	}
}

// Case returns the case the submission becomes, with id and the tracking
// code: a report (IntakeKind) of the chosen commune, channel
// ChannelOnlineIntake, status "mới tiếp nhận", received (and made) at
// SubmittedAt, the notice acknowledged online, by IntakeOfficer.
func (s *Submission) Case(id, trackingCode string) *Case {
	c := &Case{
		RecordHead: RecordHead{ID: id, UnitCode: s.UnitCode, CreatedAt: s.SubmittedAt, CreatedBy: IntakeOfficer,
			UpdatedAt: s.SubmittedAt, UpdatedBy: IntakeOfficer},
		ReceivedAt: s.SubmittedAt, Channel: ChannelOnlineIntake, Kind: IntakeKind, Sector: IntakeSector,
		Status:       StatusReceived,
		ConsumerName: s.Name, ConsumerPhone: s.Phone, ConsumerAddress: s.Address,
		BusinessName: s.BusinessName, BusinessAddress: s.BusinessAddress,
		ProductOrService: s.Product, TransactionDate: s.HappenedOn,
		Summary: s.Summary, SpecificRequest: s.Request,
		IntakeID: s.ID, TrackingCode: trackingCode,
	}
	if s.NoticeAcknowledged {
		c.PrivacyNotice = NoticeAcknowledgedOnline
	}
	return c
}

// Validate checks a normalised submission at now (the server's clock) with
// the validator of the laptop's case form (Case.Validate, on the case it
// becomes, its messages keyed by the form's names) and what the form adds:
// a name, a phone (its last four digits open the status page), the
// commune, the facts and the request; the notice acknowledged; at most
// MaxIntakeFiles files of at most MaxIntakeFileSize bytes. The files' types
// are checked when the server prepares them (app/attachfile, which this
// package cannot call). It returns an *Error EINVALID with a message per
// field, or nil.
func (s *Submission) Validate(refs Refs, now time.Time) error {
	fe := map[string]string{}
	if !ValidID(s.ID) {
		fe["submission_id"] = msgSubmissionID
	}
	switch {
	case s.UnitCode == "":
		fe["unit_code"] = msgSubUnit
	case !unitCodeRE.MatchString(s.UnitCode) || refs != nil && !refs.HasUnit(s.UnitCode):
		fe["unit_code"] = msgSubUnitBad
	}
	if s.Name == "" {
		fe["name"] = msgSubName
	}
	if s.Phone == "" {
		fe["phone"] = msgSubPhone
	} else if !phoneRE.MatchString(s.Phone) {
		fe["phone"] = msgSubPhoneBad
	}
	if s.Summary == "" {
		fe["summary"] = msgSubSummary
	}
	if s.Request == "" {
		fe["request"] = msgSubRequest
	}
	if !s.NoticeAcknowledged {
		fe["notice"] = msgSubNotice
	}
	if s.HappenedOn != "" {
		if d, ok := parseDay(s.HappenedOn); !ok || d.Year() < 1990 {
			fe["happened_on"] = msgSubDayBad
		} else if d.After(now) {
			fe["happened_on"] = msgSubDayFuture
		}
	}
	if len(s.Files) > MaxIntakeFiles {
		fe["files"] = msgSubTooMany
	} else {
		for _, f := range s.Files {
			if len(f.Data) == 0 {
				fe["files"] = fmt.Sprintf(msgSubFileEmpty, f.Name)
				break
			}
			if len(f.Data) > MaxIntakeFileSize {
				fe["files"] = fmt.Sprintf(msgSubFileBig, f.Name, FormatBytes(int64(len(f.Data))))
				break
			}
		}
	}
	for i, f := range s.Files {
		if msg := checkText(f.Name, MaxShortText); msg != "" {
			fe["files"] = fmt.Sprintf("Tên tệp thứ %d: %s", i+1, msg)
		}
	}

	// The laptop's validator, on the case it becomes.
	at := s.SubmittedAt
	if at.IsZero() {
		at = now
	}
	sub := *s
	sub.SubmittedAt = at
	c := sub.Case(NewID(), "")
	c.Normalize()
	var unmapped []string
	for name, msg := range FieldErrors(c.Validate(refs, now)) {
		f, ok := subFields[name]
		if !ok {
			unmapped = append(unmapped, name+": "+msg)
			continue
		}
		if _, done := fe[f]; !done {
			fe[f] = msg
		}
	}
	if len(unmapped) > 0 && len(fe) == 0 {
		// A field the form does not have: the server built a wrong case.
		return Errorf(EINTERNAL, "Không tạo được hồ sơ từ biểu mẫu (%s).", strings.Join(unmapped, "; "))
	}
	if len(fe) > 0 {
		return &Error{Code: EINVALID, Message: msgSubFix, Fields: fe}
	}
	return nil
}

// LastDigits returns the last four digits of a normalised phone ("" when
// it has fewer).
func LastDigits(phone string) string {
	if len(phone) < 4 {
		return ""
	}
	return phone[len(phone)-4:]
}

// trackingAlphabet is the alphabet of tracking codes: digits and capital
// letters without 0, O, 1 and I, which a person copying a code confuses.
// It has 32 symbols, so a random byte's low 5 bits pick one evenly.
const trackingAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// TrackingCodeLen is the length of a tracking code: 10 symbols, 50 bits.
const TrackingCodeLen = 10

// NewTrackingCode returns a random tracking code (crypto/rand). The
// server checks that no case has it yet.
func NewTrackingCode() string {
	var b [TrackingCodeLen]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("app: cannot read random bytes for a tracking code: " + err.Error())
	}
	for i := range b {
		b[i] = trackingAlphabet[b[i]&31]
	}
	return string(b[:])
}

// NormalizeTrackingCode returns a code as a consumer typed it in the form
// codes are stored: capitals, without spaces, dots or dashes.
func NormalizeTrackingCode(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '\u00a0', '\t':
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}

// ValidTrackingCode reports whether s is a tracking code in stored form.
func ValidTrackingCode(s string) bool {
	if len(s) != TrackingCodeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(trackingAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}

// publicStatuses are the case statuses in the consumer's words
// (PublicStatus); a received case the commune has acknowledged is
// statusAcknowledged.
var publicStatuses = map[string]string{
	StatusReceived:      "Đã gửi đến UBND xã, phường, đang chờ cán bộ tiếp nhận",
	StatusNeedsDocs:     "Cần bạn bổ sung thông tin hoặc giấy tờ",
	StatusAccepted:      "Đã nhận giải quyết",
	StatusInProgress:    "Đang giải quyết",
	StatusReferred:      "Đã chuyển đến cơ quan có thẩm quyền giải quyết",
	StatusAwaitBusiness: "Đang chờ doanh nghiệp trả lời",
	StatusNegotiating:   "Đang thương lượng với doanh nghiệp",
	StatusMediating:     "Đang hòa giải",
	StatusResolved:      "Đã giải quyết xong",
	StatusClosed:        "Đã kết thúc",
	StatusRejected:      "Không được nhận giải quyết",
	StatusWithdrawn:     "Bạn đã rút yêu cầu",
}

const statusAcknowledged = "Đã tiếp nhận"

// publicSteps are the next steps in the consumer's words, by deadline rule
// code (seeds/data/sla_rules.json); a rule not named here is told by its
// label.
var publicSteps = map[string]string{
	"intake_ack":           "UBND xã, phường xác nhận đã tiếp nhận",
	"supplement":           "Bạn bổ sung thông tin hoặc giấy tờ",
	"resolve_overall":      "UBND xã, phường giải quyết",
	RulePerformance.Code:   "Các bên thực hiện thỏa thuận hòa giải",
	"business_negotiation": "Doanh nghiệp trả lời, thương lượng với bạn",
	"business_report":      "Doanh nghiệp gửi văn bản kết quả thương lượng",
}

// PublicStatus is what the status page shows of a case at now: the day it
// was received, its status in plain words, the next step and the day it
// is due (the soonest running deadline, app.Deadlines on the commune's
// calendar, of the commune or of the consumer; a business's or another
// body's clocks are the commune's to follow up, not the consumer's), and
// the message the officer sent (only once sent: ConsumerReplyAt set).
// Nothing else: never a name, a note, the business or another case. The
// UnitName is the caller's (it holds the catalogue).
func PublicStatus(c *Case, events []CaseEvent, rules []SlaRule, cal *Calendar, now time.Time) IntakeStatus {
	st := IntakeStatus{ReceivedAt: c.ReceivedAt}
	st.Status = publicStatuses[c.Status]
	if st.Status == "" {
		st.Status = "Đang giải quyết"
	}
	if c.Voided {
		st.Status = publicStatuses[StatusClosed]
	}
	if c.Status == StatusReceived {
		for _, e := range events {
			if e.Kind == EventAcknowledged && e.CaseID == c.ID {
				st.Status = statusAcknowledged
				break
			}
		}
	}
	var own []CaseEvent
	for _, e := range events {
		if e.CaseID == c.ID {
			own = append(own, e)
		}
	}
	for _, d := range Deadlines(c, own, rules, cal, now) {
		if !d.Rule.Own() && d.Rule.Binds != BindsConsumer {
			continue
		}
		st.NextStep = publicSteps[d.Rule.Code]
		if st.NextStep == "" {
			st.NextStep = d.Rule.VI
		}
		st.NextDue = d.Due
		break
	}
	if !c.ConsumerReplyAt.IsZero() && c.ConsumerReply != "" {
		st.Reply, st.ReplyAt = c.ConsumerReply, c.ConsumerReplyAt
	}
	return st
}
