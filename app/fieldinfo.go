package app

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// What people read of a field: its Vietnamese label and how its values are
// shown. The review screen ("Cần xem xét") and the server's refusals name
// fields with it; every field of every record the sync carries has one
// (TestFieldLabels_EveryFieldOfEveryRecord).

// refKind says which reference data a field's codes come from.
type refKind int

const (
	refNone      refKind = iota
	refUnit              // a commune code
	refSector            // a sector code
	refIssueType         // an issue type code
	refAgency            // an agency id
)

// fieldInfo describes one field for people.
type fieldInfo struct {
	label string
	codes CodeList // its values are codes of this list
	ref   refKind  // or of this reference data
	money bool     // an amount in đồng
	day   bool     // an instant the form takes as a day: shown as its date in ICT
	year  bool     // a year number: shown without a thousands dot
}

func label(l string) fieldInfo { return fieldInfo{label: l} }

// headFields are the fields of RecordHead, common to the records.
var headFields = map[string]fieldInfo{
	"id":         label("Mã bản ghi"),
	"unit_code":  {label: "Xã, phường", ref: refUnit},
	"voided":     label("Đã hủy (ghi nhầm)"),
	"created_at": label("Thời điểm tạo"),
	"created_by": label("Người tạo"),
	"updated_at": label("Thời điểm sửa"),
	"updated_by": label("Người sửa"),
}

// Conflict kinds, statuses and resolutions, for people.
var (
	conflictKinds = CodeList{
		{ConflictField, "Hai máy cùng sửa một mục", "Concurrent edits of a field"},
		{ConflictVoidEdit, "Sửa vụ việc đã bị hủy", "Edit of a voided case"},
	}
	conflictStatuses = CodeList{
		{ConflictOpen, "Chưa xem xét", "Open"},
		{ConflictResolved, "Đã xem xét", "Resolved"},
	}
	conflictResolutions = CodeList{
		{ResolutionKeep, "Giữ giá trị hiện tại", "Keep the current value"},
		{ResolutionOther, "Dùng giá trị kia", "Use the other value"},
	}
)

// EntityLabels names the kinds of records for people.
var EntityLabels = CodeList{
	{EntityCase, "Vụ việc", "Case"},
	{EntityCaseEvent, "Bước xử lý vụ việc", "Case step"},
	{EntityConflict, "Mục cần xem xét", "Item to review"},
	{EntityOfficer, "Cán bộ", "Officer"},
	{EntityOrganisation, "Tổ chức", "Organisation"},
	{EntityParticipant, "Người tham dự", "Participant"},
	{EntityTraining, "Lớp tập huấn, hội nghị", "Training session"},
	{EntityAttendance, "Điểm danh", "Attendance"},
	{EntityOutreach, "Sự kiện truyền thông", "Outreach event"},
	{EntityPublication, "Tài liệu, tin bài truyền thông", "Publication"},
	{EntityReportNarrative, "Nội dung báo cáo năm", "Annual report narrative"},
	{EntityOffPremisesNotice, "Thông báo bán hàng ngoài địa điểm giao dịch thường xuyên", "Off-premises sales notice"},
	{EntityAuditEntry, "Nhật ký truy xuất dữ liệu cá nhân", "Personal-data audit record"},
	{EntityAttachment, "Tệp chứng cứ đính kèm", "Evidence file"},
	{EntityDataRequest, "Yêu cầu về dữ liệu cá nhân", "Personal-data request"},
	{EntityHolidayYear, "Lịch nghỉ lễ, Tết", "Holiday calendar"},
}

