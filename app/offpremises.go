package app

import (
	"encoding/json"
	"time"
)

// The register of off-premises sales notices (thông báo bán hàng không tại
// địa điểm giao dịch thường xuyên). Sources, read in the pháp điển text of
// the diepxuan repository (van-ban/thuong-mai-dau-tu-chung-khoan/
// bao-ve-quyen-loi-nguoi-tieu-dung.md at commit fbaa690e):
//
//   - Luật 19/2023/QH15 Điều 47 khoản 1 điểm a: a business selling off
//     premises for a total above 10 million đồng notifies UBND cấp xã of
//     the place, before the sale, of: its name, address and contact phone;
//     the planned place; the content of the sales programme; the sales
//     method; the prices and the goods or services. Điểm c: it keeps a
//     contact for consumers' complaints during and after the sale.
//     Khoản 2: the commune receives the notice, follows and inspects the
//     sale against it.
//   - NĐ 55/2024/NĐ-CP Điều 26 khoản 1: the notice reaches the commune by
//     post, in person at its office, by e-mail (digital signature, or a
//     signed and sealed scan) or through its online public service;
//     khoản 2: one notice on Mẫu số 10; khoản 3: at least 03 working days
//     before the activity, by the date the commune received it (postal
//     receipt, intake slip, e-mail or online system); khoản 4: an
//     amendment on Mẫu số 11.
//   - NĐ 55/2024/NĐ-CP Điều 27 khoản 2: the commune keeps the notice at
//     least 02 years from the sale; khoản 3: it publishes the notice's full
//     content in a suitable form before and during the sale.
const EntityOffPremisesNotice = "off_premises_notice"

// OffPremisesNotice is one notice of an off-premises sale received by the
// commune (its RecordHead.UnitCode: the commune of the place of sale).
type OffPremisesNotice struct {
	RecordHead
	// The business (Đ.47 k.1 a): name, tax code or registration number,
	// address, contact phone.
	BusinessName    string `json:"business_name"`
	BusinessTaxCode string `json:"business_tax_code"`
	BusinessAddress string `json:"business_address"`
	BusinessPhone   string `json:"business_phone"`
	// The sale: the content of the programme ("Hội thảo giới thiệu sản
	// phẩm…"), the sales method, the place, the days (YYYY-MM-DD) and
	// hours, the goods or services and their prices (Đ.47 k.1 a).
	Title       string `json:"title"`
	SalesMethod string `json:"sales_method"`
	Place       string `json:"place"`
	StartDate   string `json:"start_date"`
	EndDate     string `json:"end_date"`
	Hours       string `json:"hours"`
	Goods       string `json:"goods" text:"long"`
	Prices      string `json:"prices" text:"long"`
	// Who the sale is aimed at, and whether it is aimed at older people
	// (the commonest rural complaints: "hội thảo bán hàng" for the elderly).
	Audience   string `json:"audience"`
	ForElderly bool   `json:"for_elderly"`
	// How consumers reach the business about the sale, during and after it
	// (Đ.47 k.1 c).
	ConsumerContact string `json:"consumer_contact"`
	// What reached the commune: the day it was received (Đ.26 k.3), how
	// (NoticeChannels, Đ.26 k.1) and on which form (NoticeForms, Đ.26 k.2,
	// k.4).
	ReceivedDate string `json:"received_date"`
	ReceivedVia  string `json:"received_via"`
	Form         string `json:"form"`
	// What the commune did with it: the day and the way it was published
	// (Đ.27 k.3).
	PublishedDate string `json:"published_date"`
	PublishedVia  string `json:"published_via"` // NoticePublications
	// The officer who received it.
	Officer string `json:"officer"`
	// Note holds remarks (the follow-up of the sale, Đ.47 k.2), and the
	// reason the notice was voided.
	Note string `json:"note" text:"long"`
}

// Code lists of the notices.
var (
	// NoticeChannels are the ways of Đ.26 k.1 a–d.
	NoticeChannels = CodeList{
		{"buu_dien", "Qua đường bưu điện", "By post"},
		{"truc_tiep", "Trực tiếp tại trụ sở UBND", "In person"},
		{"thu_dien_tu", "Qua thư điện tử", "By e-mail"},
		{"dich_vu_cong", "Qua dịch vụ công trực tuyến", "Online public service"},
	}
	// NoticeForms are Mẫu số 10 (a notice) and 11 (an amendment), Đ.26
	// k.2, k.4.
	NoticeForms = CodeList{
		{"mau_10", "Thông báo (Mẫu số 10)", "Notice (form 10)"},
		{"mau_11", "Thông báo sửa đổi, bổ sung (Mẫu số 11)", "Amendment (form 11)"},
	}
	// NoticePublications are ways of publishing a notice (Đ.27 k.3 leaves
	// the form to the commune: "bằng hình thức phù hợp").
	NoticePublications = CodeList{
		{"niem_yet", "Niêm yết tại trụ sở UBND", "Posted at the commune office"},
		{"loa", "Loa truyền thanh xã", "Commune loudspeakers"},
		{"trang_thong_tin", "Trang thông tin điện tử của xã", "Commune website"},
		{"mang_xa_hoi", "Nhóm Zalo, trang mạng xã hội của xã", "Commune social-media group"},
		{"khac", "Hình thức khác", "Other"},
	}
)

