package cli

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
	"unicode"

	"bvntd/app"
	"bvntd/storage"
)

// Sample data for the demo: synthetic, drawn from common Vietnamese names
// and from the seeds; no real person, and no real business (the trade
// names are common words, the tax codes random).
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
	// More walk-in and phone intake at commune level than in the national
	// figures (domain.md §2.2).
	channelWeights = []weight{{"truc_tiep", 35}, {"dien_thoai", 20}, {"mang_xa_hoi", 12}, {"tong_dai_1800_6838", 8},
		{"cong_dvc", 8}, {"email", 5}, {"website_ung_dung", 4}, {"buu_dien_cong_van", 3},
		{"chuyen_tu_co_quan_khac", 3}, {"tiep_nhan_luu_dong", 2}}
	kindWeights = []weight{{"phan_anh", 30}, {"khieu_nai", 25}, {"tu_van", 25}, {"yeu_cau_ho_tro_thuong_luong", 12},
		{"yeu_cau_xu_ly_vi_pham", 6}, {"kien_nghi", 2}}
	statusSteps = []string{"moi_tiep_nhan", "da_thu_ly", "dang_xu_ly", "cho_doanh_nghiep_phan_hoi", "da_giai_quyet", "dong"}
)

// weight is a code and its relative frequency.
type weight struct {
	code string
	w    int
}

// demoGen makes realistic sample records.
type demoGen struct {
	r        *rand.Rand
	refs     *app.RefData
	unit     app.AdminUnit
	now      time.Time
	cal      *app.Calendar
	officers []string // the commune's officers, to whom cases are assigned
	// Kinds and fates are dealt from decks, so that a few hundred cases
	// already show the intended proportions.
	kinds, fates deck
}

// deck deals codes in the proportions of their weights: each round of
// sum(weights) cards holds every code weight times, shuffled.
type deck struct {
	ws    []weight
	cards []string
}

