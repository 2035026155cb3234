package app

import "time"

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
