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

// The commune's year of training and outreach work: the registries
// (officers, organisations, the people who attend), training sessions with
// their registers, outreach events and publications, spread over the
// report year (15/12 → 14/12, docs/domain.md §5.6) so that the KPI dashboard has
// figures to show. Like the cases, everything is synthetic and written
// through the store's service (SaveRecord), each write at the time an
// officer would have typed it.

// YearCounts are what Year wrote: new records by entity, and the saves
// (each one outbox mutation).
type YearCounts struct {
	Officers, Organisations, Participants, Sessions, Attendance, Events, Publications int
	Notices                                                                           int // off-premises sales notices
	Writes                                                                            int
}

// themes153 are the yearly themes of Vietnam Consumer Rights Day chosen by
// Bộ Công Thương (NĐ 55/2024 Đ.3), as published; a year not listed gets
// none.
var themes153 = map[int]string{
	2021: "Kinh doanh trách nhiệm, tiêu dùng bền vững trong thời kỳ bình thường mới",
	2022: "Tiêu dùng an toàn trong thời kỳ bình thường mới",
	2024: "Thông tin minh bạch - Tiêu dùng an toàn",
	2025: "Thông tin minh bạch - Tiêu dùng trách nhiệm",
	2026: "An toàn thông tin - Gắn kết niềm tin - Tiêu dùng bền vững",
}

// FilledYear returns the first and last day (midnight, ICT) of the report
// year Year fills at now: the one holding now, or the one before while
// less than four months of it have passed (else the store would hold
// mostly plans).
func FilledYear(now time.Time) (from, to time.Time) {
	n := now.In(app.ICT)
	end := n.Year()
	if n.Month() == time.December && n.Day() >= 15 {
		end++
	}
	if n.Sub(time.Date(end-1, 12, 15, 0, 0, 0, 0, app.ICT)) < 120*24*time.Hour {
		end--
	}
	return time.Date(end-1, 12, 15, 0, 0, 0, 0, app.ICT), time.Date(end, 12, 14, 0, 0, 0, 0, app.ICT)
}

// yearGen plans a year of work, then writes it in the order it happened.
type yearGen struct {
	*gen
	from, to time.Time // first and last day of the report year
	today    time.Time // midnight of now
	reuse    bool      // the registries were already in the store

	orgs     []*demoOrg
	officers []*demoOfficer
	people   []*demoPerson            // everyone but the officers
	byType   map[string][]*demoPerson // people by participant type
	sessions []*demoSession
	ops      []writeOp
	counts   YearCounts
}

type demoOrg struct {
	key     string // role in the demo: mttq, phu_nu, bvntd, doanh_nghiep…
	o       *app.Organisation
	leftOut bool // nobody of it attends: target T4 stays below 100%
}

type demoOfficer struct {
	o      *app.Officer
	person *demoPerson
	// missing: trained nowhere this year (excused when invited), so that
	// target T5 is realistic.
	missing bool
}

type demoPerson struct {
	p       *app.Participant
	org     *demoOrg
	officer *demoOfficer
	planned bool // its creation is planned (or it is already in the store)
	saveOp  int  // 1 + the index in yearGen.ops of its save; 0 if none is planned
}

type demoSession struct {
	s        *app.TrainingSession
	spec     *sessionSpec
	day, end time.Time // first and last day
	start    int       // minute of the day it starts
	held     bool
	rows     []*demoRow
	in       map[*demoPerson]bool
}

type demoRow struct {
	person  *demoPerson
	status  string
	signed  bool
	checkIn time.Time
}

// writeOp is a save at the time it was typed.
type writeOp struct {
	at  time.Time
	seq int
	do  func(context.Context, Store) error
}

func (y *yearGen) op(at time.Time, do func(context.Context, Store) error) {
	y.ops = append(y.ops, writeOp{at: at, seq: len(y.ops), do: do})
}

// save schedules a save of r at at, counted as one write.
func (y *yearGen) save(at time.Time, r app.Record) {
	y.op(at, func(ctx context.Context, st Store) error {
		if err := st.SaveRecord(ctx, r); err != nil {
			return fmt.Errorf("%s: %w", r.Entity(), err)
		}
		return nil
	})
	y.counts.Writes++
}

// Year writes, for o.Unit, a year of training and outreach work:
// o.Trainings training sessions, with their registers, and o.Events
// outreach events (with the year's publications when there are events),
// and the registries they need unless the store already holds the
// commune's. What the store's clock reads at the start is "now" (see
// demo.go): nothing is typed after it, and only sessions and events dated
// before today are held.
func Year(ctx context.Context, st Store, clock *func() time.Time, refs *app.RefData, o Options) (YearCounts, error) {
	u, ok := refs.Unit(o.Unit)
	if !ok {
		return YearCounts{}, app.Errorf(app.EINVALID, "Không có xã, phường mã %s trong danh mục.", o.Unit)
	}
	if o.Trainings <= 0 && o.Events <= 0 {
		return YearCounts{}, nil
	}
	cal, err := refs.Calendar()
	if err != nil {
		return YearCounts{}, app.WrapError(app.EINTERNAL, "Lịch ngày nghỉ trong dữ liệu danh mục bị hỏng.", err)
	}
	seed, now := o.Seed, nowOf(clock)
	y := &yearGen{
		gen:    &gen{Sampler: NewSampler(rand.New(rand.NewPCG(seed^0x5bd1e995, seed+0x27d4eb2f165667c5)), refs, u), now: now, cal: cal},
		today:  dayOf(now),
		byType: map[string][]*demoPerson{},
	}
	y.from, y.to = FilledYear(now)
	if err := y.registries(ctx, st); err != nil {
		return YearCounts{}, err
	}
	y.planSessions(o.Trainings)
	if o.Events > 0 {
		skipRally, err := y.hasRally(ctx, st)
		if err != nil {
			return YearCounts{}, err
		}
		held := y.planEvents(o.Events, skipRally)
		y.planPublications(held)
		y.planNotices()
	}
	y.schedule()
	return y.counts, y.write(ctx, st, clock)
}

// write runs the saves in the order they were typed, the store's clock
// standing at each one's time.
func (y *yearGen) write(ctx context.Context, st Store, clock *func() time.Time) error {
	sort.SliceStable(y.ops, func(i, j int) bool {
		if !y.ops[i].at.Equal(y.ops[j].at) {
			return y.ops[i].at.Before(y.ops[j].at)
		}
		return y.ops[i].seq < y.ops[j].seq
	})
	stand, restore := standAt(clock)
	defer restore()
	for i, o := range y.ops {
		t := o.at.UTC()
		if t.After(y.now) {
			t = y.now
		}
		stand(t)
		if err := o.do(ctx, st); err != nil {
			return fmt.Errorf("demo: save %d of %d: %w", i+1, len(y.ops), err)
		}
	}
	return nil
}

// of is the commune as the end of a name: "xã Tân Hương", "phường Mỹ Tho".
func (y *yearGen) of() string { return lowerFirst(y.unit.Name) }

// economyOffice is the commune's office for trade and the economy.
func (y *yearGen) economyOffice() string {
	if y.unit.Type == app.UnitPhuong {
		return "Phòng Kinh tế, Hạ tầng và Đô thị"
	}
	return "Phòng Kinh tế"
}

// hamlet is an ấp of a xã or a khu phố of a phường.
func (y *yearGen) hamlet() string {
	if y.unit.Type == app.UnitPhuong {
		return fmt.Sprintf("Khu phố %d", y.between(1, 12))
	}
	var ap []string
	for _, h := range hamlets {
		if strings.HasPrefix(h, "Ấp ") {
			ap = append(ap, h)
		}
	}
	return pick(y.r, ap)
}

// atMinute returns the minute-th minute of day.
func atMinute(day time.Time, minute int) time.Time {
	return day.Add(time.Duration(minute) * time.Minute)
}