func (d *deck) deal(r *rand.Rand) string {
	if len(d.cards) == 0 {
		for _, w := range d.ws {
			for range w.w {
				d.cards = append(d.cards, w.code)
			}
		}
		r.Shuffle(len(d.cards), func(i, j int) { d.cards[i], d.cards[j] = d.cards[j], d.cards[i] })
	}
	c := d.cards[len(d.cards)-1]
	d.cards = d.cards[:len(d.cards)-1]
	return c
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func weighted(r *rand.Rand, ws []weight) string {
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

// chance reports true with probability p.
func (g *demoGen) chance(p float64) bool { return g.r.Float64() < p }

// between returns an integer in [lo, hi].
func (g *demoGen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

func (g *demoGen) personName() string {
	name, _ := g.person()
	return name
}

// person returns a name and whether it is a woman's.
func (g *demoGen) person() (string, bool) {
	female := g.r.IntN(2) == 0
	return pick(g.r, familyNames) + " " + pick(g.r, middleNames[female]) + " " + pick(g.r, givenNames[female]), female
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

// plainCase is a newly received case with the few fields of a quick intake
// and no step: what `demo --plain` writes (the sync bench and the kill test
// measure these).
func (g *demoGen) plainCase() *app.Case {
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

// plainEdit changes what a quick day of work changes on plain cases: the
// status field, a phone added, a summary completed; one change each.
func (g *demoGen) plainEdit(c *app.Case) {
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
// service methods, so every write lands in the outbox. Unless plain, the
// cases are full records taken through the workflow: received over the
// last year, each with the steps an officer would have recorded since (see
// plan); edits are then steps or field changes. The store's clock
// (db.Now) is "now": no step lies after it.
func runDemo(ctx context.Context, db *storage.DB, refs *app.RefData, unit string, seed uint64, complaints, edits int, plain bool) (int, int, error) {
	u, ok := refs.Unit(unit)
	if !ok {
		return 0, 0, app.Errorf(app.EINVALID, "Không có xã, phường mã %s trong danh mục.", unit)
	}
	g := &demoGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), refs: refs, unit: u,
		now: db.Now().UTC().Truncate(time.Second)}
	if !plain {
		cal, err := refs.Calendar()
		if err != nil {
			return 0, 0, app.WrapError(app.EINTERNAL, "Lịch ngày nghỉ trong dữ liệu danh mục bị hỏng.", err)
		}
		g.cal = cal
		g.kinds, g.fates = deck{ws: kindWeights}, deck{ws: nonAdviceFates}
		for range 3 {
			g.officers = append(g.officers, g.personName())
		}
	}
	if plain {
		for i := 0; i < complaints; i++ {
			if err := db.CreateCase(ctx, g.plainCase()); err != nil {
				return i, 0, err
			}
		}
	} else if err := g.writeCases(ctx, db, complaints); err != nil {
		return 0, 0, err
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
		if !plain && g.chance(0.4) {
			if err := g.stepEdit(ctx, db, &c); err != nil {
				return complaints, i, err
			}
			continue
		}
		orig := c
		if plain {
			g.plainEdit(&c)
		} else {
			g.fieldEdit(&c)
		}
		if err := db.Edit(ctx, app.EntityCase, c.ID, orig.Version, c.ChangedFields(&orig)); err != nil {
			return complaints, i, err
		}
	}
	return complaints, edits, nil
}

// writeCases plans n cases, then records them in the order they were
// received (so that their numbers follow the dates), each followed by its
// steps. Meanwhile the store's clock stands a few minutes after what is
// written, as if the officer had typed it in then: created_at, updated_at
// and the outbox's device times tell the story too (the hybrid logical
// clock of sync keeps the real time).
func (g *demoGen) writeCases(ctx context.Context, db *storage.DB, n int) error {
	realNow := db.Now
	defer func() { db.Now = realNow }()
	typedAt := func(t time.Time, after time.Duration) {
		at := t.Add(after)
		if at.After(g.now) {
			at = g.now
		}
		db.Now = func() time.Time { return at }
	}
	plans := make([]*casePlan, 0, n)
	for range n {
		p, err := g.plan()
		if err != nil {
			return err
		}
		plans = append(plans, p)
	}
	sort.SliceStable(plans, func(i, j int) bool { return plans[i].c.ReceivedAt.Before(plans[j].c.ReceivedAt) })
	for i, p := range plans {
		typedAt(p.c.ReceivedAt, 5*time.Minute)
		if err := db.CreateCase(ctx, p.c); err != nil {
			return fmt.Errorf("demo case %d: %w", i+1, err)
		}
		for j := range p.steps {
			e := p.steps[j].ev
			typedAt(e.At, 2*time.Minute)
			if err := db.AddCaseEvent(ctx, p.c.ID, &e); err != nil {
				return fmt.Errorf("demo case %d, step %d (%s): %w", i+1, j+1, e.Kind, err)
			}
		}
	}
	return nil
}

// A scenario is a typical matter of a sector: the product, the form of
// the transaction, its value, the issue types (seeds), who sells it, the
// facts as an officer writes them and what the consumer asks for. In the
// texts, {biz} is the business, {product} the product, {date} the day of
// the transaction and {value} its value.
type scenario struct {
	sector  string
	w       int // relative frequency
	product string
	tx      string // TransactionTypes
	min     int64  // value range, VND
	max     int64
	issues  []string
	biz     []bizForm
	facts   []string
	request string
	refusal string // what the business answers when it refuses
}

// bizForm is a kind of business (BusinessKinds) and its name, with %s for a
// trade name.
type bizForm struct {
	kind string
	name string
}

// The sector mix follows the 2025 national figures (e-commerce first), with
// more food and farm inputs for a rural Mekong province (domain.md §2.2).
var scenarios = []scenario{
	{sector: "thuong_mai_dien_tu", w: 7, product: "Quần áo thời trang đặt qua mạng xã hội", tx: "tmdt", min: 250_000, max: 1_500_000,
		issues: []string{"chat_luong_so_luong_giao_hang", "bao_hanh_doi_tra_hoan_tien"},
		biz:    []bizForm{{"nguoi_ban_tren_mxh", "Shop thời trang %s"}, {"nguoi_ban_tren_mxh", "Shop %s"}},
		facts: []string{"Ngày {date}, người tiêu dùng đặt mua quần áo của {biz} qua mạng xã hội, thanh toán {value} khi nhận hàng. Hàng nhận được không đúng mẫu, sai kích cỡ; người bán không cho đổi trả và chặn liên lạc.",
			"Người tiêu dùng đặt mua quần áo của {biz} qua livestream ngày {date} ({value}). Hàng giao thiếu, chất liệu khác với quảng cáo; người bán hứa đổi nhưng không thực hiện."},
		request: "Đề nghị người bán đổi hàng đúng mẫu hoặc hoàn lại {value}.",
		refusal: "người bán cho rằng hàng đã qua sử dụng nên không nhận đổi trả"},
	{sector: "thuong_mai_dien_tu", w: 5, product: "Điện thoại di động đặt cọc qua mạng", tx: "tmdt", min: 1_000_000, max: 8_000_000,
		issues:  []string{"lua_dao_chiem_doat", "chat_luong_so_luong_giao_hang"},
		biz:     []bizForm{{"nguoi_ban_tren_mxh", "Shop điện thoại %s"}, {"ca_nhan_khong_dkkd", "Người bán điện thoại cũ %s (không đăng ký kinh doanh)"}},
		facts:   []string{"Ngày {date}, người tiêu dùng chuyển khoản đặt cọc {value} mua điện thoại của {biz} qua mạng xã hội. Đến nay người bán không giao hàng, không hoàn tiền, đã khóa trang bán hàng."},
		request: "Đề nghị người bán hoàn trả số tiền đặt cọc {value}.",
		refusal: "người bán không thừa nhận đã nhận tiền đặt cọc"},
	{sector: "thuong_mai_dien_tu", w: 4, product: "Mỹ phẩm, nước hoa mua trên sàn thương mại điện tử", tx: "tmdt", min: 300_000, max: 2_500_000,
		issues:  []string{"hang_gia_nguon_goc", "cung_cap_thong_tin_sai"},
		biz:     []bizForm{{"san_tmdt", "Công ty Cổ phần Thương mại điện tử %s"}, {"ho_kinh_doanh", "Gian hàng mỹ phẩm %s"}},
		facts:   []string{"Ngày {date}, người tiêu dùng mua mỹ phẩm trên sàn thương mại điện tử của {biz}, giá {value}. Sản phẩm có dấu hiệu hàng giả (mã vạch không tra cứu được, bao bì khác hàng chính hãng); yêu cầu trả hàng trên ứng dụng bị từ chối."},
		request: "Đề nghị sàn hoàn tiền {value} và gỡ gian hàng bán hàng giả.",
		refusal: "sàn cho rằng đã quá thời hạn yêu cầu trả hàng trên ứng dụng"},
	{sector: "thuong_mai_dien_tu", w: 3, product: "Máy xay sinh tố mua trên sàn thương mại điện tử", tx: "tmdt", min: 400_000, max: 1_800_000,
		issues:  []string{"bao_hanh_doi_tra_hoan_tien", "tu_choi_thuong_luong"},
		biz:     []bizForm{{"san_tmdt", "Công ty TNHH Sàn giao dịch %s"}, {"ho_kinh_doanh", "Gian hàng gia dụng %s"}},
		facts:   []string{"Người tiêu dùng mua máy xay sinh tố của {biz} ngày {date} với giá {value}. Máy hỏng motor sau 10 ngày sử dụng; gian hàng và sàn không giải quyết yêu cầu bảo hành, đổi trả."},
		request: "Đề nghị đổi sản phẩm mới hoặc hoàn lại {value}.",
		refusal: "người bán cho rằng lỗi do người dùng sử dụng sai cách"},
	{sector: "dien_tu_gia_dung", w: 4, product: "Tủ lạnh 2 cửa", tx: "truc_tiep", min: 6_000_000, max: 15_000_000,
		issues:  []string{"bao_hanh_doi_tra_hoan_tien", "san_pham_khuyet_tat"},
		biz:     []bizForm{{"ho_kinh_doanh", "Cửa hàng điện máy %s"}, {"doanh_nghiep", "Công ty TNHH Điện máy %s"}},
		facts:   []string{"Ngày {date}, người tiêu dùng mua tủ lạnh tại {biz}, giá {value}, có phiếu bảo hành 24 tháng. Sau 2 tháng tủ không làm lạnh; cửa hàng hẹn nhiều lần nhưng không bảo hành, cho rằng lỗi do điện áp."},
		request: "Đề nghị cửa hàng bảo hành miễn phí hoặc đổi tủ lạnh mới theo phiếu bảo hành.",
		refusal: "cửa hàng cho rằng hư hỏng do điện áp không ổn định, không thuộc điều kiện bảo hành"},
	{sector: "dien_tu_gia_dung", w: 3, product: "Máy giặt cửa trên", tx: "truc_tiep", min: 4_500_000, max: 9_000_000,
		issues:  []string{"chat_luong_so_luong_giao_hang", "bao_hanh_doi_tra_hoan_tien"},
		biz:     []bizForm{{"ho_kinh_doanh", "Trung tâm điện lạnh %s"}, {"doanh_nghiep", "Công ty Cổ phần Thế giới Gia dụng %s"}},
		facts:   []string{"Người tiêu dùng mua máy giặt tại {biz} ngày {date} ({value}). Máy giao đến bị móp vỏ, không vắt được; cửa hàng hẹn đổi máy mới nhưng quá 3 tuần chưa thực hiện."},
		request: "Đề nghị cửa hàng đổi máy giặt mới cùng loại.",
		refusal: "cửa hàng chỉ đồng ý sửa chữa, không đồng ý đổi máy mới"},
	{sector: "dien_tu_gia_dung", w: 2, product: "Điện thoại di động (quảng cáo là hàng mới)", tx: "truc_tiep", min: 3_000_000, max: 12_000_000,
		issues:  []string{"cung_cap_thong_tin_sai", "hang_gia_nguon_goc"},
		biz:     []bizForm{{"ho_kinh_doanh", "Cửa hàng điện thoại %s"}},
		facts:   []string{"Ngày {date}, người tiêu dùng mua điện thoại tại {biz} với giá {value}, được giới thiệu là hàng mới nguyên hộp. Kiểm tra tại trung tâm bảo hành cho thấy máy đã qua sử dụng, đã thay màn hình."},
		request: "Đề nghị cửa hàng nhận lại máy và hoàn trả {value}.",
		refusal: "cửa hàng khẳng định máy bán ra là hàng mới"},
	{sector: "vien_thong_internet", w: 5, product: "Dịch vụ giá trị gia tăng trên thuê bao di động", tx: "dich_vu_lien_tuc", min: 30_000, max: 300_000,
		issues:  []string{"giao_ket_hop_dong", "thong_tin_ca_nhan"},
		biz:     []bizForm{{"doanh_nghiep", "Chi nhánh Công ty Cổ phần Viễn thông %s"}, {"ho_kinh_doanh", "Đại lý viễn thông %s"}},
		facts:   []string{"Từ ngày {date}, thuê bao di động của người tiêu dùng bị trừ tổng cộng {value} cho các dịch vụ giá trị gia tăng mà người tiêu dùng không đăng ký; gọi tổng đài nhiều lần nhưng chưa được giải quyết."},
		request: "Đề nghị hủy các dịch vụ không đăng ký và hoàn lại {value} đã bị trừ.",
		refusal: "nhà mạng cho rằng thuê bao đã xác nhận đăng ký qua tin nhắn"},
	{sector: "vien_thong_internet", w: 3, product: "Dịch vụ internet cáp quang", tx: "dich_vu_lien_tuc", min: 165_000, max: 600_000,
		issues:  []string{"giao_ket_hop_dong", "chat_luong_so_luong_giao_hang"},
		biz:     []bizForm{{"doanh_nghiep", "Công ty TNHH Viễn thông %s"}},
		facts:   []string{"Đường truyền internet của gia đình người tiêu dùng mất kết nối thường xuyên từ ngày {date}; nhà cung cấp vẫn thu đủ cước ({value}) và đòi phí chấm dứt hợp đồng trước hạn."},
		request: "Đề nghị khắc phục đường truyền, giảm cước những ngày mất kết nối và miễn phí chấm dứt hợp đồng.",
		refusal: "nhà cung cấp cho rằng sự cố do thiết bị của khách hàng"},
	{sector: "tai_chinh_ngan_hang_bao_hiem", w: 4, product: "Hợp đồng bảo hiểm nhân thọ kèm khoản vay", tx: "truc_tiep", min: 2_000_000, max: 15_000_000,
		issues:  []string{"giao_ket_hop_dong", "cung_cap_thong_tin_sai"},
		biz:     []bizForm{{"doanh_nghiep", "Công ty TNHH Bảo hiểm Nhân thọ %s"}, {"ho_kinh_doanh", "Đại lý bảo hiểm %s"}},
		facts:   []string{"Ngày {date}, khi vay vốn, người tiêu dùng được tư vấn mua kèm hợp đồng bảo hiểm nhân thọ với phí năm đầu {value}, không được giải thích rõ quyền lợi và điều kiện hủy hợp đồng; nay muốn hủy nhưng bị từ chối hoàn phí."},
		request: "Đề nghị hủy hợp đồng bảo hiểm và hoàn lại phí đã đóng {value}.",
		refusal: "doanh nghiệp cho rằng đã quá thời gian cân nhắc 21 ngày"},
	{sector: "tai_chinh_ngan_hang_bao_hiem", w: 3, product: "Khoản vay tiêu dùng", tx: "giao_dich_tu_xa", min: 5_000_000, max: 30_000_000,
		issues:  []string{"thong_tin_ca_nhan"},
		biz:     []bizForm{{"doanh_nghiep", "Công ty Tài chính TNHH %s"}},
		facts:   []string{"Người tiêu dùng vay tiêu dùng {value} của {biz} từ ngày {date}, chậm trả 2 kỳ. Nhân viên thu hồi nợ gọi điện, nhắn tin đe dọa người thân, đồng nghiệp của người tiêu dùng."},
		request: "Đề nghị công ty chấm dứt việc gọi điện, nhắn tin cho người thân, đồng nghiệp và cung cấp lịch trả nợ cụ thể.",
		refusal: "công ty cho rằng việc liên hệ người thân là theo thông tin khách hàng đã cung cấp"},
	{sector: "thuc_pham_do_uong", w: 4, product: "Sữa hộp cho trẻ em", tx: "truc_tiep", min: 100_000, max: 600_000,
		issues:  []string{"chat_luong_so_luong_giao_hang", "hang_gia_nguon_goc"},
		biz:     []bizForm{{"ho_kinh_doanh", "Cửa hàng tạp hóa %s"}, {"ho_kinh_doanh", "Cửa hàng mẹ và bé %s"}},
		facts:   []string{"Ngày {date}, người tiêu dùng mua sữa hộp tại {biz} ({value}); về nhà phát hiện sữa đã hết hạn sử dụng, trẻ bị đau bụng sau khi uống."},
		request: "Đề nghị cửa hàng hoàn tiền, bồi thường chi phí khám bệnh và ngừng bán hàng hết hạn.",
		refusal: "cửa hàng cho rằng không có căn cứ sữa được mua tại cửa hàng"},
	{sector: "thuc_pham_do_uong", w: 3, product: "Bánh kẹo, thực phẩm đóng gói nhập khẩu", tx: "truc_tiep", min: 80_000, max: 500_000,
		issues:  []string{"hang_gia_nguon_goc"},
		biz:     []bizForm{{"ho_kinh_doanh", "Cửa hàng tạp hóa %s"}, {"ca_nhan_khong_dkkd", "Tiểu thương tại chợ %s"}},
		facts:   []string{"Người tiêu dùng mua thực phẩm đóng gói tại {biz} ngày {date} ({value}); sản phẩm không có nhãn phụ tiếng Việt, không rõ nguồn gốc, xuất xứ."},
		request: "Đề nghị kiểm tra nguồn gốc hàng hóa và hoàn tiền {value}.",
		refusal: "người bán cho rằng hàng nhập từ đại lý có hóa đơn"},
	{sector: "thuc_pham_do_uong", w: 3, product: "Suất ăn tiệc cưới", tx: "truc_tiep", min: 5_000_000, max: 40_000_000,
		issues:  []string{"chat_luong_so_luong_giao_hang", "giao_ket_hop_dong"},
		biz:     []bizForm{{"ho_kinh_doanh", "Nhà hàng tiệc cưới %s"}, {"doanh_nghiep", "Công ty TNHH Dịch vụ Ẩm thực %s"}},
		facts:   []string{"Gia đình người tiêu dùng đặt tiệc cưới tại {biz} ngày {date}, giá trị hợp đồng {value}. Nhà hàng phục vụ thiếu món, thay món so với thực đơn đã ký, một số khách bị đau bụng sau tiệc."},
		request: "Đề nghị nhà hàng giảm trừ giá trị hợp đồng tương ứng phần thiếu món và xin lỗi gia đình.",
		refusal: "nhà hàng cho rằng đã thông báo thay món và được gia đình đồng ý"},
	{sector: "thuc_pham_do_uong", w: 2, product: "Nước uống đóng bình 20 lít", tx: "truc_tiep", min: 50_000, max: 300_000,
		issues:  []string{"chat_luong_so_luong_giao_hang"},
		biz:     []bizForm{{"ho_kinh_doanh", "Cơ sở nước uống đóng bình %s"}},
		facts:   []string{"Người tiêu dùng mua nước uống đóng bình của {biz} từ ngày {date} ({value}); nước có cặn, mùi lạ, bình không có tem niêm phong."},
		request: "Đề nghị cơ sở thu hồi các bình nước không bảo đảm, hoàn tiền và cung cấp kết quả kiểm nghiệm nước.",
		refusal: "cơ sở cho rằng bình nước bị bảo quản sai cách"},
	{sector: "nong_san_vat_tu_nong_nghiep", w: 5, product: "Phân bón NPK", tx: "truc_tiep", min: 2_000_000, max: 20_000_000,
		issues:  []string{"chat_luong_so_luong_giao_hang", "cung_cap_thong_tin_sai"},
		biz:     []bizForm{{"ho_kinh_doanh", "Đại lý vật tư nông nghiệp %s"}, {"ho_kinh_doanh", "Cửa hàng phân bón %s"}},
		facts:   []string{"Ngày {date}, người tiêu dùng mua phân bón NPK tại {biz} ({value}) theo quảng cáo tăng năng suất. Sau khi bón, lúa không phát triển, vàng lá; nghi phân bón kém chất lượng."},
		request: "Đề nghị đại lý cung cấp kết quả kiểm nghiệm lô phân bón, hoàn tiền và bồi thường thiệt hại mùa vụ.",
		refusal: "đại lý cho rằng lúa kém do thời tiết và cách bón"},
	{sector: "nong_san_vat_tu_nong_nghiep", w: 3, product: "Lúa giống", tx: "truc_tiep", min: 1_500_000, max: 10_000_000,
		issues:  []string{"chat_luong_so_luong_giao_hang", "san_pham_khuyet_tat"},
		biz:     []bizForm{{"to_chuc_khac", "Hợp tác xã nông nghiệp %s"}, {"ho_kinh_doanh", "Cửa hàng giống cây trồng %s"}},
		facts:   []string{"Người tiêu dùng mua lúa giống của {biz} ngày {date} ({value}); lúa nảy mầm kém, lẫn tạp nhiều, ruộng phải gieo dặm lại."},
		request: "Đề nghị bồi thường tiền giống và chi phí gieo dặm.",
		refusal: "bên bán cho rằng giống đạt tỷ lệ nảy mầm theo tiêu chuẩn"},
	{sector: "nong_san_vat_tu_nong_nghiep", w: 2, product: "Thuốc bảo vệ thực vật", tx: "truc_tiep", min: 500_000, max: 5_000_000,
		issues:  []string{"hang_gia_nguon_goc"},
		biz:     []bizForm{{"ca_nhan_khong_dkkd", "Người bán thuốc bảo vệ thực vật lưu động %s"}, {"ho_kinh_doanh", "Đại lý vật tư nông nghiệp %s"}},
		facts:   []string{"Ngày {date}, người tiêu dùng mua thuốc bảo vệ thực vật của {biz} ({value}); thuốc phun không có tác dụng, bao bì in sai tên nhà sản xuất, nghi thuốc giả."},
		request: "Đề nghị kiểm tra, xử lý việc bán thuốc giả và hoàn tiền {value}.",
		refusal: "người bán không thừa nhận đã bán lô thuốc này"},
	{sector: "ban_hang_luu_dong", w: 4, product: "Bộ nồi inox và máy massage bán tại hội thảo", tx: "ban_hang_khong_tai_dia_diem_thuong_xuyen", min: 3_000_000, max: 18_000_000,
		issues:  []string{"cung_cap_thong_tin_sai", "gia_ca"},
		biz:     []bizForm{{"ca_nhan_khong_dkkd", "Nhóm bán hàng lưu động %s"}, {"doanh_nghiep", "Công ty TNHH Thương mại Dịch vụ %s"}},
		facts:   []string{"Ngày {date}, {biz} tổ chức hội thảo tặng quà cho người cao tuổi tại nhà văn hóa ấp, giới thiệu công dụng chữa bệnh của sản phẩm và thuyết phục mua bộ nồi, máy massage với giá {value}, cao gấp nhiều lần giá thị trường."},
		request: "Đề nghị được trả lại hàng và nhận lại {value} (hợp đồng giao kết ngoài địa điểm kinh doanh).",
		refusal: "bên bán cho rằng người tiêu dùng đã tự nguyện ký hợp đồng"},
	{sector: "ban_hang_luu_dong", w: 2, product: "Máy lọc nước bán tận nhà", tx: "ban_hang_tan_cua", min: 4_000_000, max: 12_000_000,
		issues:  []string{"giao_ket_hop_dong", "cung_cap_thong_tin_sai"},
		biz:     []bizForm{{"doanh_nghiep", "Công ty TNHH Thiết bị Gia dụng %s"}},
		facts:   []string{"Ngày {date}, nhân viên của {biz} đến nhà giới thiệu và lắp máy lọc nước, thu {value}; hợp đồng không ghi quyền hủy trong thời hạn cân nhắc, máy hoạt động không như quảng cáo."},
		request: "Đề nghị hủy hợp đồng, nhận lại máy và hoàn trả {value}.",
		refusal: "công ty cho rằng đã hết thời hạn hủy hợp đồng"},
	{sector: "y_te_duoc_my_pham", w: 3, product: "Dịch vụ chăm sóc da tại cơ sở thẩm mỹ", tx: "truc_tiep", min: 2_000_000, max: 15_000_000,
		issues:  []string{"cung_cap_thong_tin_sai", "chat_luong_so_luong_giao_hang"},
		biz:     []bizForm{{"ho_kinh_doanh", "Cơ sở thẩm mỹ %s"}},
		facts:   []string{"Người tiêu dùng mua gói chăm sóc da tại {biz} ngày {date} ({value}); sau 3 buổi da bị kích ứng, nổi mẩn đỏ; cơ sở từ chối hoàn phí các buổi chưa sử dụng."},
		request: "Đề nghị hoàn phí các buổi chưa sử dụng và hỗ trợ chi phí điều trị.",
		refusal: "cơ sở cho rằng da bị kích ứng do cơ địa của khách hàng"},
	{sector: "y_te_duoc_my_pham", w: 2, product: "Thực phẩm bảo vệ sức khỏe", tx: "giao_dich_tu_xa", min: 800_000, max: 6_000_000,
		issues:  []string{"cung_cap_thong_tin_sai", "hang_gia_nguon_goc"},
		biz:     []bizForm{{"doanh_nghiep", "Công ty Cổ phần Dược phẩm %s"}, {"nguoi_ban_tren_mxh", "Trang bán hàng “Sức khỏe vàng %s”"}},
		facts:   []string{"Người tiêu dùng được gọi điện tư vấn và mua thực phẩm bảo vệ sức khỏe của {biz} ngày {date} ({value}), quảng cáo chữa khỏi bệnh xương khớp; sản phẩm không có tác dụng như quảng cáo."},
		request: "Đề nghị trả lại sản phẩm chưa sử dụng và hoàn tiền {value}.",
		refusal: "bên bán cho rằng sản phẩm đã mở hộp nên không nhận lại"},
	{sector: "nang_luong_tien_ich", w: 2, product: "Bình gas 12 kg", tx: "truc_tiep", min: 400_000, max: 550_000,
		issues:  []string{"gia_ca", "chat_luong_so_luong_giao_hang"},
		biz:     []bizForm{{"ho_kinh_doanh", "Đại lý gas %s"}},
		facts:   []string{"Ngày {date}, người tiêu dùng mua bình gas tại {biz} giá {value}, cao hơn giá niêm yết; bình gas hết sớm bất thường, cân lại thiếu khoảng 2 kg."},
		request: "Đề nghị đại lý đổi bình gas đủ trọng lượng và niêm yết giá đúng quy định.",
		refusal: "đại lý cho rằng bình gas được chiết nạp đủ tại trạm"},
	{sector: "nang_luong_tien_ich", w: 2, product: "Dịch vụ cấp nước sinh hoạt", tx: "dich_vu_lien_tuc", min: 150_000, max: 1_200_000,
		issues:  []string{"giao_ket_hop_dong", "gia_ca"},
		biz:     []bizForm{{"doanh_nghiep", "Công ty Cổ phần Cấp nước %s"}},
		facts:   []string{"Hóa đơn tiền nước tháng {date} của gia đình người tiêu dùng là {value}, tăng gấp 4 lần bình thường dù sinh hoạt không thay đổi; nghi đồng hồ nước hư."},
		request: "Đề nghị kiểm định đồng hồ nước và tính lại tiền nước.",
		refusal: "công ty cho rằng đồng hồ nước hoạt động bình thường"},
	{sector: "hang_tieu_dung_thuong_ngay", w: 2, product: "Nước giặt, bột giặt", tx: "truc_tiep", min: 100_000, max: 400_000,
		issues:  []string{"hang_gia_nguon_goc"},
		biz:     []bizForm{{"ho_kinh_doanh", "Cửa hàng tạp hóa %s"}},
		facts:   []string{"Người tiêu dùng mua nước giặt tại {biz} ngày {date} ({value}); sản phẩm loãng, mùi lạ, bao bì in mờ, nghi hàng giả nhãn hiệu."},
		request: "Đề nghị kiểm tra nguồn gốc hàng hóa và hoàn tiền {value}.",
		refusal: "cửa hàng cho rằng hàng nhập từ nhà phân phối"},
	{sector: "hang_tieu_dung_thuong_ngay", w: 2, product: "Thịt, cá mua tại chợ (cân thiếu)", tx: "truc_tiep", min: 50_000, max: 300_000,
		issues:  []string{"gia_ca", "chat_luong_so_luong_giao_hang"},
		biz:     []bizForm{{"ca_nhan_khong_dkkd", "Tiểu thương tại chợ %s"}},
		facts:   []string{"Ngày {date}, người tiêu dùng mua thực phẩm tại chợ của {biz} ({value}); cân lại tại cân đối chứng của chợ thấy thiếu khoảng 20%."},
		request: "Đề nghị Ban quản lý chợ kiểm tra cân và xử lý việc cân thiếu.",
		refusal: "người bán cho rằng cân đối chứng không chính xác"},
	{sector: "du_lich_nghi_duong", w: 2, product: "Tour du lịch Phú Quốc 3 ngày 2 đêm", tx: "giao_dich_tu_xa", min: 3_000_000, max: 12_000_000,
		issues:  []string{"giao_ket_hop_dong", "cung_cap_thong_tin_sai"},
		biz:     []bizForm{{"doanh_nghiep", "Công ty TNHH Du lịch %s"}},
		facts:   []string{"Người tiêu dùng đặt tour của {biz} qua điện thoại, chuyển khoản {value} ngày {date}. Công ty hủy tour sát ngày khởi hành, chỉ đồng ý hoàn 50% số tiền."},
		request: "Đề nghị hoàn lại toàn bộ {value}.",
		refusal: "công ty cho rằng tour bị hủy do không đủ khách theo điều kiện hợp đồng"},
	{sector: "van_tai_hang_khong", w: 2, product: "Dịch vụ giao hàng", tx: "giao_dich_tu_xa", min: 200_000, max: 3_000_000,
		issues:  []string{"chat_luong_so_luong_giao_hang", "tu_choi_thuong_luong"},
		biz:     []bizForm{{"doanh_nghiep", "Công ty Cổ phần Giao nhận %s"}},
		facts:   []string{"Ngày {date}, người tiêu dùng gửi hàng qua {biz}, giá trị hàng {value}. Gói hàng bị thất lạc; công ty chỉ đồng ý bồi thường gấp 4 lần cước phí."},
		request: "Đề nghị bồi thường theo giá trị hàng hóa đã khai báo {value}.",
		refusal: "công ty cho rằng người gửi không mua bảo hiểm hàng hóa"},
	{sector: "phuong_tien_giao_thong", w: 2, product: "Xe máy điện", tx: "truc_tiep", min: 12_000_000, max: 25_000_000,
		issues:  []string{"bao_hanh_doi_tra_hoan_tien", "san_pham_khuyet_tat"},
		biz:     []bizForm{{"ho_kinh_doanh", "Cửa hàng xe điện %s"}},
		facts:   []string{"Người tiêu dùng mua xe máy điện tại {biz} ngày {date} ({value}); sau 1 tháng ắc quy phồng, xe không chạy được; cửa hàng từ chối bảo hành ắc quy."},
		request: "Đề nghị cửa hàng thay ắc quy mới theo chế độ bảo hành.",
		refusal: "cửa hàng cho rằng ắc quy hư do sạc sai cách"},
	{sector: "giao_duc_dao_tao", w: 1, product: "Khóa học tiếng Anh cho trẻ em", tx: "truc_tiep", min: 3_000_000, max: 12_000_000,
		issues:  []string{"giao_ket_hop_dong"},
		biz:     []bizForm{{"doanh_nghiep", "Trung tâm Anh ngữ %s"}},
		facts:   []string{"Ngày {date}, người tiêu dùng đóng học phí {value} cho khóa học tiếng Anh của con tại {biz}; trung tâm đổi giáo viên, giảm số buổi học và không hoàn học phí khi người tiêu dùng xin nghỉ."},
		request: "Đề nghị hoàn học phí các buổi chưa học.",
		refusal: "trung tâm cho rằng hợp đồng không có điều khoản hoàn học phí"},
	{sector: "thoi_trang_trang_suc_noi_that", w: 1, product: "Nhẫn vàng 18K", tx: "truc_tiep", min: 3_000_000, max: 10_000_000,
		issues:  []string{"chat_luong_so_luong_giao_hang", "cung_cap_thong_tin_sai"},
		biz:     []bizForm{{"ho_kinh_doanh", "Tiệm vàng %s"}},
		facts:   []string{"Người tiêu dùng mua nhẫn vàng 18K tại {biz} ngày {date} ({value}); khi bán lại, tiệm khác kiểm tra tuổi vàng thấp hơn ghi trên hóa đơn."},
		request: "Đề nghị tiệm vàng kiểm định lại và hoàn trả phần chênh lệch.",
		refusal: "tiệm vàng cho rằng kết quả kiểm tra của nơi khác không có giá trị"},
	{sector: "bat_dong_san", w: 1, product: "Đặt cọc mua đất nền", tx: "truc_tiep", min: 50_000_000, max: 200_000_000,
		issues:  []string{"giao_ket_hop_dong", "cung_cap_thong_tin_sai"},
		biz:     []bizForm{{"doanh_nghiep", "Công ty Cổ phần Địa ốc %s"}},
		facts:   []string{"Ngày {date}, người tiêu dùng đặt cọc {value} mua đất nền dự án của {biz}; dự án chưa được phép mở bán, công ty chậm ký hợp đồng và không hoàn cọc."},
		request: "Đề nghị hoàn trả tiền đặt cọc {value}.",
		refusal: "công ty cho rằng người tiêu dùng tự ý hủy đặt cọc nên mất cọc"},
	{sector: "ban_hang_da_cap", w: 1, product: "Sản phẩm chăm sóc sức khỏe bán theo phương thức đa cấp", tx: "ban_hang_da_cap", min: 5_000_000, max: 30_000_000,
		issues:  []string{"cung_cap_thong_tin_sai", "giao_ket_hop_dong"},
		biz:     []bizForm{{"doanh_nghiep", "Công ty TNHH MTV Thương mại %s"}},
		facts:   []string{"Người tiêu dùng được rủ tham gia mạng lưới bán hàng của {biz} và mua sản phẩm trị giá {value} ngày {date}; muốn chấm dứt hợp đồng, trả lại hàng nhưng công ty không mua lại."},
		request: "Đề nghị công ty mua lại hàng hóa theo quy định về bán hàng đa cấp.",
		refusal: "công ty cho rằng hàng đã mở bao bì"},
	{sector: "khac", w: 2, product: "Dịch vụ sửa chữa nhà", tx: "truc_tiep", min: 2_000_000, max: 20_000_000,
		issues:  []string{"giao_ket_hop_dong", "chat_luong_so_luong_giao_hang"},
		biz:     []bizForm{{"ca_nhan_khong_dkkd", "Tổ thợ xây %s"}, {"ho_kinh_doanh", "Cơ sở nhôm kính %s"}},
		facts:   []string{"Ngày {date}, người tiêu dùng thuê {biz} sửa mái nhà, đã trả {value}; sau cơn mưa đầu tiên mái vẫn dột, bên thi công hẹn sửa nhưng không đến."},
		request: "Đề nghị sửa chữa lại miễn phí hoặc hoàn trả một phần tiền công.",
		refusal: "bên thi công cho rằng dột do vật liệu người tiêu dùng tự mua"},
}

var (
	// Trade names of companies (common words, no real firm).
	companyNames = []string{"Phương Nam", "Mekong Xanh", "Sen Hồng", "Cửu Long", "Thành Công", "Nam Việt", "An Phát", "Tân Hưng", "Hòa Bình", "Sông Tiền", "Bình An", "Đất Sen"}
	// Fictional e-commerce platforms.
	platforms = []string{"Chợ Sen", "Mua Nhanh", "Phố Chợ Việt"}
	// Cities of companies based outside the province.
	otherCities   = []string{"TP. Hồ Chí Minh", "TP. Cần Thơ", "Hà Nội"}
	relations     = []string{"Con ruột (được ủy quyền)", "Người giám hộ", "Con ruột (được ủy quyền)", "Cháu ruột (được ủy quyền)"}
	minorityNames = []string{"Khmer", "Hoa", "Chăm"}
	docsMissing   = []string{"hóa đơn, chứng từ mua hàng", "ảnh chụp tin nhắn trao đổi với người bán", "địa chỉ, số điện thoại của người bán",
		"bản sao hợp đồng", "bản sao phiếu bảo hành"}
)

// The fates of a case: where its timeline stands today.
const (
	fateSuccess     = "success"     // resolved and closed, demand met in full or in part
	fateFailed      = "failed"      // negotiation or mediation failed, advised court or arbitration, closed
	fateRefused     = "refused"     // the business refused, closed
	fateReferClosed = "referclosed" // referred, answered, closed
	fateUnreachable = "unreachable" // documents never came, closed
	fateReferred    = "referred"    // referred, waiting on the agency
	fateRejected    = "rejected"
	fateWithdrawn   = "withdrawn"
	fateResolved    = "resolved" // resolved, not yet closed
)

// nonAdviceFates: about 40% closed with an outcome, 10% referred, a few
// rejected or withdrawn, the rest open in every status.
var nonAdviceFates = []weight{
	{fateSuccess, 23}, {fateFailed, 5}, {fateRefused, 3}, {fateReferClosed, 5}, {fateUnreachable, 2},
	{fateReferred, 10}, {fateRejected, 4}, {fateWithdrawn, 4}, {fateResolved, 5},
	{app.StatusReceived, 7}, {app.StatusNeedsDocs, 4}, {app.StatusAccepted, 6}, {app.StatusInProgress, 7},
	{app.StatusAwaitBusiness, 7}, {app.StatusNegotiating, 5}, {app.StatusMediating, 3},
}

var rejectionWeights = []weight{
	{"thieu_thong_tin_bang_chung", 40}, {"ngoai_tham_quyen_pham_vi", 25}, {"da_duoc_giai_quyet", 15},
	{"khong_phai_ntd_hoac_dai_dien", 12}, {"cam_thuong_luong_hoa_giai", 8},
}

// casePlan is a case and its steps, before they are written.
type casePlan struct {
	c       *app.Case
	sc      *scenario
	steps   []step
	status  string // the status the steps lead to
	method  string // the resolution method, once the case is accepted
	wd      int    // working days after reception of the last step
	err     error
	age     int    // the consumer's age when the case was received; -1: unknown
	ageForm string // how the age is recorded: "birth" (date of birth), "band", "" (not at all)
	female  bool
}

// step is an event of a plan, wd working days after reception.
type step struct {
	ev app.CaseEvent
	wd int
}

// add appends a step gap working days (lo to hi) after the last one, if
// the workflow allows it from the current status.
func (p *casePlan) add(g *demoGen, e app.CaseEvent, lo, hi int) {
	if p.err != nil {
		return
	}
	to, err := app.NextStatus(p.status, e.Kind)
	if err != nil {
		p.err = fmt.Errorf("demo: step %s from %s: %w", e.Kind, p.status, err)
		return
	}
	p.wd += g.between(lo, hi)
	p.steps = append(p.steps, step{ev: e, wd: p.wd})
	p.status = to
	// Now and then the officer notes a call or a visit.
	if p.c.Kind != "tu_van" && e.Kind != app.EventNote && e.Kind != app.EventClosed && g.chance(0.06) {
		p.add(g, g.evNote(p.c), 0, 2)
	}
}

func (p *casePlan) has(kind string) bool {
	for _, s := range p.steps {
		if s.ev.Kind == kind {
			return true
		}
	}
	return false
}

// plan makes one case, its steps, and places them in time.
func (g *demoGen) plan() (*casePlan, error) {
	p := g.caseContent()
	c := p.c
	open := false // the case waits today in its last status
	wait := 0     // working days since the last step, for an open case
	if c.Kind == "tu_van" {
		switch f := g.r.IntN(100); {
		case f < 85:
			g.routeAdvice(p, true)
		case f < 92:
			g.routeAdvice(p, false)
			open, wait = true, g.between(0, 3)
		default:
			if g.chance(0.5) {
				p.add(g, g.evAck(c), 0, 0)
			}
			open, wait = true, g.between(0, 2)
		}
	} else {
		fate := g.fates.deal(g.r)
		g.route(p, fate)
		switch fate {
		case fateSuccess, fateFailed, fateRefused, fateReferClosed, fateUnreachable, fateRejected, fateWithdrawn:
		case fateReferred:
			// Referred at intake: nothing runs any more; after acceptance,
			// the overall time limit still does, so those are recent.
			if p.has(app.EventAccepted) || p.has(app.EventDocsReceived) {
				open, wait = true, g.openWait()
			}
		default:
			open, wait = true, g.openWait()
		}
	}
	if p.err != nil {
		return nil, p.err
	}
	g.place(p, open, wait)
	g.caseDetails(p)
	g.schedule(p)
	g.methodAndOfficer(p)
	return p, nil
}

// openWait is how many working days an open case has waited since its last
// step: mostly a few, now and then long enough to be overdue.
func (g *demoGen) openWait() int {
	switch f := g.r.IntN(100); {
	case f < 70:
		return g.between(0, 3)
	case f < 94:
		return g.between(4, 9)
	default:
		return g.between(10, 30)
	}
}

// routeAdvice: a question answered at once (received → resolved
// [tu_van_xong] → closed).
func (g *demoGen) routeAdvice(p *casePlan, close bool) {
	c := p.c
	if g.chance(0.15) {
		p.add(g, g.evAck(c), 0, 0)
	}
	if g.chance(0.1) {
		p.add(g, g.evAdvised(c), 0, 1)
	}
	p.add(g, g.evResolved(c, "tu_van_xong", 0), 0, 1)
	p.method = "tu_van_huong_dan"
	if close {
		p.add(g, g.evClosed(c, "tu_van_xong", 0), 0, 2)
	}
}

// intake: acknowledged, perhaps documents requested and received, then
// accepted.
func (g *demoGen) intake(p *casePlan, docs bool) {
	c := p.c
	if g.chance(0.8) {
		p.add(g, g.evAck(c), 0, 1)
	}
	if docs && g.chance(0.2) {
		missing := pick(g.r, docsMissing)
		p.add(g, g.evDocsRequested(c, missing), 0, 2)
		p.add(g, g.evDocsReceived(c, missing), 1, 5)
		return
	}
	p.add(g, g.evAccepted(c), 0, 3)
}

// route builds the steps of a non-advice case to its fate.
func (g *demoGen) route(p *casePlan, fate string) {
	c := p.c
	switch fate {
	case fateSuccess, fateResolved:
		g.intake(p, true)
		outcome, amount := g.success(c)
		switch {
		case c.Kind == "yeu_cau_xu_ly_vi_pham" || c.Kind == "kien_nghi":
			// Handled by the commune itself: an inspection, a sanction.
			p.method = "xu_ly_hanh_chinh"
			if c.Kind == "kien_nghi" {
				p.method = "tu_van_huong_dan"
			}
			p.add(g, g.evProcessing(c), 0, 2)
			p.add(g, g.evInspection(c), 1, 5)
			outcome, amount = "thanh_cong_toan_bo", 0
		case g.chance(0.45):
			g.direct(p)
		case g.chance(0.65):
			g.negotiation(p, true, outcome, amount)
		default:
			g.mediation(p, true, outcome, amount)
		}
		p.add(g, g.evResolved(c, outcome, amount), 1, 8)
		if fate == fateSuccess {
			p.add(g, g.evClosed(c, outcome, amount), 0, 5)
		}
	case fateFailed:
		g.intake(p, true)
		if g.chance(0.6) {
			g.negotiation(p, false, "", 0)
		} else {
			g.mediation(p, false, "", 0)
		}
		p.add(g, g.evAdvised(c), 0, 2)
		p.add(g, g.evClosed(c, "khong_thanh", 0), 0, 5)
	case fateRefused:
		g.intake(p, true)
		p.method = "thuong_luong_truc_tiep"
		p.add(g, g.evBizContacted(c), 0, 2)
		p.add(g, g.evBizRefused(c), 3, 8)
		p.add(g, g.evAdvised(c), 0, 2)
		p.add(g, g.evClosed(c, "doanh_nghiep_tu_choi", 0), 0, 5)
	case fateReferClosed:
		agency := g.agencyFor(c)
		if g.chance(0.5) {
			g.intake(p, false)
		} else if g.chance(0.7) {
			p.add(g, g.evAck(c), 0, 1)
		}
		p.method = "chuyen_co_quan_khac"
		p.add(g, g.evReferred(c, agency), 1, 5)
		p.add(g, g.evReferralResponse(c, agency), 5, 20)
		if g.chance(0.25) {
			outcome, amount := g.success(c)
			p.add(g, g.evResolved(c, outcome, amount), 0, 5)
			p.add(g, g.evClosed(c, outcome, amount), 0, 3)
		} else {
			p.add(g, g.evClosed(c, "chuyen_co_quan_khac_xu_ly", 0), 0, 5)
		}
	case fateUnreachable:
		if g.chance(0.6) {
			p.add(g, g.evAck(c), 0, 1)
		}
		p.add(g, g.evDocsRequested(c, pick(g.r, docsMissing)), 0, 2)
		p.add(g, g.evUnreachableNote(c), 3, 5)
		p.add(g, g.evClosed(c, "khong_lien_lac_duoc", 0), 3, 8)
	case fateReferred:
		agency := g.agencyFor(c)
		if g.chance(0.3) {
			g.intake(p, false)
		} else if g.chance(0.8) {
			p.add(g, g.evAck(c), 0, 1)
		}
		p.method = "chuyen_co_quan_khac"
		p.add(g, g.evReferred(c, agency), 1, 5)
		if g.chance(0.4) {
			p.add(g, g.evReferralResponse(c, agency), 5, 20)
		}
	case fateRejected:
		reason := weighted(g.r, rejectionWeights)
		if g.chance(0.7) {
			p.add(g, g.evAck(c), 0, 1)
		}
		if reason == "thieu_thong_tin_bang_chung" && g.chance(0.5) {
			p.add(g, g.evDocsRequested(c, pick(g.r, docsMissing)), 0, 2)
			p.add(g, g.evRejected(c, reason), 5, 8)
		} else {
			p.add(g, g.evRejected(c, reason), 1, 5)
		}
		if g.chance(0.3) {
			p.add(g, g.evClosed(c, "khong_du_dieu_kien", 0), 0, 5)
		}
	case fateWithdrawn:
		g.intake(p, true)
		if g.chance(0.5) {
			p.method = "thuong_luong_truc_tiep"
			p.add(g, g.evBizContacted(c), 0, 2)
		}
		p.add(g, g.evWithdrawn(c), 1, 8)
		if g.chance(0.4) {
			p.add(g, g.evClosed(c, "nguoi_tieu_dung_rut", 0), 0, 3)
		}
	case app.StatusReceived:
		if g.chance(0.6) {
			p.add(g, g.evAck(c), 0, 1)
		}
	case app.StatusNeedsDocs:
		if g.chance(0.7) {
			p.add(g, g.evAck(c), 0, 1)
		}
		p.add(g, g.evDocsRequested(c, pick(g.r, docsMissing)), 0, 2)
	case app.StatusAccepted:
		g.intake(p, true)
	case app.StatusInProgress:
		g.intake(p, true)
		p.add(g, g.evProcessing(c), 0, 2)
		if g.chance(0.4) {
			p.method = "thuong_luong_truc_tiep"
			p.add(g, g.evBizContacted(c), 0, 2)
			p.add(g, g.evBizResponded(c), 1, 6)
		}
	case app.StatusAwaitBusiness:
		g.intake(p, true)
		if g.chance(0.3) {
			p.add(g, g.evProcessing(c), 0, 2)
		}
		p.method = "thuong_luong_truc_tiep"
		p.add(g, g.evBizContacted(c), 0, 2)
	case app.StatusNegotiating:
		g.intake(p, true)
		p.method = "ho_tro_thuong_luong"
		p.add(g, g.evBizContacted(c), 0, 2)
		if g.chance(0.5) {
			p.add(g, g.evBizResponded(c), 1, 6)
		}
		p.add(g, g.evNegotiationStart(c), 1, 5)
	case app.StatusMediating:
		g.intake(p, true)
		p.method = "hoa_giai"
		p.add(g, g.evProcessing(c), 0, 2)
		p.add(g, g.evMediationStart(c), 1, 6)
	default:
		p.err = fmt.Errorf("demo: unknown fate %q", fate)
	}
}

// success draws the outcome of a case that ends well and the amount the
// consumer gets back.
func (g *demoGen) success(c *app.Case) (string, int64) {
	claim := c.DamageClaimed
	if claim == 0 {
		claim = c.TransactionValue
	}
	if g.chance(0.65) {
		return "thanh_cong_toan_bo", claim
	}
	return "thanh_cong_mot_phan", roundVND(claim * int64(g.between(30, 80)) / 100)
}

// direct: the officer contacts the business, which answers and settles.
func (g *demoGen) direct(p *casePlan) {
	c := p.c
	p.method = "thuong_luong_truc_tiep"
	if g.chance(0.5) {
		p.add(g, g.evProcessing(c), 0, 2)
	}
	p.add(g, g.evBizContacted(c), 0, 2)
	p.add(g, g.evBizResponded(c), 1, 6)
}

// negotiation: the commune supports a negotiation (Đ.56–60) and records it.
func (g *demoGen) negotiation(p *casePlan, agreed bool, outcome string, amount int64) {
	c := p.c
	p.method = "ho_tro_thuong_luong"
	p.add(g, g.evBizContacted(c), 0, 2)
	if g.chance(0.6) {
		p.add(g, g.evBizResponded(c), 1, 6)
		p.add(g, g.evNegotiationStart(c), 1, 5)
	} else {
		p.add(g, g.evNegotiationStart(c), 2, 7)
	}
	p.add(g, g.evNegotiationResult(c, agreed, outcome, amount), 0, 5)
}

// mediation: a mediation (Đ.61–66), recorded.
func (g *demoGen) mediation(p *casePlan, agreed bool, outcome string, amount int64) {
	c := p.c
	p.method = "hoa_giai"
	p.add(g, g.evProcessing(c), 0, 2)
	if g.chance(0.4) {
		p.add(g, g.evBizContacted(c), 0, 2)
		p.add(g, g.evBizResponded(c), 1, 6)
	}
	p.add(g, g.evMediationStart(c), 1, 6)
	p.add(g, g.evMediationResult(c, agreed, outcome, amount), 3, 10)
}

// caseContent draws what a case is about, without its dates: kind,
// channel, requester, consumer, business, the scenario and amounts.
func (g *demoGen) caseContent() *casePlan {
	sc := g.scenario()
	c := &app.Case{
		UnitCode:         g.unit.Code,
		Kind:             g.kinds.deal(g.r),
		Channel:          weighted(g.r, channelWeights),
		Sector:           sc.sector,
		ProductOrService: sc.product,
		TransactionType:  sc.tx,
		ConsumerUnitCode: g.unit.Code,
	}
	p := &casePlan{c: c, sc: sc, status: app.StatusReceived, age: -1}

	// The consumer.
	name, female := g.person()
	c.ConsumerName, p.female = name, female
	c.ConsumerGender = "nam"
	if female {
		c.ConsumerGender = "nu"
	}
	if g.chance(0.88) {
		c.ConsumerPhone = g.phone()
	}
	switch f := g.r.IntN(100); {
	case f < 1:
		p.age = g.between(10, 15)
	case f < 36:
		p.age = g.between(18, 35)
	case f < 93:
		p.age = g.between(36, 59)
	default:
		p.age = g.between(60, 84)
	}
	switch f := g.r.IntN(100); {
	case f < 80 || p.age < app.ChildAge:
		p.ageForm = "birth"
	case f < 95:
		p.ageForm = "band"
	}
	// Vulnerable groups (Điều 8): those the age suggests, confirmed by the
	// officer (see caseDetails), and a few others.
	if p.ageForm != "" && p.age >= app.ElderlyAge {
		c.VulnerableGroups = append(c.VulnerableGroups, app.GroupElderly)
	}
	if p.ageForm != "" && p.age < app.ChildAge {
		c.VulnerableGroups = append(c.VulnerableGroups, app.GroupChild)
	}
	switch f := g.r.IntN(1000); {
	case f < 20:
		c.VulnerableGroups = append(c.VulnerableGroups, "ho_ngheo")
	case f < 30:
		c.VulnerableGroups = append(c.VulnerableGroups, "nguoi_khuyet_tat")
	case f < 45 && female && p.age >= 18 && p.age <= 42:
		c.VulnerableGroups = append(c.VulnerableGroups, "phu_nu_mang_thai_nuoi_con_nho")
	case f < 52:
		c.VulnerableGroups = append(c.VulnerableGroups, "benh_hiem_ngheo")
	case f < 58:
		c.VulnerableGroups = append(c.VulnerableGroups, "dan_toc_thieu_so_vung_kk")
	}

	// The business.
	bf := pick(g.r, sc.biz)
	trade := pick(g.r, shopNames)
	if bf.kind == "doanh_nghiep" || bf.kind == "to_chuc_khac" {
		trade = pick(g.r, companyNames)
	}
	if bf.kind == "san_tmdt" {
		trade = pick(g.r, platforms)
	}
	c.BusinessKind = bf.kind
	c.BusinessName = fmt.Sprintf(bf.name, trade)
	switch bf.kind {
	case "doanh_nghiep", "san_tmdt":
		local := bf.kind == "doanh_nghiep" && g.chance(0.6)
		c.BusinessTaxCode = g.taxCode(local)
		c.BusinessPhone = g.landline(local)
		if local {
			c.BusinessAddress = g.streetAddress()
		} else {
			c.BusinessAddress = fmt.Sprintf("Số %d đường %s, %s", g.between(1, 300), pick(g.r, streets), pick(g.r, otherCities))
		}
	case "ho_kinh_doanh", "to_chuc_khac":
		if g.chance(0.4) {
			c.BusinessTaxCode = g.taxCode(true)
		}
		c.BusinessPhone = g.phone()
		c.BusinessAddress = g.streetAddress()
	case "ca_nhan_khong_dkkd":
		if g.chance(0.5) {
			c.BusinessPhone = g.phone()
		}
		if g.chance(0.5) {
			c.BusinessAddress = g.unit.Name
		}
	case "nguoi_ban_tren_mxh":
		c.BusinessPhone = g.phone()
	}
	c.BusinessOnlineChannel = g.onlineChannel(c, trade)

	// The transaction and what the consumer asks.
	c.TransactionValue = roundVND(sc.min + g.r.Int64N(sc.max-sc.min+1))
	c.IssueTypes = g.issues(sc)
	c.SpecificRequest = "Đề nghị hướng dẫn cách giải quyết."
	if c.Kind != "tu_van" {
		c.DamageClaimed = c.TransactionValue
		if g.chance(0.25) {
			c.DamageClaimed = roundVND(c.TransactionValue * int64(g.between(110, 160)) / 100)
		}
		c.SpecificRequest = strings.NewReplacer("{biz}", c.BusinessName, "{value}", formatVND(c.TransactionValue)).Replace(sc.request)
	}

	// Who brings the matter.
	c.RequesterRole = "ntd"
	switch {
	case p.age >= 0 && p.age < app.ChildAge:
		g.representative(c, "Cha", "Mẹ")
	case c.Channel == "tong_dai_1800_6838":
		c.RequesterRole, c.ReferredFrom = "co_quan_chuyen_den", "Tổng đài 1800.6838 (Ủy ban Cạnh tranh Quốc gia)"
	case c.Channel == "chuyen_tu_co_quan_khac":
		c.RequesterRole = "co_quan_chuyen_den"
		c.ReferredFrom = g.agencyName(pick(g.r, []string{"sct", "hoi_bvntd", "ubnd_tinh", "bct"}))
	case c.Kind != "tu_van" && g.chance(0.03):
		c.RequesterRole = "to_chuc_xa_hoi"
		c.RepresentativeName = g.agencyName("hoi_bvntd")
		c.RepresentativeRelation = "Tổ chức xã hội đề nghị thay người tiêu dùng"
	case p.age >= 60 && g.chance(0.35) || g.chance(0.03):
		g.representative(c, "", "")
	}
	return p
}

// representative makes someone else the consumer's legal representative:
// a parent (father, mother) or a relative.
func (g *demoGen) representative(c *app.Case, father, mother string) {
	name, female := g.person()
	c.RequesterRole, c.RepresentativeName = app.RoleRepresentative, name
	switch {
	case father == "":
		c.RepresentativeRelation = pick(g.r, relations)
	case female:
		c.RepresentativeRelation = mother
	default:
		c.RepresentativeRelation = father
	}
}

// place chooses the day and time a case was received: over the last year
// for a finished one, counting back from today for an open one, so that
// its last step is wait working days ago.
func (g *demoGen) place(p *casePlan, open bool, wait int) {
	today := dayOf(g.now)
	officeHours := map[string]bool{"truc_tiep": true, "dien_thoai": true, "buu_dien_cong_van": true,
		"chuyen_tu_co_quan_khac": true, "tiep_nhan_luu_dong": true, "tong_dai_1800_6838": true}[p.c.Channel]
	var day time.Time
	if open {
		day = g.subWorkingDays(today, p.wd+wait)
		if !g.cal.IsWorkingDay(day) {
			day = g.subWorkingDays(day, 1)
		}
	} else {
		day = today.AddDate(0, 0, -g.between(1, 365))
		if officeHours && !g.cal.IsWorkingDay(day) {
			day = g.subWorkingDays(day, 1)
		}
		if last := g.cal.AddWorkingDays(day, p.wd); !last.Before(today) {
			day = g.subWorkingDays(today, p.wd+g.between(1, 10))
		}
	}
	var minute int
	if officeHours || g.chance(0.6) {
		minute = officeMinute(g.r)
	} else {
		minute = g.between(6*60, 22*60)
	}
	at := day.Add(time.Duration(minute) * time.Minute)
	if at.After(g.now) {
		at = g.now.Add(-time.Duration(g.between(5, 90)) * time.Minute)
	}
	p.c.ReceivedAt = at.UTC().Truncate(time.Second)
}

// caseDetails fills in what depends on the day the case was received: the
// transaction and prior contact dates, the consumer's birth date or age
// band and the evidence of vulnerable groups, the pre-2025 address, the
// facts and the evidence.
func (g *demoGen) caseDetails(p *casePlan) {
	c, sc := p.c, p.sc
	received := c.ReceivedAt.In(app.ICT)
	txDay := dayOf(received).AddDate(0, 0, -g.between(2, 75))
	c.TransactionDate = txDay.Format(time.DateOnly)

	// The consumer's address, new and (for some) as written before the
	// merger of 1 July 2025.
	street := g.streetPart()
	c.ConsumerAddress = street + ", " + g.unit.Name
	if len(g.unit.FormedFrom) > 0 && g.chance(0.3) {
		old := pick(g.r, g.unit.FormedFrom)
		c.ConsumerOldAddress = street + ", " + old.OldName
		if prov := oldProvince(old.OldCode); prov != "" {
			c.ConsumerOldAddress += ", " + prov
		}
	}

	// Age: a date of birth for most, an age band for some; the groups it
	// suggests were chosen with the age (caseContent), with their evidence.
	switch p.ageForm {
	case "birth":
		birth := dayOf(received).AddDate(-p.age, 0, -g.between(1, 364))
		c.ConsumerBirthDate = birth.Format(time.DateOnly)
	case "band":
		c.ConsumerAgeBand = ageBand(p.age)
	}
	for _, gr := range c.SuggestedGroups(received) { // the same, by construction
		if !containsCode(c.VulnerableGroups, gr) {
			c.VulnerableGroups = append(c.VulnerableGroups, gr)
		}
	}
	var evidence []string
	for _, gr := range c.VulnerableGroups {
		var ev string
		switch gr {
		case app.GroupElderly, app.GroupChild:
			ev = "Người tiêu dùng tự khai tuổi, chưa xuất trình giấy tờ"
			if c.ConsumerBirthDate != "" {
				ev = "Căn cước công dân: sinh năm " + c.ConsumerBirthDate[:4]
				if gr == app.GroupChild {
					ev = "Giấy khai sinh: sinh năm " + c.ConsumerBirthDate[:4]
				}
			}
		case "ho_ngheo":
			ev = fmt.Sprintf("Giấy chứng nhận hộ nghèo năm %d do UBND %s cấp", received.Year(), lowerFirst(g.unit.Name))
		case "nguoi_khuyet_tat":
			ev = "Giấy xác nhận khuyết tật (mức độ nặng)"
		case "phu_nu_mang_thai_nuoi_con_nho":
			ev = "Giấy khai sinh của con (dưới 36 tháng tuổi)"
		case "benh_hiem_ngheo":
			ev = "Giấy ra viện, tóm tắt hồ sơ bệnh án"
		case "dan_toc_thieu_so_vung_kk":
			ev = "Căn cước công dân ghi dân tộc " + pick(g.r, minorityNames)
		}
		evidence = append(evidence, ev)
	}
	c.VulnerableEvidence = strings.Join(evidence, "; ")

	// The facts, in the officer's words.
	if c.Kind == "tu_van" {
		c.Summary = g.question(c, sc)
	} else {
		c.Summary = strings.NewReplacer("{biz}", c.BusinessName, "{date}", txDay.Format("02/01/2006"),
			"{value}", formatVND(c.TransactionValue)).Replace(pick(g.r, sc.facts))
	}
	if c.Kind != "tu_van" && (c.Kind == "yeu_cau_ho_tro_thuong_luong" || g.chance(0.7)) {
		c.PriorContact = true
		c.PriorContactDate = dayOf(received).AddDate(0, 0, -g.between(1, max(1, int(dayOf(received).Sub(txDay).Hours()/24)-1))).Format(time.DateOnly)
	}
	c.Evidence = g.evidence(c, txDay)
}

// question is what someone asking for advice asks.
func (g *demoGen) question(c *app.Case, sc *scenario) string {
	r := strings.NewReplacer("{biz}", c.BusinessName, "{product}", lowerFirst(sc.product))
	return r.Replace(pick(g.r, []string{
		"Người tiêu dùng hỏi về quyền đổi, trả {product} mua của {biz} khi sản phẩm bị lỗi và cách gửi yêu cầu đến người bán.",
		"Người tiêu dùng hỏi cơ quan nào giải quyết khi {product} không đúng như quảng cáo và cần chuẩn bị những giấy tờ gì.",
		"Người tiêu dùng hỏi thủ tục đề nghị UBND hỗ trợ thương lượng với {biz} về {product}.",
		"Người tiêu dùng hỏi thời hạn bảo hành và trách nhiệm của {biz} đối với {product}.",
	}))
}

// evidence lists what the consumer brought, by the form of the transaction.
func (g *demoGen) evidence(c *app.Case, txDay time.Time) []string {
	d := txDay.Format("02/01/2006")
	var all []string
	switch c.TransactionType {
	case "tmdt":
		all = []string{"Ảnh chụp màn hình đơn hàng ngày " + d, "Biên lai chuyển khoản", "Ảnh chụp tin nhắn trao đổi với người bán",
			"Video quay lúc mở gói hàng", "Ảnh chụp sản phẩm"}
	case "dich_vu_lien_tuc":
		all = []string{"Hóa đơn cước, hóa đơn dịch vụ", "Ảnh chụp tin nhắn trừ tiền", "Bản sao hợp đồng cung cấp dịch vụ"}
	case "ban_hang_khong_tai_dia_diem_thuong_xuyen", "ban_hang_tan_cua", "ban_hang_da_cap":
		all = []string{"Hợp đồng mua bán ngày " + d, "Phiếu thu tiền", "Tờ rơi quảng cáo sản phẩm", "Ảnh chụp sản phẩm"}
	case "giao_dich_tu_xa":
		all = []string{"Biên lai chuyển khoản ngày " + d, "Ghi âm cuộc gọi tư vấn", "Ảnh chụp tin nhắn xác nhận"}
	default:
		all = []string{"Hóa đơn bán hàng ngày " + d, "Phiếu bảo hành", "Ảnh chụp sản phẩm", "Bao bì, nhãn sản phẩm"}
	}
	if c.Kind == "tu_van" && g.chance(0.6) {
		return nil
	}
	n := g.between(1, min(4, len(all)))
	perm := g.r.Perm(len(all))[:n]
	sort.Ints(perm)
	out := make([]string, n)
	for i, j := range perm {
		out[i] = all[j]
	}
	return out
}

// schedule gives each step a day and a time: on working days, in office
// hours, never before the previous one nor after now. Steps that would lie
// in the future are dropped (the case waits in an earlier status).
func (g *demoGen) schedule(p *casePlan) {
	received := p.c.ReceivedAt
	recvDay := dayOf(received)
	rt := received.In(app.ICT)
	late := rt.Hour()*60+rt.Minute() >= 16*60+30
	prev := received
	kept := p.steps[:0]
	for _, s := range p.steps {
		var day time.Time
		if s.wd == 0 {
			day = recvDay
			if !g.cal.IsWorkingDay(day) || late {
				day = g.cal.AddWorkingDays(received, 1)
			}
		} else {
			day = g.cal.AddWorkingDays(received, s.wd)
		}
		var at time.Time
		if day.Equal(dayOf(prev)) || day.Before(dayOf(prev)) {
			at = prev.Add(time.Duration(g.between(10, 90)) * time.Minute)
		} else {
			at = day.Add(time.Duration(officeMinute(g.r)) * time.Minute)
		}
		if at.After(g.now) {
			if !dayOf(at).Equal(dayOf(g.now)) || !prev.Before(g.now.Add(-time.Minute)) {
				break
			}
			at = prev.Add(g.now.Sub(prev) / 2)
		}
		at = at.UTC().Truncate(time.Second)
		e := s.ev
		e.At = at
		g.dated(&e, at)
		s.ev = e
		kept = append(kept, s)
		prev = at
	}
	p.steps = kept
	p.status = app.StatusReceived
	for _, s := range p.steps {
		p.status, _ = app.NextStatus(p.status, s.ev.Kind)
	}
}

// dated fills in the parts of an event that depend on its day: the day a
// negotiation or mediation was held, the deadline to carry out a
// mediation, document numbers.
func (g *demoGen) dated(e *app.CaseEvent, at time.Time) {
	day := at.In(app.ICT)
	if e.IsRecord() {
		e.HeldOn = day.Format(time.DateOnly)
		if e.Kind == app.EventMediationResult && e.Agreed {
			e.PerformanceDeadline = day.AddDate(0, 0, g.between(7, 30)).Format(time.DateOnly)
		}
	}
	if strings.Contains(e.Note, "{doc}") || e.Kind == app.EventReferred {
		doc := g.docNo(day)
		e.Note = strings.ReplaceAll(e.Note, "{doc}", doc)
		if e.Kind == app.EventReferred {
			e.DocumentNo = doc
		}
	}
}

// methodAndOfficer sets the resolution method once the case was taken on,
// and the officer in charge.
func (g *demoGen) methodAndOfficer(p *casePlan) {
	c := p.c
	taken := false
	for _, s := range p.steps {
		switch s.ev.Kind {
		case app.EventAccepted, app.EventDocsReceived, app.EventReferred, app.EventResolved:
			taken = true
		}
	}
	if taken {
		c.ResolutionMethod = p.method
	}
	if taken || len(p.steps) > 0 || g.chance(0.7) {
		c.AssignedTo = pick(g.r, g.officers)
	}
}

// fieldEdit changes one field as a day of work does: a phone number
// given, evidence brought, the facts completed.
func (g *demoGen) fieldEdit(c *app.Case) {
	switch g.r.IntN(3) {
	case 0:
		c.ConsumerPhone = g.phone()
	case 1:
		c.Evidence = append(append([]string(nil), c.Evidence...), pick(g.r, []string{
			"Ảnh chụp sản phẩm bị lỗi (bổ sung)", "Bản sao hóa đơn (bổ sung)", "Ghi âm cuộc gọi với người bán (bổ sung)"}))
	default:
		c.Summary += " Người tiêu dùng bổ sung thông tin ngày " + g.now.In(app.ICT).Format("02/01/2006") + "."
	}
}

// stepEdit records the next step of a case today, as the workflow allows.
func (g *demoGen) stepEdit(ctx context.Context, db *storage.DB, c *app.Case) error {
	var e app.CaseEvent
	switch c.Status {
	case app.StatusReceived:
		e = g.evAccepted(c)
	case app.StatusNeedsDocs:
		e = g.evDocsReceived(c, pick(g.r, docsMissing))
	case app.StatusAccepted:
		e = g.evBizContacted(c)
	case app.StatusInProgress:
		e = g.evNegotiationStart(c)
	case app.StatusAwaitBusiness:
		e = g.evBizResponded(c)
	case app.StatusNegotiating:
		outcome, amount := g.success(c)
		e = g.evNegotiationResult(c, true, outcome, amount)
	case app.StatusMediating:
		outcome, amount := g.success(c)
		e = g.evMediationResult(c, true, outcome, amount)
	case app.StatusReferred:
		e = g.evReferralResponse(c, g.agencyFor(c))
	case app.StatusResolved:
		outcome, amount := "thanh_cong_toan_bo", c.DamageClaimed
		events, err := db.ListCaseEvents(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, ev := range events {
			if ev.Kind == app.EventResolved && ev.Outcome != "" {
				outcome, amount = ev.Outcome, ev.AmountRecovered
			}
		}
		e = g.evClosed(c, outcome, amount)
	default:
		e = g.evNote(c)
	}
	if _, err := app.NextStatus(c.Status, e.Kind); err != nil {
		e = g.evNote(c)
	}
	g.dated(&e, g.now)
	return db.AddCaseEvent(ctx, c.ID, &e)
}

// The events, with what an officer writes on each.

func (g *demoGen) evAck(c *app.Case) app.CaseEvent {
	note := "Đã xác nhận tiếp nhận với người tiêu dùng qua điện thoại."
	switch c.Channel {
	case "truc_tiep", "tiep_nhan_luu_dong":
		note = "Đã giao phiếu tiếp nhận cho người tiêu dùng."
	case "mang_xa_hoi":
		note = "Đã nhắn tin Zalo xác nhận tiếp nhận."
	case "email", "cong_dvc", "website_ung_dung":
		note = "Đã phản hồi xác nhận tiếp nhận qua kênh trực tuyến."
	case "buu_dien_cong_van":
		note = "Đã gửi thông báo tiếp nhận qua đường bưu điện."
	case "chuyen_tu_co_quan_khac", "tong_dai_1800_6838":
		note = "Đã thông báo tiếp nhận cho người tiêu dùng và nơi chuyển đến."
	}
	return app.CaseEvent{Kind: app.EventAcknowledged, Note: note}
}

func (g *demoGen) evDocsRequested(c *app.Case, missing string) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventDocsRequested,
		Note: fmt.Sprintf("Đề nghị người tiêu dùng bổ sung %s trong 05 ngày làm việc.", missing)}
}

func (g *demoGen) evDocsReceived(c *app.Case, missing string) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventDocsReceived, Note: fmt.Sprintf("Người tiêu dùng đã bổ sung %s.", missing)}
}

func (g *demoGen) evAccepted(c *app.Case) app.CaseEvent {
	note := "Hồ sơ đủ điều kiện, thụ lý giải quyết."
	if c.IsVulnerable() {
		note = "Hồ sơ đủ điều kiện, thụ lý; người tiêu dùng dễ bị tổn thương, ưu tiên giải quyết (Điều 8)."
	}
	return app.CaseEvent{Kind: app.EventAccepted, Note: note}
}

func (g *demoGen) evRejected(c *app.Case, reason string) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventRejected, RejectionReason: reason,
		Note: "Đã trả lời bằng văn bản cho người tiêu dùng, nêu rõ lý do từ chối."}
}