// fieldInfos are the fields of each entity beyond headFields.
var fieldInfos = map[string]map[string]fieldInfo{
	EntityCase: {
		"number":                  label("Số vụ việc"),
		"received_at":             {label: "Ngày tiếp nhận", day: true},
		"channel":                 {label: "Kênh tiếp nhận", codes: Channels},
		"kind":                    {label: "Loại vụ việc", codes: CaseKinds},
		"consumer_name":           label("Họ và tên người tiêu dùng"),
		"consumer_phone":          label("Số điện thoại người tiêu dùng"),
		"consumer_address":        label("Địa chỉ người tiêu dùng"),
		"business_name":           label("Tên doanh nghiệp, cửa hàng"),
		"business_address":        label("Địa chỉ doanh nghiệp"),
		"sector":                  {label: "Lĩnh vực", ref: refSector},
		"summary":                 label("Nội dung vụ việc"),
		"status":                  {label: "Trạng thái", codes: CaseStatuses},
		"requester_role":          {label: "Người yêu cầu là", codes: RequesterRoles},
		"representative_name":     label("Người đại diện hợp pháp"),
		"representative_relation": label("Quan hệ với người tiêu dùng"),
		"referred_from":           label("Nơi chuyển đến"),
		"consumer_gender":         {label: "Giới tính", codes: Genders},
		"consumer_birth_date":     label("Ngày sinh"),
		"consumer_age_band":       {label: "Nhóm tuổi", codes: AgeBands},
		"consumer_unit_code":      {label: "Xã, phường nơi cư trú", ref: refUnit},
		"consumer_old_address":    label("Địa chỉ cũ (trước 1/7/2025)"),
		"vulnerable_groups":       {label: "Người tiêu dùng dễ bị tổn thương (Điều 8)", codes: VulnerableGroups},
		"vulnerable_evidence":     label("Chứng cứ thuộc nhóm dễ bị tổn thương"),
		"business_kind":           {label: "Loại hình kinh doanh", codes: BusinessKinds},
		"business_tax_code":       label("Mã số thuế"),
		"business_phone":          label("Số điện thoại doanh nghiệp"),
		"business_online_channel": label("Kênh bán trực tuyến"),
		"issue_types":             {label: "Hành vi vi phạm", ref: refIssueType},
		"transaction_type":        {label: "Hình thức giao dịch", codes: TransactionTypes},
		"product_or_service":      label("Hàng hóa, dịch vụ"),
		"transaction_date":        label("Ngày giao dịch"),
		"transaction_value":       {label: "Giá trị giao dịch", money: true},
		"damage_claimed":          {label: "Số tiền yêu cầu bồi thường", money: true},
		"specific_request":        label("Yêu cầu cụ thể của người tiêu dùng"),
		"prior_contact":           label("Đã liên hệ doanh nghiệp trước (Điều 56)"),
		"prior_contact_date":      label("Ngày liên hệ doanh nghiệp"),
		"evidence":                label("Tài liệu, chứng cứ kèm theo"),
		"assigned_to":             label("Cán bộ phụ trách"),
		"off_premises_notice_id":  label("Thông báo bán hàng ngoài địa điểm liên quan"),
		"resolution_method":       {label: "Phương thức giải quyết", codes: ResolutionMethods},
		"void_reason":             label("Lý do hủy"),
		"privacy_notice":          {label: "Thông báo về xử lý dữ liệu cá nhân", codes: PrivacyNoticeWays},
		"restricted":              label("Hạn chế xử lý dữ liệu cá nhân"),
		"anonymised_on":           label("Ngày ẩn danh hóa"),
		"intake_id":               label("Mã lần gửi trên cổng trực tuyến"),
		"tracking_code":           label("Mã tra cứu của người tiêu dùng"),
		"intake_opened_at":        label("Lần đầu cán bộ mở hồ sơ gửi trực tuyến"),
		"consumer_reply":          label("Trả lời gửi người tiêu dùng"),
		"consumer_reply_at":       label("Ngày gửi trả lời cho người tiêu dùng"),
		"forwarded_to":            label("Chuyển đến xã, phường"),
		"forwarded_from":          label("Chuyển từ hồ sơ"),
	},
	EntityCaseEvent: {
		"case_id":              label("Vụ việc"),
		"kind":                 {label: "Bước xử lý", codes: CaseEvents},
		"at":                   {label: "Ngày thực hiện", day: true},
		"officer":              label("Cán bộ thực hiện"),
		"from_status":          {label: "Trạng thái trước", codes: CaseStatuses},
		"to_status":            {label: "Trạng thái sau", codes: CaseStatuses},
		"note":                 label("Ghi chú"),
		"agency":               {label: "Cơ quan", ref: refAgency},
		"document_no":          label("Số văn bản"),
		"consumer_notified":    label("Đã báo người tiêu dùng về việc chuyển (Điều 11 khoản 3)"),
		"rejection_reason":     {label: "Lý do từ chối", codes: RejectionReasons},
		"outcome":              {label: "Kết quả", codes: Outcomes},
		"amount_recovered":     {label: "Số tiền người tiêu dùng được nhận lại", money: true},
		"agreed":               label("Thương lượng, hòa giải thành"),
		"parties":              label("Các bên"),
		"held_on":              label("Ngày tiến hành"),
		"place":                label("Địa điểm"),
		"content":              label("Nội dung"),
		"result":               label("Kết quả, phương án"),
		"other_terms":          label("Thỏa thuận khác"),
		"signed":               label("Các bên đã ký hoặc điểm chỉ"),
		"mediator_name":        label("Hòa giải viên"),
		"mediator_org":         label("Tổ chức hòa giải"),
		"parties_views":        label("Ý kiến các bên"),
		"performance_deadline": label("Thời hạn thực hiện"),
		"court_recognition":    label("Đã yêu cầu Tòa án công nhận (Điều 66)"),
	},
	EntityConflict: {
		"kind":          {label: "Loại", codes: conflictKinds},
		"entity":        {label: "Loại bản ghi", codes: EntityLabels},
		"record_id":     label("Mã bản ghi bị sửa"),
		"field":         label("Mục bị sửa đồng thời"),
		"kept_value":    label("Giá trị hiện tại"),
		"other_value":   label("Giá trị kia"),
		"kept_device":   label("Máy ghi giá trị hiện tại"),
		"other_device":  label("Máy ghi giá trị kia"),
		"kept_officer":  label("Người ghi giá trị hiện tại"),
		"other_officer": label("Người ghi giá trị kia"),
		"kept_at":       label("Thời điểm ghi giá trị hiện tại"),
		"other_at":      label("Thời điểm ghi giá trị kia"),
		"detected_at":   label("Thời điểm phát hiện"),
		"status":        {label: "Tình trạng xem xét", codes: conflictStatuses},
		"resolution":    {label: "Cách xử lý", codes: conflictResolutions},
		"resolved_by":   label("Người xem xét"),
		"resolved_at":   label("Thời điểm xem xét"),
	},
	EntityOfficer: {
		"full_name":      label("Họ và tên"),
		"position":       label("Chức vụ"),
		"role":           {label: "Vai trò", codes: OfficerRoles},
		"phone":          label("Số điện thoại"),
		"counts_for_t5":  label("Tính cho chỉ tiêu T5 (cán bộ thực thi được tập huấn)"),
		"active":         label("Đang công tác"),
		"participant_id": label("Người tham dự liên kết"),
	},
	EntityOrganisation: {
		"name":     label("Tên tổ chức"),
		"kind":     {label: "Loại tổ chức", codes: OrganisationKinds},
		"relevant": label("Liên quan đến bảo vệ quyền lợi người tiêu dùng (chỉ tiêu T4)"),
		"note":     label("Ghi chú"),
	},
	EntityParticipant: {
		"full_name":        label("Họ và tên"),
		"participant_type": {label: "Đối tượng", codes: ParticipantTypes},
		"organisation_id":  label("Tổ chức"),
		"workplace":        label("Nơi công tác"),
		"gender":           {label: "Giới tính", codes: Genders},
		"age_band":         {label: "Nhóm tuổi", codes: AgeBands},
		"phone":            label("Số điện thoại"),
		"note":             label("Ghi chú"),
		"distinct_from":    label("Đã kiểm tra: khác người với"),
		"restricted":       label("Hạn chế xử lý dữ liệu cá nhân"),
		"anonymised_on":    label("Ngày ẩn danh hóa"),
	},
	EntityTraining: {
		"title":                label("Tên lớp tập huấn, hội nghị"),
		"topics":               label("Nội dung"),
		"organiser":            {label: "Cơ quan chủ trì", ref: refAgency},
		"co_organisers":        {label: "Cơ quan phối hợp", ref: refAgency},
		"plan_tasks":           label("Nhiệm vụ Kế hoạch 395"),
		"venue":                label("Địa điểm"),
		"start_date":           label("Ngày bắt đầu"),
		"end_date":             label("Ngày kết thúc"),
		"format":               {label: "Hình thức", codes: TrainingFormats},
		"audiences":            {label: "Đối tượng", codes: ParticipantTypes},
		"trainers":             label("Báo cáo viên"),
		"planned_participants": label("Số người dự kiến"),
		"status":               {label: "Tình trạng", codes: ActivityStatuses},
	},
	EntityAttendance: {
		"session_id":     label("Lớp tập huấn, hội nghị"),
		"participant_id": label("Người tham dự"),
		"status":         {label: "Tình trạng tham dự", codes: AttendanceStatuses},
		"signed":         label("Đã ký"),
		"checked_in_at":  label("Thời điểm ghi có mặt"),
	},
	EntityOutreach: {
		"event_type":            {label: "Loại sự kiện", codes: OutreachTypes},
		"title":                 label("Tên sự kiện"),
		"linked_to_15_3":        label("Hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam (15/3)"),
		"theme":                 label("Chủ đề của năm"),
		"topic":                 {label: "Nội dung chính", codes: OutreachTopics},
		"organiser":             {label: "Cơ quan chủ trì", ref: refAgency},
		"partners":              {label: "Cơ quan phối hợp", ref: refAgency},
		"plan_tasks":            label("Nhiệm vụ Kế hoạch 395"),
		"venue":                 label("Địa điểm"),
		"start_date":            label("Ngày bắt đầu"),
		"end_date":              label("Ngày kết thúc"),
		"estimated_attendance":  label("Số người tham dự (ước tính)"),
		"business_participants": label("Số doanh nghiệp, cơ sở kinh doanh tham gia"),
		"leaflets":              label("Số tờ rơi, tài liệu phát ra"),
		"media_coverage":        label("Báo chí, truyền thông đưa tin"),
		"status":                {label: "Tình trạng", codes: ActivityStatuses},
		"note":                  label("Ghi chú"),
	},
	EntityPublication: {
		"publication_type": {label: "Loại tài liệu, tin bài", codes: PublicationTypes},
		"origin":           {label: "Nguồn", codes: PublicationOrigins},
		"format":           {label: "Hình thức", codes: PublicationFormats},
		"title":            label("Tên tài liệu, tin bài"),
		"date":             label("Ngày phát hành, đăng tải"),
		"quantity":         label("Số lượng"),
		"channel":          {label: "Kênh phát hành, đăng tải", codes: PublicationChannels},
		"url":              label("Đường dẫn"),
		"note":             label("Ghi chú"),
	},
	EntityReportNarrative: {
		"year":          {label: "Năm báo cáo", year: true},
		"difficulties":  label("Khó khăn, vướng mắc"),
		"proposals":     label("Kiến nghị, đề xuất"),
		"next_year":     label("Phương hướng, nhiệm vụ năm sau"),
		"typical_cases": label("Vụ việc điển hình"),
		"tasks":         label("Kết quả thực hiện nhiệm vụ (Biểu 5)"),
		"note":          label("Ghi chú"),
	},
	EntityOffPremisesNotice: {
		"business_name":     label("Tên tổ chức, cá nhân kinh doanh"),
		"business_tax_code": label("Mã số thuế, số đăng ký kinh doanh"),
		"business_address":  label("Địa chỉ tổ chức, cá nhân kinh doanh"),
		"business_phone":    label("Số điện thoại liên hệ"),
		"title":             label("Nội dung chương trình bán hàng"),
		"sales_method":      label("Phương thức bán hàng"),
		"place":             label("Địa điểm bán hàng"),
		"start_date":        label("Ngày bắt đầu"),
		"end_date":          label("Ngày kết thúc"),
		"hours":             label("Thời gian trong ngày"),
		"goods":             label("Sản phẩm, hàng hóa, dịch vụ"),
		"prices":            label("Giá"),
		"audience":          label("Đối tượng khách hàng"),
		"for_elderly":       label("Nhắm vào người cao tuổi"),
		"consumer_contact":  label("Cách người tiêu dùng liên hệ, phản ánh"),
		"received_date":     label("Ngày UBND nhận thông báo"),
		"received_via":      {label: "Cách nhận thông báo", codes: NoticeChannels},
		"form":              {label: "Mẫu thông báo", codes: NoticeForms},
		"published_date":    label("Ngày công khai"),
		"published_via":     {label: "Hình thức công khai", codes: NoticePublications},
		"officer":           label("Cán bộ tiếp nhận"),
		"note":              label("Ghi chú"),
	},
	EntityAttachment: {
		"case_id":      label("Vụ việc"),
		"name":         label("Tên tệp"),
		"content_type": {label: "Loại tệp", codes: AttachmentTypes},
		"size":         label("Dung lượng (byte)"),
		"sha256":       label("Mã băm SHA-256"),
		"width":        label("Chiều rộng ảnh (điểm ảnh)"),
		"height":       label("Chiều cao ảnh (điểm ảnh)"),
		"original":     label("Giữ nguyên tệp gốc"),
		"note":         label("Ghi chú"),
		"void_reason":  label("Lý do gỡ tệp"),
	},
	EntityAuditEntry: {
		"at":      label("Thời điểm"),
		"officer": label("Cán bộ thực hiện"),
		"action":  {label: "Việc đã làm", codes: AuditActions},
		"what":    label("Nội dung"),
		"people":  label("Số người"),
		"records": label("Số bản ghi"),
		"reason":  label("Lý do"),
	},
	EntityDataRequest: {
		"received_date":  label("Ngày nhận yêu cầu"),
		"person_name":    label("Họ tên người yêu cầu"),
		"person_phone":   label("Số điện thoại người yêu cầu"),
		"person_address": label("Địa chỉ người yêu cầu"),
		"request_kind":   {label: "Loại yêu cầu", codes: DataRequestKinds},
		"received_via":   {label: "Cách nhận yêu cầu", codes: DataRequestChannels},
		"third_party":    label("Có bên xử lý, bên thứ ba phải dừng xử lý"),
		"extension_days": label("Số ngày gia hạn"),
		"action":         label("Việc đã làm"),
		"done_date":      label("Ngày hoàn thành"),
		"officer":        label("Cán bộ tiếp nhận"),
		"note":           label("Ghi chú"),
	},
}

