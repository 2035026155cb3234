package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"bvntd/app"
)

// How cases are spread over channels and kinds, and the statuses a plain
// case goes through.
var (
	// More walk-in and phone intake at commune level than in the national
	// figures (docs/domain.md §2.2).
	channelWeights = []weight{{"truc_tiep", 35}, {"dien_thoai", 20}, {"mang_xa_hoi", 12}, {"tong_dai_1800_6838", 8},
		{"cong_dvc", 8}, {"email", 5}, {"website_ung_dung", 4}, {"buu_dien_cong_van", 3},
		{"chuyen_tu_co_quan_khac", 3}, {"tiep_nhan_luu_dong", 2}}
	kindWeights = []weight{{"phan_anh", 30}, {"khieu_nai", 25}, {"tu_van", 25}, {"yeu_cau_ho_tro_thuong_luong", 12},
		{"yeu_cau_xu_ly_vi_pham", 6}, {"kien_nghi", 2}}
	statusSteps = []string{"moi_tiep_nhan", "da_thu_ly", "dang_xu_ly", "cho_doanh_nghiep_phan_hoi", "da_giai_quyet", "dong"}
)

// gen makes realistic sample records: the vocabulary's sampler, and the
// day they are written (now) with its working-day calendar.
type gen struct {
	*Sampler
	now      time.Time
	cal      *app.Calendar
	officers []string // the commune's officers, to whom cases are assigned
	// Kinds and fates are dealt from decks, so that a few hundred cases
	// already show the intended proportions.
	kinds, fates deck
}

// plainEdit changes what a quick day of work changes on plain cases: the
// status field, a phone added, a summary completed; one change each.
func (g *gen) plainEdit(c *app.Case) {
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
		c.ConsumerPhone = g.Phone()
	default:
		c.Summary += " Đã liên hệ doanh nghiệp ngày " + g.now.In(app.ICT).Format("02/01/2006") + "."
	}
}

// Cases writes o.Complaints new cases of o.Unit, then o.Edits edits of the
// commune's cases, through the store's service methods, so that every
// write lands in the outbox. Unless o.Plain, the cases are full records
// taken through the workflow: received over the last year, each with the
// steps an officer would have recorded since (see plan), written at the
// time they were typed (see the store's clock in demo.go); edits are then
// steps or field changes, made now. It returns how many cases and edits it
// wrote, also when it fails midway.
func Cases(ctx context.Context, st Store, clock *func() time.Time, refs *app.RefData, o Options) (created, edited int, err error) {
	u, ok := refs.Unit(o.Unit)
	if !ok {
		return 0, 0, app.Errorf(app.EINVALID, "Không có xã, phường mã %s trong danh mục.", o.Unit)
	}
	seed := o.Seed
	g := &gen{Sampler: NewSampler(rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), refs, u), now: nowOf(clock)}
	if !o.Plain {
		cal, err := refs.Calendar()
		if err != nil {
			return 0, 0, app.WrapError(app.EINTERNAL, "Lịch ngày nghỉ trong dữ liệu danh mục bị hỏng.", err)
		}
		g.cal = cal
		g.kinds, g.fates = deck{ws: kindWeights}, deck{ws: nonAdviceFates}
		for range 3 {
			g.officers = append(g.officers, g.PersonName())
		}
	}
	if o.Plain {
		for i := 0; i < o.Complaints; i++ {
			if err := st.CreateCase(ctx, g.PlainCase(g.now)); err != nil {
				return i, 0, err
			}
		}
	} else if err := g.writeCases(ctx, st, clock, o.Complaints); err != nil {
		return 0, 0, err
	}
	if o.Edits == 0 {
		return o.Complaints, 0, nil
	}
	cases, err := st.ListCases(ctx, app.CaseQuery{})
	if err != nil {
		return o.Complaints, 0, err
	}
	var mine []app.Case
	for _, c := range cases {
		if c.UnitCode == o.Unit {
			mine = append(mine, c)
		}
	}
	if len(mine) == 0 {
		return o.Complaints, 0, app.Errorf(app.EINVALID, "Chưa có vụ việc nào của %s để sửa.", strings.TrimSpace(u.Name))
	}
	for i := 0; i < o.Edits; i++ {
		c := mine[g.r.IntN(len(mine))]
		c, err := st.GetCase(ctx, c.ID)
		if err != nil {
			return o.Complaints, i, err
		}
		if !o.Plain && g.chance(0.4) {
			if err := g.stepEdit(ctx, st, &c); err != nil {
				return o.Complaints, i, err
			}
			continue
		}
		orig := c
		if o.Plain {
			g.plainEdit(&c)
		} else {
			g.fieldEdit(&c)
		}
		if err := st.Edit(ctx, app.EntityCase, c.ID, orig.Version, c.ChangedFields(&orig)); err != nil {
			return o.Complaints, i, err
		}
	}
	return o.Complaints, o.Edits, nil
}