func (g *demoGen) evProcessing(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventProcessingStarted, Note: pick(g.r, []string{
		"Xác minh thông tin, làm việc với người tiêu dùng.",
		"Kiểm tra chứng cứ người tiêu dùng cung cấp, liên hệ các bên.",
	})}
}

func (g *demoGen) evInspection(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventNote, Note: fmt.Sprintf(
		"Tổ kiểm tra của UBND %s kiểm tra %s, lập biên bản; cơ sở cam kết khắc phục.", lowerFirst(g.unit.Name), c.BusinessName)}
}

func (g *demoGen) evReferred(c *app.Case, agency string) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventReferred, Agency: agency,
		Note: fmt.Sprintf("Chuyển hồ sơ đến %s theo thẩm quyền; đã thông báo cho người tiêu dùng.", g.agencyName(agency))}
}

func (g *demoGen) evReferralResponse(c *app.Case, agency string) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventReferralResponse, Note: fmt.Sprintf("%s phản hồi: %s", g.agencyName(agency), pick(g.r, []string{
		"đã tiếp nhận, đang xác minh và sẽ thông báo kết quả cho người tiêu dùng.",
		"đã làm việc với bên kinh doanh, yêu cầu khắc phục vi phạm.",
		"đã kiểm tra, xử phạt vi phạm hành chính bên kinh doanh.",
	}))}
}

