package app

import (
	"slices"
	"unicode"
)

// Case event kinds: every step of a case is an append-only event
// (docs/domain.md §5.4). The current status follows from the events.
const (
	EventReceived          = "received"
	EventAcknowledged      = "acknowledged"
	EventDocsRequested     = "documents_requested"
	EventDocsReceived      = "documents_received"
	EventAccepted          = "accepted"
	EventRejected          = "rejected"
	EventProcessingStarted = "processing_started"
	EventReferred          = "referred"
	EventReferralResponse  = "referral_response"
	EventBusinessContacted = "business_contacted"
	EventBusinessResponded = "business_responded"
	EventBusinessRefused   = "business_refused"
	EventNegotiationStart  = "negotiation_started"
	EventNegotiationResult = "negotiation_result"
	// EventBusinessReport: the business's written result of a negotiation
	// the commune supported, due within 05 working days after the
	// negotiation ends (Luật 19/2023 Điều 57 khoản 5).
	EventBusinessReport  = "business_report"
	EventMediationStart  = "mediation_started"
	EventMediationResult = "mediation_result"
	EventAdvisedNextStep = "advised_next_step"
	EventResolved        = "resolved"
	EventClosed          = "closed"
	EventReopened        = "reopened"
	EventWithdrawn       = "withdrawn"
	EventNote            = "note"
)

// CaseEvents labels the event kinds.
var CaseEvents = CodeList{
	{EventReceived, "Tiếp nhận", "Received"},
	{EventAcknowledged, "Xác nhận đã tiếp nhận", "Receipt acknowledged"},
	{EventDocsRequested, "Đề nghị bổ sung hồ sơ", "Documents requested"},
	{EventDocsReceived, "Đã nhận hồ sơ bổ sung", "Documents received"},
	{EventAccepted, "Thụ lý", "Accepted"},
	{EventRejected, "Từ chối", "Rejected"},
	{EventProcessingStarted, "Bắt đầu xử lý", "Processing started"},
	{EventReferred, "Chuyển cơ quan khác", "Referred"},
	{EventReferralResponse, "Nhận phản hồi của cơ quan", "Referral response"},
	{EventBusinessContacted, "Liên hệ doanh nghiệp", "Business contacted"},
	{EventBusinessResponded, "Doanh nghiệp phản hồi", "Business responded"},
	{EventBusinessRefused, "Doanh nghiệp từ chối", "Business refused"},
	{EventNegotiationStart, "Bắt đầu thương lượng", "Negotiation started"},
	{EventNegotiationResult, "Kết quả thương lượng", "Negotiation result"},
	{EventBusinessReport, "Nhận văn bản kết quả thương lượng của doanh nghiệp", "Business's written negotiation result received"},
	{EventMediationStart, "Bắt đầu hòa giải", "Mediation started"},
	{EventMediationResult, "Kết quả hòa giải", "Mediation result"},
	{EventAdvisedNextStep, "Hướng dẫn bước tiếp theo (trọng tài, tòa án)", "Advised next step"},
	{EventResolved, "Đã giải quyết", "Resolved"},
	{EventClosed, "Đóng vụ việc", "Closed"},
	{EventReopened, "Mở lại", "Reopened"},
	{EventWithdrawn, "Người tiêu dùng rút yêu cầu", "Withdrawn"},
	{EventNote, "Ghi chú", "Note"},
}

// Statuses (CaseStatuses) by name.
const (
	StatusNeedsDocs     = "can_bo_sung"
	StatusAccepted      = "da_thu_ly"
	StatusInProgress    = "dang_xu_ly"
	StatusReferred      = "da_chuyen"
	StatusAwaitBusiness = "cho_doanh_nghiep_phan_hoi"
	StatusNegotiating   = "dang_thuong_luong"
	StatusMediating     = "dang_hoa_giai"
	StatusResolved      = "da_giai_quyet"
	StatusClosed        = "dong"
	StatusRejected      = "tu_choi"
	StatusWithdrawn     = "rut_yeu_cau"
	statusKeep          = "" // the event leaves the status as it is
)

