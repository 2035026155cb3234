package app

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Case is a consumer matter (vụ việc) received by a commune: a question, a
// report, a complaint or a request for negotiation support.
//
// The JSON names are the field names used by the outbox, the wire and the
// dump; never rename one.
type Case struct {
	// RecordHead: the id, the commune (5-digit code), voided, and who
	// made and last changed the case, when.
	RecordHead
	Number          string    `json:"number"` // {unit}-{yyyy}-{tag}-{seq}
	ReceivedAt      time.Time `json:"received_at"`
	Channel         string    `json:"channel"`
	Kind            string    `json:"kind"`
	ConsumerName    string    `json:"consumer_name"`
	ConsumerPhone   string    `json:"consumer_phone"`
	ConsumerAddress string    `json:"consumer_address"`
	BusinessName    string    `json:"business_name"`
	BusinessAddress string    `json:"business_address"`
	Sector          string    `json:"sector"`
	Summary         string    `json:"summary" text:"long"` // the facts (nội dung vụ việc)
	Status          string    `json:"status"`

	// Who asks (docs/domain.md §5.2): a RequesterRoles code; the legal
	// representative when the consumer cannot act alone (Điều 58 khoản 1);
	// the agency or hotline that referred the matter.
	RequesterRole          string `json:"requester_role"`
	RepresentativeName     string `json:"representative_name"`
	RepresentativeRelation string `json:"representative_relation"`
	ReferredFrom           string `json:"referred_from"`

	// The consumer: gender (Genders), date of birth (YYYY-MM-DD) or, when
	// it is not known, an age band (AgeBands); the commune of the address
	// and the address as written before the 2025 merger.
	ConsumerGender     string `json:"consumer_gender"`
	ConsumerBirthDate  string `json:"consumer_birth_date"`
	ConsumerAgeBand    string `json:"consumer_age_band"`
	ConsumerUnitCode   string `json:"consumer_unit_code"`
	ConsumerOldAddress string `json:"consumer_old_address"`
	// VulnerableGroups are VulnerableGroups codes (Điều 8 khoản 1), with
	// a note on the evidence of that status (Điều 8 khoản 2 điểm c).
	VulnerableGroups   []string `json:"vulnerable_groups"`
	VulnerableEvidence string   `json:"vulnerable_evidence" text:"note"`

	// The business: BusinessKinds code, tax code, phone, and the platform,
	// page or link it sells through.
	BusinessKind          string `json:"business_kind"`
	BusinessTaxCode       string `json:"business_tax_code"`
	BusinessPhone         string `json:"business_phone"`
	BusinessOnlineChannel string `json:"business_online_channel"`

	// What happened: issue types (seeds), the transaction (TransactionTypes,
	// YYYY-MM-DD, value and damage claimed in VND).
	IssueTypes       []string `json:"issue_types"`
	TransactionType  string   `json:"transaction_type"`
	ProductOrService string   `json:"product_or_service"`
	TransactionDate  string   `json:"transaction_date"`
	TransactionValue int64    `json:"transaction_value"`
	DamageClaimed    int64    `json:"damage_claimed"`

	// The request: what the consumer asks for, whether they contacted the
	// business first (Điều 56 khoản 3; YYYY-MM-DD), the evidence they
	// brought (one item per entry), the officer in charge and the method
	// of resolution chosen (ResolutionMethods).
	SpecificRequest  string   `json:"specific_request" text:"long"`
	PriorContact     bool     `json:"prior_contact"`
	PriorContactDate string   `json:"prior_contact_date"`
	Evidence         []string `json:"evidence"`
	AssignedTo       string   `json:"assigned_to"`
	ResolutionMethod string   `json:"resolution_method"`

	// OffPremisesNoticeID links a complaint to the off-premises sale it came
	// from: the id of an OffPremisesNotice of the register (NĐ 55/2024/NĐ-CP
	// Điều 26–27), or "".
	OffPremisesNoticeID string `json:"off_premises_notice_id"`

	// The personal-data law (app/privacy.go, docs/privacy.md):
	// PrivacyNotice says how the consumer was given the notice of NĐ
	// 356/2025/NĐ-CP (PrivacyNoticeWays; "" not recorded); Restricted,
	// that the person asked to restrict the processing of their data (the
	// case is kept for the legal workflow but shown only to the leader,
	// app.SeesRestricted); AnonymisedOn, the day (YYYY-MM-DD) the retention
	// period ended and the personal fields were anonymised ("" never).
	PrivacyNotice string `json:"privacy_notice"`
	Restricted    bool   `json:"restricted"`
	AnonymisedOn  string `json:"anonymised_on"`

	// The online intake channel (Kế hoạch 395/KH-UBND II.2; app/intake.go):
	// IntakeID is the id of the consumer's submission on the public form
	// (one case per submission, however often it is sent); TrackingCode,
	// the code the consumer follows it with; IntakeOpenedAt, when an
	// officer first opened the case (zero: the list shows "Mới từ cổng
	// trực tuyến"). ConsumerReply is the message the officer chose to show
	// the consumer on the status page, sent at ConsumerReplyAt (zero: not
	// sent; a draft is never shown). ForwardedTo is the commune an officer
	// forwarded a case sent to the wrong one (the server moves it there,
	// app.CaseForward); ForwardedFrom, on the moved case, the id of the
	// case it came from.
	IntakeID        string    `json:"intake_id"`
	TrackingCode    string    `json:"tracking_code"`
	IntakeOpenedAt  time.Time `json:"intake_opened_at"`
	ConsumerReply   string    `json:"consumer_reply" text:"long"`
	ConsumerReplyAt time.Time `json:"consumer_reply_at"`
	ForwardedTo     string    `json:"forwarded_to"`
	ForwardedFrom   string    `json:"forwarded_from"`

	// VoidReason says why a case recorded by mistake (a duplicate, a
	// test) was voided (RecordHead.Voided): it is kept, with the reason,
	// but left out of lists and reports.
	VoidReason string `json:"void_reason"`
}

