package app

import (
	"fmt"
	"math"
	"strings"
)

// How each target of Kế hoạch 395/KH-UBND (Mục II.2) is counted and judged
// (issue 18 item 5). Every definition is written here once, with the lines
// of the plan it rests on; the dashboard shows it on demand ("Cách tính")
// and the annual workbook prints it under the plan's wording.
// seeds/data/plan_targets.json holds the plan's wording and thresholds; its
// horizon and frequency must agree with these definitions (seeds test).

// Target scopes: who a target binds.
const (
	// ScopeProvince: a province-wide target (T2, T3, T6: "Hàng năm, tổ
	// chức ít nhất 01 …" for the province, led by Sở Công Thương). A
	// commune's figure is its contribution, never judged alone.
	ScopeProvince = "province"
	// ScopeEach: a share that every unit can report against (T1, T4, T5)
	// or a count the app judges wherever it is counted (T7).
	ScopeEach = "each"
)

// Target horizons, as seeds/data/plan_targets.json spells them.
const (
	HorizonAnnual = "annual_2026_2030" // judged each year
	HorizonBy2030 = "by_2030"          // to be reached by 2030: progress before
)

// Statuses of a target in a report: the verdict column of the dashboard and
// of Biểu 1.
const (
	TargetMet          = "met"          // Đạt
	TargetNotMet       = "not_met"      // Chưa đạt
	TargetProgress     = "progress"     // by 2030, not yet reached: Progress %
	TargetContribution = "contribution" // a commune's part of a province-wide target
	TargetProxy        = "proxy"        // a stand-in figure: never judged
	TargetUnknown      = "unknown"      // a share of an empty population
)

// TargetDefinition is how the app counts and judges one target.
type TargetDefinition struct {
	ID      string
	Scope   string // ScopeProvince or ScopeEach
	Horizon string // HorizonAnnual or HorizonBy2030
	// Cumulative: the figure judged is the sum from the plan's first report
	// year (2026) to the end of the period, not the period's own (T7).
	Cumulative bool
	// Proxy: the app cannot measure what the plan sets; it shows a stand-in
	// with its definition and never "Đạt" (T1).
	Proxy bool
	// Counts is what the app counts (Vietnamese, shown as "Cách tính").
	Counts string
	// Judged is how the figure is judged (Vietnamese).
	Judged string
	// Source cites the plan: section, line and, where the plan's wording
	// alone does not settle the definition, the other lines used.
	Source string
}

// PlanStartYear is the first report year of Kế hoạch 395 (2026–2030, Mục
// II.2 "Phấn đấu đến năm 2030"); PlanEndYear the year its "by 2030"
// targets are judged.
const (
	PlanStartYear = 2026
	PlanEndYear   = 2030
)

// Publication types that are documents and publications (tài liệu, ấn
// phẩm: T3) and those that are news items and posts (tin bài: T7), and the
// channels where a news item counts as posted (đăng tải) for T7.
var (
	T3PublicationTypes = []string{"to_roi", "so_tay", "poster", "video"}
	T7PublicationTypes = []string{"tin_bai", "phong_su", "bai_mxh"}
	T7Channels         = []string{"chuyen_muc_website", "facebook", "zalo"}
	// T5EventTypes are the events that count as a conference or seminar
	// (hội nghị, hội thảo) for T5; every held training session (tập huấn)
	// counts too.
	T5EventTypes = []string{"hoi_nghi", "hoi_thao"}
	// T5Roles are the officer roles of the social and socio-political
	// organisations (Hội Bảo vệ người tiêu dùng, đoàn thể): the plan names
	// them in T5, so they are in its population whatever the officer's
	// "Tính cho T5" flag says.
	T5Roles = []string{"hoi_bvntd", "doan_the"}
)

