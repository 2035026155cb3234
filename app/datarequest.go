package app

import (
	"encoding/json"
	"strings"
	"time"
)

// The log of a person's requests about their data (sổ theo dõi yêu cầu của
// chủ thể dữ liệu): what was asked, when, how, what the commune did and by
// when it had to answer. Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 gives the
// person the rights to see, correct, restrict, object to and delete the
// processing of their data; Nghị định 356/2025/NĐ-CP sets how fast the
// controller answers: within 02 working days of receiving the request,
// and carries out a restriction, an objection or a deletion within 15
// days (20 days where a processor or a third party must stop too), which
// may be extended once by at most 15 days (docs/privacy.md cites the
// articles).
const EntityDataRequest = "data_request"

// DataRequest is one request of a person about their data.
type DataRequest struct {
	RecordHead
	ReceivedDate string `json:"received_date"` // YYYY-MM-DD
	// The person as they gave themselves: name, phone, address.
	PersonName    string `json:"person_name"`
	PersonPhone   string `json:"person_phone"`
	PersonAddress string `json:"person_address"`
	RequestKind   string `json:"request_kind"` // DataRequestKinds
	ReceivedVia   string `json:"received_via"` // DataRequestChannels
	// ThirdParty: a processor or a third party must stop processing too
	// (20 days instead of 15 for a restriction, objection or deletion).
	ThirdParty bool `json:"third_party"`
	// ExtensionDays extend the time to carry the request out, once, by at
	// most MaxRequestExtension days; the person is told why.
	ExtensionDays int    `json:"extension_days"`
	Action        string `json:"action" text:"long"` // what was done
	DoneDate      string `json:"done_date"`          // YYYY-MM-DD, "" while open
	Officer       string `json:"officer"`            // who received it
	// Note holds remarks, and the reason the record was voided.
	Note string `json:"note" text:"long"`
}

// Kinds of request.
const (
	RequestSee      = "xem"
	RequestCorrect  = "chinh_sua"
	RequestRestrict = "han_che"
	RequestObject   = "phan_doi"
	RequestDelete   = "xoa"
	RequestOther    = "khac"
)

// DataRequestKinds are the rights a person may ask to exercise.
var DataRequestKinds = CodeList{
	{RequestSee, "Xem, cung cấp dữ liệu", "See or obtain the data"},
	{RequestCorrect, "Chỉnh sửa dữ liệu", "Correct the data"},
	{RequestRestrict, "Hạn chế xử lý dữ liệu", "Restrict processing"},
	{RequestObject, "Phản đối xử lý dữ liệu", "Object to processing"},
	{RequestDelete, "Xóa dữ liệu", "Delete the data"},
	{RequestOther, "Yêu cầu khác", "Other"},
}

// DataRequestChannels are how a request reached the commune.
var DataRequestChannels = CodeList{
	{"truc_tiep", "Trực tiếp tại trụ sở UBND", "In person"},
	{"dien_thoai", "Qua điện thoại", "By phone"},
	{"van_ban", "Bằng văn bản, qua bưu điện", "In writing, by post"},
	{"thu_dien_tu", "Qua thư điện tử", "By e-mail"},
	{"dich_vu_cong", "Qua dịch vụ công trực tuyến", "Online public service"},
	{"khac", "Cách khác", "Other"},
}

// Time limits of NĐ 356/2025/NĐ-CP for a person's request.
const (
	RequestAnswerWorkingDays = 2  // the answer: 02 working days from receipt
	RequestCarryOutDays      = 15 // a restriction, objection or deletion carried out
	RequestThirdPartyDays    = 20 // … where a processor or third party must stop too
	MaxRequestExtension      = 15 // one extension, at most
)

// CarriedOut reports whether the request's kind has a time to be carried
// out beyond the answer: a restriction, an objection, a deletion.
func (r *DataRequest) CarriedOut() bool {
	switch r.RequestKind {
	case RequestRestrict, RequestObject, RequestDelete:
		return true
	}
	return false
}

// AnswerDue returns the last day to answer: 02 working days after the day
// of receipt (which does not count, Bộ luật Dân sự 2015 Điều 147), on the
// working-day calendar; false without a valid day or a calendar.
func (r *DataRequest) AnswerDue(cal *Calendar) (time.Time, bool) {
	d, ok := parseDay(r.ReceivedDate)
	if !ok || cal == nil {
		return time.Time{}, false
	}
	return cal.AddWorkingDays(d, RequestAnswerWorkingDays), true
}