// Entity returns EntityCase.
func (c *Case) Entity() string { return EntityCase }

// Refs answers whether reference codes exist (the seeded communes and
// sectors). A nil Refs skips those checks.
type Refs interface {
	HasUnit(code string) bool
	HasSector(code string) bool
	HasIssueType(code string) bool
}

// Normalize puts every text field in NFC with tidy spaces, and every time in
// UTC at whole seconds.
func (c *Case) Normalize() {
	for _, p := range []*string{&c.UnitCode, &c.Number, &c.Channel, &c.Kind,
		&c.ConsumerName, &c.ConsumerAddress, &c.BusinessName, &c.BusinessAddress,
		&c.Sector, &c.Status, &c.VoidReason, &c.CreatedBy, &c.UpdatedBy,
		&c.RequesterRole, &c.RepresentativeName, &c.RepresentativeRelation, &c.ReferredFrom, &c.OffPremisesNoticeID,
		&c.ConsumerGender, &c.ConsumerBirthDate, &c.ConsumerAgeBand, &c.ConsumerUnitCode,
		&c.ConsumerOldAddress, &c.BusinessKind, &c.BusinessTaxCode, &c.BusinessOnlineChannel,
		&c.TransactionType, &c.ProductOrService, &c.TransactionDate, &c.PriorContactDate,
		&c.AssignedTo, &c.ResolutionMethod, &c.PrivacyNotice, &c.AnonymisedOn,
		&c.IntakeID, &c.TrackingCode, &c.ForwardedTo, &c.ForwardedFrom} {
		*p = NFC(*p)
	}
	c.ConsumerPhone = NormalizePhone(c.ConsumerPhone)
	c.BusinessPhone = NormalizePhone(c.BusinessPhone)
	c.BusinessTaxCode = strings.ReplaceAll(c.BusinessTaxCode, " ", "")
	c.Summary = NFCText(c.Summary)
	c.SpecificRequest = NFCText(c.SpecificRequest)
	c.VulnerableEvidence = NFCText(c.VulnerableEvidence)
	c.ConsumerReply = NFCText(c.ConsumerReply)
	c.VulnerableGroups = normalizeCodes(c.VulnerableGroups, VulnerableGroups)
	c.IssueTypes = normalizeCodes(c.IssueTypes, nil)
	c.Evidence = normalizeItems(c.Evidence)
	if !c.PriorContact {
		c.PriorContactDate = ""
	}
	for _, t := range []*time.Time{&c.ReceivedAt, &c.CreatedAt, &c.UpdatedAt, &c.IntakeOpenedAt, &c.ConsumerReplyAt} {
		if !t.IsZero() {
			*t = t.UTC().Truncate(time.Second)
		}
	}
}

