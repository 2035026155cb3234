package app

import "time"

// The annual report's deadline and its default year.
//
// Kế hoạch 395/KH-UBND, Mục V: the agencies and units of the plan report
// "trước ngày 15 tháng 12 hàng năm (hoặc đột xuất theo yêu cầu)" to Sở
// Công Thương. That is the deadline of the commune's annual report. The
// report year it covers, 15/12 of the year before to 14/12 (ReportYear),
// is the plan's practice borrowed from the provincial agency's own annual
// report to Bộ Công Thương (NĐ 55/2024/NĐ-CP, Điều 16 khoản 1, which sets
// that period for the report on standard-form contracts, not for the
// commune): a local choice, not a rule binding the commune.

// ReportDeadlineMonth and ReportDeadlineDay: the annual report of year Y
// is due before 15/12 of Y (Kế hoạch 395, Mục V).
const (
	ReportDeadlineMonth = time.December
	ReportDeadlineDay   = 15
)

// ReportLateUntilMonth is the first month in which the default report
// year is the current calendar year again: from 15/12 to the end of
// January an officer still finishing the report that was due on 15/12
// gets that report by default (the new year is one choice away). A local
// choice, not a rule of law: six weeks after the deadline, past the New
// Year and before most Tết holidays.
const ReportLateUntilMonth = time.February

// DefaultReportYear is the report year a report screen or export offers
// when none is chosen at now: the one whose deadline (15/12) is next or
// has just passed. On 06/12/2026 that is 2026 (due 15/12/2026); on
// 16/12/2026 and 10/01/2027 still 2026 (due on 15/12/2026, just passed);
// from 01/02/2027 it is 2027. ReportYearOf tells instead which report year
// a day's records belong to (16/12/2026 is in report year 2027).
func DefaultReportYear(now time.Time) int {
	t := now.In(ICT)
	if t.Month() < ReportLateUntilMonth {
		return t.Year() - 1
	}
	return t.Year()
}