// workingDayFrom returns day if it is a working day, else the next one.
func (y *yearGen) workingDayFrom(day time.Time) time.Time {
	d := dayOf(day)
	for !y.cal.IsWorkingDay(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// dayBetween returns a day in [lo, hi], a working day if one is near.
func (y *yearGen) dayBetween(lo, hi time.Time) time.Time {
	days := int(dayOf(hi).Sub(dayOf(lo)).Hours()/24 + 0.5)
	d := dayOf(lo).AddDate(0, 0, y.r.IntN(max(days, 0)+1))
	if w := y.workingDayFrom(d); !w.After(dayOf(hi)) {
		return w
	}
	for d.After(dayOf(lo)) && !y.cal.IsWorkingDay(d) {
		d = d.AddDate(0, 0, -1)
	}
	return d
}

// ---- Registries ----

type orgSpec struct {
	key, name, kind string
	relevant        bool
	note            string
}

type officerSpec struct {
	position, role string
	t5             bool
	org            string // key of its organisation, if any
	female         int    // 1 a woman, 0 a man, -1 either
	band           string
}

// registries loads the commune's officers, organisations and participants
// from the store, or plans them when there are none.
func (y *yearGen) registries(ctx context.Context, st Store) error {
	q := app.RecordQuery{Unit: y.unit.Code}
	officers, err := records[app.Officer](ctx, st, q)
	if err != nil {
		return err
	}
	if len(officers) == 0 {
		y.planRegistries()
		return nil
	}
	y.reuse = true
	orgs, err := records[app.Organisation](ctx, st, q)
	if err != nil {
		return err
	}
	people, err := records[app.Participant](ctx, st, q)
	if err != nil {
		return err
	}
	orgByID := map[string]*demoOrg{}
	for _, org := range orgs {
		o := &demoOrg{key: orgKey(org), o: org}
		y.orgs = append(y.orgs, o)
		orgByID[o.o.ID] = o
	}
	personByID := map[string]*demoPerson{}
	for _, person := range people {
		p := &demoPerson{p: person, org: orgByID[person.OrganisationID], planned: true}
		personByID[p.p.ID] = p
	}
	for _, officer := range officers {
		o := &demoOfficer{o: officer, person: personByID[officer.ParticipantID]}
		if o.person == nil {
			continue
		}
		o.person.officer = o
		y.officers = append(y.officers, o)
	}
	for _, person := range people {
		if p := personByID[person.ID]; p.officer == nil {
			y.addPerson(p)
		}
	}
	return nil
}

// records returns the records of T's entity in the store that q selects.
func records[T any, P interface {
	*T
	app.Record
}](ctx context.Context, st Store, q app.RecordQuery) ([]P, error) {
	entity := P(new(T)).Entity()
	recs, err := st.Records(ctx, entity, q)
	if err != nil {
		return nil, err
	}
	out := make([]P, len(recs))
	for i, r := range recs {
		p, ok := r.(P)
		if !ok {
			return nil, fmt.Errorf("demo: a %s record of type %T", entity, r)
		}
		out[i] = p
	}
	return out, nil
}

// planRegistries plans the organisations relevant to consumer protection
// and a few others, and the officers, each with their participant record,
// typed in during the first days of the report year.
func (y *yearGen) planRegistries() {
	of := y.of()
	specs := []orgSpec{
		{"mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam " + of, "to_chuc_ct_xh", true,
			"Chủ trì cuộc vận động “Người Việt Nam ưu tiên dùng hàng Việt Nam”; giám sát việc thực hiện pháp luật về bảo vệ quyền lợi người tiêu dùng."},
		{"phu_nu", "Hội Liên hiệp Phụ nữ " + of, "to_chuc_ct_xh", true, ""},
	}
	if y.unit.Type != app.UnitPhuong || y.chance(0.5) {
		specs = append(specs, orgSpec{"nong_dan", "Hội Nông dân " + of, "to_chuc_ct_xh", true, ""})
	}
	specs = append(specs,
		orgSpec{"thanh_nien", "Đoàn Thanh niên Cộng sản Hồ Chí Minh " + of, "to_chuc_ct_xh", true, ""},
		orgSpec{"ccb", "Hội Cựu chiến binh " + of, "to_chuc_ct_xh", true, ""},
		orgSpec{"bvntd", "Chi hội Bảo vệ người tiêu dùng " + of, "to_chuc_xa_hoi", true,
			"Chi hội trực thuộc Hội Bảo vệ người tiêu dùng tỉnh Đồng Tháp; tiếp nhận, tư vấn và hòa giải cho người tiêu dùng."},
		orgSpec{"nct", "Hội Người cao tuổi " + of, "to_chuc_xa_hoi", true, ""},
		orgSpec{"nganh_hang", pick(y.r, []string{"Chi hội ngành hàng trái cây", "Chi hội ngành hàng lúa gạo", "Chi hội ngành hàng thủy sản"}) + " " + of,
			"hoi_nganh_hang", true, ""},
	)
	for range y.between(2, 3) {
		specs = append(specs, orgSpec{"doanh_nghiep", pick(y.r, []string{"Công ty TNHH Thương mại Dịch vụ", "Công ty TNHH Sản xuất Thương mại",
			"Công ty Cổ phần Thực phẩm", "Doanh nghiệp tư nhân"}) + " " + pick(y.r, shopNames), "doanh_nghiep", false, ""})
	}
	for range y.between(1, 2) {
		specs = append(specs, orgSpec{"htx", pick(y.r, []string{"Hợp tác xã Nông nghiệp", "Hợp tác xã Dịch vụ nông nghiệp", "Hợp tác xã Trái cây"}) +
			" " + pick(y.r, shopNames), "htx", false, ""})
	}
	specs = append(specs,
		orgSpec{"truong", "Trường THCS " + y.unit.ShortName, "truong_hoc", false, ""},
		orgSpec{"cho", "Ban Quản lý chợ " + y.unit.ShortName, "khac", false, "Đầu mối phổ biến pháp luật cho tiểu thương trong chợ."})
	seen := map[string]bool{}
	for _, s := range specs {
		if seen[s.name] {
			continue
		}
		seen[s.name] = true
		y.orgs = append(y.orgs, &demoOrg{key: s.key, o: &app.Organisation{RecordHead: app.RecordHead{UnitCode: y.unit.Code},
			Name: s.name, Kind: s.kind, Relevant: s.relevant, Note: s.note}})
	}

	office := y.economyOffice()
	must := []officerSpec{
		{"Chuyên viên " + office, "can_bo_cong_thuong_xa", true, "", -1, "tu_16_den_35"},
		{"Phó Chủ tịch UBND " + of, "lanh_dao_ubnd", true, "", -1, "tu_36_den_59"},
		{"Chi hội trưởng Chi hội Bảo vệ người tiêu dùng", "hoi_bvntd", true, "bvntd", -1, "tu_60"},
		{"Phó Chủ tịch Ủy ban MTTQ Việt Nam " + of, "doan_the", true, "mttq", -1, "tu_36_den_59"},
		{"Phó Chủ tịch Hội Liên hiệp Phụ nữ", "doan_the", true, "phu_nu", 1, "tu_36_den_59"},
	}
	more := []officerSpec{
		{"Trưởng " + office, "can_bo_cong_thuong_xa", true, "", -1, "tu_36_den_59"},
		{"Bí thư Đoàn Thanh niên", "doan_the", true, "thanh_nien", -1, "tu_16_den_35"},
		{"Chuyên viên Phòng Văn hóa - Xã hội", "khac", false, "", -1, "tu_16_den_35"},
		{"Chuyên viên " + office + " (đã chuyển công tác)", "can_bo_cong_thuong_xa", true, "", -1, "tu_16_den_35"},
	}
	if y.org("nong_dan") != nil {
		more = append(more, officerSpec{"Phó Chủ tịch Hội Nông dân", "doan_the", true, "nong_dan", 0, "tu_36_den_59"})
	} else {
		more = append(more, officerSpec{"Phó Chủ tịch Hội Cựu chiến binh", "doan_the", true, "ccb", 0, "tu_60"})
	}
	y.r.Shuffle(len(more), func(i, j int) { more[i], more[j] = more[j], more[i] })
	for _, s := range append(must, more[:y.between(1, 4)]...) {
		female := y.r.IntN(2) == 0
		if s.female >= 0 {
			female = s.female == 1
		}
		name := y.nameOf(female)
		o := &demoOfficer{o: &app.Officer{RecordHead: app.RecordHead{UnitCode: y.unit.Code}, FullName: name,
			Position: s.position, Role: s.role, Phone: y.Phone(), CountsForT5: s.t5,
			Active: !strings.Contains(s.position, "chuyển công tác")}}
		typ, workplace := "can_bo_cong_chuc_xa", "UBND "+of
		org := y.org(s.org)
		if s.role == "hoi_bvntd" {
			typ = "to_chuc_xa_hoi"
		}
		if org != nil {
			workplace = org.o.Name
		}
		o.person = &demoPerson{officer: o, org: org, planned: true, p: &app.Participant{RecordHead: app.RecordHead{UnitCode: y.unit.Code},
			FullName: name, Type: typ, Workplace: workplace, Gender: genderCode(female), AgeBand: s.band, Phone: o.o.Phone}}
		y.officers = append(y.officers, o)
	}
	// One officer who counts for T5 misses every session of the year (when
	// there are enough of them); never the trade officer.
	if len(y.officers) >= 6 {
		var can []*demoOfficer
		for _, o := range y.officers[1:] {
			if o.o.CountsForT5 && o.o.Active {
				can = append(can, o)
			}
		}
		if len(can) > 0 {
			pick(y.r, can).missing = true
		}
	}
	// Perhaps one relevant organisation takes no part this year (T4 below
	// 100%): one no officer belongs to.
	if y.chance(0.6) {
		var can []*demoOrg
		for _, o := range y.orgs {
			if o.o.Relevant && !y.hasOfficer(o) && o.key != "mttq" && o.key != "phu_nu" && o.key != "thanh_nien" {
				can = append(can, o)
			}
		}
		if len(can) > 0 {
			pick(y.r, can).leftOut = true
		}
	}
}

// orgKey recognises the role of an organisation of the store by its name
// or kind.
func orgKey(o *app.Organisation) string {
	for _, k := range []struct{ prefix, key string }{{"Ủy ban Mặt trận", "mttq"}, {"Hội Liên hiệp Phụ nữ", "phu_nu"},
		{"Hội Nông dân", "nong_dan"}, {"Đoàn Thanh niên", "thanh_nien"}, {"Hội Cựu chiến binh", "ccb"},
		{"Chi hội Bảo vệ người tiêu dùng", "bvntd"}, {"Hội Người cao tuổi", "nct"}, {"Ban Quản lý chợ", "cho"}} {
		if strings.HasPrefix(o.Name, k.prefix) {
			return k.key
		}
	}
	switch o.Kind {
	case "hoi_nganh_hang":
		return "nganh_hang"
	case "truong_hoc":
		return "truong"
	}
	return o.Kind
}

func (y *yearGen) org(key string) *demoOrg {
	for _, o := range y.orgs {
		if o.key == key {
			return o
		}
	}
	return nil
}

// orgsOf returns the organisations of the keys that take part this year.
func (y *yearGen) orgsOf(keys ...string) []*demoOrg {
	var out []*demoOrg
	for _, o := range y.orgs {
		if !o.leftOut && containsCode(keys, o.key) {
			out = append(out, o)
		}
	}
	return out
}

func (y *yearGen) hasOfficer(o *demoOrg) bool {
	for _, of := range y.officers {
		if of.person.org == o {
			return true
		}
	}
	return false
}

func genderCode(female bool) string {
	if female {
		return "nu"
	}
	return "nam"
}

func (y *yearGen) addPerson(p *demoPerson) {
	y.people = append(y.people, p)
	y.byType[p.p.Type] = append(y.byType[p.p.Type], p)
}

// newPerson makes someone of participant type typ who attends for the
// first time: their organisation if natural, gender, age band, and a phone
// number more often than not.
func (y *yearGen) newPerson(typ string) *demoPerson {
	female := y.r.IntN(2) == 0
	band := weighted(y.r, []weight{{"tu_16_den_35", 30}, {"tu_36_den_59", 50}, {"tu_60", 20}})
	var org *demoOrg
	workplace := ""
	phone := y.chance(0.65)
	switch typ {
	case "can_bo_cong_chuc_xa":
		workplace = "UBND " + y.of()
		if y.chance(0.5) {
			workplace = "Ban điều hành " + y.hamlet()
		}
		phone = true
	case "can_bo_so_nganh":
		workplace = pick(y.r, []string{"Sở Công Thương", "Sở Y tế", "Công an tỉnh", "Sở Nông nghiệp và Môi trường", "Sở Khoa học và Công nghệ"})
		band, phone = pick(y.r, []string{"tu_16_den_35", "tu_36_den_59"}), true
	case "hoi_vien_doan_the":
		if orgs := y.orgsOf("mttq", "phu_nu", "nong_dan", "thanh_nien", "ccb"); len(orgs) > 0 {
			org = pick(y.r, orgs)
		}
	case "to_chuc_xa_hoi":
		if orgs := y.orgsOf("bvntd", "nct"); len(orgs) > 0 {
			org = pick(y.r, orgs)
		}
	case "doanh_nghiep":
		if orgs := y.orgsOf("doanh_nghiep"); len(orgs) > 0 && y.chance(0.6) {
			org = pick(y.r, orgs)
		} else {
			workplace = pick(y.r, []string{"Công ty TNHH MTV", "Công ty TNHH", "Doanh nghiệp tư nhân"}) + " " + pick(y.r, shopNames)
		}
		band = pick(y.r, []string{"tu_16_den_35", "tu_36_den_59"})
	case "ho_kinh_doanh_tieu_thuong":
		if orgs := y.orgsOf("nganh_hang"); len(orgs) > 0 && y.chance(0.15) {
			org = orgs[0]
		} else if y.chance(0.5) {
			workplace = "Tiểu thương chợ " + y.unit.ShortName
		} else {
			workplace = "Hộ kinh doanh " + pick(y.r, []string{"tạp hóa", "điện thoại di động", "vật tư nông nghiệp", "quán ăn", "điện máy", "thực phẩm"}) +
				" " + pick(y.r, shopNames)
		}
		phone = y.chance(0.8)
	case "htx":
		if orgs := y.orgsOf("htx"); len(orgs) > 0 {
			org = pick(y.r, orgs)
		}
	case "hoc_sinh_sinh_vien":
		if orgs := y.orgsOf("truong"); len(orgs) > 0 && y.chance(0.8) {
			org = orgs[0]
		} else {
			workplace = "Trường THPT " + y.unit.ShortName
		}
		band, phone = "duoi_16", y.chance(0.2)
		if y.chance(0.3) {
			band = "tu_16_den_35"
		}
	case "nguoi_dan":
		if y.chance(0.1) {
			band = ""
		}
	case "khac":
		workplace = pick(y.r, []string{"Trạm Y tế " + y.of(), "Bưu điện văn hóa " + y.of(), "Nhà thuốc " + pick(y.r, shopNames)})
	}
	if org != nil {
		workplace = org.o.Name
		switch org.key {
		case "phu_nu":
			female = true
		case "thanh_nien":
			band = "tu_16_den_35"
		case "ccb":
			female = y.chance(0.1)
			band = pick(y.r, []string{"tu_60", "tu_60", "tu_36_den_59"})
		case "nct":
			band = "tu_60"
		}
	}
	p := &demoPerson{org: org, p: &app.Participant{RecordHead: app.RecordHead{UnitCode: y.unit.Code}, FullName: y.nameOf(female),
		Type: typ, Workplace: workplace, Gender: genderCode(female), AgeBand: band}}
	if phone {
		p.p.Phone = y.Phone()
	}
	y.addPerson(p)
	return p
}

// ---- Training sessions (plan task IV.1) ----

// sessionSpec is a kind of session a commune holds or hosts.
type sessionSpec struct {
	title, topics    string
	organiser        string // Agency id
	co, tasks        []string
	audience         []weight // participant types and their share of seats
	officials        bool     // for officials: every officer is invited
	trainers         string
	format           string
	days             int
	venue            string // %s: the commune
	seatsLo, seatsHi int
}

func (y *yearGen) sessionSpecs() []sessionSpec {
	of := y.of()
	return []sessionSpec{
		{"Tập huấn nghiệp vụ bảo vệ quyền lợi người tiêu dùng cho cán bộ, công chức và đoàn thể " + of,
			"Luật Bảo vệ quyền lợi người tiêu dùng năm 2023 và Nghị định 55/2024/NĐ-CP; trách nhiệm của UBND cấp xã; quy trình tiếp nhận, xử lý phản ánh, yêu cầu của người tiêu dùng; hỗ trợ thương lượng, hòa giải.",
			"sct", []string{"ubnd_xa"}, []string{"IV.1"},
			[]weight{{"can_bo_cong_chuc_xa", 35}, {"hoi_vien_doan_the", 35}, {"to_chuc_xa_hoi", 20}, {"can_bo_so_nganh", 5}},
			true, "Báo cáo viên Sở Công Thương", "truc_tiep", 1, "Hội trường UBND %s", 40, 70},
		{"Hội nghị phổ biến pháp luật về bảo vệ quyền lợi người tiêu dùng cho hộ kinh doanh, tiểu thương",
			"Nghĩa vụ của tổ chức, cá nhân kinh doanh; niêm yết giá, ghi nhãn hàng hóa; hợp đồng theo mẫu, điều kiện giao dịch chung; bảo hành, đổi trả; trách nhiệm đối với hàng hóa có khuyết tật.",
			"ubnd_xa", []string{"sct", "hoi_bvntd"}, []string{"IV.1", "III.8"},
			[]weight{{"ho_kinh_doanh_tieu_thuong", 55}, {"doanh_nghiep", 20}, {"htx", 10}, {"can_bo_cong_chuc_xa", 5}},
			false, "Báo cáo viên Hội Bảo vệ người tiêu dùng tỉnh", "truc_tiep", 1, "Hội trường UBND %s", 50, 90},
		{"Tập huấn kỹ năng mua sắm trực tuyến an toàn, phòng tránh lừa đảo cho hội viên và người dân",
			"Nhận diện thủ đoạn lừa đảo qua mạng xã hội, sàn thương mại điện tử, giả danh nhân viên giao hàng; lưu giữ chứng cứ giao dịch; gửi phản ánh đến UBND xã, phường và Tổng đài 1800.6838.",
			"ubnd_xa", []string{"ca_tinh", "hoi_bvntd"}, []string{"IV.1", "IV.6"},
			[]weight{{"nguoi_dan", 45}, {"hoi_vien_doan_the", 35}, {"hoc_sinh_sinh_vien", 10}, {"khac", 5}},
			false, "Báo cáo viên Công an tỉnh; cán bộ Hội Bảo vệ người tiêu dùng tỉnh", "truc_tiep", 1, "Nhà văn hóa %s", 50, 90},
		{"Tập huấn kỹ năng tiếp nhận, hỗ trợ thương lượng và hòa giải tranh chấp tiêu dùng",
			"Tiếp nhận, phân loại yêu cầu của người tiêu dùng; hỗ trợ thương lượng theo Điều 56–60 Luật Bảo vệ quyền lợi người tiêu dùng; hòa giải và lập biên bản hòa giải; ưu tiên người tiêu dùng dễ bị tổn thương.",
			"hoi_bvntd", []string{"sct"}, []string{"IV.1", "IV.8"},
			[]weight{{"can_bo_cong_chuc_xa", 40}, {"to_chuc_xa_hoi", 30}, {"hoi_vien_doan_the", 30}},
			true, "Hội Bảo vệ người tiêu dùng tỉnh Đồng Tháp", "truc_tiep", 2, "Hội trường UBND %s", 30, 50},
		{"Hội nghị tuyên truyền phòng, chống hàng giả, hàng kém chất lượng và gian lận thương mại",
			"Nhận biết hàng giả, hàng không rõ nguồn gốc; tem truy xuất nguồn gốc; an toàn thực phẩm; quyền yêu cầu bồi thường của người tiêu dùng.",
			"ubnd_xa", []string{"sct", "syt"}, []string{"IV.1", "IV.2"},
			[]weight{{"nguoi_dan", 35}, {"ho_kinh_doanh_tieu_thuong", 30}, {"hoi_vien_doan_the", 25}, {"doanh_nghiep", 10}},
			false, "Báo cáo viên Sở Công Thương, Sở Y tế", "truc_tiep", 1, "Nhà văn hóa %s", 50, 90},
		{"Tập huấn trực tuyến về bảo vệ người tiêu dùng trong thương mại điện tử",
			"Trách nhiệm của người bán trên sàn và mạng xã hội; cung cấp thông tin, hợp đồng giao kết từ xa; bảo vệ thông tin cá nhân người tiêu dùng.",
			"sct", []string{"bct"}, []string{"IV.1", "II.4"},
			[]weight{{"can_bo_cong_chuc_xa", 30}, {"doanh_nghiep", 35}, {"ho_kinh_doanh_tieu_thuong", 25}, {"htx", 10}},
			true, "Chuyên gia Ủy ban Cạnh tranh Quốc gia, Bộ Công Thương", "truc_tuyen", 1, "Điểm cầu UBND %s", 30, 55},
		{"Tập huấn an toàn thực phẩm và quyền lợi người tiêu dùng cho tiểu thương chợ",
			"Điều kiện an toàn thực phẩm khi kinh doanh tại chợ; niêm yết giá, cân đúng, đủ; xử lý phản ánh của khách hàng.",
			"ubnd_xa", []string{"syt"}, []string{"IV.1"},
			[]weight{{"ho_kinh_doanh_tieu_thuong", 85}, {"nguoi_dan", 10}, {"khac", 5}},
			false, "Cán bộ Trạm Y tế; công chức " + y.economyOffice(), "truc_tiep", 1, "Ban Quản lý chợ, %s", 40, 70},
		{"Phổ biến Luật Bảo vệ quyền lợi người tiêu dùng cho đoàn viên thanh niên, học sinh",
			"Quyền và nghĩa vụ của người tiêu dùng; mua sắm trực tuyến có trách nhiệm; cách gửi phản ánh, yêu cầu hỗ trợ.",
			"ubnd_xa", []string{"to_chuc_ctxh"}, []string{"IV.1"},
			[]weight{{"hoc_sinh_sinh_vien", 60}, {"hoi_vien_doan_the", 35}, {"nguoi_dan", 5}},
			false, "Đoàn Thanh niên; công chức " + y.economyOffice(), "truc_tiep", 1, "Trường THCS %s", 50, 90},
	}
}

// planSessions plans n sessions: the last quarter or so planned in the
// coming weeks, the others held across the report year up to yesterday,
// each with its register.
func (y *yearGen) planSessions(n int) {
	if n <= 0 {
		return
	}
	specs := y.sessionSpecs()
	// The officials' session opens the year; the others in any order.
	rest := specs[1:]
	y.r.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
	planned := n / 4
	held := n - planned
	lo := y.from.AddDate(0, 0, 20)
	hi := y.today.AddDate(0, 0, -1)
	if y.to.Before(hi) {
		hi = y.to
	}
	span := hi.Sub(lo)
	for i := range n {
		spec := &specs[i%len(specs)]
		s := &demoSession{spec: spec, in: map[*demoPerson]bool{}, start: 7*60 + 30}
		if y.chance(0.25) {
			s.start = 13*60 + 30
		}
		if i < held {
			a := lo.Add(span * time.Duration(i) / time.Duration(held))
			b := lo.Add(span*time.Duration(i+1)/time.Duration(held) - 24*time.Hour)
			s.day = y.dayBetween(a, b)
		} else {
			first := y.today.AddDate(0, 0, 5)
			last := first.AddDate(0, 0, 35)
			if y.to.After(first.AddDate(0, 0, 7)) && y.to.Before(last) {
				last = y.to
			}
			s.day = y.dayBetween(first, last)
		}
		s.end = s.day
		if spec.days > 1 {
			s.end = y.cal.AddWorkingDays(s.day, spec.days-1)
		}
		s.held = s.end.Before(y.today)
		title := spec.title
		if i >= len(specs) {
			title = fmt.Sprintf("%s (lớp %d)", title, i/len(specs)+1)
		}
		s.s = &app.TrainingSession{RecordHead: app.RecordHead{UnitCode: y.unit.Code}, Title: title, Topics: spec.topics,
			Organiser: spec.organiser, CoOrganisers: spec.co, PlanTasks: spec.tasks, Venue: fmt.Sprintf(spec.venue, y.of()),
			StartDate: s.day.Format(time.DateOnly), EndDate: s.end.Format(time.DateOnly), Format: spec.format,
			Audiences: audienceCodes(spec.audience), Trainers: spec.trainers, Planned: y.between(spec.seatsLo, spec.seatsHi),
			Status: "ke_hoach"}
		y.sessions = append(y.sessions, s)
		y.counts.Sessions++
	}
	for i, s := range y.sessions {
		switch {
		case s.held:
			y.register(s, i == 0)
		case s.day.Sub(y.today) <= 21*24*time.Hour:
			y.registrations(s)
		}
	}
	y.fixUps()
}

func audienceCodes(ws []weight) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.code
	}
	return out
}

