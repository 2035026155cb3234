package app

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"time"
)

// The indicators of the dashboard and the annual report (docs/domain.md §5.6):
// the targets T1–T7 of Kế hoạch 395, complaint handling, training and
// outreach, computed from the records of one commune or of the province
// over a period. Every figure keeps the records behind it (KPIRef), so
// that the officer can open them.

// KPIPeriod is the span of days a report covers: from the first instant of
// From to the end of the day To, both days in Vietnam time.
type KPIPeriod struct {
	From  time.Time // 00:00 ICT of the first day
	To    time.Time // 00:00 ICT of the last day, which is included
	Label string    // Vietnamese, e.g. "Năm báo cáo 2026 (15/12/2025 – 14/12/2026)"
}

// The default start of a report year (docs/domain.md §2.4, NĐ 55/2024 Điều 16
// khoản 1): report year Y runs from 15/12 of Y-1 to 14/12 of Y, so that
// the report can reach Sở Công Thương before 15/12.
const (
	ReportYearStartMonth = time.December
	ReportYearStartDay   = 15
)

// ReportYear is report year y with the default cut-off: 15/12 of y-1 to
// 14/12 of y.
func ReportYear(y int) KPIPeriod {
	return ReportYearFrom(y, ReportYearStartMonth, ReportYearStartDay)
}

// ReportYearFrom is report year y for a cut-off on day/month: the twelve
// months that start on that day and end in y (with 15/12: 15/12 of y-1 to
// 14/12 of y; with 1/1: the calendar year y).
func ReportYearFrom(y int, month time.Month, day int) KPIPeriod {
	from := time.Date(y-1, month, day, 0, 0, 0, 0, ICT)
	to := time.Date(y, month, day, 0, 0, 0, 0, ICT).AddDate(0, 0, -1)
	if to.Year() < y {
		from = time.Date(y, month, day, 0, 0, 0, 0, ICT)
		to = time.Date(y+1, month, day, 0, 0, 0, 0, ICT).AddDate(0, 0, -1)
	}
	return KPIPeriod{From: from, To: to,
		Label: fmt.Sprintf("Năm báo cáo %d (%s – %s)", y, from.Format(dayLayoutVI), to.Format(dayLayoutVI))}
}

// ReportYearOf returns the report year (default cut-off) that t falls in:
// 20/12/2026 is in report year 2027.
func ReportYearOf(t time.Time) int {
	y := t.In(ICT).Year()
	for _, c := range []int{y, y + 1, y - 1} {
		if ReportYear(c).Contains(t) {
			return c
		}
	}
	return y
}

// CalendarYear is 1/1 to 31/12 of y.
func CalendarYear(y int) KPIPeriod {
	return KPIPeriod{From: time.Date(y, 1, 1, 0, 0, 0, 0, ICT), To: time.Date(y, 12, 31, 0, 0, 0, 0, ICT),
		Label: fmt.Sprintf("Năm %d (01/01/%d – 31/12/%d)", y, y, y)}
}

const dayLayoutVI = "02/01/2006"

// end is the first instant after the period.
func (p KPIPeriod) end() time.Time { return dateOf(p.To).time().AddDate(0, 0, 1) }

// Contains reports whether t falls on a day of the period (in ICT).
func (p KPIPeriod) Contains(t time.Time) bool {
	return !t.IsZero() && !t.Before(p.From) && t.Before(p.end())
}

// ContainsDay reports whether a date-only field (YYYY-MM-DD) is a day of
// the period; an empty or bad date is not.
func (p KPIPeriod) ContainsDay(s string) bool {
	d, ok := parseDay(s)
	return ok && p.Contains(d)
}

// EntityAdminUnit names a commune in a KPIRef (the figures of T1).
const EntityAdminUnit = "admin_unit"

// KPIRef names one record behind a figure: its entity (EntityCase,
// EntityOfficer, …, EntityAdminUnit) and id (for a commune, its code).
type KPIRef struct {
	Entity string
	ID     string
}

// Figure is a count of records, with their sum of some quantity where one
// applies (money recovered, estimated reach, copies), and the records.
type Figure struct {
	Count int
	Sum   int64
	Refs  []KPIRef
}

func (f *Figure) add(entity, id string, sum int64) {
	f.Count++
	f.Sum += sum
	f.Refs = append(f.Refs, KPIRef{entity, id})
}

// Tally is the figure of one code of a breakdown ("" for records without
// a value).
type Tally struct {
	Code string
	Figure
}