// NoticeLeadDays is the lead of Đ.26 k.3: a notice reaches the commune at
// least 03 working days before the activity.
const NoticeLeadDays = 3

// NoticeRetentionYears is the keeping of Đ.27 k.2: at least 02 years from
// the sale.
const NoticeRetentionYears = 2

func (*OffPremisesNotice) Entity() string                                 { return EntityOffPremisesNotice }
func (r *OffPremisesNotice) Fields() map[string]json.RawMessage           { return toFields(r) }
func (r *OffPremisesNotice) SetFields(f map[string]json.RawMessage) error { return setFields(r, f) }

func (r *OffPremisesNotice) Normalize() {
	r.normalize()
	for _, p := range []*string{&r.BusinessName, &r.BusinessTaxCode, &r.BusinessAddress, &r.Title,
		&r.SalesMethod, &r.Place, &r.StartDate, &r.EndDate, &r.Hours, &r.Audience, &r.ConsumerContact,
		&r.ReceivedDate, &r.ReceivedVia, &r.Form, &r.PublishedDate, &r.PublishedVia, &r.Officer} {
		*p = NFC(*p)
	}
	r.BusinessPhone = NormalizePhone(r.BusinessPhone)
	r.Goods, r.Prices, r.Note = NFCText(r.Goods), NFCText(r.Prices), NFCText(r.Note)
}

// Validate checks what the commune must have to keep the notice: who sent
// it, when the sale starts, the day and the way it was received (Đ.26 k.1,
// k.3). What the business left out of its notice is not an error of the
// record: MissingItems lists it.
func (r *OffPremisesNotice) Validate(refs Refs, now time.Time) error {
	c := checker{}
	c.head(&r.RecordHead, refs)
	c.required("business_name", r.BusinessName, "Chưa nhập tên tổ chức, cá nhân kinh doanh.")
	c.short("business_name", r.BusinessName, "Tên tổ chức, cá nhân kinh doanh")
	c.short("business_tax_code", r.BusinessTaxCode, "Mã số thuế, số đăng ký kinh doanh")
	c.short("business_address", r.BusinessAddress, "Địa chỉ")
	c.phone("business_phone", r.BusinessPhone)
	c.short("title", r.Title, "Nội dung chương trình bán hàng")
	c.short("sales_method", r.SalesMethod, "Phương thức bán hàng")
	c.short("place", r.Place, "Địa điểm bán hàng")
	c.dates(r.StartDate, r.EndDate)
	if _, bad := c["start_date"]; bad && r.StartDate == "" {
		c["start_date"] = "Chưa nhập ngày bắt đầu bán hàng."
	}
	c.short("hours", r.Hours, "Thời gian trong ngày")
	c.long("goods", r.Goods, "Sản phẩm, hàng hóa, dịch vụ")
	c.long("prices", r.Prices, "Giá")
	c.short("audience", r.Audience, "Đối tượng khách hàng")
	c.short("consumer_contact", r.ConsumerContact, "Cách người tiêu dùng liên hệ")
	received, ok := c.pastDay("received_date", r.ReceivedDate, "ngày nhận thông báo", now)
	if r.ReceivedDate == "" {
		c["received_date"] = "Chưa nhập ngày UBND nhận thông báo (Điều 26 khoản 3 Nghị định 55/2024/NĐ-CP)."
	}
	c.required("received_via", r.ReceivedVia, "Chưa chọn cách nhận thông báo (Điều 26 khoản 1).")
	c.code("received_via", r.ReceivedVia, NoticeChannels, "Cách nhận thông báo")
	c.code("form", r.Form, NoticeForms, "Mẫu thông báo")
	published, pok := c.pastDay("published_date", r.PublishedDate, "ngày công khai", now)
	if ok && pok && published.Before(received) {
		c["published_date"] = "Ngày công khai không được trước ngày nhận thông báo."
	}
	if r.PublishedDate != "" && r.PublishedVia == "" {
		c["published_via"] = "Chưa chọn hình thức công khai (Điều 27 khoản 3)."
	}
	if r.PublishedVia != "" && r.PublishedDate == "" {
		c["published_date"] = "Chưa nhập ngày công khai."
	}
	c.code("published_via", r.PublishedVia, NoticePublications, "Hình thức công khai")
	c.short("officer", r.Officer, "Cán bộ tiếp nhận")
	c.long("note", r.Note, "Ghi chú")
	checkShape(c, r)
	return c.err()
}

// pastDay checks an optional day (YYYY-MM-DD) that cannot be in the future
// and returns it when it is valid.
func (c checker) pastDay(field, value, what string, now time.Time) (time.Time, bool) {
	if value == "" {
		return time.Time{}, false
	}
	d, ok := parseDay(value)
	switch {
	case !ok || d.Year() < 2000 || d.Year() > 2100:
		c[field] = "Ngày không hợp lệ."
		return d, false
	case !now.IsZero() && d.After(now.Add(24*time.Hour)):
		c[field] = "Không được nhập " + what + " ở tương lai."
		return d, false
	}
	return d, true
}

