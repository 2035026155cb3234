package cli

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"bvntd/app"
	"bvntd/storage"
)

// Sample data for the demo: synthetic, drawn from common Vietnamese names
// and from the seeds; no real person.
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
	channelWeights = []struct {
		code string
		w    int
	}{{"truc_tiep", 35}, {"dien_thoai", 20}, {"mang_xa_hoi", 12}, {"tong_dai_1800_6838", 8},
		{"cong_dvc", 8}, {"email", 5}, {"website_ung_dung", 4}, {"buu_dien_cong_van", 3},
		{"chuyen_tu_co_quan_khac", 3}, {"tiep_nhan_luu_dong", 2}}
	kindWeights = []struct {
		code string
		w    int
	}{{"phan_anh", 30}, {"khieu_nai", 25}, {"tu_van", 25}, {"yeu_cau_ho_tro_thuong_luong", 12},
		{"yeu_cau_xu_ly_vi_pham", 6}, {"kien_nghi", 2}}
	statusSteps = []string{"moi_tiep_nhan", "da_thu_ly", "dang_xu_ly", "cho_doanh_nghiep_phan_hoi", "da_giai_quyet", "dong"}
)

// demoGen makes realistic sample records.
type demoGen struct {
	r    *rand.Rand
	refs *app.RefData
	unit app.AdminUnit
	now  time.Time
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func weighted(r *rand.Rand, ws []struct {
	code string
	w    int
}) string {
	total := 0
	for _, w := range ws {
		total += w.w
	}
	n := r.IntN(total)
	for _, w := range ws {
		if n < w.w {
			return w.code
		}
		n -= w.w
	}
	return ws[0].code
}

func (g *demoGen) personName() string {
	female := g.r.IntN(2) == 0
	return pick(g.r, familyNames) + " " + pick(g.r, middleNames[female]) + " " + pick(g.r, givenNames[female])
}

func (g *demoGen) phone() string {
	return fmt.Sprintf("%s%07d", pick(g.r, mobilePre), g.r.IntN(10_000_000))
}

func (g *demoGen) address() string {
	if g.unit.Type == app.UnitPhuong {
		return fmt.Sprintf("Số %d đường %s, %s", 1+g.r.IntN(250), pick(g.r, streets), g.unit.Name)
	}
	return fmt.Sprintf("%s, %s", pick(g.r, hamlets), g.unit.Name)
}

func (g *demoGen) sector() string {
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

func (g *demoGen) newCase() *app.Case {
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
		UnitCode:        g.unit.Code,
		ReceivedAt:      g.now.Add(-time.Duration(g.r.IntN(90*24*60)) * time.Minute),
		Channel:         weighted(g.r, channelWeights),
		Kind:            weighted(g.r, kindWeights),
		ConsumerName:    g.personName(),
		ConsumerAddress: g.address(),
		BusinessName:    biz,
		BusinessAddress: fmt.Sprintf("%s, %s", pick(g.r, streets), g.unit.Name),
		Sector:          sector,
		Summary:         summary,
	}
	if g.r.IntN(10) < 8 {
		c.ConsumerPhone = g.phone()
	}
	return c
}

// editCase changes what a day of work changes: a status step, a phone
// added, a summary completed.
func (g *demoGen) editCase(c *app.Case) {
	switch g.r.IntN(3) {
	case 0:
		for i, s := range statusSteps {
			if s == c.Status && i+1 < len(statusSteps) {
				c.Status = statusSteps[i+1]
				return
			}
		}
		c.Status = "dang_xu_ly"
	case 1:
		c.ConsumerPhone = g.phone()
	default:
		c.Summary += " Đã liên hệ doanh nghiệp ngày " + g.now.In(app.ICT).Format("02/01/2006") + "."
	}
}

// runDemo writes n new cases and edits existing ones through the store's
// service methods, so every write lands in the outbox.
func runDemo(ctx context.Context, db *storage.DB, refs *app.RefData, unit string, seed uint64, complaints, edits int) (int, int, error) {
	u, ok := refs.Unit(unit)
	if !ok {
		return 0, 0, app.Errorf(app.EINVALID, "Không có xã, phường mã %s trong danh mục.", unit)
	}
	g := &demoGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), refs: refs, unit: u, now: time.Now()}
	for i := 0; i < complaints; i++ {
		if err := db.CreateCase(ctx, g.newCase()); err != nil {
			return i, 0, err
		}
	}
	if edits == 0 {
		return complaints, 0, nil
	}
	cases, err := db.ListCases(ctx, app.CaseQuery{})
	if err != nil {
		return complaints, 0, err
	}
	var mine []app.Case
	for _, c := range cases {
		if c.UnitCode == unit {
			mine = append(mine, c)
		}
	}
	if len(mine) == 0 {
		return complaints, 0, app.Errorf(app.EINVALID, "Chưa có vụ việc nào của %s để sửa.", strings.TrimSpace(u.Name))
	}
	for i := 0; i < edits; i++ {
		c := mine[g.r.IntN(len(mine))]
		c, err := db.GetCase(ctx, c.ID)
		if err != nil {
			return complaints, i, err
		}
		g.editCase(&c)
		if err := db.UpdateCase(ctx, &c); err != nil {
			return complaints, i, err
		}
	}
	return complaints, edits, nil
}
