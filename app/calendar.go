package app

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Day kinds of the holiday calendar.
const (
	DayHoliday       = "holiday"         // a day off that would be a working day
	DayMakeUpWorkday = "make_up_workday" // a Saturday or Sunday worked in exchange
)

// Holiday is one entry of the holiday calendar (seed data the province can
// update): a date in Vietnam, its name and kind.
type Holiday struct {
	Date   string // YYYY-MM-DD
	Name   string
	Kind   string // DayHoliday or DayMakeUpWorkday
	Status string // "derived" (from the Labour Code and the lunar calendar) or "official"
}

// Calendar tells working days from days off: Monday to Friday, less the
// holidays of the calendar, plus its make-up working days. Dates are days
// in Vietnam (ICT).
type Calendar struct {
	off   map[civilDate]string
	work  map[civilDate]bool
	years map[int]bool
}

type civilDate struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civilDate {
	t = t.In(ICT)
	return civilDate{t.Year(), t.Month(), t.Day()}
}

func (c civilDate) time() time.Time { return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, ICT) }

// NewCalendar builds a calendar from its days.
func NewCalendar(days []Holiday) (*Calendar, error) {
	c := &Calendar{off: map[civilDate]string{}, work: map[civilDate]bool{}, years: map[int]bool{}}
	for _, h := range days {
		t, err := time.ParseInLocation("2006-01-02", h.Date, ICT)
		if err != nil {
			return nil, fmt.Errorf("holiday %q: %w", h.Date, err)
		}
		d := dateOf(t)
		switch h.Kind {
		case DayHoliday:
			c.off[d] = h.Name
		case DayMakeUpWorkday:
			c.work[d] = true
		default:
			return nil, fmt.Errorf("holiday %s: unknown kind %q", h.Date, h.Kind)
		}
		c.years[d.y] = true
	}
	return c, nil
}

// Covers reports whether the calendar has data for year: outside it, only
// weekends are days off. A nil calendar covers no year.
func (c *Calendar) Covers(year int) bool { return c != nil && c.years[year] }

// UncoveredYears returns the years from from's to to's (in Vietnam) that
// the calendar has no holidays for, in order: a period counted across them
// counts their holidays as working days.
func (c *Calendar) UncoveredYears(from, to time.Time) []int {
	a, b := dateOf(from).y, dateOf(to).y
	var out []int
	for y := a; y <= b; y++ {
		if !c.Covers(y) {
			out = append(out, y)
		}
	}
	return out
}

// CalendarLookahead is how long before a new year the calendar is expected
// to hold it: deadlines counted in the last weeks of December run into
// January, and the Prime Minister's decision on the next Tết is usually
// published in the autumn. A local choice, not a rule of law.
const CalendarLookahead = 45 * 24 * time.Hour

// CalendarGaps returns the years whose holidays the calendar should hold at
// now and does not: the current year, and the next one within
// CalendarLookahead of its start. Deadlines in those years are counted on
// weekends only (see CalendarWarning) until the province publishes them
// (bvntd-server calendar import) and the device pulls them.
func CalendarGaps(c *Calendar, now time.Time) []int {
	return c.UncoveredYears(now, now.Add(CalendarLookahead))
}

// CalendarWarning is the officer's warning for years without a holiday
// calendar, "" for none.
func CalendarWarning(years []int) string {
	if len(years) == 0 {
		return ""
	}
	ys := make([]string, len(years))
	for i, y := range years {
		ys[i] = strconv.Itoa(y)
	}
	return "Chưa có lịch nghỉ lễ năm " + strings.Join(ys, ", ") +
		": hạn tính theo ngày làm việc thông thường (chỉ trừ thứ Bảy, Chủ nhật), cần cập nhật lịch nghỉ từ máy chủ tỉnh."
}

// IsWorkingDay reports whether t's day (in Vietnam) is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool { return c.working(dateOf(t)) }