// writeCases plans n cases, then records them in the order they were
// received (so that their numbers follow the dates), each followed by its
// steps, the store's clock standing a few minutes after what is written,
// as if the officer had typed it in then.
func (g *gen) writeCases(ctx context.Context, st Store, clock *func() time.Time, n int) error {
	stand, restore := standAt(clock)
	defer restore()
	typedAt := func(t time.Time, after time.Duration) {
		at := t.Add(after)
		if at.After(g.now) {
			at = g.now
		}
		stand(at)
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
		if err := st.CreateCase(ctx, p.c); err != nil {
			return fmt.Errorf("demo case %d: %w", i+1, err)
		}
		for j := range p.steps {
			e := p.steps[j].ev
			typedAt(e.At, 2*time.Minute)
			if err := st.AddCaseEvent(ctx, p.c.ID, &e); err != nil {
				return fmt.Errorf("demo case %d, step %d (%s): %w", i+1, j+1, e.Kind, err)
			}
		}
	}
	return nil
}

var docsMissing = []string{"hóa đơn, chứng từ mua hàng", "ảnh chụp tin nhắn trao đổi với người bán", "địa chỉ, số điện thoại của người bán",
	"bản sao hợp đồng", "bản sao phiếu bảo hành"}

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
func (p *casePlan) add(g *gen, e app.CaseEvent, lo, hi int) {
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
func (g *gen) plan() (*casePlan, error) {
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
func (g *gen) openWait() int {
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
func (g *gen) routeAdvice(p *casePlan, close bool) {
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
func (g *gen) intake(p *casePlan, docs bool) {
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
func (g *gen) route(p *casePlan, fate string) {
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
		if !app.RejectionReasonsFor(c.Kind).Has(reason) {
			// The grounds of Điều 58 are for negotiation-support requests
			// only; another kind is refused for Điều 54 khoản 2.
			reason = "cam_thuong_luong_hoa_giai"
		}
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
func (g *gen) success(c *app.Case) (string, int64) {
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
func (g *gen) direct(p *casePlan) {
	c := p.c
	p.method = "thuong_luong_truc_tiep"
	if g.chance(0.5) {
		p.add(g, g.evProcessing(c), 0, 2)
	}
	p.add(g, g.evBizContacted(c), 0, 2)
	p.add(g, g.evBizResponded(c), 1, 6)
}

// negotiation: the commune supports a negotiation (Đ.56–60) and records it.
func (g *gen) negotiation(p *casePlan, agreed bool, outcome string, amount int64) {
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
func (g *gen) mediation(p *casePlan, agreed bool, outcome string, amount int64) {
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
func (g *gen) caseContent() *casePlan {
	sc := g.scenario()
	c := &app.Case{
		Kind:             g.kinds.deal(g.r),
		Channel:          weighted(g.r, channelWeights),
		Sector:           sc.sector,
		ProductOrService: sc.product,
		TransactionType:  sc.tx,
		ConsumerUnitCode: g.unit.Code,
	}
	c.UnitCode = g.unit.Code
	p := &casePlan{c: c, sc: sc, status: app.StatusReceived, age: -1}

	// The consumer.
	name, female := g.person()
	c.ConsumerName, p.female = name, female
	c.ConsumerGender = "nam"
	if female {
		c.ConsumerGender = "nu"
	}
	if g.chance(0.88) {
		c.ConsumerPhone = g.Phone()
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
			c.BusinessAddress = g.Address()
		} else {
			c.BusinessAddress = fmt.Sprintf("Số %d đường %s, %s", g.between(1, 300), pick(g.r, streets), pick(g.r, otherCities))
		}
	case "ho_kinh_doanh", "to_chuc_khac":
		if g.chance(0.4) {
			c.BusinessTaxCode = g.taxCode(true)
		}
		c.BusinessPhone = g.Phone()
		c.BusinessAddress = g.Address()
	case "ca_nhan_khong_dkkd":
		if g.chance(0.5) {
			c.BusinessPhone = g.Phone()
		}
		if g.chance(0.5) {
			c.BusinessAddress = g.unit.Name
		}
	case "nguoi_ban_tren_mxh":
		c.BusinessPhone = g.Phone()
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
func (g *gen) representative(c *app.Case, father, mother string) {
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
func (g *gen) place(p *casePlan, open bool, wait int) {
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
		yearAgo := today.AddDate(0, 0, -365)
		day = today.AddDate(0, 0, -g.between(1, 365))
		if officeHours && !g.cal.IsWorkingDay(day) {
			day = g.subWorkingDays(day, 1)
			if day.Before(yearAgo) { // a weekend or Tết a year ago: the working day after it
				day = g.cal.AddWorkingDays(yearAgo, 1)
			}
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
func (g *gen) caseDetails(p *casePlan) {
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
	// What the officer saw, never what an identity paper says: no number,
	// no transcribed contents (the birth date has its own field).
	var evidence []string
	for _, gr := range c.VulnerableGroups {
		var ev string
		switch gr {
		case app.GroupElderly, app.GroupChild:
			ev = "Người tiêu dùng tự khai tuổi, chưa xuất trình giấy tờ"
			if c.ConsumerBirthDate != "" {
				ev = "Đã xem giấy tờ tùy thân, ngày sinh ghi ở mục Ngày sinh"
				if gr == app.GroupChild {
					ev = "Đã xem giấy khai sinh, ngày sinh ghi ở mục Ngày sinh"
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
			ev = "Đã xem giấy tờ tùy thân; xác nhận cư trú tại vùng đặc biệt khó khăn của UBND " + lowerFirst(g.unit.Name)
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
func (g *gen) question(c *app.Case, sc *scenario) string {
	r := strings.NewReplacer("{biz}", c.BusinessName, "{product}", lowerFirst(sc.product))
	return r.Replace(pick(g.r, []string{
		"Người tiêu dùng hỏi về quyền đổi, trả {product} mua của {biz} khi sản phẩm bị lỗi và cách gửi yêu cầu đến người bán.",
		"Người tiêu dùng hỏi cơ quan nào giải quyết khi {product} không đúng như quảng cáo và cần chuẩn bị những giấy tờ gì.",
		"Người tiêu dùng hỏi thủ tục đề nghị UBND hỗ trợ thương lượng với {biz} về {product}.",
		"Người tiêu dùng hỏi thời hạn bảo hành và trách nhiệm của {biz} đối với {product}.",
	}))
}

// evidence lists what the consumer brought, by the form of the transaction.
func (g *gen) evidence(c *app.Case, txDay time.Time) []string {
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
func (g *gen) schedule(p *casePlan) {
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
func (g *gen) dated(e *app.CaseEvent, at time.Time) {
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
func (g *gen) methodAndOfficer(p *casePlan) {
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
func (g *gen) fieldEdit(c *app.Case) {
	switch g.r.IntN(3) {
	case 0:
		c.ConsumerPhone = g.Phone()
	case 1:
		c.Evidence = append(append([]string(nil), c.Evidence...), pick(g.r, []string{
			"Ảnh chụp sản phẩm bị lỗi (bổ sung)", "Bản sao hóa đơn (bổ sung)", "Ghi âm cuộc gọi với người bán (bổ sung)"}))
	default:
		c.Summary += " Người tiêu dùng bổ sung thông tin ngày " + g.now.In(app.ICT).Format("02/01/2006") + "."
	}
}

// stepEdit records the next step of a case today, as the workflow allows.
func (g *gen) stepEdit(ctx context.Context, st Store, c *app.Case) error {
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
		events, err := st.ListCaseEvents(ctx, c.ID)
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
	return st.AddCaseEvent(ctx, c.ID, &e)
}

// The events, with what an officer writes on each.

func (g *gen) evAck(c *app.Case) app.CaseEvent {
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

func (g *gen) evDocsRequested(c *app.Case, missing string) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventDocsRequested,
		Note: fmt.Sprintf("Đề nghị người tiêu dùng bổ sung %s trong 05 ngày làm việc.", missing)}
}

func (g *gen) evDocsReceived(c *app.Case, missing string) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventDocsReceived, Note: fmt.Sprintf("Người tiêu dùng đã bổ sung %s.", missing)}
}

func (g *gen) evAccepted(c *app.Case) app.CaseEvent {
	note := "Hồ sơ đủ điều kiện, thụ lý giải quyết."
	if c.IsVulnerable() {
		note = "Hồ sơ đủ điều kiện, thụ lý; người tiêu dùng dễ bị tổn thương, ưu tiên giải quyết (Điều 8)."
	}
	return app.CaseEvent{Kind: app.EventAccepted, Note: note}
}

func (g *gen) evRejected(c *app.Case, reason string) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventRejected, RejectionReason: reason,
		Note: "Đã trả lời bằng văn bản cho người tiêu dùng, nêu rõ lý do từ chối."}
}

func (g *gen) evProcessing(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventProcessingStarted, Note: pick(g.r, []string{
		"Xác minh thông tin, làm việc với người tiêu dùng.",
		"Kiểm tra chứng cứ người tiêu dùng cung cấp, liên hệ các bên.",
	})}
}

func (g *gen) evInspection(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventNote, Note: fmt.Sprintf(
		"Tổ kiểm tra của UBND %s kiểm tra %s, lập biên bản; cơ sở cam kết khắc phục.", lowerFirst(g.unit.Name), c.BusinessName)}
}

func (g *gen) evReferred(c *app.Case, agency string) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventReferred, Agency: agency, ConsumerNotified: true,
		Note: fmt.Sprintf("Chuyển hồ sơ đến %s theo thẩm quyền; đã thông báo cho người tiêu dùng.", g.agencyName(agency))}
}

func (g *gen) evReferralResponse(c *app.Case, agency string) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventReferralResponse, Note: fmt.Sprintf("%s phản hồi: %s", g.agencyName(agency), pick(g.r, []string{
		"đã tiếp nhận, đang xác minh và sẽ thông báo kết quả cho người tiêu dùng.",
		"đã làm việc với bên kinh doanh, yêu cầu khắc phục vi phạm.",
		"đã kiểm tra, xử phạt vi phạm hành chính bên kinh doanh.",
	}))}
}

func (g *gen) evBizContacted(c *app.Case) app.CaseEvent {
	if g.chance(0.5) {
		return app.CaseEvent{Kind: app.EventBusinessContacted, Note: fmt.Sprintf(
			"Đã gửi văn bản số {doc} đề nghị %s phản hồi yêu cầu của người tiêu dùng trong 07 ngày làm việc.", c.BusinessName)}
	}
	return app.CaseEvent{Kind: app.EventBusinessContacted, Note: fmt.Sprintf(
		"Đã gọi điện cho %s, đề nghị làm việc với người tiêu dùng.", c.BusinessName)}
}

func (g *gen) evBizResponded(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventBusinessResponded, Note: fmt.Sprintf("%s phản hồi, đồng ý làm việc với người tiêu dùng.", c.BusinessName)}
}

func (g *gen) evBizRefused(c *app.Case) app.CaseEvent {
	if g.chance(0.3) {
		return app.CaseEvent{Kind: app.EventBusinessRefused, Note: fmt.Sprintf(
			"%s không trả lời sau 07 ngày làm việc, coi như từ chối.", c.BusinessName)}
	}
	return app.CaseEvent{Kind: app.EventBusinessRefused, Note: fmt.Sprintf(
		"%s trả lời bằng văn bản, từ chối yêu cầu: %s.", c.BusinessName, g.refusal(c))}
}

func (g *gen) refusal(c *app.Case) string {
	for i := range scenarios {
		if scenarios[i].product == c.ProductOrService && scenarios[i].refusal != "" {
			return scenarios[i].refusal
		}
	}
	return "bên kinh doanh cho rằng yêu cầu không có căn cứ"
}

func (g *gen) evNegotiationStart(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventNegotiationStart, Note: fmt.Sprintf(
		"Mời người tiêu dùng và %s thương lượng tại trụ sở UBND %s.", c.BusinessName, lowerFirst(g.unit.Name))}
}

func (g *gen) evNegotiationResult(c *app.Case, agreed bool, outcome string, amount int64) app.CaseEvent {
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

func (g *gen) evMediationStart(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventMediationStart, Note: pick(g.r, []string{
		"Hai bên đồng ý hòa giải; đề nghị Hội Bảo vệ người tiêu dùng tỉnh tổ chức hòa giải.",
		"Hai bên đồng ý hòa giải tại tổ hòa giải ở cơ sở.",
	})}
}

func (g *gen) evMediationResult(c *app.Case, agreed bool, outcome string, amount int64) app.CaseEvent {
	e := app.CaseEvent{Kind: app.EventMediationResult, Agreed: agreed, Signed: g.chance(0.9),
		Parties:      g.parties(c),
		MediatorName: g.PersonName(),
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
func (g *gen) agreement(c *app.Case, outcome string, amount int64) string {
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
func (g *gen) parties(c *app.Case) string {
	consumer := "Người tiêu dùng " + c.ConsumerName
	if c.RepresentativeName != "" {
		consumer += " (người đại diện: " + c.RepresentativeName + ")"
	}
	biz := c.BusinessName
	if c.BusinessKind != "nguoi_ban_tren_mxh" && c.BusinessKind != "ca_nhan_khong_dkkd" {
		biz += ", đại diện: " + g.PersonName()
	}
	return consumer + "; " + biz
}

func (g *gen) evAdvised(c *app.Case) app.CaseEvent {
	note := "Đã hướng dẫn người tiêu dùng có thể yêu cầu trọng tài thương mại hoặc khởi kiện tại Tòa án."
	if c.DamageClaimed > 0 && c.DamageClaimed < 100_000_000 {
		note += " Vụ việc dưới 100 triệu đồng được giải quyết theo thủ tục rút gọn; người tiêu dùng không phải nộp tạm ứng án phí."
	}
	if c.Kind == "tu_van" {
		note = fmt.Sprintf("Đã hướng dẫn người tiêu dùng gửi yêu cầu bằng văn bản đến %s, giữ lại hóa đơn, chứng từ; nếu sau 07 ngày làm việc không được phản hồi thì đề nghị UBND hỗ trợ.", c.BusinessName)
	}
	return app.CaseEvent{Kind: app.EventAdvisedNextStep, Note: note}
}

func (g *gen) evResolved(c *app.Case, outcome string, amount int64) app.CaseEvent {
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

func (g *gen) evClosed(c *app.Case, outcome string, amount int64) app.CaseEvent {
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

func (g *gen) evWithdrawn(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventWithdrawn, Note: pick(g.r, []string{
		fmt.Sprintf("Người tiêu dùng rút yêu cầu do đã tự thỏa thuận được với %s.", c.BusinessName),
		"Người tiêu dùng rút yêu cầu, không muốn tiếp tục giải quyết.",
	})}
}

func (g *gen) evUnreachableNote(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventNote, Note: "Đã gọi điện 3 lần vào các ngày khác nhau, không liên lạc được với người tiêu dùng."}
}

func (g *gen) evNote(c *app.Case) app.CaseEvent {
	return app.CaseEvent{Kind: app.EventNote, Note: pick(g.r, []string{
		"Người tiêu dùng gọi điện hỏi tiến độ giải quyết.",
		"Đã gọi lại cho người tiêu dùng, thông báo tiến độ giải quyết.",
		"Người tiêu dùng đến trụ sở cung cấp thêm thông tin.",
		"Báo cáo lãnh đạo UBND về vụ việc.",
	})}
}

// The small parts.

func (g *gen) scenario() *scenario {
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
func (g *gen) issues(sc *scenario) []string {
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
func (g *gen) onlineChannel(c *app.Case, trade string) string {
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
func (g *gen) agencyFor(c *app.Case) string {
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

func (g *gen) agencyName(id string) string {
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
func (g *gen) docNo(day time.Time) string {
	office := "UBND-KT" // Phòng Kinh tế of a xã
	if g.unit.Type == app.UnitPhuong {
		office = "UBND-KTHTĐT" // Phòng Kinh tế, Hạ tầng và Đô thị of a phường
	}
	return fmt.Sprintf("%d/%s", day.YearDay()*3/2+g.between(1, 3), office)
}

// subWorkingDays returns the working day n working days before day (day
// itself for n = 0).
func (g *gen) subWorkingDays(day time.Time, n int) time.Time {
	d := dayOf(day)
	for n > 0 {
		d = d.AddDate(0, 0, -1)
		if g.cal.IsWorkingDay(d) {
			n--
		}
	}
	return d
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