// tallies builds a breakdown, keeping the order codes first appear in.
type tallies struct {
	idx map[string]int
	out []Tally
}

func (t *tallies) add(code, entity, id string, sum int64) {
	if t.idx == nil {
		t.idx = map[string]int{}
	}
	i, ok := t.idx[code]
	if !ok {
		i = len(t.out)
		t.idx[code] = i
		t.out = append(t.out, Tally{Code: code})
	}
	t.out[i].add(entity, id, sum)
}

// inOrder returns the tallies in the order of list, codes not in it (and
// "") last.
func (t *tallies) inOrder(list CodeList) []Tally {
	pos := func(code string) int {
		for i, c := range list {
			if c.Code == code {
				return i
			}
		}
		return len(list)
	}
	out := append([]Tally(nil), t.out...)
	sort.SliceStable(out, func(i, j int) bool { return pos(out[i].Code) < pos(out[j].Code) })
	return out
}

// byCount returns the tallies, the largest count first, then by code.
func (t *tallies) byCount() []Tally {
	out := append([]Tally(nil), t.out...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// KPIData is everything the indicators are computed from, for one commune
// or the whole province. Voided records may be included: they never count.
type KPIData struct {
	Cases  []Case
	Events []CaseEvent
	// Facts, when set, stand for Cases and Events (which are then empty):
	// what the indicators read of each case, in the order of the cases
	// (storage reads them a case at a time; FactsOf reads them from Cases
	// and Events otherwise).
	Facts         []CaseFacts
	Officers      []Officer
	Organisations []Organisation
	Participants  []Participant
	Sessions      []TrainingSession
	Attendance    []Attendance
	Outreach      []OutreachEvent
	Publications  []Publication
	// Narratives are the communes' written parts of their annual reports
	// (not counted in any figure; the report prints them).
	Narratives []ReportNarrative
	Notices    []OffPremisesNotice // off-premises sales notices (NoticeCountsOf)
	// Units are the communes covered: one for a commune's device, every
	// commune of the province for "Toàn tỉnh". They are T1's denominator.
	Units []string
	// SyncedUnits is, per commune, the last time it is known to have
	// synced with the provincial server (T1; see storage for how a device
	// knows it).
	SyncedUnits map[string]time.Time

	// For the cases overdue now and closed on time: the time limits, the
	// working-day calendar and the current time. Without a calendar or a
	// time, those figures are left out (TimingKnown false).
	SlaRules []SlaRule
	Calendar *Calendar
	Now      time.Time
}

// TargetResult is one target of Kế hoạch 395 over the period.
type TargetResult struct {
	ID     string           // "T1".."T7"
	Target Target           // the seeded target (text, kind, value)
	Def    TargetDefinition // how it is counted and judged (TargetDefinitions)
	// Share is set for a share of a population (T1, T4, T5): Num of Den.
	Share    bool
	Num, Den int
	// Value is the percentage for a share, else the count (for T7 the
	// cumulative count, which is what is judged).
	Value float64
	// Threshold is the target: a percentage for a share, else the minimum
	// count; Upper is the stretch end of a range (T3: 3–5), or 0.
	Threshold, Upper float64
	// Reached: Value is at or above Threshold. Met: the report judges the
	// target met (Status TargetMet); a proxy or a commune's contribution
	// is never met, whatever its figure.
	Reached, Met bool
	// Status is the verdict (TargetMet, TargetProgress, TargetContribution,
	// …; see judge) and Progress, for a known figure, Value as a percentage
	// of Threshold: how far toward the 2030 level.
	Status   string
	Progress float64
	// Known is false for a share of an empty population (no relevant
	// organisation or officer recorded): there is nothing to judge.
	Known bool
	// Refs are the records counted; DenRefs, for a share, the population.
	Refs    []KPIRef
	DenRefs []KPIRef
	// Period is, for a cumulative target (T7), the records of the period
	// itself; Refs are then those from the plan's first report year to the
	// end of the period.
	Period Figure
}

// ComplaintKPIs are the complaint-handling figures (docs/domain.md §5.6).
type ComplaintKPIs struct {
	// Received: cases received in the period, with their breakdowns.
	Received                                                        Figure
	ByKind, ByChannel, BySector, ByIssueType, ByTransaction, ByUnit []Tally
	// ByVulnerable counts each group of Điều 8 (a case may be in several);
	// Vulnerable counts the cases with at least one.
	ByVulnerable []Tally
	Vulnerable   Figure
	ECommerce    Figure // received with transaction type "tmdt"
	// Online: received through the online intake channels of Kế hoạch
	// 395 (OnlineChannels); OnlineForm, of those, through the provincial
	// server's public form (ChannelOnlineIntake).
	Online, OnlineForm Figure

	// Finished: cases resolved or closed (or rejected, or withdrawn) in the
	// period, whenever received; the day is when the case first reached
	// that state after its last reopening. ByOutcome is their last
	// recorded outcome.
	Finished  Figure
	ByOutcome []Tally
	NoOutcome Figure // finished without any outcome recorded
	// Success rate = Successful ÷ RateBase: cases fully or partly
	// successful over the finished ones whose outcome says whether the
	// commune's help worked: leaving out advice only, referral to another
	// body, inadmissible, withdrawn by the consumer, consumer unreachable,
	// and cases finished without an outcome recorded (NoOutcome, counted
	// and shown beside the rate). Plan 395 sets no such rate: this
	// definition is the app's (a local choice), written once here.
	Successful, RateBase Figure
	SuccessRate          float64 // percent; meaningful when RateBase.Count > 0
	// Recovered: money recovered for consumers by the finished cases (Sum,
	// VND): the amount of each case's last closing step, once per case.
	Recovered Figure

	// CarriedOver: cases received by the end of the period and still open
	// then (the backlog at the cut-off). OpenNow and OverdueNow are at
	// KPIData.Now, whatever the period.
	CarriedOver, OpenNow, OverdueNow Figure
	// OnTime and Late split Finished by whether a running time limit had
	// passed when the case was finished; TimingKnown is false without the
	// time limits and the calendar.
	OnTime, Late Figure
	TimingKnown  bool
}

// TrainingKPIs are the figures of plan task IV.1: sessions held in the
// period and the people present.
type TrainingKPIs struct {
	Sessions Figure // held (not only planned), by start day
	Planned  Figure // still marked planned: not counted anywhere
	ByFormat []Tally
	// PersonTimes (lượt người) are the attendance rows marked present;
	// ByGroup splits them into the plan's groups (GroupOf: cán bộ, người
	// dân, doanh nghiệp) and ByType by participant type ("" for a person
	// not in the register).
	PersonTimes     Figure
	ByGroup, ByType []Tally
	// DistinctPersons are the participants present at least once.
	DistinctPersons Figure
}

// OutreachKPIs are the events held in the period (plan tasks III.3, III.4).
type OutreachKPIs struct {
	Events     Figure // Sum: estimated attendance (reach)
	Planned    Figure // still marked planned: not counted anywhere
	ByType     []Tally
	Linked153  Figure
	Businesses Figure // Sum: business participants
	Leaflets   Figure // Sum: leaflets handed out
}

// PublicationKPIs are the materials and news items dated in the period.
type PublicationKPIs struct {
	All                                   Figure // Sum: copies (quantity)
	ByType, ByOrigin, ByFormat, ByChannel []Tally
}

// KPIReport holds every indicator of a period.
type KPIReport struct {
	Period       KPIPeriod
	Units        []string
	Targets      []TargetResult // T1..T7 in order
	Complaints   ComplaintKPIs
	Training     TrainingKPIs
	Outreach     OutreachKPIs
	Publications PublicationKPIs
}

// DropRefs forgets the records behind every figure of r (the Refs of its
// figures, tallies and targets), keeping the counts and sums: for a report
// that prints figures and opens no list, so that a province's reports do
// not hold every record's id.
func (r *KPIReport) DropRefs() { dropRefs(reflect.ValueOf(r).Elem()) }

var refsType = reflect.TypeFor[[]KPIRef]()

func dropRefs(v reflect.Value) {
	switch {
	case v.Type() == refsType:
		v.SetZero()
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				dropRefs(v.Field(i))
			}
		}
	case v.Kind() == reflect.Slice:
		for i := range v.Len() {
			dropRefs(v.Index(i))
		}
	}
}