func (c *Calendar) working(d civilDate) bool {
	if c == nil {
		wd := d.time().Weekday()
		return wd != time.Saturday && wd != time.Sunday
	}
	if c.work[d] {
		return true
	}
	if _, off := c.off[d]; off {
		return false
	}
	wd := d.time().Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// HolidayName returns the name of t's day if it is a holiday.
func (c *Calendar) HolidayName(t time.Time) (string, bool) {
	if c == nil {
		return "", false
	}
	n, ok := c.off[dateOf(t)]
	return n, ok
}

// AddWorkingDays returns the day (midnight, ICT) that ends a period of n
// working days starting from the event at t: the day of the event does not
// count (Bộ luật Dân sự 2015, Điều 147), the next n working days do. The
// deadline is the end of the returned day. n ≤ 0 returns t's own day.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	d := dateOf(t).time()
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.working(dateOf(d)) {
			n--
		}
	}
	return d
}

// WorkingDaysUntil counts the working days after from's day up to and
// including to's day (negative if to is before from).
func (c *Calendar) WorkingDaysUntil(from, to time.Time) int {
	a, b := dateOf(from).time(), dateOf(to).time()
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		if c.working(dateOf(d)) {
			n++
		}
	}
	return sign * n
}

// The holiday calendar as the province updates it through sync: one record
// per year, which replaces that year's seeded days entirely. The Prime
// Minister fixes the exact Tết and Quốc khánh days each year (Bộ luật Lao
// động 2019, Điều 112 khoản 3); Sở Công Thương imports the announcement on
// the provincial server and every device pulls it.

// EntityHolidayYear is the record type of one year of the holiday calendar.
// Its id is the year ("2027"). Only the provincial server writes it, in
// ScopeShared.
const EntityHolidayYear = "holiday_year"

// ScopeShared is the sync scope of province-wide reference data (the
// holiday calendar): every device reads it, no device writes it. It has
// the value of syncproto.ScopeShared.
const ScopeShared = "shared"

// Day statuses of the holiday calendar (Holiday.Status).
const (
	DayDerived  = "derived"  // from the Labour Code and the lunar calendar
	DayOfficial = "official" // as announced by the Prime Minister or the Ministry
)

// StatutoryDaysOff is the number of public holidays a year under Bộ luật
// Lao động 2019, Điều 112 (1 + 5 + 1 + 1 + 2 + 1). A year's calendar lists
// at least these (with those falling on a weekend). It is a floor: from
// 2026 the seed also lists Ngày Văn hóa Việt Nam, 24/11 (Nghị quyết
// 28/2026/QH16, Điều 2), which is outside Điều 112 and not required here.
const StatutoryDaysOff = 11

// Bounds of a HolidayYear.
const (
	MinHolidayYear    = 2020
	MaxHolidayYear    = 2100
	maxHolidaysInYear = 40  // days off: far above any year's Tết and bridges
	maxDaysInYear     = 100 // days off and make-up working days
	maxHolidayName    = 200
	maxHolidayBasis   = 500
)

// HolidayYear is the holiday calendar of one year as the province publishes
// it: every day off (including those falling on a weekend) and every
// make-up working day, and the announcement it follows.
type HolidayYear struct {
	Year int
	Days []Holiday
	// Basis names the announcement, e.g. "Thông báo số …/TB-BNV ngày …".
	Basis string
	// PublishedAt is the day the announcement was published (YYYY-MM-DD),
	// or "".
	PublishedAt string
}

// HolidayYearID is the record id of a year's calendar.
func HolidayYearID(year int) string { return strconv.Itoa(year) }

// Normalize puts the text in NFC with tidy spaces and gives a day without
// a status the status DayOfficial (an imported calendar is the
// announcement). The order of the days is kept, so that messages name
// them as the file lists them.
func (y *HolidayYear) Normalize() {
	y.Basis = NFC(y.Basis)
	y.PublishedAt = strings.TrimSpace(y.PublishedAt)
	for i := range y.Days {
		d := &y.Days[i]
		d.Date = strings.TrimSpace(d.Date)
		d.Name = NFC(d.Name)
		d.Kind = strings.TrimSpace(d.Kind)
		d.Status = strings.TrimSpace(d.Status)
		if d.Status == "" {
			d.Status = DayOfficial
		}
	}
}

