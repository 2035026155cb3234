package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"bvntd/app"
)

// The vocabulary of the sample data, one copy for the demo, the tests and
// the benchmarks: synthetic, drawn from common Vietnamese names and from
// the seeds; no real person, and no real business (the trade names are
// common words, the tax codes random).
var (
	familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Trương",
		"Bùi", "Đặng", "Đỗ", "Ngô", "Hồ", "Dương", "Lý", "Lâm", "Châu", "Tô", "Mai"}
	middleNames = map[bool][]string{
		false: {"Văn", "Minh", "Hữu", "Quốc", "Thanh", "Đức", "Công", "Tấn", "Hoàng"},
		true:  {"Thị", "Ngọc", "Thu", "Hồng", "Kim", "Mỹ", "Thanh", "Bích", "Thùy"},
	}
	givenNames = map[bool][]string{
		false: {"An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khang", "Lộc", "Nam", "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Tuấn", "Việt", "Đạt", "Ân"},
		true:  {"Anh", "Châu", "Đào", "Diễm", "Giang", "Hạnh", "Hoa", "Lan", "Linh", "Mai", "Nga", "Ngân", "Oanh", "Phương", "Thảo", "Trang", "Uyên", "Vy", "Yến"},
	}
	hamlets     = []string{"Ấp Tân Thuận", "Ấp Mỹ Lợi", "Ấp Bình Hòa", "Ấp Long Hưng", "Ấp Phú Thạnh", "Ấp Hòa Khánh", "Khu phố 1", "Khu phố 3", "Khu phố 5"}
	streets     = []string{"Nguyễn Huệ", "Lê Lợi", "Hùng Vương", "Trần Hưng Đạo", "Nguyễn Trãi", "Lý Thường Kiệt", "Ấp Bắc", "Đinh Bộ Lĩnh", "30 Tháng 4"}
	mobilePre   = []string{"090", "091", "093", "094", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039", "070", "076", "077", "078", "079", "081", "082", "083", "084", "085", "088"}
	shopNames   = []string{"Thanh Bình", "Phú Quý", "Minh Phát", "Hồng Phúc", "Tân Tiến", "Kim Long", "Mỹ Hạnh", "Đại Nam", "Hưng Thịnh", "Ngọc Ánh"}
	bizBySector = map[string][]string{
		"thuong_mai_dien_tu":           {"Shop thời trang %s trên Facebook", "Gian hàng %s trên Shopee", "Cửa hàng trực tuyến %s (Zalo)"},
		"dien_tu_gia_dung":             {"Cửa hàng điện máy %s", "Trung tâm điện lạnh %s"},
		"vien_thong_internet":          {"Đại lý viễn thông %s", "Cửa hàng điện thoại %s"},
		"tai_chinh_ngan_hang_bao_hiem": {"Đại lý bảo hiểm %s", "Công ty tài chính %s"},
		"thuc_pham_do_uong":            {"Cửa hàng tạp hóa %s", "Cơ sở sản xuất nước đá %s", "Quán ăn %s"},
		"nong_san_vat_tu_nong_nghiep":  {"Đại lý vật tư nông nghiệp %s", "Cửa hàng phân bón %s"},
		"ban_hang_luu_dong":            {"Nhóm bán hàng lưu động %s"},
	}
	summaries = map[string][]string{
		"thuong_mai_dien_tu": {
			"Đặt mua quần áo qua mạng, nhận hàng không đúng mẫu, người bán không cho đổi trả và chặn liên lạc.",
			"Đã chuyển khoản đặt cọc nhưng người bán không giao hàng, không hoàn tiền.",
		},
		"dien_tu_gia_dung": {
			"Tủ lạnh mới mua được 2 tháng bị hư, cửa hàng từ chối bảo hành theo phiếu bảo hành.",
			"Máy giặt giao đến bị móp, cửa hàng hẹn đổi nhưng chưa thực hiện.",
		},
		"vien_thong_internet": {"Bị trừ tiền tài khoản điện thoại do đăng ký dịch vụ giá trị gia tăng mà không đồng ý."},
		"tai_chinh_ngan_hang_bao_hiem": {
			"Được tư vấn mua bảo hiểm kèm khoản vay, không được giải thích rõ quyền lợi, nay muốn hủy hợp đồng.",
		},
		"thuc_pham_do_uong": {
			"Mua sữa hộp đã hết hạn sử dụng tại cửa hàng, trẻ bị đau bụng sau khi uống.",
			"Mua thực phẩm đóng gói không có nhãn tiếng Việt, nghi hàng không rõ nguồn gốc.",
		},
		"nong_san_vat_tu_nong_nghiep": {
			"Mua phân bón theo quảng cáo nhưng lúa không phát triển, nghi phân bón kém chất lượng.",
		},
		"ban_hang_luu_dong": {
			"Nhóm bán hàng lưu động tổ chức hội thảo tặng quà, ép người cao tuổi mua nồi với giá cao.",
		},
	}
	genericSummary = []string{
		"Người tiêu dùng phản ánh hàng hóa không đúng chất lượng như đã quảng cáo, đề nghị hoàn tiền.",
		"Người tiêu dùng đề nghị hướng dẫn thủ tục khiếu nại đối với doanh nghiệp.",
		"Dịch vụ không được cung cấp đúng hợp đồng, doanh nghiệp chưa phản hồi yêu cầu của người tiêu dùng.",
	}
	// Trade names of companies (common words, no real firm).
	companyNames = []string{"Phương Nam", "Mekong Xanh", "Sen Hồng", "Cửu Long", "Thành Công", "Nam Việt", "An Phát", "Tân Hưng", "Hòa Bình", "Sông Tiền", "Bình An", "Đất Sen"}
	// Fictional e-commerce platforms.
	platforms = []string{"Chợ Sen", "Mua Nhanh", "Phố Chợ Việt"}
	// Cities of companies based outside the province.
	otherCities = []string{"TP. Hồ Chí Minh", "TP. Cần Thơ", "Hà Nội"}
	relations   = []string{"Con ruột (được ủy quyền)", "Người giám hộ", "Con ruột (được ủy quyền)", "Cháu ruột (được ủy quyền)"}
)

