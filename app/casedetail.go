package app

import (
	"fmt"
	"time"
)

// Ages that make a consumer vulnerable (Luật 19/2023 Điều 8 khoản 1 a, c):
// an older person from 60 (Luật Người cao tuổi Điều 2), a child under 16
// (Luật Trẻ em Điều 1).
const (
	ElderlyAge = 60
	ChildAge   = 16
)

// Group codes computed from a date of birth.
const (
	GroupElderly = "nguoi_cao_tuoi"
	GroupChild   = "tre_em"
)

// Limits of the amounts of a case, in VND: ten thousand billion is far
// above any consumer matter and catches a mistyped figure.
const maxAmountVND = 10_000_000_000_000

// AgeOn returns how old someone born on birth (YYYY-MM-DD) is on day at, in
// whole years, and false if birth is not a date or is after at.
func AgeOn(birth string, at time.Time) (int, bool) {
	b, ok := parseDay(birth)
	if !ok {
		return 0, false
	}
	a := at.In(ICT)
	age := a.Year() - b.Year()
	if a.Month() < b.Month() || a.Month() == b.Month() && a.Day() < b.Day() {
		age--
	}
	if age < 0 {
		return 0, false // born after at: a typing slip, no age (and no "Trẻ em")
	}
	return age, true
}

// SuggestedGroups returns the vulnerable groups that follow from the
// consumer's age on the day the case was received (today, for a case not
// yet dated): from the date of birth, or else from the age band. The
// officer confirms them; nothing is added silently.
func (c *Case) SuggestedGroups(today time.Time) []string {
	at := c.ReceivedAt
	if at.IsZero() {
		at = today
	}
	if age, ok := AgeOn(c.ConsumerBirthDate, at); ok {
		switch {
		case age >= ElderlyAge:
			return []string{GroupElderly}
		case age < ChildAge:
			return []string{GroupChild}
		}
		return nil
	}
	switch c.ConsumerAgeBand {
	case "tu_60":
		return []string{GroupElderly}
	case "duoi_16":
		return []string{GroupChild}
	}
	return nil
}

// IsVulnerable reports whether the consumer belongs to a group of Điều 8,
// which gives the case priority (Điều 8 khoản 2 điểm đ).
func (c *Case) IsVulnerable() bool { return len(c.VulnerableGroups) > 0 }