// Transitions is the workflow of a commune (docs/domain.md §5.4): for each
// status, the events allowed and the status each leads to ("" keeps the
// status). An event not listed for a status is refused.
var Transitions = map[string]map[string]string{
	StatusReceived: {
		EventAcknowledged: statusKeep, EventDocsRequested: StatusNeedsDocs, EventAccepted: StatusAccepted,
		EventRejected: StatusRejected, EventReferred: StatusReferred, EventResolved: StatusResolved,
		EventWithdrawn: StatusWithdrawn, EventNote: statusKeep, EventAdvisedNextStep: statusKeep,
	},
	StatusNeedsDocs: {
		EventAcknowledged: statusKeep, EventDocsReceived: StatusAccepted, EventRejected: StatusRejected,
		EventClosed: StatusClosed, EventWithdrawn: StatusWithdrawn, EventNote: statusKeep,
		EventAdvisedNextStep: statusKeep,
	},
	StatusAccepted: {
		EventProcessingStarted: StatusInProgress, EventReferred: StatusReferred,
		EventBusinessContacted: StatusAwaitBusiness, EventNegotiationStart: StatusNegotiating,
		EventMediationStart: StatusMediating, EventResolved: StatusResolved, EventWithdrawn: StatusWithdrawn,
		EventNote: statusKeep, EventAdvisedNextStep: statusKeep,
	},
	StatusInProgress: {
		EventBusinessReport: statusKeep,
		EventReferred:       StatusReferred, EventBusinessContacted: StatusAwaitBusiness,
		EventNegotiationStart: StatusNegotiating, EventMediationStart: StatusMediating,
		EventResolved: StatusResolved, EventClosed: StatusClosed, EventWithdrawn: StatusWithdrawn,
		EventNote: statusKeep, EventAdvisedNextStep: statusKeep,
	},
	// The business may settle at once when the commune calls it.
	StatusAwaitBusiness: {
		EventBusinessResponded: StatusInProgress, EventBusinessRefused: StatusInProgress,
		EventNegotiationStart: StatusNegotiating, EventResolved: StatusResolved,
		EventClosed: StatusClosed, EventWithdrawn: StatusWithdrawn,
		EventNote: statusKeep, EventAdvisedNextStep: statusKeep,
	},
	StatusReferred: {
		EventReferralResponse: statusKeep, EventResolved: StatusResolved, EventClosed: StatusClosed,
		EventWithdrawn: StatusWithdrawn, EventNote: statusKeep, EventAdvisedNextStep: statusKeep,
	},
	StatusNegotiating: {
		EventNegotiationResult: StatusInProgress, EventResolved: StatusResolved, EventClosed: StatusClosed,
		EventWithdrawn: StatusWithdrawn, EventNote: statusKeep, EventAdvisedNextStep: statusKeep,
	},
	StatusMediating: {
		EventMediationResult: StatusInProgress, EventResolved: StatusResolved, EventClosed: StatusClosed,
		EventWithdrawn: StatusWithdrawn, EventNote: statusKeep, EventAdvisedNextStep: statusKeep,
	},
	StatusResolved:  {EventClosed: StatusClosed, EventReopened: StatusInProgress, EventNote: statusKeep, EventBusinessReport: statusKeep},
	StatusClosed:    {EventReopened: StatusInProgress, EventNote: statusKeep},
	StatusRejected:  {EventClosed: StatusClosed, EventReopened: StatusInProgress, EventNote: statusKeep},
	StatusWithdrawn: {EventClosed: StatusClosed, EventReopened: StatusInProgress, EventNote: statusKeep},
}

// OnceEvents are the steps a case has at most once in its life, whatever
// its status: the acknowledgement of receipt ends the receipt clock
// (intake_ack, docs/domain.md §8: a local rule mirroring Đ.31 k.2 of Luật
// 19/2023, which binds businesses), so a second one would only blur when
// the commune acknowledged. The steps that may repeat (a note, an advice,
// a referral's answers…) are not here.
var OnceEvents = map[string]bool{EventAcknowledged: true}

// NextStatusAfter is NextStatus for a case whose recorded steps have the
// kinds done: a step of OnceEvents already among them is refused.
func NextStatusAfter(from, event string, done []string) (string, error) {
	if OnceEvents[event] && slices.Contains(done, event) {
		return "", Errorf(EINVALID, "Vụ việc đã có bước “%s”; bước này chỉ ghi một lần.", CaseEvents.Label(event))
	}
	return NextStatus(from, event)
}