func (g *demoGen) evBizContacted(c *app.Case) app.CaseEvent {
	if g.chance(0.5) {
		return app.CaseEvent{Kind: app.EventBusinessContacted, Note: fmt.Sprintf(
			"Đã gửi văn bản số {doc} đề nghị %s phản hồi yêu cầu của người tiêu dùng trong 07 ngày làm việc.", c.BusinessName)}
	}
	return app.CaseEvent{Kind: app.EventBusinessContacted, Note: fmt.Sprintf(
		"Đã gọi điện cho %s, đề nghị làm việc với người tiêu dùng.", c.BusinessName)}
}

func (g *demoGen) evBizResponded(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventBusinessResponded, Note: fmt.Sprintf("%s phản hồi, đồng ý làm việc với người tiêu dùng.", c.BusinessName)}
}

func (g *demoGen) evBizRefused(c *app.Case) app.CaseEvent {
	if g.chance(0.3) {
		return app.CaseEvent{Kind: app.EventBusinessRefused, Note: fmt.Sprintf(
			"%s không trả lời sau 07 ngày làm việc, coi như từ chối.", c.BusinessName)}
	}
	return app.CaseEvent{Kind: app.EventBusinessRefused, Note: fmt.Sprintf(
		"%s trả lời bằng văn bản, từ chối yêu cầu: %s.", c.BusinessName, g.refusal(c))}
}

