package xlsx

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaskName hides a person's name behind the initials of its words, each
// followed by a dot: "Nguyễn Thị Hồng Đào" → "N. T. H. Đ.". The initials
// keep their diacritics (Đ, Ấ), which Vietnamese tells apart from D, A.
func MaskName(name string) string {
	var out []string
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			if unicode.IsLetter(r) {
				out = append(out, string(unicode.ToUpper(r))+".")
				break
			}
		}
	}
	return strings.Join(out, " ")
}

// MaskPhone keeps the last 3 digits of a phone number and stars the
// others: "0912345678" → "*******678". A number of 3 digits or fewer is
// starred whole.
func MaskPhone(phone string) string {
	phone = strings.TrimSpace(phone)
	n := utf8.RuneCountInString(phone)
	if n == 0 {
		return ""
	}
	if n <= 3 {
		return strings.Repeat("*", n)
	}
	rs := []rune(phone)
	return strings.Repeat("*", n-3) + string(rs[n-3:])
}

// MaskAddress hides an address down to its commune: the commune's name
// when known (unit), else the part of the address that names a commune
// ("…, Xã Tân Hương, tỉnh Đồng Tháp" → "Xã Tân Hương"); "" when none does
// (the house, street and hamlet are never shown).
func MaskAddress(address, unit string) string {
	if unit != "" && !maskUnitCode(unit) {
		return unit
	}
	parts := strings.Split(address, ",")
	for i := len(parts) - 1; i >= 1; i-- { // the first part is the house or hamlet
		p := strings.TrimSpace(parts[i])
		low := strings.ToLower(p)
		if strings.HasPrefix(low, "xã ") || strings.HasPrefix(low, "phường ") {
			return p
		}
	}
	return ""
}

func maskUnitCode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