// add puts person in s's register.
func (y *yearGen) add(s *demoSession, p *demoPerson, status string) *demoRow {
	row := &demoRow{person: p, status: status}
	if status == "co_mat" {
		row.signed = y.chance(0.95)
		row.checkIn = atMinute(s.day, s.start-20+y.r.IntN(35)).Add(time.Duration(y.r.IntN(60)) * time.Second)
	}
	s.rows = append(s.rows, row)
	s.in[p] = true
	return row
}

// attendance draws whether someone in the register came.
func (y *yearGen) attendance() string {
	return weighted(y.r, []weight{{"co_mat", 86}, {"vang", 7}, {"vang_co_phep", 7}})
}

// register fills a held session's attendance: the officers invited, then
// people of its audience, about a third of whom came to an earlier
// session.
func (y *yearGen) register(s *demoSession, first bool) {
	for _, o := range y.officers {
		if !o.o.Active && !first {
			continue
		}
		invited := s.spec.officials && y.chance(0.8) ||
			o.o.Role == "can_bo_cong_thuong_xa" && y.chance(0.5) ||
			(o.o.Role == "doan_the" || o.o.Role == "hoi_bvntd") && y.chance(0.3)
		switch {
		case !invited:
		case o.missing:
			if y.chance(0.5) {
				y.add(s, o.person, "vang_co_phep")
			}
		default:
			y.add(s, o.person, weighted(y.r, []weight{{"co_mat", 9}, {"vang_co_phep", 1}}))
		}
	}
	seats := s.s.Planned * y.between(85, 105) / 100
	for len(s.rows) < seats {
		y.add(s, y.attendee(s), y.attendance())
	}
}

