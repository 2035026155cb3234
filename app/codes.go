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

// Channels are the ways a case reaches the commune (domain.md §5.3).
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
}

// CaseKinds are what the consumer asks for (domain.md §5.3).
var CaseKinds = CodeList{
	{"tu_van", "Tư vấn, hỏi đáp", "Advice"},
	{"phan_anh", "Phản ánh", "Report"},
	{"yeu_cau_ho_tro_thuong_luong", "Yêu cầu hỗ trợ thương lượng", "Negotiation support request"},
	{"khieu_nai", "Khiếu nại doanh nghiệp", "Complaint against a business"},
	{"yeu_cau_xu_ly_vi_pham", "Yêu cầu xử lý vi phạm", "Request to act on a violation"},
	{"kien_nghi", "Kiến nghị", "Proposal"},
}

// CaseStatuses are the states of a case (domain.md §5.3).
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
