package app

import (
	"encoding/json"
	"time"
)

// validateRecord checks the contents the law requires of a negotiation
// record (Điều 60 khoản 2) or a mediation record (Điều 65 khoản 2).
func (e *CaseEvent) validateRecord(fe map[string]string) {
	if e.Parties == "" {
		fe["parties"] = "Cần ghi các bên tham gia."
	}
	if e.HeldOn == "" {
		fe["held_on"] = "Cần ghi ngày tiến hành."
	} else if _, ok := parseDay(e.HeldOn); !ok {
		fe["held_on"] = "Ngày tiến hành không hợp lệ."
	}
	if e.Place == "" {
		fe["place"] = "Cần ghi địa điểm."
	}
	if e.Content == "" {
		fe["content"] = "Cần ghi nội dung."
	}
	if e.Result == "" {
		fe["result"] = "Cần ghi kết quả."
	}
	if e.Kind != EventMediationResult {
		return
	}
	if e.MediatorName == "" && e.MediatorOrg == "" {
		fe["mediator_name"] = "Cần ghi hòa giải viên hoặc tổ chức hòa giải."
	}
	if e.PerformanceDeadline != "" {
		if _, ok := parseDay(e.PerformanceDeadline); !ok {
			fe["performance_deadline"] = "Thời hạn thực hiện không hợp lệ."
		}
	} else if e.Agreed {
		fe["performance_deadline"] = "Hòa giải thành cần ghi thời hạn thực hiện (Điều 65 khoản 2 điểm g)."
	}
}

// CaseEvent is one step of a case (bước xử lý): append-only, never edited,
// so events recorded offline on several laptops never conflict and all
// stay in the timeline.
type CaseEvent struct {
	ID         string    `json:"id"` // UUIDv7
	UnitCode   string    `json:"unit_code"`
	CaseID     string    `json:"case_id"`
	Kind       string    `json:"kind"` // a CaseEvents code
	At         time.Time `json:"at"`   // when the officer recorded it (UTC, whole seconds)
	Officer    string    `json:"officer"`
	FromStatus string    `json:"from_status"`
	ToStatus   string    `json:"to_status"`
	Note       string    `json:"note" text:"long"`
	// With EventReferred: the agency (seeds) and the document number, and
	// whether the consumer was told where the matter went (Luật 19/2023
	// Điều 11 khoản 3: forward to the competent body and notify the
	// consumer).
	Agency           string `json:"agency"`
	DocumentNo       string `json:"document_no"`
	ConsumerNotified bool   `json:"consumer_notified"`
	// With EventRejected: a RejectionReasons code.
	RejectionReason string `json:"rejection_reason"`
	// With EventResolved or EventClosed: an Outcomes code and the amount
	// recovered for the consumer (VND).
	Outcome         string `json:"outcome"`
	AmountRecovered int64  `json:"amount_recovered"`

	// The record of a negotiation (EventNegotiationResult, Luật 19/2023
	// Điều 60 khoản 2) or a mediation (EventMediationResult, Điều 65
	// khoản 2): the parties, when (YYYY-MM-DD) and where, what was
	// discussed, the result, other agreed terms, and whether the parties
	// signed or fingerprinted it (Điều 60 khoản 3, Điều 65 khoản 3).
	Agreed     bool   `json:"agreed"` // thương lượng thành / hòa giải thành
	Parties    string `json:"parties" text:"note"`
	HeldOn     string `json:"held_on"`
	Place      string `json:"place"`
	Content    string `json:"content" text:"long"`
	Result     string `json:"result" text:"long"`
	OtherTerms string `json:"other_terms" text:"long"`
	Signed     bool   `json:"signed"`
	// Mediation only: the mediator and their organisation, each party's
	// views, the deadline to carry out the agreement (YYYY-MM-DD, Điều 65
	// khoản 2 điểm g) and whether a party asked the court to recognise it
	// (Điều 66).
	MediatorName        string `json:"mediator_name"`
	MediatorOrg         string `json:"mediator_org"`
	PartiesViews        string `json:"parties_views" text:"long"`
	PerformanceDeadline string `json:"performance_deadline"`
	CourtRecognition    bool   `json:"court_recognition"`
}