// attendee draws someone of s's audience not yet in its register: about
// one in three came before.
func (y *yearGen) attendee(s *demoSession) *demoPerson {
	typ := weighted(y.r, s.spec.audience)
	if y.chance(0.33) {
		var can []*demoPerson
		for _, p := range y.byType[typ] {
			if !s.in[p] && (p.org == nil || !p.org.leftOut) {
				can = append(can, p)
			}
		}
		if len(can) > 0 {
			return pick(y.r, can)
		}
	}
	return y.newPerson(typ)
}

// registrations: a session in the coming weeks has its first sign-ups.
func (y *yearGen) registrations(s *demoSession) {
	if s.spec.officials {
		for _, o := range y.officers {
			if o.o.Active && y.chance(0.7) {
				y.add(s, o.person, "dang_ky")
			}
		}
	}
	for range y.between(8, 20) {
		y.add(s, y.attendee(s), "dang_ky")
	}
}

// fixUps makes the year tell the intended story: every active officer who
// counts for T5, but the missing one, came to a session; every relevant
// organisation, but the one left out, had someone there.
func (y *yearGen) fixUps() {
	var held []*demoSession
	for _, s := range y.sessions {
		if s.held {
			held = append(held, s)
		}
	}
	if len(held) == 0 {
		return
	}
	present := func(p *demoPerson) bool {
		for _, s := range held {
			if s.in[p] {
				for _, r := range s.rows {
					if r.person == p && r.status == "co_mat" {
						return true
					}
				}
			}
		}
		return false
	}
	// choose prefers a held session for officials, or one without p.
	choose := func(p *demoPerson) *demoSession {
		var can []*demoSession
		for _, s := range held {
			if !s.in[p] && (s.spec.officials || p.officer == nil) {
				can = append(can, s)
			}
		}
		if len(can) == 0 {
			for _, s := range held {
				if !s.in[p] {
					can = append(can, s)
				}
			}
		}
		if len(can) == 0 {
			return nil
		}
		return pick(y.r, can)
	}
	for _, o := range y.officers {
		if !o.o.CountsForT5 || !o.o.Active || o.missing || present(o.person) {
			continue
		}
		if s := choose(o.person); s != nil {
			y.add(s, o.person, "co_mat")
		} else {
			// In every register but present in none: came to the last one
			// after all.
			for _, r := range held[len(held)-1].rows {
				if r.person == o.person {
					r.status, r.signed = "co_mat", true
					r.checkIn = atMinute(held[len(held)-1].day, held[len(held)-1].start-10)
				}
			}
		}
	}
	for _, org := range y.orgs {
		if !org.o.Relevant || org.leftOut {
			continue
		}
		came := false
		for _, p := range y.people {
			if p.org == org && present(p) {
				came = true
				break
			}
		}
		if !came {
			typ := "hoi_vien_doan_the"
			switch org.o.Kind {
			case "to_chuc_xa_hoi":
				typ = "to_chuc_xa_hoi"
			case "hoi_nganh_hang":
				typ = "ho_kinh_doanh_tieu_thuong"
			}
			p := y.newPerson(typ)
			p.org = org
			p.p.Workplace = org.o.Name
			y.add(pick(y.r, held), p, "co_mat")
		}
	}
}

