package app

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// The log of a person's requests about their data (sổ theo dõi yêu cầu của
// chủ thể dữ liệu): what was asked, when, how, what the commune did and by
// when it had to answer. Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15 Điều 4
// khoản 1 gives the person the rights to see and correct their data and to
// ask for it, its deletion, the restriction of its processing, or to
// object; Điều 4 khoản 5 asks the controller to act within the time the
// Government sets, which Nghị định 356/2025/NĐ-CP Điều 5 does:
//
//   - khoản 3, to see, obtain or correct the data: answer within 02
//     working days; carry it out within 10 days (15 where a processor or a
//     third party must act too); one extension of at most 10 days;
//   - khoản 2, to restrict the processing or object to it: answer within 02
//     working days; carry it out within 15 days (20); one extension of at
//     most 15 days. It does not bind processing without consent under
//     Luật 91 Điều 19 (the commune's, Điều 19 khoản 1 điểm c; Luật 91
//     Điều 10 khoản 1 likewise): the commune honours it as a local choice;
//   - khoản 4, to delete the data: answer within 02 working days; carry it
//     out within 20 days (30); one extension of at most 20 days. Luật 91
//     Điều 14 khoản 2 refuses a deletion for processing under Điều 19: the
//     answer says so, with the reason (Điều 14 khoản 5).
//
// "02 ngày làm việc" counts working days; the other periods say "ngày" and
// are read as calendar days (the decree does not define them; a local
// reading). The day of receipt does not count (Bộ luật Dân sự 2015 Điều
// 147).
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
	// ThirdParty: a processor or a third party must act too (the longer
	// time of NĐ 356 Điều 5: 15, 20 or 30 days).
	ThirdParty bool `json:"third_party"`
	// ExtensionDays extend the time to carry the request out, once, by at
	// most the kind's MaxExtension days; the person is told why.
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

// RequestAnswerWorkingDays is the time to answer any request: 02 working
// days from receipt (NĐ 356/2025/NĐ-CP Điều 5 khoản 2, 3, 4).
const RequestAnswerWorkingDays = 2

// RequestLimits are the days to carry out a kind of request: alone, with a
// processor or a third party, and the one extension at most.
type RequestLimits struct{ Days, ThirdPartyDays, MaxExtension int }

// requestLimits are those of NĐ 356 Điều 5 by kind (khoản 3: see, obtain,
// correct; khoản 2: restrict, object; khoản 4: delete). Another request has
// the answer's time only.
var requestLimits = map[string]RequestLimits{
	RequestSee:      {10, 15, 10},
	RequestCorrect:  {10, 15, 10},
	RequestRestrict: {15, 20, 15},
	RequestObject:   {15, 20, 15},
	RequestDelete:   {20, 30, 20},
}

// MaxRequestExtension is the longest extension of any kind (a deletion's).
const MaxRequestExtension = 20

// Limits returns the days to carry out the request's kind, and false for a
// kind with the answer's time only.
func (r *DataRequest) Limits() (RequestLimits, bool) {
	l, ok := requestLimits[r.RequestKind]
	return l, ok
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

// CarryOutDue returns the last day to carry out the request: its kind's
// days after the day of receipt (the longer ones with ThirdParty), plus
// the extension; false for a kind with the answer's time only or without
// a valid day.
func (r *DataRequest) CarryOutDue() (time.Time, bool) {
	d, ok := parseDay(r.ReceivedDate)
	l, has := r.Limits()
	if !ok || !has {
		return time.Time{}, false
	}
	days := l.Days
	if r.ThirdParty {
		days = l.ThirdPartyDays
	}
	return d.AddDate(0, 0, days+min(max(0, r.ExtensionDays), l.MaxExtension)), true
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
	if l, ok := r.Limits(); r.ExtensionDays < 0 || r.ExtensionDays > l.MaxExtension || !ok && r.ExtensionDays > 0 {
		c["extension_days"] = fmt.Sprintf("Chỉ được gia hạn một lần, tối đa %d ngày (Điều 5 Nghị định 356/2025/NĐ-CP).", l.MaxExtension)
		if !ok {
			c["extension_days"] = "Loại yêu cầu này không có thời hạn thực hiện để gia hạn."
		}
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