// Target returns the result of target id ("T4"), if computed.
func (r *KPIReport) Target(id string) (TargetResult, bool) {
	for _, t := range r.Targets {
		if t.ID == id {
			return t, true
		}
	}
	return TargetResult{}, false
}

// DefaultTargets are the targets of Kế hoạch 395 (II.2) used when the
// seeds lack one.
var DefaultTargets = []Target{
	{ID: "T1", Kind: "share", Value: 100, Unit: "%"},
	{ID: "T2", Kind: "annual_min_count", Value: 1, Unit: "sự kiện/chương trình"},
	{ID: "T3", Kind: "annual_min_count", Value: 3, ValueUpper: 5, Unit: "tài liệu, ấn phẩm"},
	{ID: "T4", Kind: "share", Value: 100, Unit: "%"},
	{ID: "T5", Kind: "share", Value: 100, Unit: "%"},
	{ID: "T6", Kind: "annual_min_count", Value: 1, Unit: "hội nghị/hội thảo/tọa đàm"},
	{ID: "T7", Kind: "min_count", Value: 10, Unit: "tin bài"},
}

// Codes the indicators depend on.
const (
	statusPlanned     = "ke_hoach"
	attendPresent     = "co_mat"
	topicCompliant    = "tuan_thu_phap_luat"
	eventRally153     = "mit_tinh_15_3"
	transactionTMDT   = "tmdt"
	outcomeFull       = "thanh_cong_toan_bo"
	outcomePartial    = "thanh_cong_mot_phan"
	outcomeAdvice     = "tu_van_xong"
	outcomeReferred   = "chuyen_co_quan_khac_xu_ly"
	outcomeIneligible = "khong_du_dieu_kien"
	outcomeWithdrew   = "nguoi_tieu_dung_rut"
	outcomeUnreached  = "khong_lien_lac_duoc"
)