// OnlineChannels are the channels of Kế hoạch 395's online intake
// ("kênh tiếp nhận phản ánh, khiếu nại trực tuyến (qua website, ứng dụng
// di động hoặc Cổng dịch vụ công của tỉnh)", Mục III.2.a; the output of
// Phụ lục, nhiệm vụ II.1, which T1 cites: "kênh tiếp nhận phản ánh (trực
// tuyến và tổng đài) hoạt động thông suốt"): the provincial server's
// public form (ChannelOnlineIntake), the province's website or app, and
// the public service portal. A case received through one of them counts
// in ComplaintKPIs.Online.
var OnlineChannels = []string{ChannelOnlineIntake, "website_ung_dung", "cong_dvc"}

// TargetDefinitions are the definitions of T1–T7, in order.
var TargetDefinitions = []TargetDefinition{
	{ID: "T1", Scope: ScopeEach, Horizon: HorizonBy2030, Proxy: true,
		Counts: "Chỉ số thay thế: số xã, phường có ít nhất một lần đồng bộ dữ liệu thành công với máy chủ của tỉnh trong kỳ, trên tổng số xã, phường của báo cáo. " +
			"Ứng dụng không đo được việc kết nối Cơ sở dữ liệu quốc gia về bảo vệ quyền lợi người tiêu dùng và Tổng đài 1800.6838 mà Kế hoạch đặt ra: việc đó do Bộ Công Thương triển khai. " +
			"Kênh tiếp nhận phản ánh, khiếu nại trực tuyến (đầu ra \"kênh tiếp nhận phản ánh (trực tuyến và tổng đài) hoạt động thông suốt\" của nhiệm vụ II.1; Mục III.2.a) được nêu bằng số vụ việc tiếp nhận qua kênh trực tuyến trong kỳ: cổng tiếp nhận trực tuyến của tỉnh, trang web, ứng dụng của tỉnh và Cổng Dịch vụ công.",
		Judged: "Không đánh giá: chỉ nêu số liệu thay thế và tỷ lệ so với mức 100% của năm 2030, vì số liệu này không phải điều Kế hoạch đặt ra.",
		Source: "Kế hoạch 395/KH-UBND, Mục II.2, gạch đầu dòng 1 (\"Phấn đấu đến năm 2030 … 100% cơ quan quản lý nhà nước và Hội bảo vệ người tiêu dùng tỉnh được kết nối, chia sẻ thông tin với Cơ sở dữ liệu quốc gia … tích hợp đồng bộ với Tổng đài … 1800.6838\"); " +
			"Phụ lục, nhiệm vụ II.1–II.3 (\"theo kế hoạch do Bộ Công Thương triển khai\")."},
	{ID: "T2", Scope: ScopeProvince, Horizon: HorizonAnnual,
		Counts: "Số sự kiện, chương trình hưởng ứng Ngày Quyền của Người tiêu dùng Việt Nam (15/3) đã tổ chức trong kỳ: mít tinh 15/3 và mọi sự kiện được đánh dấu gắn với Ngày 15/3; sự kiện còn ở trạng thái kế hoạch không tính.",
		Judged: "Chỉ tiêu toàn tỉnh, đánh giá hằng năm ở báo cáo toàn tỉnh (đạt khi có ít nhất 01 sự kiện). Báo cáo của một xã, phường chỉ nêu phần đóng góp của xã, phường, không đánh giá.",
		Source: "Kế hoạch 395/KH-UBND, Mục II.2, gạch đầu dòng 2 (\"Hàng năm, tổ chức ít nhất 01 sự kiện hoặc chương trình về bảo vệ quyền lợi người tiêu dùng, gắn với Ngày Quyền của Người tiêu dùng Việt Nam (15/3)\"); " +
			"Phụ lục, nhiệm vụ III.3 (Sở Công Thương chủ trì, UBND các xã, phường phối hợp)."},
	{ID: "T3", Scope: ScopeProvince, Horizon: HorizonAnnual,
		Counts: "Số tài liệu, ấn phẩm tuyên truyền (tờ rơi, sổ tay, áp phích, pa-nô, video; bản giấy hoặc bản điện tử) tự phát hành hoặc tiếp nhận từ Trung ương, ghi ngày trong kỳ. " +
			"Tin, bài, phóng sự và bài đăng mạng xã hội không tính ở đây: chúng tính cho T7.",
		Judged: "Chỉ tiêu toàn tỉnh, đánh giá hằng năm ở báo cáo toàn tỉnh (đạt từ 03 tài liệu, ấn phẩm; 05 là mức cao của khoảng 03-05). Báo cáo của một xã, phường chỉ nêu phần đóng góp, không đánh giá.",
		Source: "Kế hoạch 395/KH-UBND, Mục II.2, gạch đầu dòng 3 (\"Mỗi năm phát hành (hoặc phối hợp tiếp nhận từ Trung ương) ít nhất từ 03-05 tài liệu, ấn phẩm (bản giấy, bản điện tử) tuyên truyền\")."},
	{ID: "T4", Scope: ScopeEach, Horizon: HorizonBy2030,
		Counts: "Số tổ chức liên quan (được đánh dấu \"liên quan\" trong danh sách tổ chức: tổ chức chính trị - xã hội, tổ chức xã hội, hiệp hội…) có người có mặt ở ít nhất một lớp tập huấn hoặc sự kiện tuyên truyền trong kỳ, trên tổng số tổ chức liên quan.",
		Judged: "Mục tiêu đến năm 2030: các năm trước nêu tỷ lệ của năm và tiến độ so với mức 100%; đạt khi tỷ lệ đủ 100%; năm 2030 chưa đủ là chưa đạt.",
		Source: "Kế hoạch 395/KH-UBND, Mục II.2 (\"Phấn đấu đến năm 2030\"), gạch đầu dòng 4 (\"100% cơ quan, tổ chức chính trị - xã hội, tổ chức xã hội, hiệp hội liên quan … tham gia các hoạt động tuyên truyền, nâng cao nhận thức, đào tạo kỹ năng\")."},
	{ID: "T5", Scope: ScopeEach, Horizon: HorizonBy2030,
		Counts: "Số cán bộ đang công tác trong danh sách cán bộ thuộc đối tượng T5 (cán bộ thực thi được đánh dấu \"Tính cho T5\", và mọi cán bộ của Hội Bảo vệ người tiêu dùng, các đoàn thể, tổ chức chính trị - xã hội) " +
			"có mặt ở ít nhất một lớp tập huấn hoặc một hội nghị, hội thảo đã tổ chức trong kỳ, trên tổng số cán bộ đó.",
		Judged: "Mục tiêu đến năm 2030: các năm trước nêu tỷ lệ của năm và tiến độ so với mức 100%; đạt khi tỷ lệ đủ 100%; năm 2030 chưa đủ là chưa đạt.",
		Source: "Kế hoạch 395/KH-UBND, Mục II.2 (\"Phấn đấu đến năm 2030\"), gạch đầu dòng 5 (\"100% cán bộ thực thi công tác bảo vệ quyền lợi người tiêu dùng trên địa bàn tỉnh, các tổ chức chính trị - xã hội, tổ chức xã hội tham gia bảo vệ quyền lợi người tiêu dùng được tham gia hội nghị, hội thảo, tập huấn nâng cao năng lực\"); " +
			"Phụ lục, nhiệm vụ IV.1."},
	{ID: "T6", Scope: ScopeProvince, Horizon: HorizonAnnual,
		Counts: "Số hội nghị, hội thảo, tọa đàm có chủ đề tuân thủ pháp luật về bảo vệ quyền lợi người tiêu dùng đã tổ chức trong kỳ.",
		Judged: "Chỉ tiêu toàn tỉnh, đánh giá hằng năm ở báo cáo toàn tỉnh (đạt khi có ít nhất 01). Báo cáo của một xã, phường chỉ nêu phần đóng góp, không đánh giá.",
		Source: "Kế hoạch 395/KH-UBND, Mục II.2, gạch đầu dòng 6 (\"Hàng năm, tổ chức ít nhất 01 hội nghị, hội thảo, tọa đàm về nâng cao năng lực tuân thủ pháp luật về bảo vệ quyền lợi người tiêu dùng\"); Phụ lục, nhiệm vụ III.4."},
	{ID: "T7", Scope: ScopeEach, Horizon: HorizonBy2030, Cumulative: true,
		Counts: "Số tin, bài, phóng sự và bài đăng mạng xã hội đăng tải trên chuyên mục bảo vệ người tiêu dùng của trang thông tin điện tử, Facebook hoặc Zalo, " +
			"cộng dồn từ đầu năm báo cáo 2026 (15/12/2025) đến hết kỳ; số của riêng kỳ được nêu bên cạnh. Tài liệu, ấn phẩm tính cho T3, không tính ở đây.",
		Judged: "Đánh giá theo số lũy kế đến năm 2030 (không theo từng năm): đạt khi lũy kế đủ 10 tin bài; trước năm 2030 chưa đủ thì nêu tiến độ; năm 2030 chưa đủ là chưa đạt.",
		Source: "Kế hoạch 395/KH-UBND, Mục II.2 (\"Phấn đấu đến năm 2030\"), gạch đầu dòng 7 (\"Xây dựng Chuyên mục về bảo vệ quyền lợi người tiêu dùng và đăng tải ít nhất 10 tin bài\", không ghi \"hàng năm\" như các gạch đầu dòng 2, 3, 6); " +
			"Mục III.3.c và Phụ lục, nhiệm vụ III.5 (\"đăng tải tin, bài, hình ảnh tuyên truyền; tận dụng mạng xã hội\")."},
}