func (g *demoGen) refusal(c *app.Case) string {
	for i := range scenarios {
		if scenarios[i].product == c.ProductOrService && scenarios[i].refusal != "" {
			return scenarios[i].refusal
		}
	}
	return "bên kinh doanh cho rằng yêu cầu không có căn cứ"
}

func (g *demoGen) evNegotiationStart(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventNegotiationStart, Note: fmt.Sprintf(
		"Mời người tiêu dùng và %s thương lượng tại trụ sở UBND %s.", c.BusinessName, lowerFirst(g.unit.Name))}
}

func (g *demoGen) evNegotiationResult(c *app.Case, agreed bool, outcome string, amount int64) app.CaseEvent {
	e := app.CaseEvent{Kind: app.EventNegotiationResult, Agreed: agreed, Signed: g.chance(0.9),
		Parties: g.parties(c),
		Place:   pick(g.r, []string{"Trụ sở UBND " + lowerFirst(g.unit.Name), "Bộ phận một cửa UBND " + lowerFirst(g.unit.Name)}),
		Content: fmt.Sprintf("Thương lượng về %s: %s", lowerFirst(c.ProductOrService), c.SpecificRequest),
	}
	if agreed {
		e.Result = g.agreement(c, outcome, amount)
		e.OtherTerms = pick(g.r, []string{"Người tiêu dùng trả lại sản phẩm cho bên bán.", "Hai bên không còn khiếu nại gì khác.", ""})
		e.Note = "Thương lượng thành."
	} else {
		e.Result = fmt.Sprintf("Không thành: %s; hai bên không thống nhất được phương án giải quyết.", g.refusal(c))
		e.Note = "Thương lượng không thành."
	}
	return e
}