// NoticeItem is one content a notice must carry (Luật 19/2023 Điều 47
// khoản 1 điểm a, on Mẫu số 10 of NĐ 55 Điều 26 khoản 2).
type NoticeItem struct {
	Field string // the field of OffPremisesNotice that holds it
	Label string // in Vietnamese
}

// NoticeItems are the contents of Đ.47 k.1 a, in the law's order.
var NoticeItems = []NoticeItem{
	{"business_name", "Tên tổ chức, cá nhân kinh doanh"},
	{"business_address", "Địa chỉ"},
	{"business_phone", "Số điện thoại liên hệ"},
	{"place", "Địa điểm dự kiến tổ chức bán hàng"},
	{"title", "Nội dung chương trình bán hàng"},
	{"sales_method", "Phương thức bán hàng"},
	{"prices", "Giá"},
	{"goods", "Sản phẩm, hàng hóa, dịch vụ"},
}

// MissingItems lists, in Vietnamese, the contents of Luật 19/2023 Điều 47
// khoản 1 điểm a the notice does not carry (empty: complete).
func (r *OffPremisesNotice) MissingItems() []string {
	f := r.Fields()
	var out []string
	for _, it := range NoticeItems {
		if isZeroJSON(f[it.Field]) {
			out = append(out, it.Label)
		}
	}
	return out
}

// Lead returns the working days between the day the notice was received
// and the first day of the sale, both left out (NĐ 55 Điều 26 khoản 3:
// "tối thiểu 03 ngày làm việc trước khi thực hiện hoạt động"; the project
// reads "trước" strictly: neither the day of receipt, BLDS 2015 Điều 147,
// nor the day of the sale counts), and whether both days are known.
func (r *OffPremisesNotice) Lead(cal *Calendar) (int, bool) {
	received, ok1 := parseDay(r.ReceivedDate)
	start, ok2 := parseDay(r.StartDate)
	if !ok1 || !ok2 || cal == nil {
		return 0, false
	}
	if !start.After(received) {
		return 0, true
	}
	return cal.WorkingDaysUntil(received, start.AddDate(0, 0, -1)), true
}

// ReceivedLate reports whether the notice reached the commune fewer than
// NoticeLeadDays working days before the sale (Đ.26 k.3); false when a
// day is missing.
func (r *OffPremisesNotice) ReceivedLate(cal *Calendar) bool {
	n, ok := r.Lead(cal)
	return ok && n < NoticeLeadDays
}

// Published reports whether the commune recorded publishing the notice
// (Đ.27 k.3).
func (r *OffPremisesNotice) Published() bool { return r.PublishedDate != "" }

// KeepUntil returns the last day the notice must be kept: 02 years from
// the last day of the sale (Đ.27 k.2), "" when the days are not known.
func (r *OffPremisesNotice) KeepUntil() string {
	end := r.EndDate
	if end == "" {
		end = r.StartDate
	}
	d, ok := parseDay(end)
	if !ok {
		return ""
	}
	return d.AddDate(NoticeRetentionYears, 0, 0).Format(time.DateOnly)
}

// Due reports whether the sale is running on today's day or starts
// within the next days calendar days (the register's reminder: publish
// it, follow it; Đ.27 k.3, Luật Điều 47 khoản 2).
func (r *OffPremisesNotice) Due(today time.Time, days int) bool {
	start, ok := parseDay(r.StartDate)
	if !ok {
		return false
	}
	end := start
	if e, ok := parseDay(r.EndDate); ok {
		end = e
	}
	d := dateOf(today).time()
	return !d.Before(start) && !d.After(end) || // running
		!start.Before(d) && !start.After(d.AddDate(0, 0, days)) // starting soon
}

// Running reports whether the sale is on today's day.
func (r *OffPremisesNotice) Running(today time.Time) bool {
	start, ok := parseDay(r.StartDate)
	if !ok {
		return false
	}
	end := start
	if e, ok := parseDay(r.EndDate); ok {
		end = e
	}
	d := dateOf(today).time()
	return !d.Before(start) && !d.After(end)
}

// NoticeCounts are the figures of the register over a report period: the
// notices received (Đ.26), those received fewer than 03 working days
// before the sale (Đ.26 k.3), those with no publication recorded (Đ.27
// k.3), and those of sales aimed at older people.
type NoticeCounts struct {
	Received, Late, Unpublished, ForElderly int
}

// NoticeCountsOf counts the notices of d received on a day of p (voided
// ones left out); late is counted on d.Calendar (none without one).
func NoticeCountsOf(d *KPIData, p KPIPeriod) NoticeCounts {
	var c NoticeCounts
	for i := range d.Notices {
		n := &d.Notices[i]
		if n.Voided || !p.ContainsDay(n.ReceivedDate) {
			continue
		}
		c.Received++
		if n.ReceivedLate(d.Calendar) {
			c.Late++
		}
		if !n.Published() {
			c.Unpublished++
		}
		if n.ForElderly {
			c.ForElderly++
		}
	}
	return c
}
