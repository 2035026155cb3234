package app

import (
	"encoding/json"
	"time"
)

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
	Note       string    `json:"note"`
	// With EventReferred: the agency (seeds) and the document number.
	Agency     string `json:"agency"`
	DocumentNo string `json:"document_no"`
	// With EventRejected: a RejectionReasons code.
	RejectionReason string `json:"rejection_reason"`
	// With EventResolved or EventClosed: an Outcomes code and the amount
	// recovered for the consumer (VND).
	Outcome         string `json:"outcome"`
	AmountRecovered int64  `json:"amount_recovered"`
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
	}
	if e.AmountRecovered < 0 {
		fe["amount_recovered"] = "Số tiền không được âm."
	}
	if len([]rune(e.Note)) > maxSummary {
		fe["note"] = "Ghi chú quá dài (tối đa 10.000 ký tự)."
	}
	if len(fe) > 0 {
		return &Error{Code: EINVALID, Message: "Vui lòng sửa các trường được đánh dấu.", Fields: fe}
	}
	return nil
}