// finishedStatuses are the states in which a case's handling has ended.
// outsideRate are the outcomes the success rate leaves out (RateBase):
// none says whether the commune's help worked.
var outsideRate = map[string]bool{"": true, outcomeAdvice: true, outcomeReferred: true,
	outcomeIneligible: true, outcomeWithdrew: true, outcomeUnreached: true}

var finishedStatuses = map[string]bool{StatusResolved: true, StatusClosed: true, StatusRejected: true, StatusWithdrawn: true}

// ComputeKPIs computes every indicator of d over p, against targets (the
// seeded T1–T7; DefaultTargets fill any missing one). The targets are
// counted and judged as TargetDefinitions (kpi_targets.go) say, each with
// its line of the plan; in short:
//
//   - T1 (a proxy, never judged): communes with a successful sync in the
//     period ÷ communes covered.
//   - T2 (province-wide): events linked to 15/3 held in the period.
//   - T3 (province-wide): documents and publications (T3PublicationTypes)
//     issued or received from central level, dated in the period.
//   - T4 (by 2030): relevant organisations with a participant present at
//     a session or event held in the period ÷ relevant organisations.
//   - T5 (by 2030): active officers of T5's population (CountsForT5, or a
//     role in T5Roles) present (co_mat) at a training session or a
//     conference or seminar (T5EventTypes) held in the period ÷ those
//     officers. An officer is present through Officer.ParticipantID; an
//     officer no longer active is in neither side.
//   - T6 (province-wide): conferences, workshops and roundtables on
//     compliance with the law (topic tuan_thu_phap_luat) held in the period.
//   - T7 (by 2030, cumulative): news items, features and social-media
//     posts (T7PublicationTypes) posted on T7Channels from the plan's
//     first report year to the end of the period; the period's own beside.
//
// A province-wide target in one commune's data (CommuneScope) is that
// commune's contribution and is not judged. Sessions and events still
// marked planned (ke_hoach) have not been held and count nowhere; nor does
// attendance at them. Voided records never count, nor does the attendance
// of a voided participant.
func ComputeKPIs(d *KPIData, p KPIPeriod, targets []Target) KPIReport {
	r := KPIReport{Period: p, Units: append([]string(nil), d.Units...)}
	k := newKPIIndex(d, p)
	r.Complaints = computeComplaints(d, p)
	r.Training = k.training()
	r.Outreach = k.outreach()
	r.Publications = k.publications()

	target := func(id string) Target {
		for _, t := range targets {
			if t.ID == id {
				return t
			}
		}
		for _, t := range DefaultTargets {
			if t.ID == id {
				return t
			}
		}
		return Target{ID: id}
	}
	r.Targets = []TargetResult{
		k.t1(target("T1")), k.t2(target("T2")), k.t3(target("T3")), k.t4(target("T4")),
		k.t5(target("T5")), k.t6(target("T6")), k.t7(target("T7")),
	}
	for i := range r.Targets {
		r.Targets[i] = r.Targets[i].judge(p.To.Year(), d.CommuneScope())
	}
	return r
}

// kpiIndex holds the records of d that count in p, by id.
type kpiIndex struct {
	d            *KPIData
	p            KPIPeriod
	participants map[string]*Participant // not voided
	sessions     map[string]*TrainingSession
	events       map[string]*OutreachEvent
	held         map[string]bool // sessions and events held in the period
	heldSession  map[string]bool // sessions held in the period
}