func (g *demoGen) evMediationStart(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventMediationStart, Note: pick(g.r, []string{
		"Hai bên đồng ý hòa giải; đề nghị Hội Bảo vệ người tiêu dùng tỉnh tổ chức hòa giải.",
		"Hai bên đồng ý hòa giải tại tổ hòa giải ở cơ sở.",
	})}
}

func (g *demoGen) evMediationResult(c *app.Case, agreed bool, outcome string, amount int64) app.CaseEvent {
	e := app.CaseEvent{Kind: app.EventMediationResult, Agreed: agreed, Signed: g.chance(0.9),
		Parties:      g.parties(c),
		MediatorName: g.personName(),
		Place:        "Trụ sở UBND " + lowerFirst(g.unit.Name),
		Content:      fmt.Sprintf("Hòa giải tranh chấp về %s: %s", lowerFirst(c.ProductOrService), c.SpecificRequest),
		PartiesViews: fmt.Sprintf("Người tiêu dùng giữ nguyên yêu cầu. %s: %s.", c.BusinessName, upperFirst(g.refusal(c))),
	}
	if g.chance(0.6) {
		e.MediatorOrg = g.agencyName("hoi_bvntd")
	} else {
		e.MediatorOrg = fmt.Sprintf("Tổ hòa giải khu phố %d", g.between(1, 8))
		if g.unit.Type != app.UnitPhuong {
			e.MediatorOrg = "Tổ hòa giải " + lowerFirst(pick(g.r, hamlets[:6]))
		}
	}
	if agreed {
		e.Result = g.agreement(c, outcome, amount)
		e.CourtRecognition = g.chance(0.1)
		e.Note = "Hòa giải thành."
	} else {
		e.Result = "Hòa giải không thành; hai bên không thống nhất được phương án giải quyết."
		e.Note = "Hòa giải không thành."
	}
	return e
}