// ---- Outreach events (plan tasks III.2–III.4, III.7, IV.8) ----

type eventSpec struct {
	typ, title, topic string
	linked            bool
	organiser         string
	partners, tasks   []string
	month, lo, hi     int // the start falls in month, between days lo and hi
	days              int // how many days it runs
	venue             string
	reach, biz, leaf  [2]int
	media             string
	news              string // title of the news item about it, if any
}

func (y *yearGen) eventSpecs(year int) []eventSpec {
	of := y.of()
	radio := "Hệ thống loa truyền thanh " + of
	return []eventSpec{
		{"mit_tinh_15_3", fmt.Sprintf("Mít tinh hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam 15/3 năm %d", year), "quyen_nghia_vu_ntd", true,
			"ubnd_xa", []string{"to_chuc_ctxh", "hoi_bvntd", "sct"}, []string{"III.3"}, 3, 5, 14, 1, "Hội trường UBND " + of,
			[2]int{150, 350}, [2]int{10, 30}, [2]int{300, 800},
			"Đài truyền thanh " + of + " đưa tin; tin, ảnh đăng trên trang thông tin điện tử và trang Zalo của " + of + ".",
			y.unit.Name + " tổ chức mít tinh hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam 15/3"},
		{"hoi_nghi", "Hội nghị nâng cao năng lực tuân thủ pháp luật về bảo vệ quyền lợi người tiêu dùng cho doanh nghiệp, hộ kinh doanh",
			"tuan_thu_phap_luat", false, "ubnd_xa", []string{"sct", "hoi_bvntd", "hhdn"}, []string{"III.4", "IV.9"}, 6, 10, 28, 1,
			"Hội trường UBND " + of, [2]int{60, 120}, [2]int{25, 60}, [2]int{100, 200},
			"Tin, ảnh đăng trên trang thông tin điện tử của " + of + ".",
			"Doanh nghiệp, hộ kinh doanh trên địa bàn " + of + " được phổ biến quy định mới về bảo vệ quyền lợi người tiêu dùng"},
		{"truyen_thong_loa_xa", "Tuyên truyền hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam 15/3 trên loa truyền thanh", "quyen_nghia_vu_ntd", true,
			"ubnd_xa", nil, []string{"III.2", "III.3"}, 3, 1, 3, 18, radio, [2]int{2000, 6000}, [2]int{0, 0}, [2]int{0, 0},
			"Phát 2 lượt mỗi ngày, mỗi lượt 10–15 phút, từ ngày 01 đến ngày 20 tháng 3.", ""},
		{"ngay_hoi_tu_van", "Ngày hội tư vấn, tiếp nhận phản ánh của người tiêu dùng tại chợ " + y.unit.ShortName, "tieu_dung_an_toan", false,
			"hoi_bvntd", []string{"ubnd_xa", "sct"}, []string{"IV.8", "III.3"}, 10, 1, 31, 1, "Chợ " + y.unit.ShortName,
			[2]int{150, 400}, [2]int{15, 40}, [2]int{300, 600},
			"Tổ tư vấn tiếp nhận phản ánh tại chỗ; Đài truyền thanh " + of + " đưa tin.",
			"Ngày hội tư vấn, hỗ trợ người tiêu dùng tại chợ " + y.unit.ShortName},
		{"truyen_thong_loa_xa", "Tuyên truyền phòng, chống lừa đảo khi mua sắm trực tuyến trên loa truyền thanh", "tmdt", false,
			"ubnd_xa", []string{"ca_tinh"}, []string{"III.2"}, 7, 1, 10, 14, radio, [2]int{2000, 6000}, [2]int{0, 0}, [2]int{0, 0},
			"Phát 2 lượt mỗi ngày trong 2 tuần.", ""},
		{"toa_dam", "Tọa đàm “Người Việt Nam ưu tiên dùng hàng Việt Nam” gắn với bảo vệ người tiêu dùng", "tieu_dung_an_toan", false,
			"ubnd_xa", []string{"to_chuc_ctxh", "hoi_bvntd"}, []string{"III.7"}, 9, 1, 30, 1, "Hội trường Ủy ban MTTQ Việt Nam " + of,
			[2]int{40, 80}, [2]int{5, 15}, [2]int{50, 150}, "Tin, ảnh đăng trên trang thông tin điện tử của " + of + ".",
			"Tọa đàm về ưu tiên dùng hàng Việt Nam và quyền lợi người tiêu dùng tại " + of},
		{"truyen_thong_loa_xa", "Tuyên truyền tiêu dùng an toàn dịp Tết Nguyên đán trên loa truyền thanh", "tieu_dung_an_toan", false,
			"ubnd_xa", []string{"syt"}, []string{"III.2"}, 1, 10, 20, 21, radio, [2]int{2000, 6000}, [2]int{0, 0}, [2]int{0, 0},
			"Phát 2 lượt mỗi ngày trong 3 tuần trước Tết.", ""},
		{"su_kien_chuong_trinh", "Chương trình đưa hàng Việt về nông thôn kết hợp tuyên truyền bảo vệ người tiêu dùng", "tieu_dung_an_toan", false,
			"sct", []string{"ubnd_xa", "hhdn"}, []string{"III.7", "V.5"}, 12, 1, 10, 3, "Sân vận động " + of,
			[2]int{300, 800}, [2]int{20, 40}, [2]int{200, 500}, "Đài truyền thanh " + of + " đưa tin.",
			"Hàng Việt về " + of + ": người dân được tư vấn quyền lợi khi mua sắm"},
		{"dieu_hanh_co_dong", "Diễu hành cổ động hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam", "quyen_nghia_vu_ntd", true,
			"ubnd_xa", []string{"to_chuc_ctxh"}, []string{"III.3"}, 3, 1, 10, 1, "Các tuyến đường chính " + of,
			[2]int{100, 250}, [2]int{0, 5}, [2]int{200, 400}, "Đài truyền thanh " + of + " đưa tin.", ""},
		{"hoi_thao", "Hội thảo “Doanh nghiệp với trách nhiệm bảo vệ người tiêu dùng khi kinh doanh trực tuyến”", "tmdt", false,
			"sct", []string{"ubnd_xa", "hhdn"}, []string{"III.4", "V.2"}, 8, 1, 28, 1, "Hội trường UBND " + of,
			[2]int{50, 100}, [2]int{20, 45}, [2]int{50, 100}, "Tin, ảnh đăng trên trang thông tin điện tử của Sở Công Thương.",
			"Doanh nghiệp trên địa bàn " + of + " trao đổi về trách nhiệm với người tiêu dùng khi bán hàng trực tuyến"},
	}
}