func newKPIIndex(d *KPIData, p KPIPeriod) *kpiIndex {
	k := &kpiIndex{d: d, p: p, participants: map[string]*Participant{}, sessions: map[string]*TrainingSession{},
		events: map[string]*OutreachEvent{}, held: map[string]bool{}, heldSession: map[string]bool{}}
	for i := range d.Participants {
		if x := &d.Participants[i]; !x.Voided {
			k.participants[x.ID] = x
		}
	}
	for i := range d.Sessions {
		x := &d.Sessions[i]
		if x.Voided {
			continue
		}
		k.sessions[x.ID] = x
		if x.Status != statusPlanned && p.ContainsDay(x.StartDate) {
			k.held[x.ID], k.heldSession[x.ID] = true, true
		}
	}
	for i := range d.Outreach {
		x := &d.Outreach[i]
		if x.Voided {
			continue
		}
		k.events[x.ID] = x
		if x.Status != statusPlanned && p.ContainsDay(x.StartDate) {
			k.held[x.ID] = true
		}
	}
	return k
}

// present calls f for each attendance row marked present at a session or
// event held in the period (sessionsOnly: at a training session), whose
// participant is not voided; p is nil for a person missing from the
// register.
func (k *kpiIndex) present(sessionsOnly bool, f func(a *Attendance, p *Participant)) {
	voidedPeople := map[string]bool{}
	for _, x := range k.d.Participants {
		if x.Voided {
			voidedPeople[x.ID] = true
		}
	}
	for i := range k.d.Attendance {
		a := &k.d.Attendance[i]
		if a.Voided || a.Status != attendPresent || voidedPeople[a.ParticipantID] {
			continue
		}
		if sessionsOnly && !k.heldSession[a.SessionID] || !k.held[a.SessionID] {
			continue
		}
		f(a, k.participants[a.ParticipantID])
	}
}

func (k *kpiIndex) training() TrainingKPIs {
	var t TrainingKPIs
	var formats tallies
	for i := range k.d.Sessions {
		s := &k.d.Sessions[i]
		switch {
		case s.Voided || !k.p.ContainsDay(s.StartDate):
		case s.Status == statusPlanned:
			t.Planned.add(EntityTraining, s.ID, 0)
		default:
			t.Sessions.add(EntityTraining, s.ID, 0)
			formats.add(s.Format, EntityTraining, s.ID, 0)
		}
	}
	t.ByFormat = formats.inOrder(TrainingFormats)
	var groups, types tallies
	seen := map[string]bool{}
	k.present(true, func(a *Attendance, p *Participant) {
		t.PersonTimes.add(EntityAttendance, a.ID, 0)
		group, typ := "", ""
		if p != nil {
			group, typ = GroupOf(p.Type), p.Type
		}
		groups.add(group, EntityAttendance, a.ID, 0)
		types.add(typ, EntityAttendance, a.ID, 0)
		if !seen[a.ParticipantID] {
			seen[a.ParticipantID] = true
			t.DistinctPersons.add(EntityParticipant, a.ParticipantID, 0)
		}
	})
	t.ByGroup = groups.inOrder(ParticipantGroups)
	t.ByType = types.inOrder(ParticipantTypes)
	return t
}

func (k *kpiIndex) outreach() OutreachKPIs {
	var o OutreachKPIs
	var types tallies
	for i := range k.d.Outreach {
		e := &k.d.Outreach[i]
		switch {
		case e.Voided || !k.p.ContainsDay(e.StartDate):
		case e.Status == statusPlanned:
			o.Planned.add(EntityOutreach, e.ID, 0)
		default:
			o.Events.add(EntityOutreach, e.ID, int64(e.Attendance))
			types.add(e.Type, EntityOutreach, e.ID, int64(e.Attendance))
			if linked153(e) {
				o.Linked153.add(EntityOutreach, e.ID, int64(e.Attendance))
			}
			if e.Businesses > 0 {
				o.Businesses.add(EntityOutreach, e.ID, int64(e.Businesses))
			}
			if e.Leaflets > 0 {
				o.Leaflets.add(EntityOutreach, e.ID, int64(e.Leaflets))
			}
		}
	}
	o.ByType = types.inOrder(OutreachTypes)
	return o
}

// linked153 reports whether an event belongs to Consumer Rights Day (a
// 15/3 rally always does, as Normalize records).
func linked153(e *OutreachEvent) bool { return e.Linked153 || e.Type == eventRally153 }

