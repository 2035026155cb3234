package ui

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// ICT is Vietnam's time zone (UTC+7, no daylight saving time). Times are
// stored in UTC and shown in ICT. A fixed zone needs no zoneinfo database,
// which Windows machines without Go do not have.
var ICT = time.FixedZone("ICT", 7*60*60)

// Layouts of the dates and times users see.
const (
	dateLayout     = "02/01/2006"
	dateTimeLayout = "02/01/2006 15:04"
)

// FormatDate returns t as dd/mm/yyyy in ICT, or "" for the zero time.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(ICT).Format(dateLayout)
}

// FormatDateTime returns t as dd/mm/yyyy HH:MM in ICT, or "" for the zero
// time.
func FormatDateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(ICT).Format(dateTimeLayout)
}

// FormatInt returns n with dots between groups of three digits, the
// Vietnamese way: 1234567 → "1.234.567".
func FormatInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FormatMoney returns an amount of đồng as "1.234.567 ₫".
func FormatMoney(vnd int64) string {
	return FormatInt(vnd) + " ₫"
}

// Errors of parseDate; the form maps them to messages.
var (
	errDateFormat = errors.New("date: not dd/mm/yyyy")
	errDateRange  = errors.New("date: no such day")
)

// parseDate reads a day typed as dd/mm/yyyy (also d/m/yyyy, and with "-" or
// "." between the parts) and returns midnight of that day in ICT.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) != 3 {
		return time.Time{}, errDateFormat
	}
	var n [3]int
	for i, p := range parts {
		if (i < 2 && len(p) > 2) || (i == 2 && len(p) != 4) {
			return time.Time{}, errDateFormat
		}
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return time.Time{}, errDateFormat
		}
		n[i] = v
	}
	day, month, year := n[0], n[1], n[2]
	if month < 1 || month > 12 || day < 1 {
		return time.Time{}, errDateRange
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, ICT)
	if t.Day() != day { // 31/02 rolls over into March
		return time.Time{}, errDateRange
	}
	return t, nil
}

// sameDay reports whether a and b fall on the same day in ICT.
func sameDay(a, b time.Time) bool {
	ay, am, ad := a.In(ICT).Date()
	by, bm, bd := b.In(ICT).Date()
	return ay == by && am == bm && ad == bd
}

// formatDay shows a date-only field (YYYY-MM-DD) as dd/mm/yyyy; anything
// else as it is.
func formatDay(s string) string {
	t, err := time.ParseInLocation(time.DateOnly, s, ICT)
	if err != nil {
		return s
	}
	return FormatDate(t)
}

// formatAmount shows an amount of đồng for editing: "" for none.
func formatAmount(v int64) string {
	if v == 0 {
		return ""
	}
	return FormatInt(v)
}

// parseAmount reads an amount of đồng typed with or without dots, spaces,
// commas or a trailing "đ"/"₫"/"đồng"; "" is 0.
func parseAmount(s string) (int64, bool) {
	s = strings.TrimSpace(strings.ToLower(s))
	for _, suffix := range []string{"đồng", "đ", "₫", "vnd"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, suffix))
	}
	s = strings.NewReplacer(".", "", ",", "", " ", "", "\u00a0", "").Replace(s)
	if s == "" {
		return 0, true
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, false
	}
	return v, true
}
