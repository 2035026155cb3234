package app

import (
	"fmt"
	"strings"
)

// PrivacyNoticeTitle heads the notice on the intake form and the printed
// intake record.
const PrivacyNoticeTitle = "Thông báo về xử lý dữ liệu cá nhân"

// PrivacyNotice is the short notice a consumer is given at intake: what
// the commune collects, why, who sees it, how long it is kept
// (DefaultRetention) and how to ask about it. The commune processes the
// data without consent, to serve a state body's task under the law (Luật
// Bảo vệ dữ liệu cá nhân 91/2025/QH15 Điều 19 khoản 1 điểm c; the task is
// Luật Bảo vệ quyền lợi người tiêu dùng 19/2023/QH15); the Law has no
// separate notice article for that case, but the person has the right to
// know of the processing (Điều 4 khoản 1 điểm a) and must be made aware of
// how to exercise their rights (Nghị định 356/2025/NĐ-CP Điều 5 khoản 1).
// A request to see or correct one's data is answered within 02 working
// days (NĐ 356 Điều 5 khoản 3; so is a request to restrict, khoản 2, which
// does not bind processing under Điều 19: the commune honours it by
// choice).
//
// unitName is the commune's full name ("Phường Mỹ Tho"); "" names the
// commune in general. The text is short enough for the intake form and one
// paragraph of the printed record; the officer records how it was given
// (Case.PrivacyNotice, PrivacyNoticeWays).
func PrivacyNotice(unitName string) string {
	ubnd := "Ủy ban nhân dân xã, phường"
	if n := strings.TrimSpace(unitName); n != "" {
		ubnd = "Ủy ban nhân dân " + lowerFirst(NFC(n)) // "Phường Mỹ Tho" → "phường Mỹ Tho"
	}
	return strings.Join([]string{
		ubnd + " ghi nhận họ tên, số điện thoại, địa chỉ, nội dung vụ việc và giấy tờ ông/bà cung cấp; " +
			"thông tin thuộc nhóm người tiêu dùng dễ bị tổn thương chỉ ghi khi ông/bà tự cung cấp.",
		"Dữ liệu này chỉ dùng để tiếp nhận và hỗ trợ giải quyết yêu cầu của ông/bà theo Luật Bảo vệ quyền lợi người tiêu dùng số 19/2023/QH15.",
		"Cơ quan nhà nước xử lý dữ liệu để thực hiện nhiệm vụ theo luật nên không cần sự đồng ý của ông/bà " +
			"(Điều 19 Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15), nhưng phải thông báo cho ông/bà biết.",
		"Chỉ cán bộ Ủy ban nhân dân xã, phường và cơ quan được chuyển vụ việc đến (nếu có) được xem; " +
			"cấp tỉnh chỉ nhận số liệu tổng hợp, trừ vụ việc được chuyển lên tỉnh.",
		fmt.Sprintf("Dữ liệu được lưu %d năm kể từ khi vụ việc kết thúc; sau đó họ tên chỉ còn chữ cái đầu, số điện thoại và địa chỉ bị xóa.",
			DefaultRetention.CaseYears),
		"Ông/bà có quyền yêu cầu xem, sửa hoặc hạn chế xử lý dữ liệu của mình tại trụ sở " + ubnd +
			"; xã, phường trả lời trong 02 ngày làm việc (Điều 5 Nghị định 356/2025/NĐ-CP).",
	}, " ")
}

// SensitiveGroups are the groups of Luật 19/2023 Điều 8 khoản 1 whose mere
// label reveals sensitive personal data (NĐ 356/2025/NĐ-CP Điều 4 khoản 1:
// điểm a ethnic origin, điểm d health): disability, a critical illness and
// pregnancy (health), ethnic minority (ethnic origin). Their processing
// needs role-limited access (Điều 4 khoản 2; SeesSensitive). Age (older
// person, child) follows from the birth date, basic data (Điều 3); a poor
// household is left with them (arguably private life, điểm c: a local
// choice, as the household list is public in the commune).
var SensitiveGroups = []string{"nguoi_khuyet_tat", "dan_toc_thieu_so_vung_kk", "phu_nu_mang_thai_nuoi_con_nho", "benh_hiem_ngheo"}

// IsSensitiveGroup reports whether group is one of SensitiveGroups.
func IsSensitiveGroup(group string) bool {
	for _, g := range SensitiveGroups {
		if g == group {
			return true
		}
	}
	return false
}

// VulnerableGroupHidden is what a masked export or a role that does not
// see sensitive details (SeesSensitive) shows for a sensitive group.
const VulnerableGroupHidden = "Thuộc nhóm dễ bị tổn thương"

// VulnerableGroupLabels returns the labels of groups in order; with hide,
// the sensitive ones are one VulnerableGroupHidden (once, where the first
// of them stood).
func VulnerableGroupLabels(groups []string, hide bool) []string {
	var out []string
	hidden := false
	for _, g := range groups {
		switch {
		case !hide || !IsSensitiveGroup(g):
			out = append(out, VulnerableGroups.Label(g))
		case !hidden:
			out = append(out, VulnerableGroupHidden)
			hidden = true
		}
	}
	return out
}