// loaSubjects are what further broadcasts are about.
var loaSubjects = []struct{ title, topic string }{
	{"Cảnh giác với hội thảo tặng quà, bán hàng đa cấp nhắm vào người cao tuổi", "quyen_nghia_vu_ntd"},
	{"Quyền được bảo hành, đổi trả hàng hóa của người tiêu dùng", "quyen_nghia_vu_ntd"},
	{"Niêm yết giá, ghi nhãn hàng hóa đúng quy định", "tuan_thu_phap_luat"},
	{"Lựa chọn thực phẩm an toàn mùa nắng nóng", "tieu_dung_an_toan"},
	{"Tổng đài 1800.6838 tư vấn, hỗ trợ người tiêu dùng", "quyen_nghia_vu_ntd"},
	{"Mua vật tư nông nghiệp có nguồn gốc rõ ràng", "tieu_dung_an_toan"},
}

// hasRally reports whether the store already holds a 15/3 rally of the
// commune in the report year (a second demo run adds none).
func (y *yearGen) hasRally(ctx context.Context, st Store) (bool, error) {
	evs, err := records[app.OutreachEvent](ctx, st, app.RecordQuery{Unit: y.unit.Code})
	if err != nil {
		return false, err
	}
	lo, hi := y.from.Format(time.DateOnly), y.to.Format(time.DateOnly)
	for _, e := range evs {
		if e.Type == "mit_tinh_15_3" && e.StartDate >= lo && e.StartDate <= hi {
			return true, nil
		}
	}
	return false, nil
}

// heldEvent is an event held, for the news about it.
type heldEvent struct {
	news string // title of the news item
	end  time.Time
}

// planEvents plans n events of the report year, the 15/3 rally first:
// those after today are still plans. It returns those held.
func (y *yearGen) planEvents(n int, skipRally bool) []heldEvent {
	year := y.to.Year()
	specs := y.eventSpecs(year)
	if skipRally {
		specs = specs[1:]
	}
	theme := themes153[year]
	var held []heldEvent
	for i := range n {
		var spec eventSpec
		if i < len(specs) {
			spec = specs[i]
		} else {
			// Then a broadcast a month on what matters then.
			sub := loaSubjects[(i-len(specs))%len(loaSubjects)]
			spec = eventSpec{typ: "truyen_thong_loa_xa", title: "Tuyên truyền trên loa truyền thanh: " + lowerFirst(sub.title), topic: sub.topic,
				organiser: "ubnd_xa", tasks: []string{"III.2"}, month: 1 + (i-len(specs)+3)%11, lo: 1, hi: 20, days: 7,
				venue: "Hệ thống loa truyền thanh " + y.of(), reach: [2]int{1500, 5000}, media: "Phát 2 lượt mỗi ngày trong 1 tuần."}
		}
		start := time.Date(year, time.Month(spec.month), 1, 0, 0, 0, 0, app.ICT)
		startDay := y.dayBetween(start.AddDate(0, 0, spec.lo-1), start.AddDate(0, 0, spec.hi-1))
		if spec.typ == "mit_tinh_15_3" && startDay.Day() > 15 {
			startDay = y.dayBetween(start.AddDate(0, 0, 4), start.AddDate(0, 0, 13))
		}
		end := startDay.AddDate(0, 0, max(spec.days, 1)-1)
		if end.After(y.to) {
			end = y.to
		}
		e := &app.OutreachEvent{RecordHead: app.RecordHead{UnitCode: y.unit.Code}, Type: spec.typ, Title: spec.title,
			Linked153: spec.linked, Topic: spec.topic, Organiser: spec.organiser, Partners: spec.partners,
			PlanTasks: spec.tasks, Venue: spec.venue, StartDate: startDay.Format(time.DateOnly), Status: "ke_hoach"}
		if spec.days > 1 {
			e.EndDate = end.Format(time.DateOnly)
		}
		if spec.linked {
			e.Theme = theme
		}
		e.Attendance = roundTo(y.between(spec.reach[0], spec.reach[1]), 10)
		created := atMinute(y.workingDayFrom(startDay.AddDate(0, 0, -y.between(10, 25))), officeMinute(y.r))
		y.save(created, e)
		y.counts.Events++
		if !end.Before(y.today) {
			continue
		}
		// Held: the figures are typed in within a few days.
		typed := atMinute(y.cal.AddWorkingDays(end, y.between(1, 3)), officeMinute(y.r))
		reach, biz, leaflets := e.Attendance, y.between(spec.biz[0], spec.biz[1]), 0
		if spec.leaf[1] > 0 {
			leaflets = roundTo(y.between(spec.leaf[0], spec.leaf[1]), 50)
		}
		media := spec.media
		y.op(typed, func(ctx context.Context, st Store) error {
			e.Status, e.Attendance, e.Businesses, e.Leaflets, e.MediaCoverage = "da_to_chuc", reach, biz, leaflets, media
			return st.SaveRecord(ctx, e)
		})
		y.counts.Writes++
		if reported := y.cal.AddWorkingDays(end, y.between(8, 25)); reported.Before(y.today) && y.chance(0.6) {
			y.op(atMinute(reported, officeMinute(y.r)), func(ctx context.Context, st Store) error {
				e.Status = "da_bao_cao"
				return st.SaveRecord(ctx, e)
			})
			y.counts.Writes++
		}
		held = append(held, heldEvent{news: spec.news, end: end})
	}
	return held
}

func roundTo(n, unit int) int { return (n + unit/2) / unit * unit }

// ---- Publications (targets T3, T7) ----

// newsTitles are news items of the commune's consumer-protection section
// not tied to an event.
var newsTitles = []string{
	"Cảnh báo thủ đoạn giả danh nhân viên giao hàng để lừa chuyển tiền",
	"Khuyến cáo người tiêu dùng thận trọng khi mua hàng qua livestream",
	"Người tiêu dùng cần biết: quyền yêu cầu bảo hành, đổi trả hàng hóa",
	"Gọi Tổng đài 1800.6838 để được tư vấn, hỗ trợ miễn phí",
	"Cảnh giác với hội thảo tặng quà, bán hàng đa cấp nhắm vào người cao tuổi",
	"Kiểm tra nhãn hàng hóa, hạn sử dụng khi mua thực phẩm dịp Tết",
	"Những điều cần biết khi giao kết hợp đồng mua bán từ xa",
	"Hướng dẫn gửi phản ánh, yêu cầu hỗ trợ đến UBND xã, phường",
	"Lưu ý khi mua vật tư nông nghiệp trước vụ mới",
	"Bảo vệ thông tin cá nhân khi mua sắm trên mạng xã hội",
	"Thông tin về Luật Bảo vệ quyền lợi người tiêu dùng năm 2023",
	"Cảnh báo tin nhắn giả mạo ngân hàng, điện lực đòi thanh toán",
}

