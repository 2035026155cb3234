package app

import (
	"encoding/json"
	"strings"
	"time"
)

// The personal-data law in the product (docs/privacy.md): Luật Bảo vệ dữ
// liệu cá nhân 91/2025/QH15 and Nghị định 356/2025/NĐ-CP, in force since
// 01/01/2026; Luật Bảo vệ quyền lợi người tiêu dùng 19/2023/QH15 Điều 55
// (the confidentiality of a dispute's information).
//
// This file holds what the other parts share: who sees what (by the
// signed-in officer's role), and the audit record of who took what.

// SeesRestricted reports whether an officer of role sees the records of a
// person whose data is restricted (hạn chế xử lý): only the commune's
// leader, who keeps the legal workflow going (a local choice of who needs
// them; the law asks that restricted data be processed only as the task
// requires).
func SeesRestricted(role string) bool { return role == "lanh_dao" }

// SeesSensitive reports whether an officer of role sees the sensitive
// details of a case (NĐ 356/2025 Điều 4: health, disability, pregnancy,
// ethnic origin — the evidence note of Luật 19/2023 Điều 8 khoản 2 điểm
// c): the officers who receive and settle cases and the leader; not the
// device's administrator, whose task is the laptop (a local choice).
// "" (no sign-in: the command line, tests without profiles) sees them:
// who runs the program holds the data file already.
func SeesSensitive(role string) bool { return role != "quan_tri" }

// Personal data of a record (NĐ 356/2025/NĐ-CP Điều 3: name, birth date,
// address, phone; Điều 4: health, ethnic origin), by kind of field: what
// retention anonymises (names to initials, the rest removed, free text
// scrubbed of those values), what a provincial device in its limited scope
// does not receive, and what masked exports hide.
type PersonalFields struct {
	Names    []string // a person's name: becomes initials
	Contacts []string // a phone, an address, a birth date: removed
	// Sensitive holds sensitive details (NĐ 356 Điều 4): removed, and
	// shown only to the roles that need them (SeesSensitive).
	Sensitive []string
	// FreeText may quote the values above: scrubbed of them.
	FreeText []string
}

// All returns every personal field, in the order above.
func (p PersonalFields) All() []string {
	out := append([]string{}, p.Names...)
	out = append(out, p.Contacts...)
	out = append(out, p.Sensitive...)
	return append(out, p.FreeText...)
}

// PersonalFieldsOf lists the personal fields of each entity that holds
// some. An entity not in it holds none about consumers or participants
// (the officers' registry names public officials at work; a business's
// notice names a business).
var PersonalFieldsOf = map[string]PersonalFields{
	EntityCase: {
		Names:     []string{"consumer_name", "representative_name"},
		Contacts:  []string{"consumer_phone", "consumer_address", "consumer_old_address", "consumer_birth_date"},
		Sensitive: []string{"vulnerable_evidence"},
		FreeText:  []string{"summary", "specific_request", "evidence"},
	},
	EntityCaseEvent: {
		FreeText: []string{"note", "parties", "content", "result", "other_terms", "parties_views"},
	},
	EntityParticipant: {
		Names:    []string{"full_name"},
		Contacts: []string{"phone"},
		FreeText: []string{"note"},
	},
	EntityDataRequest: {
		Names:    []string{"person_name"},
		Contacts: []string{"person_phone", "person_address"},
		FreeText: []string{"action", "note"},
	},
}

// PrivacyNoticeWays say how the consumer was given the notice of the
// processing of their data at intake (NĐ 356/2025/NĐ-CP; the notice text
// is PrivacyNotice).
var PrivacyNoticeWays = CodeList{
	{"da_thong_bao", "Cán bộ đã thông báo (đọc hoặc đưa bản thông báo)", "Notice given by the officer"},
	{"da_ky", "Người tiêu dùng đã ký xác nhận trên phiếu", "Consumer signed the notice"},
	{NoticeAcknowledgedOnline, "Người tiêu dùng đã đọc và xác nhận trên cổng trực tuyến", "Consumer acknowledged the notice on the online form"},
}

// NoticeAcknowledgedOnline is how a case filed on the public form was
// given the notice: the consumer had to acknowledge it before sending.
const NoticeAcknowledgedOnline = "xac_nhan_truc_tuyen"

// Retention is how long a person's data is kept before it is anonymised:
// CaseYears after a case is closed (its last step to a final status),
// ParticipantYears after a participant last attended (or was recorded).
// The retention part (app/retention.go) uses it; the notice states it.
type Retention struct {
	CaseYears        int
	ParticipantYears int
}