// AllowedEventsAfter is AllowedEvents for a case whose recorded steps have
// the kinds done: the steps of OnceEvents already done are left out.
func AllowedEventsAfter(status string, done []string) []string {
	var out []string
	for _, e := range AllowedEvents(status) {
		if !OnceEvents[e] || !slices.Contains(done, e) {
			out = append(out, e)
		}
	}
	return out
}

// NextStatus returns the status a case in status from goes to on event, or
// an *Error (EINVALID) in Vietnamese if the event is not allowed there.
func NextStatus(from, event string) (string, error) {
	if !CaseEvents.Has(event) {
		return "", Errorf(EINVALID, "Loại bước xử lý không hợp lệ.")
	}
	allowed, ok := Transitions[from]
	if !ok {
		return "", Errorf(EINVALID, "Trạng thái vụ việc không hợp lệ.")
	}
	to, ok := allowed[event]
	if !ok {
		return "", Errorf(EINVALID, "Không thể %s khi vụ việc đang ở trạng thái “%s”.",
			lowerFirst(CaseEvents.Label(event)), CaseStatuses.Label(from))
	}
	if to == statusKeep {
		return from, nil
	}
	return to, nil
}

// AllowedEvents returns the events allowed from status, in CaseEvents order.
func AllowedEvents(status string) []string {
	var out []string
	for _, e := range CaseEvents {
		if _, ok := Transitions[status][e.Code]; ok {
			out = append(out, e.Code)
		}
	}
	return out
}

func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// RejectionReasons are the grounds to refuse a request (Luật 19/2023,
// Điều 58, and Điều 54 khoản 2).
var RejectionReasons = CodeList{
	{"chua_thanh_nien_mat_nang_luc_khong_dai_dien", "Người tiêu dùng chưa thành niên, mất hoặc hạn chế năng lực hành vi dân sự, có khó khăn trong nhận thức mà không có người đại diện hợp pháp (Điều 58 khoản 1)", "Minor or person lacking capacity without a legal representative (Art. 58(1))"},
	{"khong_phai_ntd_hoac_dai_dien", "Người yêu cầu không phải người tiêu dùng hoặc người đại diện hợp pháp (Điều 58 khoản 2)", "Requester is neither the consumer nor a legal representative (Art. 58(2))"},
	{"thieu_thong_tin_bang_chung", "Không đủ thông tin xác định tổ chức, cá nhân kinh doanh hoặc không có bằng chứng giao dịch (Điều 58 khoản 3)", "Business not identifiable or no evidence of the transaction (Art. 58(3))"},
	{"ngoai_tham_quyen_pham_vi", "Không thuộc thẩm quyền của cơ quan hoặc phạm vi của tổ chức (Điều 58 khoản 4)", "Outside the agency's competence or the organisation's scope (Art. 58(4))"},
	{"da_duoc_giai_quyet", "Yêu cầu đã được cơ quan, tổ chức có thẩm quyền giải quyết (Điều 58 khoản 5)", "Already handled by a competent body (Art. 58(5))"},
	{"cam_thuong_luong_hoa_giai", "Tranh chấp không được giải quyết bằng thương lượng, hòa giải (Điều 54 khoản 2)", "Dispute that may not be settled by negotiation or mediation (Art. 54(2))"},
}

// KindSupportRequest is the case kind of a request for negotiation support
// (yêu cầu hỗ trợ thương lượng, Luật 19/2023 Điều 56 khoản 3, Điều 57).
const KindSupportRequest = "yeu_cau_ho_tro_thuong_luong"

// reasonOutsideCompetence is the Điều 58 khoản 4 ground.
const reasonOutsideCompetence = "ngoai_tham_quyen_pham_vi"

