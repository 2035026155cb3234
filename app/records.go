package app

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// The records of the registries, training and outreach work (docs/domain.md
// §5.2, §5.5). Each is a flat set of fields that syncs and merges per field
// like a case; Attendance has an id derived from its session and person,
// so that two laptops taking the same register merge instead of
// duplicating.
const (
	EntityOfficer      = "officer"
	EntityOrganisation = "organisation"
	EntityParticipant  = "participant"
	EntityTraining     = "training_session"
	EntityAttendance   = "attendance"
	EntityOutreach     = "outreach_event"
	EntityPublication  = "publication"
)

// RecordEntities are the declared Kinds (RegisterKind), in the order they
// were declared: the order dumps and exports list them.
var RecordEntities []string

// RecordQuery selects records of one entity.
type RecordQuery struct {
	Unit          string // "" for every commune the store holds
	Text          string // every word, folded, must start a word of the record's search text
	IncludeVoided bool
	// SessionID, with attendance, selects the rows of one session.
	SessionID string
	// HideRestricted leaves out the participants whose processing the
	// person asked to restrict (Participant.Restricted), and their
	// attendance rows: what the lists of an officer who does not see them
	// set (app.SeesRestricted). Counts leave it false.
	HideRestricted bool
}

// Record is a synced record of the registries, training and outreach.
type Record interface {
	Entity() string
	Head() *RecordHead
	Fields() map[string]json.RawMessage
	SetFields(map[string]json.RawMessage) error
	Normalize()
	// Validate checks the record and returns an *Error (EINVALID) with a
	// Vietnamese message per field, or nil.
	Validate(refs Refs, now time.Time) error
}

// RecordHead holds what every record has: its identity, commune and
// provenance.
type RecordHead struct {
	ID        string    `json:"id"`
	UnitCode  string    `json:"unit_code"`
	Voided    bool      `json:"voided"` // recorded by mistake: kept, left out of lists and counts
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
	// Version is the server version of the copy read from the local store
	// (0: never synced): the base of an edit made on it (storage's Edit).
	// Local only; not a field of the record.
	Version int64 `json:"-"`
	// Limited: the local store holds the record without its personal
	// fields (PersonalFieldsOf), as a provincial laptop with the limited
	// copy does for a commune's case not referred to the province and its
	// participants; the commune keeps them (storage/limited.go). Local
	// only; not a field of the record.
	Limited bool `json:"-"`
}

// Head returns h itself.
func (h *RecordHead) Head() *RecordHead { return h }

func (h *RecordHead) normalize() {
	h.UnitCode, h.CreatedBy, h.UpdatedBy = NFC(h.UnitCode), NFC(h.CreatedBy), NFC(h.UpdatedBy)
	for _, t := range []*time.Time{&h.CreatedAt, &h.UpdatedAt} {
		if !t.IsZero() {
			*t = t.UTC().Truncate(time.Second)
		}
	}
}

// attendanceSpace names the ids of attendance rows (UUIDv5).
var attendanceSpace = uuid.MustParse("6f1c2a8e-4b7d-5e3f-9a10-2c4d6e8f0a1b")

// AttendanceID is the id of the attendance of participant at session: the
// same on every laptop, so that the register merges.
func AttendanceID(session, participant string) string {
	return uuid.NewSHA1(attendanceSpace, []byte(session+"/"+participant)).String()
}

