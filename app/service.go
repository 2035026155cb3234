package app

import "time"

// Case list orders.
const (
	SortNewest = "newest" // received_at descending (the default)
	SortName   = "name"   // consumer name, Vietnamese alphabetical order
)

// CaseQuery selects cases for a list.
type CaseQuery struct {
	// Text is matched without diacritics (đ = d) against the consumer, the
	// business and the summary, every word as a word prefix; a word with a
	// digit may instead start a part of the case number (NumberTerm,
	// MatchesNumber). Every word must match. Empty matches all.
	Text  string
	Sort  string // SortNewest or SortName
	Limit int    // 0: no limit
	// IncludeVoided lists voided cases too.
	IncludeVoided bool
	// HideRestricted leaves out the cases whose processing the person
	// asked to restrict (Case.Restricted): what the lists of an officer
	// who does not see them set (app.SeesRestricted). Reports and counts
	// leave it false.
	HideRestricted bool
}

// SyncStatus is what the sync panel shows.
type SyncStatus struct {
	Enrolled   bool
	ServerURL  string
	Scope      string // commune code or "province"
	DeviceID   string
	Pending    int       // outbox mutations not yet acknowledged
	Parked     int       // mutations the server rejected
	LastSyncAt time.Time // zero if never
	LastError  string    // Vietnamese, "" if the last sync succeeded
	// ClockOffset is the server's clock minus this device's, as measured
	// at the last sync (0 if unknown).
	ClockOffset time.Duration
	// OpenConflicts is the number of conflicts waiting for review.
	OpenConflicts int
	// UpdateRequired is set when the server refuses this app's version:
	// the app keeps working offline and keeps its changes.
	UpdateRequired string
	// CalendarGaps are the years the device's holiday calendar should hold
	// now and does not (CalendarGaps): deadlines in them are counted on
	// weekends only until the province's calendar is pulled.
	CalendarGaps []int
}

// ClockWarning is how far the device's clock may be off before the officer
// is warned.
const ClockWarning = 5 * time.Minute

// Report names (bvntd export --report, the Báo cáo screen).
const (
	ReportRegister   = "register"   // sổ theo dõi vụ việc
	ReportAttendance = "attendance" // danh sách điểm danh of a session, or the training summary
	ReportAnnual     = "annual"     // báo cáo năm (Kế hoạch 395)
	// ReportNotices is the notice-board list of the off-premises sales of
	// a period (NĐ 55/2024/NĐ-CP Điều 27 khoản 3).
	ReportNotices = "notices"
)

// ReportRequest asks for one .xlsx report.
type ReportRequest struct {
	Report string // ReportRegister, ReportAttendance or ReportAnnual
	// Year is the report year (15/12 of the year before to 14/12); 0 for
	// the current one. From and To, when set, give the period instead
	// (days, both included).
	Year     int
	From, To time.Time
	// Commune picks one commune on a provincial device; "" is the
	// device's commune, or the whole province on a provincial device.
	Commune string
	// Unmask asks for the personal data in full (names, phones,
	// addresses) in a report that holds them (the register, a sign-in
	// sheet); without it they are masked (initials, the last 3 digits of
	// phones, the commune of addresses), which is the default (Luật
	// 91/2025/QH15 Điều 3 khoản 2: processed only within the purpose of
	// the task). An unmasked
	// report needs Reason, and the report service records it in the audit
	// record (AuditUnmaskedExport) as it writes the file.
	Unmask bool
	// Reason says why the report is unmasked (required with Unmask).
	Reason string
	// Officer is who asks, for the audit record; "" is the store's
	// officer (the one signed in).
	Officer string
	// SeesRestricted: the one who asks may see the people whose data is
	// restricted (SeesRestricted of the signed-in role); without it they
	// are left out of the register and the sign-in sheet. The window sets
	// it; the command line never does.
	SeesRestricted bool
	// Session is the training session of an attendance sheet; "" gives
	// the training summary of the period.
	Session string
}