// infoOf returns what is known of field of entity.
func infoOf(entity, field string) (fieldInfo, bool) {
	if f, ok := fieldInfos[entity][field]; ok {
		return f, true
	}
	f, ok := headFields[field]
	return f, ok
}

// FieldLabel names field of a record of entity for people, in Vietnamese:
// "Giá trị giao dịch" for a case's transaction_value. A name it does not
// know (a field of a newer version) is returned as it is when it is a
// plain name, or as "(tên trường không hợp lệ)".
func FieldLabel(entity, field string) string {
	if f, ok := infoOf(entity, field); ok {
		return f.label
	}
	if field == "" || len(field) > MaxFieldName {
		return "(tên trường không hợp lệ)"
	}
	for i := 0; i < len(field); i++ {
		if c := field[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return "(tên trường không hợp lệ)"
		}
	}
	return field
}

// DisplayValue shows the JSON value raw of field of a record of entity as
// the officer sees it in the form: a code as its label, a commune, sector,
// issue type or agency by its name (with refs; nil shows the code), a
// date as 02/01/2006, an instant in ICT, an amount as "1.500.000 đồng",
// a count with its thousands, a yes/no as "Có"/"Không", a list as its
// items. An empty value is "" (the caller says "để trống"); a value the
// field's type cannot hold is "(giá trị không đọc được)".
func DisplayValue(entity, field string, raw json.RawMessage, refs *RefData) string {
	if isZeroJSON(raw) {
		return ""
	}
	info, _ := infoOf(entity, field)
	d := newSyncDoc(entity)
	var v reflect.Value
	if d != nil {
		if setRaw(d, map[string]json.RawMessage{field: raw}) != nil {
			return "(giá trị không đọc được)"
		}
		v = fieldValue(d, field)
	}
	if !v.IsValid() { // an entity or field this version does not know
		var x any
		if json.Unmarshal(raw, &x) != nil {
			return "(giá trị không đọc được)"
		}
		v = reflect.ValueOf(x)
		if !v.IsValid() {
			return ""
		}
	}
	return showValue(info, v, refs)
}