// validateDetails checks the fields of the full record (docs/domain.md §5.2),
// adding a Vietnamese message per bad field to fe.
func (c *Case) validateDetails(fe map[string]string, refs Refs, now time.Time) {
	code := func(field, value string, list CodeList, msg string) {
		if value != "" && !list.Has(value) {
			fe[field] = msg
		}
	}
	short := func(field, value, what string) {
		if len([]rune(value)) > maxShortText {
			fe[field] = fmt.Sprintf("%s quá dài (tối đa 200 ký tự).", what)
		}
	}
	day := func(field, value, what string, notBefore time.Time) {
		if value == "" {
			return
		}
		d, ok := parseDay(value)
		switch {
		case !ok:
			fe[field] = fmt.Sprintf("%s không hợp lệ.", what)
		case d.After(now.Add(24 * time.Hour)):
			fe[field] = fmt.Sprintf("%s không được ở tương lai.", what)
		case d.Before(notBefore):
			fe[field] = fmt.Sprintf("%s không hợp lệ.", what)
		}
	}
	amount := func(field string, v int64, what string) {
		if v < 0 {
			fe[field] = fmt.Sprintf("%s không được âm.", what)
		} else if v > maxAmountVND {
			fe[field] = fmt.Sprintf("%s quá lớn, vui lòng kiểm tra lại.", what)
		}
	}
	y1900 := time.Date(1900, 1, 1, 0, 0, 0, 0, ICT)
	y1990 := time.Date(1990, 1, 1, 0, 0, 0, 0, ICT)

	code("requester_role", c.RequesterRole, RequesterRoles, "Người yêu cầu không hợp lệ.")
	code("privacy_notice", c.PrivacyNotice, PrivacyNoticeWays, "Cách thông báo về xử lý dữ liệu cá nhân không hợp lệ.")
	day("anonymised_on", c.AnonymisedOn, "Ngày ẩn danh hóa", y1990)
	if c.RequesterRole == RoleRepresentative && c.RepresentativeName == "" {
		fe["representative_name"] = "Cần ghi họ tên người đại diện hợp pháp."
	}
	short("representative_name", c.RepresentativeName, "Họ tên người đại diện")
	short("representative_relation", c.RepresentativeRelation, "Quan hệ với người tiêu dùng")
	short("referred_from", c.ReferredFrom, "Nơi chuyển đến")
	if id := c.OffPremisesNoticeID; id != "" && !ValidID(id) {
		fe["off_premises_notice_id"] = "Thông báo bán hàng ngoài địa điểm đã chọn không hợp lệ."
	}

	code("consumer_gender", c.ConsumerGender, Genders, "Giới tính không hợp lệ.")
	day("consumer_birth_date", c.ConsumerBirthDate, "Ngày sinh", y1900)
	code("consumer_age_band", c.ConsumerAgeBand, AgeBands, "Nhóm tuổi không hợp lệ.")
	if c.ConsumerUnitCode != "" {
		if !unitCodeRE.MatchString(c.ConsumerUnitCode) {
			fe["consumer_unit_code"] = "Mã xã, phường phải gồm 5 chữ số."
		} else if refs != nil && !refs.HasUnit(c.ConsumerUnitCode) {
			fe["consumer_unit_code"] = fmt.Sprintf("Không có xã, phường mã %s trong danh mục.", c.ConsumerUnitCode)
		}
	}
	short("consumer_old_address", c.ConsumerOldAddress, "Địa chỉ cũ")
	for _, g := range c.VulnerableGroups {
		if !VulnerableGroups.Has(g) {
			fe["vulnerable_groups"] = "Nhóm người tiêu dùng dễ bị tổn thương không hợp lệ."
		}
	}
	if len([]rune(c.VulnerableEvidence)) > maxShortText*5 {
		fe["vulnerable_evidence"] = "Ghi chú chứng cứ quá dài (tối đa 1.000 ký tự)."
	}

	code("business_kind", c.BusinessKind, BusinessKinds, "Loại hình kinh doanh không hợp lệ.")
	if c.BusinessTaxCode != "" && !taxCodeRE.MatchString(c.BusinessTaxCode) {
		fe["business_tax_code"] = "Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch và 3 chữ số (chi nhánh)."
	}
	if c.BusinessPhone != "" && !phoneRE.MatchString(c.BusinessPhone) {
		fe["business_phone"] = "Số điện thoại không hợp lệ (ví dụ: 0277 3851 234)."
	}
	short("business_online_channel", c.BusinessOnlineChannel, "Kênh bán hàng trực tuyến")

	for _, it := range c.IssueTypes {
		if refs != nil && !refs.HasIssueType(it) {
			fe["issue_types"] = "Hành vi vi phạm không có trong danh mục."
		}
	}
	code("transaction_type", c.TransactionType, TransactionTypes, "Hình thức giao dịch không hợp lệ.")
	short("product_or_service", c.ProductOrService, "Tên hàng hóa, dịch vụ")
	day("transaction_date", c.TransactionDate, "Ngày giao dịch", y1990)
	amount("transaction_value", c.TransactionValue, "Giá trị giao dịch")
	amount("damage_claimed", c.DamageClaimed, "Số tiền yêu cầu bồi thường")

	if len([]rune(c.SpecificRequest)) > maxSummary {
		fe["specific_request"] = "Yêu cầu cụ thể quá dài (tối đa 10.000 ký tự)."
	}
	day("prior_contact_date", c.PriorContactDate, "Ngày liên hệ doanh nghiệp", y1990)
	if len(c.Evidence) > 50 {
		fe["evidence"] = "Danh sách chứng cứ quá dài (tối đa 50 mục)."
	}
	for _, e := range c.Evidence {
		if len([]rune(e)) > maxShortText {
			fe["evidence"] = "Mỗi chứng cứ ghi tối đa 200 ký tự."
		}
	}
	short("assigned_to", c.AssignedTo, "Tên cán bộ phụ trách")
	code("resolution_method", c.ResolutionMethod, ResolutionMethods, "Phương thức giải quyết không hợp lệ.")
}