// TargetDefinitionOf returns the definition of target id (zero if none).
func TargetDefinitionOf(id string) TargetDefinition {
	for _, d := range TargetDefinitions {
		if d.ID == id {
			return d
		}
	}
	return TargetDefinition{ID: id, Scope: ScopeEach, Horizon: HorizonAnnual}
}

// CommuneScope reports whether d is one commune's data (a device with a
// commune, or a report for one commune) rather than the province's: then
// the province-wide targets show the commune's contribution.
func (d *KPIData) CommuneScope() bool { return len(d.Units) == 1 }

// judge sets the status of r for a report of the year ending the period,
// at commune scope or the province's. Met is set only when judged met.
func (r TargetResult) judge(year int, commune bool) TargetResult {
	def := r.Def
	if r.Threshold > 0 && r.Known {
		r.Progress = 100 * r.Value / r.Threshold
	}
	switch {
	case !r.Known:
		r.Status = TargetUnknown
	case def.Proxy:
		r.Status = TargetProxy
	case def.Scope == ScopeProvince && commune:
		r.Status = TargetContribution
	case r.Reached:
		r.Status = TargetMet
	case def.Horizon == HorizonBy2030 && year < PlanEndYear:
		r.Status = TargetProgress
	default:
		r.Status = TargetNotMet
	}
	r.Met = r.Status == TargetMet
	return r
}