// Code lists of the training and outreach work (docs/domain.md §5.3).
var (
	// ParticipantTypes drive the plan's IV.1 output "cán bộ, người dân,
	// doanh nghiệp".
	ParticipantTypes = CodeList{
		{"can_bo_cong_chuc_xa", "Cán bộ, công chức xã, phường", "Commune official"},
		{"can_bo_so_nganh", "Cán bộ sở, ngành", "Provincial official"},
		{"hoi_vien_doan_the", "Hội viên đoàn thể (Mặt trận, Phụ nữ, Nông dân, Thanh niên, Cựu chiến binh…)", "Member of a mass organisation"},
		{"to_chuc_xa_hoi", "Tổ chức xã hội", "Social organisation"},
		{"doanh_nghiep", "Doanh nghiệp", "Business"},
		{"ho_kinh_doanh_tieu_thuong", "Hộ kinh doanh, tiểu thương", "Household business, trader"},
		{"htx", "Hợp tác xã", "Cooperative"},
		{"nguoi_dan", "Người dân", "Resident"},
		{"hoc_sinh_sinh_vien", "Học sinh, sinh viên", "Student"},
		{"khac", "Khác", "Other"},
	}
	// ParticipantGroups fold the types into the plan's three groups.
	ParticipantGroups = CodeList{
		{"can_bo", "Cán bộ", "Officials"},
		{"nguoi_dan", "Người dân", "Residents"},
		{"doanh_nghiep", "Doanh nghiệp", "Businesses"},
	}
	OrganisationKinds = CodeList{
		{"to_chuc_ct_xh", "Tổ chức chính trị - xã hội, đoàn thể (Mặt trận, Phụ nữ, Nông dân…)", "Mass organisation"},
		{"to_chuc_xa_hoi", "Tổ chức xã hội", "Social organisation"},
		{"hiep_hoi", "Hiệp hội", "Association"},
		{"hoi_nganh_hang", "Hội ngành hàng", "Trade association"},
		{"doanh_nghiep", "Doanh nghiệp", "Business"},
		{"htx", "Hợp tác xã", "Cooperative"},
		{"co_quan_nha_nuoc", "Cơ quan nhà nước", "State agency"},
		{"truong_hoc", "Trường học", "School"},
		{"khac", "Khác", "Other"},
	}
	OfficerRoles = CodeList{
		{"can_bo_cong_thuong_xa", "Công chức phụ trách công thương, kinh tế", "Officer for trade and economy"},
		{"lanh_dao_ubnd", "Lãnh đạo UBND xã, phường", "Commune leader"},
		{"hoi_bvntd", "Hội Bảo vệ người tiêu dùng", "Consumer association"},
		{"doan_the", "Cán bộ đoàn thể", "Mass organisation officer"},
		{"khac", "Khác", "Other"},
	}
	TrainingFormats = CodeList{
		{"truc_tiep", "Trực tiếp", "In person"},
		{"truc_tuyen", "Trực tuyến", "Online"},
		{"ket_hop", "Kết hợp", "Mixed"},
	}
	// ActivityStatuses are the states of a session or an event (§5.5).
	ActivityStatuses = CodeList{
		{"ke_hoach", "Kế hoạch", "Planned"},
		{"da_to_chuc", "Đã tổ chức", "Held"},
		{"da_bao_cao", "Đã báo cáo", "Reported"},
	}
	AttendanceStatuses = CodeList{
		{"dang_ky", "Đăng ký", "Registered"},
		{"co_mat", "Có mặt", "Present"},
		{"vang", "Vắng", "Absent"},
		{"vang_co_phep", "Vắng có phép", "Excused"},
	}
	OutreachTypes = CodeList{
		{"mit_tinh_15_3", "Mít tinh hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam 15/3", "Rally for Consumer Rights Day 15/3"},
		{"su_kien_chuong_trinh", "Sự kiện, chương trình", "Event, programme"},
		{"hoi_nghi", "Hội nghị", "Conference"},
		{"hoi_thao", "Hội thảo", "Workshop"},
		{"toa_dam", "Tọa đàm", "Roundtable"},
		{"dieu_hanh_co_dong", "Diễu hành, cổ động", "Parade, campaign"},
		{"ngay_hoi_tu_van", "Ngày hội tư vấn", "Advice fair"},
		{"truyen_thong_loa_xa", "Truyền thông trên loa truyền thanh xã", "Commune loudspeaker broadcast"},
		{"khac", "Khác", "Other"},
	}
	OutreachTopics = CodeList{
		{"tuan_thu_phap_luat", "Tuân thủ pháp luật về bảo vệ quyền lợi người tiêu dùng", "Compliance with consumer law"},
		{"tieu_dung_an_toan", "Tiêu dùng an toàn, bền vững", "Safe, sustainable consumption"},
		{"tmdt", "Mua sắm trực tuyến, thương mại điện tử", "Online shopping, e-commerce"},
		{"quyen_nghia_vu_ntd", "Quyền và nghĩa vụ của người tiêu dùng", "Consumer rights and duties"},
		{"khac", "Khác", "Other"},
	}
	PublicationTypes = CodeList{
		{"to_roi", "Tờ rơi", "Leaflet"},
		{"so_tay", "Sổ tay", "Handbook"},
		{"poster", "Áp phích, pa-nô", "Poster"},
		{"video", "Video, phóng sự truyền hình", "Video"},
		{"tin_bai", "Tin, bài", "News item"},
		{"phong_su", "Phóng sự", "Feature"},
		{"bai_mxh", "Bài đăng mạng xã hội", "Social-media post"},
	}
	PublicationOrigins = CodeList{
		{"tu_phat_hanh", "Tự phát hành", "Own"},
		{"tiep_nhan_trung_uong", "Tiếp nhận từ trung ương", "Received from central level"},
	}
	PublicationFormats = CodeList{
		{"giay", "Bản giấy", "Paper"},
		{"dien_tu", "Bản điện tử", "Electronic"},
	}
	PublicationChannels = CodeList{
		{"chuyen_muc_website", "Chuyên mục bảo vệ người tiêu dùng trên trang thông tin điện tử", "Consumer-protection section of the website"},
		{"zalo", "Zalo", "Zalo"},
		{"facebook", "Facebook", "Facebook"},
		{"loa_truyen_thanh", "Loa truyền thanh xã", "Commune loudspeakers"},
		{"phat_truc_tiep", "Phát trực tiếp cho người dân", "Handed out"},
		{"khac", "Khác", "Other"},
	}
)

