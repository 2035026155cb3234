package app

// Code is one value of a code list, with its labels.
type Code struct {
	Code string
	VI   string
	EN   string
}

// CodeList is an ordered list of codes.
type CodeList []Code

// Has reports whether code is in the list.
func (l CodeList) Has(code string) bool {
	for _, c := range l {
		if c.Code == code {
			return true
		}
	}
	return false
}

// Label returns the Vietnamese label of code, or code itself if unknown.
func (l CodeList) Label(code string) string {
	for _, c := range l {
		if c.Code == code {
			return c.VI
		}
	}
	return code
}

// CodeOf returns the code whose Vietnamese label is label, or "".
func (l CodeList) CodeOf(label string) string {
	for _, c := range l {
		if c.VI == label {
			return c.Code
		}
	}
	return ""
}

// Labels returns the Vietnamese labels in order.
func (l CodeList) Labels() []string {
	out := make([]string, len(l))
	for i, c := range l {
		out[i] = c.VI
	}
	return out
}

// Channels are the ways a case reaches the commune (docs/domain.md §5.3).
var Channels = CodeList{
	{"truc_tiep", "Trực tiếp tại trụ sở", "Walk-in"},
	{"dien_thoai", "Điện thoại", "Phone"},
	{"tong_dai_1800_6838", "Tổng đài 1800.6838", "Hotline 1800.6838"},
	{"buu_dien_cong_van", "Bưu điện, công văn", "Post, official letter"},
	{"email", "Thư điện tử", "Email"},
	{"website_ung_dung", "Trang web, ứng dụng của tỉnh", "Provincial website or app"},
	{"cong_dvc", "Cổng Dịch vụ công", "Public service portal"},
	{"mang_xa_hoi", "Mạng xã hội (Zalo, Facebook)", "Social media"},
	{"chuyen_tu_co_quan_khac", "Cơ quan khác chuyển đến", "Referred by another agency"},
	{"tiep_nhan_luu_dong", "Tiếp nhận lưu động", "Mobile intake at an event"},
	{ChannelOnlineIntake, "Trực tuyến (cổng tiếp nhận)", "Online intake form"},
}

// ChannelOnlineIntake is the channel of a case the consumer filed on the
// provincial server's public form (Kế hoạch 395/KH-UBND II.2).
const ChannelOnlineIntake = "cong_tiep_nhan_truc_tuyen"

// CaseKinds are what the consumer asks for (docs/domain.md §5.3).
var CaseKinds = CodeList{
	{"tu_van", "Tư vấn, hỏi đáp", "Advice"},
	{"phan_anh", "Phản ánh", "Report"},
	{"yeu_cau_ho_tro_thuong_luong", "Yêu cầu hỗ trợ thương lượng", "Negotiation support request"},
	{"khieu_nai", "Khiếu nại doanh nghiệp", "Complaint against a business"},
	{"yeu_cau_xu_ly_vi_pham", "Yêu cầu xử lý vi phạm", "Request to act on a violation"},
	{"kien_nghi", "Kiến nghị", "Proposal"},
}

// CaseStatuses are the states of a case (docs/domain.md §5.3).
var CaseStatuses = CodeList{
	{"moi_tiep_nhan", "Mới tiếp nhận", "Received"},
	{"can_bo_sung", "Cần bổ sung", "Awaiting documents"},
	{"da_thu_ly", "Đã thụ lý", "Accepted"},
	{"dang_xu_ly", "Đang xử lý", "In progress"},
	{"da_chuyen", "Đã chuyển cơ quan khác", "Referred"},
	{"cho_doanh_nghiep_phan_hoi", "Chờ doanh nghiệp phản hồi", "Waiting on the business"},
	{"dang_thuong_luong", "Đang thương lượng", "Negotiating"},
	{"dang_hoa_giai", "Đang hòa giải", "Mediating"},
	{"da_giai_quyet", "Đã giải quyết", "Resolved"},
	{"dong", "Đã đóng", "Closed"},
	{"tu_choi", "Từ chối", "Rejected"},
	{"rut_yeu_cau", "Rút yêu cầu", "Withdrawn"},
}

// StatusReceived is the status of a newly recorded case.
const StatusReceived = "moi_tiep_nhan"