// DefaultRetention is what a device uses unless set otherwise. No archival
// rule found names a commune's consumer-case files or training lists
// (Thông tư 10/2022/TT-BNV Điều 1 khoản 2 leaves specialised files to the
// sector's rules, and none was found): the figures are a LOCAL CHOICE for
// Sở Công Thương to confirm (docs/privacy.md §6). Ten years after a case
// closes is well past the three years to sue on a contract or for damages
// (Bộ luật Dân sự Điều 429, Điều 588); five years after the last
// attendance covers the plan's 2026–2030 final report. Data are kept no
// longer than the purpose needs (Luật 91/2025/QH15 Điều 3 khoản 3).
var DefaultRetention = Retention{CaseYears: 10, ParticipantYears: 5}

// EntityAuditEntry is the audit record of who took what (nhật ký truy
// xuất dữ liệu cá nhân).
const EntityAuditEntry = "audit_entry"

// Audit actions: every unmasked export, export of a person's data,
// restriction and anonymisation leaves one AuditEntry.
const (
	AuditUnmaskedExport = "xuat_khong_che"
	AuditPersonExport   = "xuat_du_lieu_nguoi"
	AuditRestrict       = "han_che"
	AuditUnrestrict     = "bo_han_che"
	AuditAnonymise      = "an_danh"
)

// AuditActions are the actions an AuditEntry records.
var AuditActions = CodeList{
	{AuditUnmaskedExport, "Xuất báo cáo không che thông tin cá nhân", "Unmasked export"},
	{AuditPersonExport, "Xuất dữ liệu của một người", "Export of a person's data"},
	{AuditRestrict, "Hạn chế xử lý dữ liệu của một người", "Restriction of a person's data"},
	{AuditUnrestrict, "Bỏ hạn chế xử lý dữ liệu", "Restriction lifted"},
	{AuditAnonymise, "Ẩn danh hóa khi hết thời hạn lưu trữ", "Anonymisation at the end of retention"},
}

// AuditEntry is one act on personal data that an inspection may ask
// about: who (the officer's name, as on every edit), when, what (the
// report and its period, or the records, by number or id — never a
// person's name, phone or address), how many people, and why.
//
// A provincial device, which has no commune, records its own under the
// province's scope (UnitCode ScopeProvince).
//
// It is append-only (Kind.AppendOnly): created once, never edited or
// voided, on the laptop or by a write that reaches the server.
type AuditEntry struct {
	RecordHead
	At      time.Time `json:"at"`
	Officer string    `json:"officer"`
	Action  string    `json:"action"` // AuditActions
	What    string    `json:"what" text:"note"`
	People  int       `json:"people"`  // how many people's data
	Records int       `json:"records"` // how many records
	Reason  string    `json:"reason" text:"note"`
}

func (*AuditEntry) Entity() string                                 { return EntityAuditEntry }
func (r *AuditEntry) Fields() map[string]json.RawMessage           { return toFields(r) }
func (r *AuditEntry) SetFields(f map[string]json.RawMessage) error { return setFields(r, f) }

// Normalize puts the text in NFC and the instant in UTC whole seconds.
func (r *AuditEntry) Normalize() {
	r.normalize()
	r.Officer, r.Action = NFC(strings.TrimSpace(r.Officer)), strings.TrimSpace(r.Action)
	r.What, r.Reason = NFCText(r.What), NFCText(r.Reason)
	if !r.At.IsZero() {
		r.At = r.At.UTC().Truncate(time.Second)
	}
}

// Validate checks the entry: an action, when, who; a reason for an
// unmasked export, a restriction and its lifting.
func (r *AuditEntry) Validate(refs Refs, now time.Time) error {
	c := checker{}
	if r.UnitCode != ScopeProvince { // a provincial device's own record
		c.head(&r.RecordHead, refs)
	}
	c.required("action", r.Action, "Chưa ghi việc đã làm.")
	c.code("action", r.Action, AuditActions, "Việc đã làm")
	if r.At.IsZero() {
		c["at"] = "Chưa ghi thời điểm."
	} else if !now.IsZero() && r.At.After(now.Add(24*time.Hour)) {
		c["at"] = "Thời điểm không được ở tương lai."
	}
	c.required("officer", r.Officer, "Chưa ghi cán bộ thực hiện.")
	c.short("officer", r.Officer, "Cán bộ thực hiện")
	c.long("what", r.What, "Nội dung")
	c.long("reason", r.Reason, "Lý do")
	switch r.Action {
	case AuditUnmaskedExport, AuditRestrict, AuditUnrestrict:
		c.required("reason", strings.TrimSpace(r.Reason), "Cần ghi lý do.")
	}
	if r.People < 0 {
		c["people"] = "Số người không hợp lệ."
	}
	if r.Records < 0 {
		c["records"] = "Số bản ghi không hợp lệ."
	}
	if r.Voided {
		c["voided"] = "Nhật ký truy xuất dữ liệu không hủy được."
	}
	checkShape(c, r)
	return c.err()
}

func init() {
	RegisterKind(Kind{Entity: EntityAuditEntry, New: func() Record { return &AuditEntry{} },
		Search:     func(r Record) string { a := r.(*AuditEntry); return a.Officer + " " + a.What },
		AppendOnly: true})
}