var socialTitles = []string{
	"5 lưu ý khi mua sắm trực tuyến an toàn",
	"Infographic: 8 quyền cơ bản của người tiêu dùng",
	"Hàng hóa bị lỗi, người tiêu dùng nên làm gì?",
	"Nhận diện tài khoản bán hàng giả mạo trên mạng xã hội",
	"Chia sẻ video hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam",
	"Giữ lại hóa đơn, tin nhắn giao dịch để bảo vệ quyền lợi của mình",
	"Cẩn trọng với quảng cáo thực phẩm chức năng “thần kỳ”",
	"Mua hàng trả góp: đọc kỹ hợp đồng trước khi ký",
	"Lịch tiếp nhận phản ánh của người tiêu dùng tại UBND",
}

// planPublications plans the year's materials up to today: leaflets and
// banners for 15/3, materials received from central level, news items of
// the website's consumer-protection section (about the events and sessions
// held and on their own) and social-media posts.
func (y *yearGen) planPublications(held []heldEvent) {
	year := y.to.Year()
	last := y.today.AddDate(0, 0, -1)
	if y.to.Before(last) {
		last = y.to
	}
	add := func(p *app.Publication, day time.Time) {
		if day.After(last) || day.Before(y.from) {
			return
		}
		p.UnitCode, p.Date = y.unit.Code, day.Format(time.DateOnly)
		y.save(atMinute(day, officeMinute(y.r)), p)
		y.counts.Publications++
	}
	march := time.Date(year, 3, 1, 0, 0, 0, 0, app.ICT)
	add(&app.Publication{Type: "to_roi", Origin: "tu_phat_hanh", Format: "giay", Channel: "phat_truc_tiep",
		Title:    fmt.Sprintf("Tờ rơi tuyên truyền Ngày Quyền của người tiêu dùng Việt Nam năm %d", year),
		Quantity: roundTo(y.between(500, 1500), 100)}, y.dayBetween(march, march.AddDate(0, 0, 4)))
	add(&app.Publication{Type: "poster", Origin: "tu_phat_hanh", Format: "giay", Channel: "khac",
		Title:    fmt.Sprintf("Băng rôn, pa-nô hưởng ứng Ngày Quyền của người tiêu dùng Việt Nam năm %d", year),
		Quantity: y.between(4, 10)}, y.dayBetween(march, march.AddDate(0, 0, 4)))
	add(&app.Publication{Type: "video", Origin: "tiep_nhan_trung_uong", Format: "dien_tu", Channel: "facebook",
		Title: fmt.Sprintf("Video clip tuyên truyền Ngày Quyền của người tiêu dùng Việt Nam năm %d (Bộ Công Thương)", year)},
		y.dayBetween(march.AddDate(0, 0, 5), march.AddDate(0, 0, 12)))
	add(&app.Publication{Type: "so_tay", Origin: "tiep_nhan_trung_uong", Format: "giay", Channel: "phat_truc_tiep",
		Title:    "Sổ tay hướng dẫn người tiêu dùng mua sắm trực tuyến an toàn (Bộ Công Thương)",
		Quantity: roundTo(y.between(50, 150), 10)}, y.dayBetween(march.AddDate(0, 1, 0), march.AddDate(0, 2, 0)))
	add(&app.Publication{Type: "to_roi", Origin: "tiep_nhan_trung_uong", Format: "dien_tu", Channel: "zalo",
		Title: "Tờ rơi điện tử: các quyền cơ bản của người tiêu dùng theo Luật Bảo vệ quyền lợi người tiêu dùng năm 2023"},
		y.dayBetween(y.from.AddDate(0, 1, 20), y.from.AddDate(0, 2, 20)))
	add(&app.Publication{Type: "to_roi", Origin: "tu_phat_hanh", Format: "giay", Channel: "phat_truc_tiep",
		Title: "Tờ rơi “Cảnh giác lừa đảo khi mua sắm trực tuyến”", Quantity: roundTo(y.between(300, 800), 100)},
		y.dayBetween(time.Date(year, 6, 20, 0, 0, 0, 0, app.ICT), time.Date(year, 7, 5, 0, 0, 0, 0, app.ICT)))
	if y.chance(0.5) {
		add(&app.Publication{Type: "phong_su", Origin: "tu_phat_hanh", Format: "dien_tu", Channel: "loa_truyen_thanh",
			Title: "Phóng sự: người tiêu dùng " + y.of() + " chủ động bảo vệ quyền lợi của mình"},
			y.dayBetween(time.Date(year, 4, 1, 0, 0, 0, 0, app.ICT), time.Date(year, 5, 31, 0, 0, 0, 0, app.ICT)))
	}

	// News items: one about each event held and session held, then
	// others, ten to fourteen in all.
	type item struct {
		title string
		day   time.Time
	}
	var news []item
	about := func(title string, end time.Time) {
		if d := y.cal.AddWorkingDays(end, y.between(0, 2)); !d.After(last) && len(news) < 9 {
			news = append(news, item{title, d})
		}
	}
	for _, h := range held {
		if h.news != "" {
			about(h.news, h.end)
		}
	}
	for _, s := range y.sessions {
		if s.held {
			about(y.unit.Name+" tổ chức "+lowerFirst(s.s.Title), s.end)
		}
	}
	want := y.between(10, 14)
	titles := append([]string(nil), newsTitles...)
	y.r.Shuffle(len(titles), func(i, j int) { titles[i], titles[j] = titles[j], titles[i] })
	for i := 0; len(news) < want && i < len(titles); i++ {
		news = append(news, item{titles[i], y.dayBetween(y.from.AddDate(0, 0, 10), last)})
	}
	site := "https://" + strings.ReplaceAll(app.Fold(y.unit.Name), " ", "") + ".dongthap.gov.vn/bao-ve-nguoi-tieu-dung/"
	for _, n := range news {
		add(&app.Publication{Type: "tin_bai", Origin: "tu_phat_hanh", Format: "dien_tu", Channel: "chuyen_muc_website",
			Title: n.title, URL: site + slug(n.title, 70)}, n.day)
	}
	posts := append([]string(nil), socialTitles...)
	y.r.Shuffle(len(posts), func(i, j int) { posts[i], posts[j] = posts[j], posts[i] })
	for _, t := range posts[:y.between(4, 8)] {
		add(&app.Publication{Type: "bai_mxh", Origin: "tu_phat_hanh", Format: "dien_tu", Channel: pick(y.r, []string{"zalo", "facebook"}),
			Title: t}, y.dayBetween(y.from.AddDate(0, 0, 10), last))
	}
}