// agreement is the result of a successful negotiation or mediation.
func (g *demoGen) agreement(c *app.Case, outcome string, amount int64) string {
	what := fmt.Sprintf("%s hoàn trả cho người tiêu dùng %s", c.BusinessName, formatVND(amount))
	if amount == 0 {
		what = fmt.Sprintf("%s sửa chữa, khắc phục theo yêu cầu của người tiêu dùng", c.BusinessName)
	}
	if outcome == "thanh_cong_mot_phan" {
		what += " (đáp ứng một phần yêu cầu)"
	}
	return fmt.Sprintf("Thành: %s trong %d ngày.", what, g.between(3, 15))
}

// parties names who took part in a negotiation or mediation.
func (g *demoGen) parties(c *app.Case) string {
	consumer := "Người tiêu dùng " + c.ConsumerName
	if c.RepresentativeName != "" {
		consumer += " (người đại diện: " + c.RepresentativeName + ")"
	}
	biz := c.BusinessName
	if c.BusinessKind != "nguoi_ban_tren_mxh" && c.BusinessKind != "ca_nhan_khong_dkkd" {
		biz += ", đại diện: " + g.personName()
	}
	return consumer + "; " + biz
}

func (g *demoGen) evAdvised(c *app.Case) app.CaseEvent {
	note := "Đã hướng dẫn người tiêu dùng có thể yêu cầu trọng tài thương mại hoặc khởi kiện tại Tòa án."
	if c.DamageClaimed > 0 && c.DamageClaimed < 100_000_000 {
		note += " Vụ việc dưới 100 triệu đồng được giải quyết theo thủ tục rút gọn; người tiêu dùng không phải nộp tạm ứng án phí."
	}
	if c.Kind == "tu_van" {
		note = fmt.Sprintf("Đã hướng dẫn người tiêu dùng gửi yêu cầu bằng văn bản đến %s, giữ lại hóa đơn, chứng từ; nếu sau 07 ngày làm việc không được phản hồi thì đề nghị UBND hỗ trợ.", c.BusinessName)
	}
	return app.CaseEvent{Kind: app.EventAdvisedNextStep, Note: note}
}