var (
	unitCodeRE = regexp.MustCompile(`^[0-9]{5}$`)
	phoneRE    = regexp.MustCompile(`^0[0-9]{9,10}$`)
	// A tax code (mã số thuế) has 10 digits, or 10 + "-" + 3 for a branch.
	taxCodeRE = regexp.MustCompile(`^[0-9]{10}(-[0-9]{3})?$`)
)

// normalizeCodes trims, drops empty and repeated codes and, when order is
// given, sorts the codes in its order (unknown codes last, as they are);
// nil stays nil so that an untouched list is not a change.
func normalizeCodes(codes []string, order CodeList) []string {
	if len(codes) == 0 {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		out = append(out, c)
	}
	if order != nil {
		pos := func(c string) int {
			for i, x := range order {
				if x.Code == c {
					return i
				}
			}
			return len(order)
		}
		sort.SliceStable(out, func(i, j int) bool { return pos(out[i]) < pos(out[j]) })
	}
	return out
}

// normalizeItems puts each item in NFC and drops empty ones.
func normalizeItems(items []string) []string {
	var out []string
	for _, it := range items {
		if it = NFC(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

// parseDay reads a date-only field (YYYY-MM-DD) as a day in Vietnam.
func parseDay(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, s, ICT)
	return t, err == nil
}

// NormalizePhone removes spaces, dots and dashes and turns +84 into 0.
func NormalizePhone(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '(', ')', '\u00a0':
			return -1
		}
		return r
	}, NFC(s))
	if strings.HasPrefix(s, "+84") {
		s = "0" + s[3:]
	} else if strings.HasPrefix(s, "84") && (len(s) == 11 || len(s) == 12) {
		s = "0" + s[2:]
	}
	return s
}

// Field length limits, in characters (app/limits.go).
const (
	maxShortText = MaxShortText
	maxSummary   = MaxLongText
)