// RejectionReasonsFor returns the grounds on which a case of kind may be
// refused. The grounds of Điều 58 are those to refuse a request for
// negotiation support, and only such a request is offered them; any case
// may be refused for a dispute negotiation and mediation may not settle
// (Điều 54 khoản 2). A matter outside the commune's competence is not
// refused: it is forwarded to the competent body and the consumer told
// (Điều 11 khoản 3), the step EventReferred with ConsumerNotified.
func RejectionReasonsFor(kind string) CodeList {
	if kind == KindSupportRequest {
		return RejectionReasons
	}
	var out CodeList
	for _, r := range RejectionReasons {
		if r.Code == "cam_thuong_luong_hoa_giai" {
			out = append(out, r)
		}
	}
	return out
}

// CheckForCase checks what of a new step depends on its case c: the
// ground of a refusal must be one that applies to c's kind
// (RejectionReasonsFor), and a referral records that the consumer was
// told (Điều 11 khoản 3). Steps synced from elsewhere are not checked
// again: an older laptop may have recorded them under the rules of its
// day.
func (e *CaseEvent) CheckForCase(c *Case) error {
	fe := map[string]string{}
	switch e.Kind {
	case EventRejected:
		if e.RejectionReason != "" && !RejectionReasonsFor(c.Kind).Has(e.RejectionReason) {
			fe["rejection_reason"] = "Lý do này theo Điều 58 chỉ dùng cho yêu cầu hỗ trợ thương lượng. Việc không thuộc thẩm quyền của xã thì dùng bước “Chuyển cơ quan khác”: chuyển đến cơ quan có thẩm quyền và báo cho người tiêu dùng (Điều 11 khoản 3)."
		}
	case EventReferred:
		if !e.ConsumerNotified {
			fe["consumer_notified"] = "Khi chuyển vụ việc, cần báo cho người tiêu dùng biết cơ quan tiếp nhận (Điều 11 khoản 3); đánh dấu khi đã báo."
		}
	}
	if len(fe) > 0 {
		return &Error{Code: EINVALID, Message: "Vui lòng sửa các trường được đánh dấu.", Fields: fe}
	}
	return nil
}

// VulnerableGroups are the groups of vulnerable consumers (Luật 19/2023,
// Điều 8 khoản 1).
var VulnerableGroups = CodeList{
	{"nguoi_cao_tuoi", "Người cao tuổi (từ đủ 60 tuổi)", "Older person (60 or over)"},
	{"nguoi_khuyet_tat", "Người khuyết tật", "Person with a disability"},
	{"tre_em", "Trẻ em (dưới 16 tuổi)", "Child (under 16)"},
	{"dan_toc_thieu_so_vung_kk", "Người dân tộc thiểu số; người sống ở vùng đồng bào dân tộc thiểu số và miền núi, hải đảo, vùng có điều kiện kinh tế - xã hội khó khăn", "Ethnic minority; resident of a mountainous, island or disadvantaged area"},
	{"phu_nu_mang_thai_nuoi_con_nho", "Phụ nữ mang thai hoặc nuôi con dưới 36 tháng tuổi", "Pregnant woman or mother of a child under 36 months"},
	{"benh_hiem_ngheo", "Người bị bệnh hiểm nghèo", "Person with a critical illness"},
	{"ho_ngheo", "Thành viên hộ nghèo", "Member of a poor household"},
}

// Outcomes are how a case ends (docs/domain.md §5.3).
var Outcomes = CodeList{
	{"thanh_cong_toan_bo", "Yêu cầu được đáp ứng toàn bộ", "Demand fully met"},
	{"thanh_cong_mot_phan", "Yêu cầu được đáp ứng một phần", "Demand partly met"},
	{"khong_thanh", "Không thành; đã hướng dẫn hòa giải, trọng tài hoặc tòa án", "Failed; advised mediation, arbitration or court"},
	{"doanh_nghiep_tu_choi", "Doanh nghiệp từ chối", "Business refused"},
	{"chuyen_co_quan_khac_xu_ly", "Chuyển cơ quan khác xử lý", "Handled by another agency"},
	{"tu_van_xong", "Đã tư vấn, hướng dẫn", "Advice given"},
	{"nguoi_tieu_dung_rut", "Người tiêu dùng rút yêu cầu", "Consumer withdrew"},
	{"khong_du_dieu_kien", "Từ chối: không đủ điều kiện giải quyết", "Refused: not admissible"},
	{"khong_lien_lac_duoc", "Không liên lạc được với người tiêu dùng", "Consumer unreachable"},
}