// Sampler draws values of the vocabulary for one commune: people's names,
// phone numbers, addresses, businesses, and plain cases made of them. The
// demo's generators draw through one; the load benchmark's simulated
// laptops use one each.
type Sampler struct {
	r    *rand.Rand
	refs *app.RefData
	unit app.AdminUnit
}

// NewSampler returns a sampler of unit's values (its name in addresses,
// xã or phường) drawing from r; refs give the sectors.
func NewSampler(r *rand.Rand, refs *app.RefData, unit app.AdminUnit) *Sampler {
	return &Sampler{r: r, refs: refs, unit: unit}
}

// chance reports true with probability p.
func (g *Sampler) chance(p float64) bool { return g.r.Float64() < p }

// between returns an integer in [lo, hi].
func (g *Sampler) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// PersonName returns a man's or a woman's full name.
func (g *Sampler) PersonName() string {
	name, _ := g.person()
	return name
}

// person returns a name and whether it is a woman's.
func (g *Sampler) person() (string, bool) {
	female := g.r.IntN(2) == 0
	return g.nameOf(female), female
}

// nameOf returns a man's or, if female, a woman's full name.
func (g *Sampler) nameOf(female bool) string {
	return pick(g.r, familyNames) + " " + pick(g.r, middleNames[female]) + " " + pick(g.r, givenNames[female])
}

// Phone returns a mobile phone number.
func (g *Sampler) Phone() string {
	return fmt.Sprintf("%s%07d", pick(g.r, mobilePre), g.r.IntN(10_000_000))
}

// Address returns an address in the commune: a house on a street of a
// phường, a hamlet of a xã.
func (g *Sampler) Address() string { return g.streetPart() + ", " + g.unit.Name }

// BusinessAddress returns the address of a shop in the commune: a street.
func (g *Sampler) BusinessAddress() string {
	return fmt.Sprintf("%s, %s", pick(g.r, streets), g.unit.Name)
}

func (g *Sampler) sector() string {
	// Weighted towards the sectors that lead the national statistics.
	if g.r.IntN(3) > 0 {
		keys := []string{"thuong_mai_dien_tu", "thuc_pham_do_uong", "dien_tu_gia_dung",
			"vien_thong_internet", "tai_chinh_ngan_hang_bao_hiem", "nong_san_vat_tu_nong_nghiep", "ban_hang_luu_dong"}
		if s := pick(g.r, keys); g.refs.HasSector(s) {
			return s
		}
	}
	return pick(g.r, g.refs.Sectors).Code
}

// PlainCase returns a newly received case with the few fields of a quick
// intake and no step, received in the 90 days before now: what `demo
// --plain` writes (the sync bench and the kill test measure these), and
// what the load benchmark's laptops record.
func (g *Sampler) PlainCase(now time.Time) *app.Case {
	sector := g.sector()
	biz := fmt.Sprintf("Cửa hàng %s", pick(g.r, shopNames))
	if forms, ok := bizBySector[sector]; ok {
		biz = fmt.Sprintf(pick(g.r, forms), pick(g.r, shopNames))
	}
	summary := pick(g.r, genericSummary)
	if s, ok := summaries[sector]; ok {
		summary = pick(g.r, s)
	}
	c := &app.Case{
		ReceivedAt:      now.Add(-time.Duration(g.r.IntN(90*24*60)) * time.Minute),
		Channel:         weighted(g.r, channelWeights),
		Kind:            weighted(g.r, kindWeights),
		ConsumerName:    g.PersonName(),
		ConsumerAddress: g.Address(),
		BusinessName:    biz,
		BusinessAddress: g.BusinessAddress(),
		Sector:          sector,
		Summary:         summary,
	}
	c.UnitCode = g.unit.Code
	if g.r.IntN(10) < 8 {
		c.ConsumerPhone = g.Phone()
	}
	return c
}

// taxCode returns a 10-digit tax code with a valid check digit; local ones
// start with the codes of the former Tiền Giang (12) and Đồng Tháp (14).
func (g *Sampler) taxCode(local bool) string {
	prefix := pick(g.r, []string{"03", "01", "18"})
	if local {
		prefix = pick(g.r, []string{"12", "14"})
	}
	weights := []int{31, 29, 23, 19, 17, 13, 7, 5, 3}
	for {
		digits := prefix + fmt.Sprintf("%07d", g.r.IntN(10_000_000))
		sum := 0
		for i, w := range weights {
			sum += int(digits[i]-'0') * w
		}
		if check := 10 - sum%11; check < 10 {
			return digits + fmt.Sprint(check)
		}
	}
}

// landline returns an office phone number: area code 0277 or 0273 for
// Đồng Tháp and the former Tiền Giang, else a hotline-like mobile.
func (g *Sampler) landline(local bool) string {
	if !local {
		return pick(g.r, []string{"028", "024"}) + fmt.Sprintf("%08d", g.r.IntN(100_000_000))
	}
	return pick(g.r, []string{"0277", "0273"}) + fmt.Sprintf("%07d", 3_000_000+g.r.IntN(1_000_000))
}

// streetPart is the address in the commune without the commune's name.
func (g *Sampler) streetPart() string {
	if g.unit.Type == app.UnitPhuong {
		return fmt.Sprintf("Số %d đường %s", g.between(1, 250), pick(g.r, streets))
	}
	return pick(g.r, hamlets)
}