func (k *kpiIndex) publications() PublicationKPIs {
	var out PublicationKPIs
	var types, origins, formats, channels tallies
	for i := range k.d.Publications {
		x := &k.d.Publications[i]
		if x.Voided || !k.p.ContainsDay(x.Date) {
			continue
		}
		q := int64(x.Quantity)
		out.All.add(EntityPublication, x.ID, q)
		types.add(x.Type, EntityPublication, x.ID, q)
		origins.add(x.Origin, EntityPublication, x.ID, q)
		formats.add(x.Format, EntityPublication, x.ID, q)
		channels.add(x.Channel, EntityPublication, x.ID, q)
	}
	out.ByType = types.inOrder(PublicationTypes)
	out.ByOrigin = origins.inOrder(PublicationOrigins)
	out.ByFormat = formats.inOrder(PublicationFormats)
	out.ByChannel = channels.inOrder(PublicationChannels)
	return out
}

func newTarget(t Target, share bool) TargetResult {
	return TargetResult{ID: t.ID, Target: t, Def: TargetDefinitionOf(t.ID), Share: share, Threshold: t.Value, Upper: t.ValueUpper, Known: true}
}

// count finishes a count target from its figure.
func (r TargetResult) count(f Figure) TargetResult {
	r.Num, r.Value, r.Refs = f.Count, float64(f.Count), f.Refs
	r.Reached = r.Value >= r.Threshold
	return r
}

// share finishes a share target: num of den.
func (r TargetResult) share(num, den []KPIRef) TargetResult {
	r.Num, r.Den, r.Refs, r.DenRefs = len(num), len(den), num, den
	r.Known = r.Den > 0
	if r.Known {
		r.Value = 100 * float64(r.Num) / float64(r.Den)
		// Compare in integers: 100 × num ≥ threshold × den.
		r.Reached = float64(100*r.Num) >= r.Threshold*float64(r.Den)
	}
	return r
}

func (k *kpiIndex) t1(t Target) TargetResult {
	var num, den []KPIRef
	for _, u := range k.d.Units {
		ref := KPIRef{EntityAdminUnit, u}
		den = append(den, ref)
		if at, ok := k.d.SyncedUnits[u]; ok && k.p.Contains(at) {
			num = append(num, ref)
		}
	}
	return newTarget(t, true).share(num, den)
}

func (k *kpiIndex) eventsWhere(f func(e *OutreachEvent) bool) Figure {
	var out Figure
	for i := range k.d.Outreach {
		e := &k.d.Outreach[i]
		if k.held[e.ID] && !e.Voided && f(e) {
			out.add(EntityOutreach, e.ID, 0)
		}
	}
	return out
}

func (k *kpiIndex) t2(t Target) TargetResult {
	return newTarget(t, false).count(k.eventsWhere(linked153))
}

func (k *kpiIndex) t3(t Target) TargetResult {
	var f Figure
	for _, x := range k.d.Publications {
		if !x.Voided && k.p.ContainsDay(x.Date) && slices.Contains(T3PublicationTypes, x.Type) &&
			(x.Origin == "tu_phat_hanh" || x.Origin == "tiep_nhan_trung_uong") {
			f.add(EntityPublication, x.ID, 0)
		}
	}
	return newTarget(t, false).count(f)
}

func (k *kpiIndex) t4(t Target) TargetResult {
	took := map[string]bool{}
	k.present(false, func(_ *Attendance, p *Participant) {
		if p != nil && p.OrganisationID != "" {
			took[p.OrganisationID] = true
		}
	})
	var num, den []KPIRef
	for _, o := range k.d.Organisations {
		if o.Voided || !o.Relevant {
			continue
		}
		ref := KPIRef{EntityOrganisation, o.ID}
		den = append(den, ref)
		if took[o.ID] {
			num = append(num, ref)
		}
	}
	return newTarget(t, true).share(num, den)
}

func (k *kpiIndex) t5(t Target) TargetResult {
	trained := map[string]bool{}
	k.present(false, func(a *Attendance, _ *Participant) {
		if k.heldSession[a.SessionID] {
			trained[a.ParticipantID] = true // a training session (tập huấn)
		} else if e := k.events[a.SessionID]; e != nil && slices.Contains(T5EventTypes, e.Type) {
			trained[a.ParticipantID] = true // a conference or seminar (hội nghị, hội thảo)
		}
	})
	var num, den []KPIRef
	for _, o := range k.d.Officers {
		if o.Voided || !o.Active || !o.CountsForT5 && !slices.Contains(T5Roles, o.Role) {
			continue
		}
		ref := KPIRef{EntityOfficer, o.ID}
		den = append(den, ref)
		if o.ParticipantID != "" && trained[o.ParticipantID] {
			num = append(num, ref)
		}
	}
	return newTarget(t, true).share(num, den)
}