func (g *demoGen) evResolved(c *app.Case, outcome string, amount int64) app.CaseEvent {
	var note string
	switch {
	case outcome == "tu_van_xong":
		note = "Đã tư vấn, hướng dẫn người tiêu dùng quyền và cách thực hiện yêu cầu đối với bên kinh doanh."
	case amount > 0:
		note = fmt.Sprintf("Người tiêu dùng xác nhận đã nhận %s.", formatVND(amount))
	default:
		note = "Bên kinh doanh đã thực hiện cam kết; người tiêu dùng đồng ý."
	}
	return app.CaseEvent{Kind: app.EventResolved, Outcome: outcome, AmountRecovered: amount, Note: note}
}

func (g *demoGen) evClosed(c *app.Case, outcome string, amount int64) app.CaseEvent {
	note := "Đóng hồ sơ, lưu trữ."
	switch outcome {
	case "khong_lien_lac_duoc":
		note = "Hết thời hạn bổ sung hồ sơ, không liên lạc được với người tiêu dùng; đóng hồ sơ."
	case "chuyen_co_quan_khac_xu_ly":
		note = "Cơ quan có thẩm quyền đã xử lý; đóng hồ sơ tại xã."
	case "khong_thanh", "doanh_nghiep_tu_choi":
		note = "Đóng hồ sơ; người tiêu dùng đã được hướng dẫn các phương thức giải quyết tiếp theo."
	}
	return app.CaseEvent{Kind: app.EventClosed, Outcome: outcome, AmountRecovered: amount, Note: note}
}

func (g *demoGen) evWithdrawn(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventWithdrawn, Note: pick(g.r, []string{
		fmt.Sprintf("Người tiêu dùng rút yêu cầu do đã tự thỏa thuận được với %s.", c.BusinessName),
		"Người tiêu dùng rút yêu cầu, không muốn tiếp tục giải quyết.",
	})}
}

func (g *demoGen) evUnreachableNote(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventNote, Note: "Đã gọi điện 3 lần vào các ngày khác nhau, không liên lạc được với người tiêu dùng."}
}

func (g *demoGen) evNote(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventNote, Note: pick(g.r, []string{
		"Người tiêu dùng gọi điện hỏi tiến độ giải quyết.",
		"Đã gọi lại cho người tiêu dùng, thông báo tiến độ giải quyết.",
		"Người tiêu dùng đến trụ sở cung cấp thêm thông tin.",
		"Báo cáo lãnh đạo UBND về vụ việc.",
	})}
}

// The small parts.

func (g *demoGen) scenario() *scenario {
	total := 0
	for i := range scenarios {
		if g.refs.HasSector(scenarios[i].sector) {
			total += scenarios[i].w
		}
	}
	n := g.r.IntN(total)
	for i := range scenarios {
		if !g.refs.HasSector(scenarios[i].sector) {
			continue
		}
		if n < scenarios[i].w {
			return &scenarios[i]
		}
		n -= scenarios[i].w
	}
	return &scenarios[len(scenarios)-1]
}

// issues picks one or two of the scenario's issue types known to the seeds.
func (g *demoGen) issues(sc *scenario) []string {
	var known []string
	for _, it := range sc.issues {
		if g.refs.HasIssueType(it) {
			known = append(known, it)
		}
	}
	if len(known) == 0 {
		return nil
	}
	if len(known) > 1 && g.chance(0.4) {
		return known[:1]
	}
	return known
}

// onlineChannel is the platform, page or account the business sells
// through, for online sellers and e-commerce.
func (g *demoGen) onlineChannel(c *app.Case, trade string) string {
	switch c.BusinessKind {
	case "nguoi_ban_tren_mxh":
		return pick(g.r, []string{
			"Trang Facebook “Shop " + trade + "”",
			"Tài khoản TikTok “" + trade + " Store”",
			"Zalo " + c.BusinessPhone,
			"Nhóm Facebook “Chợ online " + g.unit.ShortName + "”",
		})
	case "san_tmdt":
		return "Ứng dụng và trang web " + trade
	}
	if c.TransactionType == "tmdt" {
		return "Gian hàng “" + trade + "” trên sàn " + pick(g.r, platforms)
	}
	return ""
}

// agencyFor is where a case is referred: the agency of its sector (seeds).
func (g *demoGen) agencyFor(c *app.Case) string {
	id := "sct"
	switch {
	case containsCode(c.IssueTypes, "lua_dao_chiem_doat"):
		id = "ca_tinh"
	case c.Kind == "yeu_cau_ho_tro_thuong_luong":
		id = pick(g.r, []string{"sct", "hoi_bvntd"})
	case c.Sector == "thuc_pham_do_uong" || c.Sector == "y_te_duoc_my_pham":
		id = "syt"
	case c.Sector == "nong_san_vat_tu_nong_nghiep":
		id = "snnmt"
	case c.Sector == "tai_chinh_ngan_hang_bao_hiem":
		id = "nhnn_kv13"
	case c.Sector == "nang_luong_tien_ich" || c.Sector == "thoi_trang_trang_suc_noi_that":
		id = "skhcn"
	case c.Sector == "du_lich_nghi_duong":
		id = "svhttdl"
	}
	if _, ok := g.refs.Agency(id); !ok {
		if _, ok := g.refs.Agency("sct"); ok {
			return "sct"
		}
		return g.refs.Agencies[0].ID
	}
	return id
}

func (g *demoGen) agencyName(id string) string {
	a, ok := g.refs.Agency(id)
	if !ok {
		return "Sở Công Thương"
	}
	if a.ID == "hoi_bvntd" {
		return "Hội Bảo vệ người tiêu dùng tỉnh Đồng Tháp"
	}
	return a.NameVI
}

// docNo is the number of an official letter of the commune on day: about
// one and a half a working day since the start of the year.
func (g *demoGen) docNo(day time.Time) string {
	office := "UBND-KT" // Phòng Kinh tế of a xã
	if g.unit.Type == app.UnitPhuong {
		office = "UBND-KTHTĐT" // Phòng Kinh tế, Hạ tầng và Đô thị of a phường
	}
	return fmt.Sprintf("%d/%s", day.YearDay()*3/2+g.between(1, 3), office)
}

// taxCode returns a 10-digit tax code with a valid check digit; local ones
// start with the codes of the former Tiền Giang (12) and Đồng Tháp (14).
func (g *demoGen) taxCode(local bool) string {
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
func (g *demoGen) landline(local bool) string {
	if !local {
		return pick(g.r, []string{"028", "024"}) + fmt.Sprintf("%08d", g.r.IntN(100_000_000))
	}
	return pick(g.r, []string{"0277", "0273"}) + fmt.Sprintf("%07d", 3_000_000+g.r.IntN(1_000_000))
}

func (g *demoGen) streetPart() string {
	if g.unit.Type == app.UnitPhuong {
		return fmt.Sprintf("Số %d đường %s", g.between(1, 250), pick(g.r, streets))
	}
	return pick(g.r, hamlets)
}

func (g *demoGen) streetAddress() string { return g.streetPart() + ", " + g.unit.Name }

// subWorkingDays returns the working day n working days before day (day
// itself for n = 0).
func (g *demoGen) subWorkingDays(day time.Time, n int) time.Time {
	d := dayOf(day)
	for n > 0 {
		d = d.AddDate(0, 0, -1)
		if g.cal.IsWorkingDay(d) {
			n--
		}
	}
	return d
}

// dayOf returns midnight, in Vietnam, of t's day.
func dayOf(t time.Time) time.Time {
	t = t.In(app.ICT)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, app.ICT)
}

// officeMinute is a minute of the office day (7:30–11:30, 13:30–16:30).
func officeMinute(r *rand.Rand) int {
	if r.IntN(2) == 0 {
		return 7*60 + 30 + r.IntN(4*60)
	}
	return 13*60 + 30 + r.IntN(3*60)
}

// oldProvince is the province of a pre-2025 commune code: the former
// Tiền Giang (28xxx) or Đồng Tháp (29xxx–30xxx).
func oldProvince(code string) string {
	switch {
	case code >= "28000" && code < "29000":
		return "tỉnh Tiền Giang"
	case code >= "29000" && code < "30600":
		return "tỉnh Đồng Tháp"
	}
	return ""
}

func ageBand(age int) string {
	switch {
	case age < app.ChildAge:
		return "duoi_16"
	case age <= 35:
		return "tu_16_den_35"
	case age < app.ElderlyAge:
		return "tu_36_den_59"
	}
	return "tu_60"
}

// roundVND rounds an amount to the thousand (ten thousand above ten
// million), as prices are.
func roundVND(v int64) int64 {
	unit := int64(1_000)
	if v >= 10_000_000 {
		unit = 10_000
	}
	return (v + unit/2) / unit * unit
}

// formatVND writes 1234567 as "1.234.567 đồng".
func formatVND(v int64) string {
	s := fmt.Sprint(v)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String() + " đồng"
}

func containsCode(list []string, code string) bool {
	for _, c := range list {
		if c == code {
			return true
		}
	}
	return false
}

func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

func upperFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