// Verdict texts of the statuses (Vietnamese), used by the annual workbook;
// the dashboard shows the same texts through its translations.
const (
	VerdictMetVI          = "Đạt"
	VerdictNotMetVI       = "Chưa đạt"
	VerdictProgressVI     = "Đang tiến tới mục tiêu 2030: %s"
	VerdictContributionVI = "Đóng góp vào chỉ tiêu toàn tỉnh"
	VerdictProxyVI        = "Chỉ số thay thế, không đánh giá"
	VerdictUnknownVI      = "Chưa có dữ liệu"
)

// VerdictVI is the status of r in words: "Đạt", "Chưa đạt", "Đang tiến tới
// mục tiêu 2030: 66,7%", …
func (r TargetResult) VerdictVI() string {
	switch r.Status {
	case TargetMet:
		return VerdictMetVI
	case TargetProgress:
		return fmt.Sprintf(VerdictProgressVI, PercentVI(r.Progress))
	case TargetContribution:
		return VerdictContributionVI
	case TargetProxy:
		return VerdictProxyVI
	case TargetUnknown:
		return VerdictUnknownVI
	}
	return VerdictNotMetVI
}

// PercentVI writes a percentage with at most one decimal and a decimal
// comma: 66,7%.
func PercentVI(p float64) string {
	p = math.Round(p*10) / 10
	if p == math.Trunc(p) {
		return fmt.Sprintf("%d%%", int64(p))
	}
	return strings.Replace(fmt.Sprintf("%.1f%%", p), ".", ",", 1)
}