// fieldValue returns the field of the struct d points to whose JSON name
// is name (embedded structs included), or the zero Value.
func fieldValue(d any, name string) reflect.Value {
	var find func(v reflect.Value) reflect.Value
	find = func(v reflect.Value) reflect.Value {
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				if got := find(v.Field(i)); got.IsValid() {
					return got
				}
				continue
			}
			if tag, _, _ := strings.Cut(f.Tag.Get("json"), ","); tag == name {
				return v.Field(i)
			}
		}
		return reflect.Value{}
	}
	return find(reflect.ValueOf(d).Elem())
}

func showValue(info fieldInfo, v reflect.Value, refs *RefData) string {
	if v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	switch x := v.Interface().(type) {
	case time.Time:
		switch {
		case x.IsZero():
			return ""
		case info.day:
			return x.In(ICT).Format("02/01/2006")
		}
		return x.In(ICT).Format("15:04 02/01/2006")
	case json.RawMessage:
		return string(x)
	case TaskReport:
		s := x.Task + ": " + TaskStatuses.Label(x.Status)
		if x.Status == "" {
			s = x.Task
		}
		if x.Result != "" {
			s += " – " + x.Result
		}
		return s
	case bool:
		if x {
			return "Có"
		}
		return "Không"
	case string:
		return showString(info, x, refs)
	case float64: // a field this version does not know
		if x == float64(int64(x)) {
			return formatCount64(int64(x))
		}
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int64:
		if info.year {
			return strconv.FormatInt(v.Int(), 10)
		}
		if info.money {
			return formatCount64(v.Int()) + " đồng"
		}
		return formatCount64(v.Int())
	case reflect.Slice:
		items := make([]string, 0, v.Len())
		for i := range v.Len() {
			if s := showValue(info, v.Index(i), refs); s != "" {
				items = append(items, s)
			}
		}
		sep := ", "
		if info.codes == nil && info.ref == refNone {
			sep = "; " // free-text items (evidence)
		}
		return strings.Join(items, sep)
	}
	b, _ := json.Marshal(v.Interface())
	return string(b)
}

func showString(info fieldInfo, s string, refs *RefData) string {
	if s == "" {
		return ""
	}
	if info.codes != nil {
		return info.codes.Label(s)
	}
	if refs != nil {
		switch info.ref {
		case refUnit:
			if u, ok := refs.Unit(s); ok {
				return u.Name
			}
		case refSector:
			return refs.SectorLabel(s)
		case refIssueType:
			return refs.IssueTypeLabel(s)
		case refAgency:
			if a, ok := refs.Agency(s); ok {
				return a.NameVI
			}
		}
	}
	if len(s) == len("2006-01-02") {
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t.Format("02/01/2006")
		}
	}
	return s
}

// formatCount64 writes n with dots between thousands: 1.500.000.
func formatCount64(n int64) string {
	if n < 0 {
		return "-" + formatCount64(-n)
	}
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}