// GroupOf returns the plan group (ParticipantGroups) of a participant type.
func GroupOf(participantType string) string {
	switch participantType {
	case "can_bo_cong_chuc_xa", "can_bo_so_nganh":
		return "can_bo"
	case "doanh_nghiep", "ho_kinh_doanh_tieu_thuong", "htx":
		return "doanh_nghiep"
	}
	return "nguoi_dan"
}

// Officer is an official who enforces consumer protection in the commune:
// the denominator of target T5 when CountsForT5.
type Officer struct {
	RecordHead
	FullName    string `json:"full_name"`
	Position    string `json:"position"`
	Role        string `json:"role"` // OfficerRoles
	Phone       string `json:"phone"`
	CountsForT5 bool   `json:"counts_for_t5"`
	Active      bool   `json:"active"`
	// ParticipantID links the officer to the participant register, where
	// their attendance is recorded.
	ParticipantID string `json:"participant_id"`
}

// Organisation is a body relevant to consumer protection in the commune:
// the denominator of target T4 when Relevant.
type Organisation struct {
	RecordHead
	Name     string `json:"name"`
	Kind     string `json:"kind"` // OrganisationKinds
	Relevant bool   `json:"relevant"`
	Note     string `json:"note" text:"long"`
}

// Participant is a person who attends a session or an event.
type Participant struct {
	RecordHead
	FullName       string `json:"full_name"`
	Type           string `json:"participant_type"` // ParticipantTypes
	OrganisationID string `json:"organisation_id"`  // an Organisation, if any
	Workplace      string `json:"workplace"`        // organisation or business as written
	Gender         string `json:"gender"`           // Genders
	AgeBand        string `json:"age_band"`         // AgeBands
	Phone          string `json:"phone"`
	// Note holds remarks, and the reason the record was voided (a merge
	// into another record names it).
	Note string `json:"note" text:"long"`
	// DistinctFrom lists the participants an officer checked to be other
	// people although PossibleDuplicatePeople pairs them with this one:
	// the pair is no longer shown as a possible duplicate.
	DistinctFrom []string `json:"distinct_from"`
	// Restricted and AnonymisedOn as for a case (app.Case): the person
	// asked to restrict the processing of their data; the day the
	// retention period ended and the personal fields were anonymised.
	Restricted   bool   `json:"restricted"`
	AnonymisedOn string `json:"anonymised_on"`
}