// Validate checks c and returns an *Error with code EINVALID and a
// Vietnamese message per bad field, or nil. now is the time of the check.
func (c *Case) Validate(refs Refs, now time.Time) error {
	fe := map[string]string{}
	if !unitCodeRE.MatchString(c.UnitCode) {
		fe["unit_code"] = "Mã xã, phường phải gồm 5 chữ số."
	} else if refs != nil && !refs.HasUnit(c.UnitCode) {
		fe["unit_code"] = fmt.Sprintf("Không có xã, phường mã %s trong danh mục.", c.UnitCode)
	}
	if c.ReceivedAt.IsZero() {
		fe["received_at"] = "Chưa nhập ngày tiếp nhận."
	} else if c.ReceivedAt.After(now.Add(24 * time.Hour)) {
		fe["received_at"] = "Ngày tiếp nhận không được ở tương lai."
	} else if c.ReceivedAt.Year() < 2000 {
		fe["received_at"] = "Ngày tiếp nhận không hợp lệ."
	}
	if c.Channel == "" {
		fe["channel"] = "Chưa chọn kênh tiếp nhận."
	} else if !Channels.Has(c.Channel) {
		fe["channel"] = "Kênh tiếp nhận không hợp lệ."
	}
	if c.Kind == "" {
		fe["kind"] = "Chưa chọn loại vụ việc."
	} else if !CaseKinds.Has(c.Kind) {
		fe["kind"] = "Loại vụ việc không hợp lệ."
	}
	if c.ConsumerName == "" {
		fe["consumer_name"] = "Chưa nhập họ và tên người tiêu dùng."
	} else if len([]rune(c.ConsumerName)) > maxShortText {
		fe["consumer_name"] = "Họ và tên quá dài (tối đa 200 ký tự)."
	}
	if c.ConsumerPhone != "" && !phoneRE.MatchString(c.ConsumerPhone) {
		fe["consumer_phone"] = "Số điện thoại không hợp lệ (ví dụ: 0912 345 678)."
	}
	if len([]rune(c.ConsumerAddress)) > maxShortText {
		fe["consumer_address"] = "Địa chỉ quá dài (tối đa 200 ký tự)."
	}
	if len([]rune(c.BusinessName)) > maxShortText {
		fe["business_name"] = "Tên doanh nghiệp quá dài (tối đa 200 ký tự)."
	}
	if len([]rune(c.BusinessAddress)) > maxShortText {
		fe["business_address"] = "Địa chỉ doanh nghiệp quá dài (tối đa 200 ký tự)."
	}
	if c.Sector == "" {
		fe["sector"] = "Chưa chọn lĩnh vực."
	} else if refs != nil && !refs.HasSector(c.Sector) {
		fe["sector"] = "Lĩnh vực không có trong danh mục."
	}
	if c.Summary == "" {
		fe["summary"] = "Chưa nhập nội dung vụ việc."
	} else if len([]rune(c.Summary)) > maxSummary {
		fe["summary"] = "Nội dung quá dài (tối đa 10.000 ký tự)."
	}
	if c.Status == "" || !CaseStatuses.Has(c.Status) {
		fe["status"] = "Trạng thái không hợp lệ."
	}
	c.validateDetails(fe, refs, now)
	c.validateIntake(fe, refs, now)
	if c.Voided && c.VoidReason == "" {
		fe["void_reason"] = "Cần ghi lý do hủy vụ việc."
	} else if len([]rune(c.VoidReason)) > maxShortText {
		fe["void_reason"] = "Lý do hủy quá dài (tối đa 200 ký tự)."
	}
	checkShape(fe, c)
	if len(fe) > 0 {
		return &Error{Code: EINVALID, Message: "Vui lòng sửa các trường được đánh dấu.", Fields: fe}
	}
	return nil
}

// FormatCaseNumber returns the human number of a case, unique without
// coordination: 28261-2026-A7K3-0012.
func FormatCaseNumber(unit string, year int, deviceTag string, seq int) string {
	return fmt.Sprintf("%s-%04d-%s-%04d", unit, year, deviceTag, seq)
}

// Fields returns every field of c by its JSON name, as JSON values.
func (c *Case) Fields() map[string]json.RawMessage {
	return toFields(c)
}

// SetFields overwrites the fields of c named in f.
func (c *Case) SetFields(f map[string]json.RawMessage) error {
	return setFields(c, f)
}

// ChangedFields returns the fields of c whose values differ from old, with
// the values of c.
func (c *Case) ChangedFields(old *Case) map[string]json.RawMessage {
	return DiffFields(old.Fields(), c.Fields())
}

// SearchText is the text a case is found by in words: its people, business
// and summary. The case number is not part of it: a number is found by
// MatchesNumber, so that a word of letters (a name) never matches the
// random device tag inside a number ("an" is not "28261-2026-AN7K-0012").
func (c *Case) SearchText() string {
	return strings.Join([]string{c.ConsumerName, c.ConsumerPhone,
		c.ConsumerAddress, c.BusinessName, c.BusinessAddress, c.BusinessTaxCode,
		c.ProductOrService, c.Summary}, " ")
}