// slug is the folded words of s joined by hyphens, cut at a word boundary
// within n bytes.
func slug(s string, n int) string {
	words := strings.FieldsFunc(app.Fold(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	out := ""
	for _, w := range words {
		if len(out)+len(w)+1 > n {
			break
		}
		if out != "" {
			out += "-"
		}
		out += w
	}
	return out
}

// ---- Writing ----

// schedule turns the plan into saves at the times they were typed: the
// registries in the first days of the year; each session planned weeks
// ahead, its register typed in a few days after it was held (a new person's
// record just before their first row), its report later.
func (y *yearGen) schedule() {
	if !y.reuse {
		setup := atMinute(y.workingDayFrom(y.from.AddDate(0, 0, y.between(2, 10))), 8*60+y.r.IntN(60))
		for _, o := range y.orgs {
			setup = setup.Add(time.Duration(40+y.r.IntN(80)) * time.Second)
			y.save(setup, o.o)
			y.counts.Organisations++
		}
		for _, o := range y.officers {
			setup = setup.Add(time.Duration(60+y.r.IntN(120)) * time.Second)
			o.person.planned = true
			y.savePerson(setup, o.person)
			off, p := o.o, o.person.p
			y.op(setup.Add(time.Second), func(ctx context.Context, st Store) error {
				off.ParticipantID = p.ID
				return st.SaveRecord(ctx, off)
			})
			y.counts.Writes++
			y.counts.Officers++
		}
	}
	var firstHeld, lastHeld *demoSession
	for _, s := range y.sessions {
		if s.held {
			if firstHeld == nil {
				firstHeld = s
			}
			lastHeld = s
		}
	}
	for _, s := range y.sessions {
		sess := s.s
		// Planned some weeks ahead, and before today.
		created := atMinute(y.workingDayFrom(s.day.AddDate(0, 0, -y.between(10, 25))), officeMinute(y.r))
		if !s.held {
			created = atMinute(y.dayBetween(y.today.AddDate(0, 0, -20), y.today.AddDate(0, 0, -3)), officeMinute(y.r))
		}
		y.save(created, sess)
		var typed time.Time
		if s.held {
			typed = atMinute(y.cal.AddWorkingDays(s.end, y.between(1, 3)), 13*60+30+y.r.IntN(120))
			// Within the week the register stays open (app.AttendanceLocked):
			// a few working days after a session held before Tết can be
			// more than that week.
			if lock := atMinute(s.end.AddDate(0, 0, app.AttendanceLockDays), 13*60); typed.After(lock) {
				typed = lock
			}
			// The register takes some twenty seconds a row; it is all in
			// by now.
			if latest := y.now.Add(-time.Duration(len(s.rows)*20+60) * time.Second); typed.After(latest) {
				typed = latest
			}
			y.op(typed, func(ctx context.Context, st Store) error {
				sess.Status = "da_to_chuc"
				return st.SaveRecord(ctx, sess)
			})
			y.counts.Writes++
		} else {
			// Sign-ups came in since.
			typed = y.now.Add(-time.Duration(y.between(2, 30)) * time.Hour)
			if latest := y.now.Add(-time.Duration(len(s.rows)*20+60) * time.Second); typed.After(latest) {
				typed = latest
			}
			if typed.Before(created) {
				typed = created.Add(time.Hour)
			}
		}
		for i, r := range s.rows {
			t := typed.Add(time.Duration(20*(i+1)) * time.Second)
			if !r.person.planned {
				r.person.planned = true
				y.savePerson(t, r.person)
			} else if i := r.person.saveOp - 1; i >= 0 && y.ops[i].at.After(t) {
				// Planned with a session typed later: the person is
				// written before this row that names them.
				y.ops[i].at = t
			}
			row, person := r, r.person.p
			y.op(t, func(ctx context.Context, st Store) error {
				return st.SaveRecord(ctx, &app.Attendance{RecordHead: app.RecordHead{UnitCode: y.unit.Code},
					SessionID: sess.ID, ParticipantID: person.ID, Status: row.status, Signed: row.signed, CheckedInAt: row.checkIn})
			})
			y.counts.Writes++
			y.counts.Attendance++
		}
		// Reported in the weeks after, but the latest, whose report is not
		// written yet; the first of the year always is (by now, if its
		// weeks are not over), so a demo shows every state of a session.
		if s.held && s != lastHeld && s.end.AddDate(0, 0, 10).Before(y.today) && (y.chance(0.65) || s == firstHeld) {
			reported := atMinute(y.cal.AddWorkingDays(s.end, y.between(8, 30)), officeMinute(y.r))
			if s == firstHeld && !reported.Before(y.now) {
				reported = typed.Add(y.now.Sub(typed) / 2).Truncate(time.Minute)
			}
			if reported.Before(y.now) {
				y.op(reported, func(ctx context.Context, st Store) error {
					sess.Status = "da_bao_cao"
					return st.SaveRecord(ctx, sess)
				})
				y.counts.Writes++
			}
		}
	}
}

// savePerson schedules the creation of p's participant record, linked to
// its organisation (written before).
func (y *yearGen) savePerson(t time.Time, p *demoPerson) {
	rec, org := p.p, p.org
	p.saveOp = len(y.ops) + 1
	y.op(t, func(ctx context.Context, st Store) error {
		if org != nil {
			rec.OrganisationID = org.o.ID
		}
		return st.SaveRecord(ctx, rec)
	})
	y.counts.Writes++
	y.counts.Participants++
}

// ---- Off-premises sales notices (NĐ 55/2024 Đ.26–27) ----

// planNotices records the notices of off-premises sales the commune
// received in the year: a "hội thảo" aimed at older people, received in
// time and published; a door-to-door sale whose notice came late; and,
// when the year reaches today, one starting within three days, received
// yesterday and not yet published, so that the reminder has something to
// say. Businesses, people and phones are made up.
func (y *yearGen) planNotices() {
	last := y.today.AddDate(0, 0, -1)
	if y.to.Before(last) {
		last = y.to
	}
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	add := func(n *app.OffPremisesNotice, received time.Time) {
		if received.After(last) || received.Before(y.from) {
			return
		}
		n.UnitCode, n.ReceivedDate, n.Form = y.unit.Code, day(received), "mau_10"
		y.save(atMinute(received, officeMinute(y.r)), n)
		y.counts.Notices++
	}
	mid := y.dayBetween(y.from.AddDate(0, 3, 0), y.from.AddDate(0, 6, 0))
	start := y.workingDayFrom(mid.AddDate(0, 0, 8))
	add(&app.OffPremisesNotice{BusinessName: "Công ty TNHH Thương mại Sức Khỏe Vàng", BusinessTaxCode: "0316" + fmt.Sprint(y.between(100000, 999999)),
		BusinessAddress: "Tầng 3, 45 Lê Lợi, Phường Bến Thành, TP. Hồ Chí Minh", BusinessPhone: "0909" + fmt.Sprint(y.between(100000, 999999)),
		Title: "Hội thảo giới thiệu sản phẩm chăm sóc sức khỏe, tặng quà cho người tham dự", SalesMethod: "Giới thiệu tại hội trường, bán trực tiếp",
		Place: "Nhà văn hóa " + y.hamlet() + ", " + y.of(), StartDate: day(start), Hours: "7 giờ 30 – 11 giờ",
		Goods: "Máy massage, nệm từ, thực phẩm bảo vệ sức khỏe", Prices: "Từ 1.500.000 đến 28.000.000 đồng, theo bảng giá kèm theo",
		Audience: "Người cao tuổi", ForElderly: true, ConsumerContact: "Đường dây nóng 1900 xxxx của công ty; đại diện tại buổi bán hàng",
		ReceivedVia: "truc_tiep", PublishedDate: day(mid), PublishedVia: "loa"}, mid)
	late := y.dayBetween(y.from.AddDate(0, 6, 0), y.from.AddDate(0, 9, 0))
	add(&app.OffPremisesNotice{BusinessName: "Hộ kinh doanh Máy lọc nước Minh Phát", BusinessAddress: "Ấp Bình Hòa, xã lân cận",
		BusinessPhone: "0937" + fmt.Sprint(y.between(100000, 999999)), Title: "Bán máy lọc nước tận nhà, lắp đặt miễn phí",
		SalesMethod: "Bán hàng tận cửa (tiếp thị tại nhà)", Place: "Các ấp, khu phố của " + y.of(), StartDate: day(late.AddDate(0, 0, 1)),
		EndDate: day(late.AddDate(0, 0, 3)), Goods: "Máy lọc nước gia đình", Prices: "8.900.000 đồng một máy; trả góp 6 tháng",
		Audience: "Hộ gia đình", ConsumerContact: "Số điện thoại của hộ kinh doanh", ReceivedVia: "thu_dien_tu",
		PublishedDate: day(late), PublishedVia: "niem_yet",
		Note: "Thông báo đến chưa đủ 03 ngày làm việc trước ngày bán hàng (Điều 26 khoản 3); đã nhắc hộ kinh doanh."}, late)
	if !y.to.Before(last) { // the year reaches today: a sale coming, its notice not yet published
		soon := y.today.AddDate(0, 0, 2)
		add(&app.OffPremisesNotice{BusinessName: "Công ty Cổ phần Nông nghiệp Xanh Mekong", BusinessTaxCode: "1201" + fmt.Sprint(y.between(100000, 999999)),
			BusinessAddress: "Khu công nghiệp Mỹ Tho, Đồng Tháp", BusinessPhone: "0273" + fmt.Sprint(y.between(1000000, 9999999)),
			Title: "Hội nghị khách hàng giới thiệu phân bón hữu cơ", SalesMethod: "Hội nghị, bán và đặt hàng tại chỗ",
			Place: "Hội trường UBND " + y.of(), StartDate: day(soon), Hours: "8 giờ – 11 giờ",
			Goods: "Phân bón hữu cơ vi sinh, thuốc bảo vệ thực vật sinh học", Prices: "Theo bảng giá niêm yết tại hội nghị",
			Audience: "Nông dân", ConsumerContact: "Đại diện công ty tại hội nghị; tổng đài chăm sóc khách hàng",
			ReceivedVia: "buu_dien"}, last)
	}
}