// TrainingSession is a training or a law-dissemination conference (tập
// huấn, hội nghị phổ biến pháp luật; plan task IV.1).
type TrainingSession struct {
	RecordHead
	Title        string   `json:"title"`
	Topics       string   `json:"topics" text:"long"`
	Organiser    string   `json:"organiser"` // an Agency id
	CoOrganisers []string `json:"co_organisers"`
	PlanTasks    []string `json:"plan_tasks"` // PlanTask ids, default IV.1
	Venue        string   `json:"venue"`
	StartDate    string   `json:"start_date"` // YYYY-MM-DD
	EndDate      string   `json:"end_date"`
	Format       string   `json:"format"`    // TrainingFormats
	Audiences    []string `json:"audiences"` // ParticipantTypes
	Trainers     string   `json:"trainers"`
	Planned      int      `json:"planned_participants"`
	Status       string   `json:"status"` // ActivityStatuses
}

// Attendance is one person at one session.
type Attendance struct {
	RecordHead
	SessionID     string    `json:"session_id"`
	ParticipantID string    `json:"participant_id"`
	Status        string    `json:"status"` // AttendanceStatuses
	Signed        bool      `json:"signed"`
	CheckedInAt   time.Time `json:"checked_in_at"`
}

// OutreachEvent is a communication event (mít tinh 15/3, hội nghị, hội
// thảo, tọa đàm, loa xã…; plan tasks III.3, III.4).
type OutreachEvent struct {
	RecordHead
	Type          string   `json:"event_type"` // OutreachTypes
	Title         string   `json:"title"`
	Linked153     bool     `json:"linked_to_15_3"`
	Theme         string   `json:"theme"`
	Topic         string   `json:"topic"` // OutreachTopics
	Organiser     string   `json:"organiser"`
	Partners      []string `json:"partners"`
	PlanTasks     []string `json:"plan_tasks"`
	Venue         string   `json:"venue"`
	StartDate     string   `json:"start_date"`
	EndDate       string   `json:"end_date"`
	Attendance    int      `json:"estimated_attendance"`
	Businesses    int      `json:"business_participants"`
	Leaflets      int      `json:"leaflets"`
	MediaCoverage string   `json:"media_coverage" text:"long"`
	Status        string   `json:"status"` // ActivityStatuses
	// Note holds remarks, and the reason the event was voided.
	Note string `json:"note" text:"long"`
}

// Publication is a communication material or a news item (targets T3, T7).
type Publication struct {
	RecordHead
	Type     string `json:"publication_type"` // PublicationTypes
	Origin   string `json:"origin"`           // PublicationOrigins
	Format   string `json:"format"`           // PublicationFormats
	Title    string `json:"title"`
	Date     string `json:"date"` // YYYY-MM-DD
	Quantity int    `json:"quantity"`
	Channel  string `json:"channel"` // PublicationChannels
	URL      string `json:"url"`
	// Note holds remarks, and the reason the item was voided.
	Note string `json:"note" text:"long"`
}

func (*Officer) Entity() string         { return EntityOfficer }
func (*Organisation) Entity() string    { return EntityOrganisation }
func (*Participant) Entity() string     { return EntityParticipant }
func (*TrainingSession) Entity() string { return EntityTraining }
func (*Attendance) Entity() string      { return EntityAttendance }
func (*OutreachEvent) Entity() string   { return EntityOutreach }
func (*Publication) Entity() string     { return EntityPublication }

func (r *Officer) Fields() map[string]json.RawMessage         { return toFields(r) }
func (r *Organisation) Fields() map[string]json.RawMessage    { return toFields(r) }
func (r *Participant) Fields() map[string]json.RawMessage     { return toFields(r) }
func (r *TrainingSession) Fields() map[string]json.RawMessage { return toFields(r) }
func (r *Attendance) Fields() map[string]json.RawMessage      { return toFields(r) }
func (r *OutreachEvent) Fields() map[string]json.RawMessage   { return toFields(r) }
func (r *Publication) Fields() map[string]json.RawMessage     { return toFields(r) }

// PlainDocument is a record whose SetFields is setFields, nothing more:
// its stored document (its fields by name, as Fields gives them) decodes
// straight into it with json.Unmarshal, in one pass instead of the three
// of SetFields (a store reading a province's attendance rows does so). A
// record that does more in SetFields must not have this method.
type PlainDocument interface{ plainDocument() }