// CarryOutDue returns the last day to carry out a restriction, objection
// or deletion: 15 days after the day of receipt (20 with ThirdParty), plus
// the extension; false for another kind or without a valid day.
func (r *DataRequest) CarryOutDue() (time.Time, bool) {
	d, ok := parseDay(r.ReceivedDate)
	if !ok || !r.CarriedOut() {
		return time.Time{}, false
	}
	days := RequestCarryOutDays
	if r.ThirdParty {
		days = RequestThirdPartyDays
	}
	return d.AddDate(0, 0, days+max(0, r.ExtensionDays)), true
}

// Due returns the request's deadline: the time to carry it out when it has
// one, else the answer's.
func (r *DataRequest) Due(cal *Calendar) (time.Time, bool) {
	if d, ok := r.CarryOutDue(); ok {
		return d, true
	}
	return r.AnswerDue(cal)
}

// Overdue reports whether the request is still open after its deadline's
// day at today, or was done after it.
func (r *DataRequest) Overdue(cal *Calendar, today time.Time) bool {
	due, ok := r.Due(cal)
	if !ok || r.Voided {
		return false
	}
	if done, ok := parseDay(r.DoneDate); ok {
		return done.After(due)
	}
	return dateOf(today).time().After(due)
}

func (*DataRequest) Entity() string                                 { return EntityDataRequest }
func (r *DataRequest) Fields() map[string]json.RawMessage           { return toFields(r) }
func (r *DataRequest) SetFields(f map[string]json.RawMessage) error { return setFields(r, f) }

// Normalize puts the text in NFC and the phone in its usual form.
func (r *DataRequest) Normalize() {
	r.normalize()
	for _, p := range []*string{&r.ReceivedDate, &r.PersonName, &r.PersonAddress, &r.RequestKind,
		&r.ReceivedVia, &r.DoneDate, &r.Officer} {
		*p = NFC(strings.TrimSpace(*p))
	}
	r.PersonPhone = NormalizePhone(r.PersonPhone)
	r.Action, r.Note = NFCText(r.Action), NFCText(r.Note)
}

// Validate checks the request: the day received, who, what they asked and
// how; a done day not before receipt, with what was done.
func (r *DataRequest) Validate(refs Refs, now time.Time) error {
	c := checker{}
	c.head(&r.RecordHead, refs)
	received, ok := c.pastDay("received_date", r.ReceivedDate, "ngày nhận yêu cầu", now)
	if r.ReceivedDate == "" {
		c["received_date"] = "Chưa nhập ngày nhận yêu cầu."
	}
	c.required("person_name", r.PersonName, "Chưa nhập họ tên người yêu cầu.")
	c.short("person_name", r.PersonName, "Họ tên người yêu cầu")
	c.phone("person_phone", r.PersonPhone)
	c.short("person_address", r.PersonAddress, "Địa chỉ người yêu cầu")
	c.required("request_kind", r.RequestKind, "Chưa chọn loại yêu cầu.")
	c.code("request_kind", r.RequestKind, DataRequestKinds, "Loại yêu cầu")
	c.required("received_via", r.ReceivedVia, "Chưa chọn cách nhận yêu cầu.")
	c.code("received_via", r.ReceivedVia, DataRequestChannels, "Cách nhận yêu cầu")
	if r.ExtensionDays < 0 || r.ExtensionDays > MaxRequestExtension {
		c["extension_days"] = "Chỉ được gia hạn một lần, tối đa 15 ngày."
	}
	done, dok := c.pastDay("done_date", r.DoneDate, "ngày hoàn thành", now)
	if ok && dok && done.Before(received) {
		c["done_date"] = "Ngày hoàn thành không được trước ngày nhận yêu cầu."
	}
	if r.DoneDate != "" && strings.TrimSpace(r.Action) == "" {
		c["action"] = "Chưa ghi việc đã làm để trả lời yêu cầu."
	}
	c.long("action", r.Action, "Việc đã làm")
	c.short("officer", r.Officer, "Cán bộ tiếp nhận")
	c.long("note", r.Note, "Ghi chú")
	checkShape(c, r)
	return c.err()
}

func init() {
	RegisterKind(Kind{Entity: EntityDataRequest, New: func() Record { return &DataRequest{} },
		Search: func(r Record) string {
			v := r.(*DataRequest)
			return v.PersonName + " " + v.PersonPhone
		}})
}
