package ui

import (
	"testing"
	"time"
)

func TestFormatDate(t *testing.T) {
	// 18:30 UTC on 4 March is 01:30 on 5 March in Vietnam.
	utc := time.Date(2026, 3, 4, 18, 30, 0, 0, time.UTC)
	if got := FormatDate(utc); got != "05/03/2026" {
		t.Errorf("FormatDate = %q, want 05/03/2026", got)
	}
	if got := FormatDateTime(utc); got != "05/03/2026 01:30" {
		t.Errorf("FormatDateTime = %q, want 05/03/2026 01:30", got)
	}
	if FormatDate(time.Time{}) != "" || FormatDateTime(time.Time{}) != "" {
		t.Error("the zero time is not shown as empty")
	}
}

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0 ₫"},
		{999, "999 ₫"},
		{1000, "1.000 ₫"},
		{1234567, "1.234.567 ₫"},
		{-25000, "-25.000 ₫"},
		{1000000000, "1.000.000.000 ₫"},
	}
	for _, tt := range tests {
		if got := FormatMoney(tt.in); got != tt.want {
			t.Errorf("FormatMoney(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // dd/mm/yyyy, or "" for an error
		err  error
	}{
		{"05/03/2026", "05/03/2026", nil},
		{"5/3/2026", "05/03/2026", nil},
		{" 29-02-2028 ", "29/02/2028", nil},
		{"1.12.2025", "01/12/2025", nil},
		{"31/02/2026", "", errDateRange},
		{"29/02/2026", "", errDateRange},
		{"00/01/2026", "", errDateRange},
		{"12/13/2026", "", errDateRange},
		{"2026-03-05", "", errDateFormat},
		{"05/03/26", "", errDateFormat},
		{"05/03", "", errDateFormat},
		{"hôm nay", "", errDateFormat},
		{"", "", errDateFormat},
	}
	for _, tt := range tests {
		got, err := parseDate(tt.in)
		if err != tt.err {
			t.Errorf("parseDate(%q) error = %v, want %v", tt.in, err, tt.err)
			continue
		}
		if err == nil {
			if s := got.In(ICT).Format(dateLayout); s != tt.want || got.Location() != ICT || got.Hour() != 0 {
				t.Errorf("parseDate(%q) = %v, want midnight ICT of %s", tt.in, got, tt.want)
			}
		}
	}
}