// RequesterRoles are who brings the matter (docs/domain.md §5.2).
var RequesterRoles = CodeList{
	{"ntd", "Người tiêu dùng", "The consumer"},
	{"dai_dien_hop_phap", "Người đại diện hợp pháp của người tiêu dùng", "The consumer's legal representative"},
	{"to_chuc_xa_hoi", "Tổ chức xã hội tham gia bảo vệ quyền lợi người tiêu dùng", "A consumer-protection social organisation"},
	{"co_quan_chuyen_den", "Cơ quan, tổ chức chuyển đến", "Referred by an agency"},
}

// RoleRepresentative is the requester role that needs a representative's
// name.
const RoleRepresentative = "dai_dien_hop_phap"

// Genders of a consumer or participant.
var Genders = CodeList{
	{"nam", "Nam", "Male"},
	{"nu", "Nữ", "Female"},
	{"khac", "Khác", "Other"},
}

// AgeBands are used when the date of birth is not given; their limits
// follow the vulnerable groups of Điều 8 (under 16, 60 and over).
var AgeBands = CodeList{
	{"duoi_16", "Dưới 16 tuổi", "Under 16"},
	{"tu_16_den_35", "Từ 16 đến 35 tuổi", "16 to 35"},
	{"tu_36_den_59", "Từ 36 đến 59 tuổi", "36 to 59"},
	{"tu_60", "Từ 60 tuổi trở lên", "60 and over"},
}

// BusinessKinds are the kinds of respondent (docs/domain.md §5.2).
var BusinessKinds = CodeList{
	{"doanh_nghiep", "Doanh nghiệp", "Company"},
	{"ho_kinh_doanh", "Hộ kinh doanh, tiểu thương", "Household business, small trader"},
	{"ca_nhan_khong_dkkd", "Cá nhân kinh doanh không đăng ký", "Unregistered individual trader"},
	{"san_tmdt", "Sàn thương mại điện tử", "E-commerce platform"},
	{"nguoi_ban_tren_mxh", "Người bán trên mạng xã hội", "Social-media seller"},
	{"to_chuc_khac", "Tổ chức khác", "Other organisation"},
}

// TransactionTypes are the forms of the transaction (Luật 19/2023
// Chương III: giao dịch từ xa, bán hàng tận cửa, đa cấp, không tại địa
// điểm giao dịch thường xuyên, dịch vụ liên tục).
var TransactionTypes = CodeList{
	{"truc_tiep", "Mua bán trực tiếp tại cửa hàng, chợ", "In person at a shop or market"},
	{"giao_dich_tu_xa", "Giao dịch từ xa (điện thoại, thư)", "Distance contract (phone, mail)"},
	{"tmdt", "Thương mại điện tử, mạng xã hội", "E-commerce, social media"},
	{"ban_hang_tan_cua", "Bán hàng tận cửa", "Door-to-door sale"},
	{"ban_hang_da_cap", "Bán hàng đa cấp", "Multi-level marketing"},
	{"ban_hang_khong_tai_dia_diem_thuong_xuyen", "Bán hàng không tại địa điểm giao dịch thường xuyên (hội thảo, du lịch kết hợp bán hàng)", "Off-premises sale (seminar, tour)"},
	{"dich_vu_lien_tuc", "Cung cấp dịch vụ liên tục (điện, nước, viễn thông…)", "Continuous service (power, water, telecom…)"},
}

// ResolutionMethods are how the commune handles the matter (docs/domain.md
// §5.3).
var ResolutionMethods = CodeList{
	{"tu_van_huong_dan", "Tư vấn, hướng dẫn", "Advice and guidance"},
	{"thuong_luong_truc_tiep", "Người tiêu dùng tự thương lượng, xã hướng dẫn", "Direct negotiation, commune advising"},
	{"ho_tro_thuong_luong", "Hỗ trợ thương lượng (Điều 56–60)", "Negotiation support (Art. 56–60)"},
	{"hoa_giai", "Hòa giải (Điều 61–66)", "Mediation (Art. 61–66)"},
	{"trong_tai", "Trọng tài (Điều 67–68)", "Arbitration (Art. 67–68)"},
	{"toa_an", "Tòa án (Điều 69–73)", "Court (Art. 69–73)"},
	{"xu_ly_hanh_chinh", "Xử lý vi phạm hành chính", "Administrative sanction"},
	{"chuyen_co_quan_khac", "Chuyển cơ quan khác", "Referral to another agency"},
}