func (*Officer) plainDocument()         {}
func (*Organisation) plainDocument()    {}
func (*Participant) plainDocument()     {}
func (*TrainingSession) plainDocument() {}
func (*Attendance) plainDocument()      {}
func (*OutreachEvent) plainDocument()   {}
func (*Publication) plainDocument()     {}

func (r *Officer) SetFields(f map[string]json.RawMessage) error         { return setFields(r, f) }
func (r *Organisation) SetFields(f map[string]json.RawMessage) error    { return setFields(r, f) }
func (r *Participant) SetFields(f map[string]json.RawMessage) error     { return setFields(r, f) }
func (r *TrainingSession) SetFields(f map[string]json.RawMessage) error { return setFields(r, f) }
func (r *Attendance) SetFields(f map[string]json.RawMessage) error      { return setFields(r, f) }
func (r *OutreachEvent) SetFields(f map[string]json.RawMessage) error   { return setFields(r, f) }
func (r *Publication) SetFields(f map[string]json.RawMessage) error     { return setFields(r, f) }

// checker collects Vietnamese messages by field.
type checker map[string]string

func (c checker) required(field, value, msg string) {
	if value == "" {
		c[field] = msg
	}
}

func (c checker) code(field, value string, list CodeList, what string) {
	if value != "" && !list.Has(value) {
		c[field] = what + " không hợp lệ."
	}
}

func (c checker) codes(field string, values []string, list CodeList, what string) {
	for _, v := range values {
		c.code(field, v, list, what)
	}
}

func (c checker) short(field, value, what string) {
	if len([]rune(value)) > maxShortText {
		c[field] = fmt.Sprintf("%s quá dài (tối đa 200 ký tự).", what)
	}
}

func (c checker) long(field, value, what string) {
	if len([]rune(value)) > maxSummary {
		c[field] = fmt.Sprintf("%s quá dài (tối đa 10.000 ký tự).", what)
	}
}

func (c checker) count(field string, n int, what string) {
	if n < 0 || n > 1_000_000 {
		c[field] = fmt.Sprintf("%s phải từ 0 đến 1.000.000.", what)
	}
}

func (c checker) phone(field, value string) {
	if value != "" && !phoneRE.MatchString(value) {
		c[field] = "Số điện thoại không hợp lệ (ví dụ: 0912 345 678)."
	}
}

// dates checks a start and an end day (YYYY-MM-DD); start is required.
func (c checker) dates(start, end string) {
	s, ok := parseDay(start)
	switch {
	case start == "":
		c["start_date"] = "Chưa nhập ngày."
		return
	case !ok || s.Year() < 2000 || s.Year() > 2100:
		c["start_date"] = "Ngày không hợp lệ."
		return
	}
	if end == "" {
		return
	}
	if e, ok := parseDay(end); !ok {
		c["end_date"] = "Ngày kết thúc không hợp lệ."
	} else if e.Before(s) {
		c["end_date"] = "Ngày kết thúc không được trước ngày bắt đầu."
	}
}

func (c checker) head(h *RecordHead, refs Refs) {
	if !unitCodeRE.MatchString(h.UnitCode) {
		c["unit_code"] = "Mã xã, phường phải gồm 5 chữ số."
	} else if refs != nil && !refs.HasUnit(h.UnitCode) {
		c["unit_code"] = fmt.Sprintf("Không có xã, phường mã %s trong danh mục.", h.UnitCode)
	}
}

func (c checker) err() error {
	if len(c) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "Vui lòng sửa các trường được đánh dấu.", Fields: c}
}

func (r *Officer) Normalize() {
	r.normalize()
	r.FullName, r.Position, r.Role = NFC(r.FullName), NFC(r.Position), NFC(r.Role)
	r.Phone = NormalizePhone(r.Phone)
}

func (r *Officer) Validate(refs Refs, _ time.Time) error {
	c := checker{}
	c.head(&r.RecordHead, refs)
	c.required("full_name", r.FullName, "Chưa nhập họ và tên.")
	c.short("full_name", r.FullName, "Họ và tên")
	c.short("position", r.Position, "Chức vụ")
	c.code("role", r.Role, OfficerRoles, "Vai trò")
	c.phone("phone", r.Phone)
	checkShape(c, r)
	return c.err()
}