// IsRecord reports whether the event carries a negotiation or mediation
// record.
func (e *CaseEvent) IsRecord() bool {
	return e.Kind == EventNegotiationResult || e.Kind == EventMediationResult
}

// Normalize puts the texts of e in NFC.
func (e *CaseEvent) Normalize() {
	for _, p := range []*string{&e.DocumentNo, &e.Parties, &e.HeldOn, &e.Place,
		&e.MediatorName, &e.MediatorOrg, &e.PerformanceDeadline} {
		*p = NFC(*p)
	}
	for _, p := range []*string{&e.Note, &e.Content, &e.Result, &e.OtherTerms, &e.PartiesViews} {
		*p = NFCText(*p)
	}
}

// Fields returns every field of e by its JSON name.
func (e *CaseEvent) Fields() map[string]json.RawMessage { return toFields(e) }

// SetFields overwrites the fields of e named in f.
func (e *CaseEvent) SetFields(f map[string]json.RawMessage) error { return setFields(e, f) }

// Validate checks the parts of an event its kind requires, with Vietnamese
// messages by field.
func (e *CaseEvent) Validate() error {
	fe := map[string]string{}
	if !CaseEvents.Has(e.Kind) {
		fe["kind"] = "Loại bước xử lý không hợp lệ."
	}
	switch e.Kind {
	case EventRejected:
		if !RejectionReasons.Has(e.RejectionReason) {
			fe["rejection_reason"] = "Cần chọn lý do từ chối (Điều 58, Điều 54 khoản 2)."
		}
	case EventReferred:
		if e.Agency == "" {
			fe["agency"] = "Cần chọn cơ quan được chuyển đến."
		}
	case EventClosed:
		if e.Outcome != "" && !Outcomes.Has(e.Outcome) {
			fe["outcome"] = "Kết quả không hợp lệ."
		}
	case EventNote:
		if e.Note == "" {
			fe["note"] = "Chưa nhập nội dung ghi chú."
		}
	case EventNegotiationResult, EventMediationResult:
		e.validateRecord(fe)
	}
	if e.AmountRecovered < 0 {
		fe["amount_recovered"] = "Số tiền không được âm."
	} else if e.AmountRecovered > maxAmountVND {
		fe["amount_recovered"] = "Số tiền quá lớn, vui lòng kiểm tra lại."
	}
	if len([]rune(e.Note)) > maxSummary {
		fe["note"] = "Ghi chú quá dài (tối đa 10.000 ký tự)."
	}
	for field, s := range map[string]string{"from_status": e.FromStatus, "to_status": e.ToStatus} {
		if s != "" && !CaseStatuses.Has(s) {
			fe[field] = "Trạng thái không hợp lệ."
		}
	}
	if e.CaseID != "" && !ValidID(e.CaseID) {
		fe["case_id"] = "Mã vụ việc không hợp lệ."
	}
	checkShape(fe, e)
	if len(fe) > 0 {
		return &Error{Code: EINVALID, Message: "Vui lòng sửa các trường được đánh dấu.", Fields: fe}
	}
	return nil
}

// ValidateAt is Validate with the checks that need the catalogue and a
// clock: the commune is in refs (nil: not checked) and the step is not
// dated after now. The server checks every pushed step with it.
func (e *CaseEvent) ValidateAt(refs Refs, now time.Time) error {
	fe := FieldErrors(e.Validate())
	if fe == nil {
		fe = map[string]string{}
	}
	if !unitCodeRE.MatchString(e.UnitCode) {
		fe["unit_code"] = "Mã xã, phường phải gồm 5 chữ số."
	} else if refs != nil && !refs.HasUnit(e.UnitCode) {
		fe["unit_code"] = "Không có xã, phường mã " + e.UnitCode + " trong danh mục."
	}
	if e.At.After(now) {
		fe["at"] = "Ngày thực hiện không được ở tương lai."
	}
	if len(fe) > 0 {
		return &Error{Code: EINVALID, Message: "Vui lòng sửa các trường được đánh dấu.", Fields: fe}
	}
	return nil
}