var weekdayVI = [...]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}

// Validate checks a normalized year and returns the first problem as an
// *Error (EINVALID) whose one-line Vietnamese message names the year and
// the day at fault (its place in the list, from 1, and its date).
func (y *HolidayYear) Validate() error {
	bad := func(format string, args ...any) error {
		return Errorf(EINVALID, "Năm %d: "+format, append([]any{y.Year}, args...)...)
	}
	switch {
	case y.Year < MinHolidayYear || y.Year > MaxHolidayYear:
		return Errorf(EINVALID, "Năm %d không hợp lệ: cần từ %d đến %d (bad year).", y.Year, MinHolidayYear, MaxHolidayYear)
	case y.Basis == "":
		return bad("thiếu căn cứ (basis), ví dụ số và ngày của thông báo nghỉ lễ, Tết.")
	case utf8.RuneCountInString(y.Basis) > maxHolidayBasis:
		return bad("căn cứ (basis) dài quá %d ký tự.", maxHolidayBasis)
	case hasControl(y.Basis):
		return bad("căn cứ (basis) chứa ký tự điều khiển.")
	case len(y.Days) == 0:
		return bad("không có ngày nào (days rỗng).")
	case len(y.Days) > maxDaysInYear:
		return bad("có %d ngày, quá %d ngày (too many days).", len(y.Days), maxDaysInYear)
	}
	if y.PublishedAt != "" {
		if _, err := time.Parse("2006-01-02", y.PublishedAt); err != nil {
			return bad("ngày công bố (published_at) %q không hợp lệ, cần dạng YYYY-MM-DD.", y.PublishedAt)
		}
	}
	seen := make(map[string]int, len(y.Days))
	off := 0
	for i, d := range y.Days {
		item := fmt.Sprintf("ngày thứ %d trong danh sách", i+1)
		if d.Date != "" {
			item += fmt.Sprintf(" (%q)", d.Date)
		}
		t, err := time.Parse("2006-01-02", d.Date)
		switch {
		case d.Date == "":
			return bad("%s: thiếu ngày (date).", item)
		case err != nil:
			return bad("%s: ngày không hợp lệ, cần dạng YYYY-MM-DD.", item)
		case t.Year() != y.Year:
			return bad("%s: ngày thuộc năm %d, không phải năm %d.", item, t.Year(), y.Year)
		case seen[d.Date] > 0:
			return bad("%s: ngày này đã có ở ngày thứ %d.", item, seen[d.Date])
		case d.Kind != DayHoliday && d.Kind != DayMakeUpWorkday:
			return bad("%s: loại (kind) %q không hợp lệ; dùng %s (ngày nghỉ) hoặc %s (ngày làm bù).",
				item, d.Kind, DayHoliday, DayMakeUpWorkday)
		case d.Status != DayOfficial && d.Status != DayDerived:
			return bad("%s: trạng thái (status) %q không hợp lệ; dùng %s (chính thức) hoặc %s (suy ra).",
				item, d.Status, DayOfficial, DayDerived)
		case d.Name == "":
			return bad("%s: thiếu tên ngày (name).", item)
		case utf8.RuneCountInString(d.Name) > maxHolidayName:
			return bad("%s: tên dài quá %d ký tự.", item, maxHolidayName)
		case hasControl(d.Name):
			return bad("%s: tên chứa ký tự điều khiển.", item)
		case d.Kind == DayMakeUpWorkday && t.Weekday() != time.Saturday && t.Weekday() != time.Sunday:
			return bad("%s: ngày làm bù phải là thứ Bảy hoặc Chủ nhật, ngày này là %s.", item, weekdayVI[t.Weekday()])
		}
		seen[d.Date] = i + 1
		if d.Kind == DayHoliday {
			off++
		}
	}
	switch {
	case off < StatutoryDaysOff:
		return bad("chỉ có %d ngày nghỉ, ít hơn %d ngày nghỉ lễ, Tết của Điều 112 Bộ luật Lao động; "+
			"hãy liệt kê mọi ngày nghỉ của năm, kể cả ngày trùng thứ Bảy, Chủ nhật, vì lịch nhập vào thay thế toàn bộ lịch năm đó.",
			off, StatutoryDaysOff)
	case off > maxHolidaysInYear:
		return bad("có %d ngày nghỉ, nhiều hơn %d: hãy kiểm tra lại tệp.", off, maxHolidaysInYear)
	}
	return nil
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError }) >= 0
}