func (k *kpiIndex) t6(t Target) TargetResult {
	return newTarget(t, false).count(k.eventsWhere(func(e *OutreachEvent) bool {
		return (e.Type == "hoi_nghi" || e.Type == "hoi_thao" || e.Type == "toa_dam") && e.Topic == topicCompliant
	}))
}

func (k *kpiIndex) t7(t Target) TargetResult {
	var year, cum Figure
	from, end := ReportYear(PlanStartYear).From, k.p.end()
	for _, x := range k.d.Publications {
		if x.Voided || !slices.Contains(T7PublicationTypes, x.Type) || !slices.Contains(T7Channels, x.Channel) {
			continue
		}
		if k.p.ContainsDay(x.Date) {
			year.add(EntityPublication, x.ID, 0)
		}
		if d, ok := parseDay(x.Date); ok && !d.Before(from) && d.Before(end) {
			cum.add(EntityPublication, x.ID, 0)
		}
	}
	r := newTarget(t, false).count(cum)
	r.Period = year
	return r
}

// caseFate is how a case's handling ended, as its timeline tells.
type caseFate struct {
	finished   bool
	finishedAt time.Time
	// finish is the step that ended the handling (nil if the timeline
	// does not show it); before are the steps before it.
	finish  *CaseEvent
	before  []CaseEvent
	outcome string
	amount  int64
}

// fateOf reads a case's timeline (sorted by time): the handling has ended
// if the case is in a finished status; it ended at the first step into a
// finished status after the last reopening (or, with no such step, at the
// case's last update). The outcome and amount are those of the last
// resolved or closed step recording an outcome, once per case; without
// one, a rejection counts as inadmissible (refused on a ground of Điều 58
// for a negotiation-support request, or of Điều 54 khoản 2) and a withdrawal as
// withdrawn.
func fateOf(c *Case, evs []CaseEvent) caseFate {
	var f caseFate
	if !finishedStatuses[c.Status] {
		return f
	}
	f.finished = true
	start := 0
	for i, e := range evs {
		if e.Kind == EventReopened {
			start = i + 1
		}
	}
	for i := start; i < len(evs); i++ {
		e := &evs[i]
		if finishedStatuses[e.ToStatus] && !finishedStatuses[e.FromStatus] {
			f.finish, f.before, f.finishedAt = e, evs[:i], e.At
			break
		}
	}
	if f.finish == nil {
		f.finishedAt = c.UpdatedAt
	}
	var lastAmount int64
	rejected, withdrawn := c.Status == StatusRejected, c.Status == StatusWithdrawn
	for i := start; i < len(evs); i++ {
		e := &evs[i]
		switch e.Kind {
		case EventResolved, EventClosed:
			if e.Outcome != "" {
				f.outcome, f.amount = e.Outcome, e.AmountRecovered
			}
			if e.AmountRecovered > 0 {
				lastAmount = e.AmountRecovered
			}
		case EventRejected:
			rejected = true
		case EventWithdrawn:
			withdrawn = true
		}
	}
	if f.outcome == "" {
		f.amount = lastAmount
		switch {
		case rejected:
			f.outcome = outcomeIneligible
		case withdrawn:
			f.outcome = outcomeWithdrew
		}
	}
	return f
}

// CaseOutcome is how a case's handling ended, read from its timeline the
// way the indicators count it (see fateOf): whether and when it ended, the
// outcome and the amount recovered, once per case.
type CaseOutcome struct {
	Finished   bool
	FinishedAt time.Time
	Outcome    string
	Amount     int64
}

// OutcomeOf reads a case's timeline (sorted by time) as the indicators do,
// for the reports that list cases one by one.
func OutcomeOf(c *Case, evs []CaseEvent) CaseOutcome {
	f := fateOf(c, evs)
	return CaseOutcome{Finished: f.finished, FinishedAt: f.finishedAt, Outcome: f.outcome, Amount: f.amount}
}

// StatusAt returns the status a case had at t, replaying its timeline
// (sorted by time); see statusAt for a case without steps.
func StatusAt(c *Case, evs []CaseEvent, t time.Time) string { return statusAt(c, evs, t) }