func (r *Organisation) Normalize() {
	r.normalize()
	r.Name, r.Kind, r.Note = NFC(r.Name), NFC(r.Kind), NFCText(r.Note)
}

func (r *Organisation) Validate(refs Refs, _ time.Time) error {
	c := checker{}
	c.head(&r.RecordHead, refs)
	c.required("name", r.Name, "Chưa nhập tên tổ chức.")
	c.short("name", r.Name, "Tên tổ chức")
	c.required("kind", r.Kind, "Chưa chọn loại tổ chức.")
	c.code("kind", r.Kind, OrganisationKinds, "Loại tổ chức")
	c.long("note", r.Note, "Ghi chú")
	checkShape(c, r)
	return c.err()
}

func (r *Participant) Normalize() {
	r.normalize()
	r.FullName, r.Type, r.Workplace = NFC(r.FullName), NFC(r.Type), NFC(r.Workplace)
	r.Gender, r.AgeBand, r.OrganisationID = NFC(r.Gender), NFC(r.AgeBand), NFC(r.OrganisationID)
	r.Phone = NormalizePhone(r.Phone)
	r.Note = NFCText(r.Note)
	r.DistinctFrom = normalizeCodes(r.DistinctFrom, nil)
	r.AnonymisedOn = NFC(r.AnonymisedOn)
}

func (r *Participant) Validate(refs Refs, _ time.Time) error {
	c := checker{}
	c.head(&r.RecordHead, refs)
	c.required("full_name", r.FullName, "Chưa nhập họ và tên.")
	c.short("full_name", r.FullName, "Họ và tên")
	c.required("participant_type", r.Type, "Chưa chọn đối tượng.")
	c.code("participant_type", r.Type, ParticipantTypes, "Đối tượng")
	c.short("workplace", r.Workplace, "Nơi công tác")
	c.code("gender", r.Gender, Genders, "Giới tính")
	c.code("age_band", r.AgeBand, AgeBands, "Nhóm tuổi")
	c.phone("phone", r.Phone)
	c.long("note", r.Note, "Ghi chú")
	for _, id := range r.DistinctFrom {
		if id == "" || id == r.ID || len(id) > maxRecordID {
			c["distinct_from"] = "Danh sách người đã kiểm tra là khác người không hợp lệ."
		}
	}
	checkShape(c, r)
	return c.err()
}

// maxRecordID is the longest id a record may name (ids are UUIDs, 36
// characters).
const maxRecordID = 64

func (r *TrainingSession) Normalize() {
	r.normalize()
	for _, p := range []*string{&r.Title, &r.Organiser, &r.Venue, &r.StartDate, &r.EndDate, &r.Format, &r.Trainers, &r.Status} {
		*p = NFC(*p)
	}
	r.Topics = NFCText(r.Topics)
	r.CoOrganisers = normalizeCodes(r.CoOrganisers, nil)
	r.PlanTasks = normalizeCodes(r.PlanTasks, nil)
	r.Audiences = normalizeCodes(r.Audiences, ParticipantTypes)
}

func (r *TrainingSession) Validate(refs Refs, _ time.Time) error {
	c := checker{}
	c.head(&r.RecordHead, refs)
	c.required("title", r.Title, "Chưa nhập tên lớp tập huấn, hội nghị.")
	c.short("title", r.Title, "Tên lớp")
	c.long("topics", r.Topics, "Nội dung")
	c.short("venue", r.Venue, "Địa điểm")
	c.short("trainers", r.Trainers, "Báo cáo viên")
	c.dates(r.StartDate, r.EndDate)
	c.code("format", r.Format, TrainingFormats, "Hình thức")
	c.codes("audiences", r.Audiences, ParticipantTypes, "Đối tượng")
	c.count("planned_participants", r.Planned, "Số người dự kiến")
	c.required("status", r.Status, "Chưa chọn tình trạng.")
	c.code("status", r.Status, ActivityStatuses, "Tình trạng")
	checkShape(c, r)
	return c.err()
}

func (r *Attendance) Normalize() {
	r.normalize()
	r.SessionID, r.ParticipantID, r.Status = NFC(r.SessionID), NFC(r.ParticipantID), NFC(r.Status)
	if !r.CheckedInAt.IsZero() {
		r.CheckedInAt = r.CheckedInAt.UTC().Truncate(time.Second)
	}
}

