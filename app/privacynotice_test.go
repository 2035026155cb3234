package app

import (
	"slices"
	"strings"
	"testing"
)

// The notice says what is collected, why, who sees it, how long and how
// to ask, names the commune, and stays short enough for the form and one
// paragraph of the intake record.
func TestPrivacyNotice(t *testing.T) {
	n := PrivacyNotice("Phường Mỹ Tho")
	for _, want := range []string{
		"Ủy ban nhân dân phường Mỹ Tho", "họ tên, số điện thoại, địa chỉ, nội dung vụ việc", "giấy tờ",
		"dễ bị tổn thương chỉ ghi khi ông/bà tự cung cấp",
		"19/2023/QH15", "không cần sự đồng ý", "phải thông báo",
		"cơ quan được chuyển vụ việc đến", "cấp tỉnh chỉ nhận số liệu tổng hợp",
		"lưu 10 năm kể từ khi vụ việc kết thúc", "chữ cái đầu",
		"xem, sửa hoặc hạn chế", "02 ngày làm việc", "Điều 5 Nghị định 356/2025/NĐ-CP", "Điều 19 Luật Bảo vệ dữ liệu cá nhân",
	} {
		if !strings.Contains(n, want) {
			t.Errorf("the notice lacks %q:\n%s", want, n)
		}
	}
	if s := strings.Count(n, ". ") + 1; s < 5 || s > 7 {
		t.Errorf("%d sentences, want 5 to 7", s)
	}
	if l := len([]rune(n)); l > 1000 {
		t.Errorf("the notice is %d characters, too long to print on the intake record", l)
	}
	if g := PrivacyNotice(""); !strings.Contains(g, "Ủy ban nhân dân xã, phường ghi nhận") {
		t.Errorf("without a commune: %s", g)
	}
}

// The sensitive groups are groups of Điều 8, and a masked list shows none
// of their labels.
func TestVulnerableGroupLabels(t *testing.T) {
	for _, g := range SensitiveGroups {
		if !VulnerableGroups.Has(g) {
			t.Errorf("%q is not a vulnerable group", g)
		}
	}
	all := []string{"nguoi_cao_tuoi", "nguoi_khuyet_tat", "benh_hiem_ngheo", "ho_ngheo"}
	got := VulnerableGroupLabels(all, true)
	want := []string{VulnerableGroups.Label("nguoi_cao_tuoi"), VulnerableGroupHidden, VulnerableGroups.Label("ho_ngheo")}
	if !slices.Equal(got, want) {
		t.Errorf("masked: %q, want %q", got, want)
	}
	if got := VulnerableGroupLabels(all, false); len(got) != 4 || got[1] != VulnerableGroups.Label("nguoi_khuyet_tat") {
		t.Errorf("unmasked: %q", got)
	}
}