// statusAt returns the status of a case at t, replaying its timeline; a
// case with no steps keeps its current status.
func statusAt(c *Case, evs []CaseEvent, t time.Time) string {
	if len(evs) == 0 {
		if finishedStatuses[c.Status] && !c.UpdatedAt.IsZero() && !c.UpdatedAt.Before(t) {
			return StatusReceived // finished after t, as far as we know
		}
		return c.Status
	}
	st := StatusReceived
	for _, e := range evs {
		if !e.At.Before(t) {
			break
		}
		if e.ToStatus != "" {
			st = e.ToStatus
		}
	}
	return st
}

// ForwardedAway reports whether c is the case an officer forwarded to
// another commune and the provincial server moved there (status "đã
// chuyển", ForwardedTo set): the moved case, in that commune, is the one
// that counts; counting this one too would count the matter twice.
func ForwardedAway(c *Case) bool {
	return c.ForwardedTo != "" && c.Status == StatusReferred
}

func computeComplaints(d *KPIData, p KPIPeriod) ComplaintKPIs {
	var out ComplaintKPIs
	timing := d.Calendar != nil && len(d.SlaRules) > 0
	out.TimingKnown = timing
	var kinds, channels, sectors, issues, transactions, units, groups, outcomes tallies
	end := p.end()
	facts := FactsOf(d)
	for i := range facts {
		c := &facts[i]
		if !c.Counts() {
			continue
		}
		if p.Contains(c.ReceivedAt) {
			out.Received.add(EntityCase, c.ID, 0)
			kinds.add(c.Kind, EntityCase, c.ID, 0)
			channels.add(c.Channel, EntityCase, c.ID, 0)
			sectors.add(c.Sector, EntityCase, c.ID, 0)
			transactions.add(c.TransactionType, EntityCase, c.ID, 0)
			units.add(c.UnitCode, EntityCase, c.ID, 0)
			for _, it := range c.IssueTypes {
				issues.add(it, EntityCase, c.ID, 0)
			}
			for _, g := range c.VulnerableGroups {
				groups.add(g, EntityCase, c.ID, 0)
			}
			if c.IsVulnerable() {
				out.Vulnerable.add(EntityCase, c.ID, 0)
			}
			if c.TransactionType == transactionTMDT {
				out.ECommerce.add(EntityCase, c.ID, 0)
			}
			if slices.Contains(OnlineChannels, c.Channel) {
				out.Online.add(EntityCase, c.ID, 0)
			}
			if c.Channel == ChannelOnlineIntake {
				out.OnlineForm.add(EntityCase, c.ID, 0)
			}
		}
		if c.ReceivedAt.Before(end) && !finishedStatuses[c.StatusAt(end)] {
			out.CarriedOver.add(EntityCase, c.ID, 0)
		}
		if !c.Finished {
			out.OpenNow.add(EntityCase, c.ID, 0)
		}
		// The commune's own clocks only (issue 18 item 3).
		if timing && !d.Now.IsZero() && c.OverdueAt(d.Now) {
			out.OverdueNow.add(EntityCase, c.ID, 0)
		}
		if !c.Finished || !p.Contains(c.FinishedAt) {
			continue
		}
		out.Finished.add(EntityCase, c.ID, 0)
		outcomes.add(c.Outcome, EntityCase, c.ID, 0)
		switch c.Outcome {
		case "":
			out.NoOutcome.add(EntityCase, c.ID, 0)
		case outcomeFull, outcomePartial:
			out.Successful.add(EntityCase, c.ID, 0)
		}
		if !outsideRate[c.Outcome] {
			out.RateBase.add(EntityCase, c.ID, 0)
		}
		if c.Amount > 0 {
			out.Recovered.add(EntityCase, c.ID, c.Amount)
		}
		if timing && c.Timed {
			if c.Late {
				out.Late.add(EntityCase, c.ID, 0)
			} else {
				out.OnTime.add(EntityCase, c.ID, 0)
			}
		}
	}
	if out.RateBase.Count > 0 {
		out.SuccessRate = 100 * float64(out.Successful.Count) / float64(out.RateBase.Count)
	}
	out.ByKind = kinds.inOrder(CaseKinds)
	out.ByChannel = channels.inOrder(Channels)
	out.BySector = sectors.byCount()
	out.ByIssueType = issues.byCount()
	out.ByTransaction = transactions.inOrder(TransactionTypes)
	out.ByUnit = units.byCount()
	out.ByVulnerable = groups.inOrder(VulnerableGroups)
	out.ByOutcome = outcomes.inOrder(Outcomes)
	return out
}