// holidayJSON is a day of a HolidayYear record.
type holidayJSON struct {
	Date   string `json:"date"`
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
}

// Fields returns the record of the year as synced: id, year, basis,
// published_at and days (sorted by date).
func (y *HolidayYear) Fields() map[string]json.RawMessage {
	days := make([]holidayJSON, len(y.Days))
	for i, d := range y.Days {
		days[i] = holidayJSON(d)
	}
	sort.SliceStable(days, func(i, j int) bool { return days[i].Date < days[j].Date })
	enc := func(v any) json.RawMessage {
		b, err := json.Marshal(v)
		if err != nil {
			panic("app: marshal holiday year: " + err.Error()) // strings, ints and their slices always marshal
		}
		return b
	}
	return map[string]json.RawMessage{
		"id":           enc(HolidayYearID(y.Year)),
		"year":         enc(y.Year),
		"basis":        enc(y.Basis),
		"published_at": enc(y.PublishedAt),
		"days":         enc(days),
	}
}

// SetFields reads a year from its record and validates it. Fields this
// version does not know are ignored (a newer server may add some).
func (y *HolidayYear) SetFields(f map[string]json.RawMessage) error {
	var out HolidayYear
	var days []holidayJSON
	for _, p := range []struct {
		name string
		dst  any
	}{{"year", &out.Year}, {"basis", &out.Basis}, {"published_at", &out.PublishedAt}, {"days", &days}} {
		v, ok := f[p.name]
		if !ok {
			continue
		}
		if err := json.Unmarshal(v, p.dst); err != nil {
			return Errorf(EINVALID, "Lịch nghỉ: trường %s không hợp lệ.", p.name)
		}
	}
	out.Days = make([]Holiday, len(days))
	for i, d := range days {
		out.Days[i] = Holiday(d)
	}
	out.Normalize()
	if err := out.Validate(); err != nil {
		return err
	}
	*y = out
	return nil
}

// Counts returns the number of days off and of make-up working days, and
// whether every day is official.
func (y *HolidayYear) Counts() (off, makeUp int, official bool) {
	official = true
	for _, d := range y.Days {
		if d.Kind == DayMakeUpWorkday {
			makeUp++
		} else {
			off++
		}
		official = official && d.Status == DayOfficial
	}
	return off, makeUp, official
}

// MergeHolidays returns the seeded days with every year of years replacing
// that year's seeded days entirely, sorted by date. A later entry of years
// for the same year wins.
func MergeHolidays(seeded []Holiday, years []HolidayYear) []Holiday {
	byYear := make(map[int][]Holiday, len(years))
	for _, y := range years {
		byYear[y.Year] = y.Days
	}
	out := make([]Holiday, 0, len(seeded)+len(years)*16)
	for _, h := range seeded {
		if _, replaced := byYear[holidayYearOf(h.Date)]; !replaced {
			out = append(out, h)
		}
	}
	for _, y := range slices.Sorted(maps.Keys(byYear)) {
		out = append(out, byYear[y]...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// holidayYearOf returns the year of a YYYY-MM-DD date, or 0.
func holidayYearOf(date string) int {
	if len(date) < 4 {
		return 0
	}
	y, err := strconv.Atoi(date[:4])
	if err != nil {
		return 0
	}
	return y
}

// WithHolidays returns a copy of r whose holiday calendar is days (r's
// other reference data shared, not copied).
func (r *RefData) WithHolidays(days []Holiday) *RefData {
	return &RefData{
		Units:      r.Units,
		Agencies:   r.Agencies,
		Sectors:    r.Sectors,
		IssueTypes: r.IssueTypes,
		Tasks:      r.Tasks,
		Targets:    r.Targets,
		Holidays:   days,
		SlaRules:   r.SlaRules,
	}
}