func (r *Attendance) Validate(refs Refs, _ time.Time) error {
	c := checker{}
	c.head(&r.RecordHead, refs)
	c.required("session_id", r.SessionID, "Chưa chọn lớp tập huấn.")
	c.required("participant_id", r.ParticipantID, "Chưa chọn người tham dự.")
	if r.ID != "" && r.SessionID != "" && r.ParticipantID != "" && r.ID != AttendanceID(r.SessionID, r.ParticipantID) {
		c["id"] = "Mã điểm danh không khớp lớp và người tham dự."
	}
	c.required("status", r.Status, "Chưa chọn tình trạng tham dự.")
	c.code("status", r.Status, AttendanceStatuses, "Tình trạng tham dự")
	checkShape(c, r)
	return c.err()
}

func (r *OutreachEvent) Normalize() {
	r.normalize()
	for _, p := range []*string{&r.Type, &r.Title, &r.Theme, &r.Topic, &r.Organiser, &r.Venue, &r.StartDate, &r.EndDate, &r.Status} {
		*p = NFC(*p)
	}
	r.MediaCoverage, r.Note = NFCText(r.MediaCoverage), NFCText(r.Note)
	r.Partners = normalizeCodes(r.Partners, nil)
	r.PlanTasks = normalizeCodes(r.PlanTasks, nil)
	if r.Type == "mit_tinh_15_3" {
		r.Linked153 = true
	}
}

func (r *OutreachEvent) Validate(refs Refs, _ time.Time) error {
	c := checker{}
	c.head(&r.RecordHead, refs)
	c.required("event_type", r.Type, "Chưa chọn loại sự kiện.")
	c.code("event_type", r.Type, OutreachTypes, "Loại sự kiện")
	c.required("title", r.Title, "Chưa nhập tên sự kiện.")
	c.short("title", r.Title, "Tên sự kiện")
	c.short("theme", r.Theme, "Chủ đề")
	c.code("topic", r.Topic, OutreachTopics, "Nội dung chính")
	c.short("venue", r.Venue, "Địa điểm")
	c.dates(r.StartDate, r.EndDate)
	c.count("estimated_attendance", r.Attendance, "Số người tham dự")
	c.count("business_participants", r.Businesses, "Số doanh nghiệp")
	c.count("leaflets", r.Leaflets, "Số tờ rơi")
	c.long("media_coverage", r.MediaCoverage, "Đưa tin")
	c.long("note", r.Note, "Ghi chú")
	c.required("status", r.Status, "Chưa chọn tình trạng.")
	c.code("status", r.Status, ActivityStatuses, "Tình trạng")
	checkShape(c, r)
	return c.err()
}

func (r *Publication) Normalize() {
	r.normalize()
	for _, p := range []*string{&r.Type, &r.Origin, &r.Format, &r.Title, &r.Date, &r.Channel, &r.URL} {
		*p = NFC(*p)
	}
	r.Note = NFCText(r.Note)
}

func (r *Publication) Validate(refs Refs, _ time.Time) error {
	c := checker{}
	c.head(&r.RecordHead, refs)
	c.required("publication_type", r.Type, "Chưa chọn loại tài liệu.")
	c.code("publication_type", r.Type, PublicationTypes, "Loại tài liệu")
	c.required("origin", r.Origin, "Chưa chọn nguồn.")
	c.code("origin", r.Origin, PublicationOrigins, "Nguồn")
	c.code("format", r.Format, PublicationFormats, "Hình thức")
	c.required("title", r.Title, "Chưa nhập tên tài liệu, tin bài.")
	c.short("title", r.Title, "Tên")
	c.dates(r.Date, "")
	if f, ok := c["start_date"]; ok {
		delete(c, "start_date")
		c["date"] = f
	}
	c.count("quantity", r.Quantity, "Số lượng")
	c.code("channel", r.Channel, PublicationChannels, "Kênh đăng tải")
	c.short("url", r.URL, "Đường dẫn")
	c.long("note", r.Note, "Ghi chú")
	checkShape(c, r)
	return c.err()
}