func toFields(v any) map[string]json.RawMessage {
	b, err := Marshal(v)
	if err != nil {
		panic("app: marshal record: " + err.Error()) // records hold only marshalable types
	}
	m, err := ValidObjectFields(b)
	if err != nil {
		panic("app: unmarshal record: " + err.Error())
	}
	return m
}

func setFields(v any, f map[string]json.RawMessage) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// DiffFields returns the fields of cur whose JSON differs from old's, with
// cur's values: what an edit changed.
func DiffFields(old, cur map[string]json.RawMessage) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for k, v := range cur {
		if string(old[k]) != string(v) {
			out[k] = v
		}
	}
	return out
}

// NumberTerm reports whether a word the officer typed in the search box
// is also looked up in case numbers: only a word with a digit in it (a
// sequence "0012", a year, "AN7K-0012", a whole number). A word of letters
// alone searches names and text, never numbers.
func NumberTerm(word string) bool {
	return strings.ContainsAny(word, "0123456789")
}

// MatchesNumber reports whether the folded word w (a NumberTerm) starts one
// of the parts of the case number n, running on over the parts after it:
// "0012", "an7k-0012", "2026-an7k" and the whole number all find
// 28261-2026-AN7K-0012; "012" and "7k" do not.
func MatchesNumber(n, w string) bool {
	n = "-" + strings.ToLower(n)
	return strings.Contains(n, "-"+strings.ToLower(w))
}

// validateIntake checks the fields of the online intake channel: the
// submission id, the tracking code, the message to the consumer (at most
// MaxReplyText characters; sent only with a text, not in the future), and
// the forwarding (a commune of the catalogue other than the case's own;
// the id of the case it came from).
func (c *Case) validateIntake(fe map[string]string, refs Refs, now time.Time) {
	if c.IntakeID != "" && !ValidID(c.IntakeID) {
		fe["intake_id"] = "Mã hồ sơ trực tuyến không hợp lệ."
	}
	if c.TrackingCode != "" && !ValidTrackingCode(c.TrackingCode) {
		fe["tracking_code"] = "Mã tra cứu không hợp lệ."
	}
	if len([]rune(c.ConsumerReply)) > MaxReplyText {
		fe["consumer_reply"] = fmt.Sprintf("Lời nhắn cho người tiêu dùng quá dài (tối đa %s ký tự).", formatCount(MaxReplyText))
	}
	if !c.ConsumerReplyAt.IsZero() {
		switch {
		case c.ConsumerReply == "":
			fe["consumer_reply"] = "Chưa nhập lời nhắn gửi người tiêu dùng."
		case c.ConsumerReplyAt.After(now.Add(24 * time.Hour)):
			fe["consumer_reply_at"] = "Thời điểm gửi lời nhắn không được ở tương lai."
		}
	}
	if c.ForwardedTo != "" {
		switch {
		case !unitCodeRE.MatchString(c.ForwardedTo):
			fe["forwarded_to"] = "Mã xã, phường chuyển đến phải gồm 5 chữ số."
		case c.ForwardedTo == c.UnitCode:
			fe["forwarded_to"] = "Không thể chuyển vụ việc cho chính xã, phường đang giữ vụ việc."
		case refs != nil && !refs.HasUnit(c.ForwardedTo):
			fe["forwarded_to"] = fmt.Sprintf("Không có xã, phường mã %s trong danh mục.", c.ForwardedTo)
		}
	}
	if c.ForwardedFrom != "" && !ValidID(c.ForwardedFrom) {
		fe["forwarded_from"] = "Mã vụ việc được chuyển đến không hợp lệ."
	}
}
