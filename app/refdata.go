package app

import "sync"

// Administrative unit types (AdminUnit.Type).
const (
	UnitXa     = "xa"     // rural commune (xã)
	UnitPhuong = "phuong" // urban ward (phường)
)

// AdminUnit is a commune-level administrative unit (xã or phường) of the
// province as it stands since the merger of 1 July 2025.
type AdminUnit struct {
	Code      string // 5-digit code of the General Statistics Office, e.g. "28261"
	Name      string // full name, e.g. "Phường Mỹ Tho"
	ShortName string // name without "Xã"/"Phường", e.g. "Mỹ Tho"
	Type      string // UnitXa or UnitPhuong
	// FormedFrom lists the pre-2025 units merged into this one. It is
	// derived data (not the legal text) and meant for finding a unit by an
	// old address.
	FormedFrom []FormerUnit
}

// FormerUnit is a pre-merger unit that became part of an AdminUnit.
type FormerUnit struct {
	OldCode   string // old 5-digit code
	OldName   string // old full name, e.g. "Phường 1"
	MergeType string // "full" (whole unit) or "partial"
}

// Agency is a body named in Kế hoạch 395/KH-UBND: a provincial department,
// an association, or a group such as "UBND xã, phường".
type Agency struct {
	ID      string // short stable id, e.g. "sct"
	NameVI  string
	NameEN  string
	Kind    string   // e.g. "so", "police", "social_org", "group"
	Level   string   // e.g. "province", "commune", "central"
	Aliases []string // spellings used in the plan text
}

// Sector is a sector of goods or services a case is about (lĩnh vực).
type Sector struct {
	Code  string
	VI    string
	EN    string
	Order int // display order, from 1
}

// IssueType is a kind of violation a case reports (hành vi vi phạm).
type IssueType struct {
	Code  string
	VI    string
	EN    string
	Order int // display order, from 1
}

// PlanTask is one row of the task table of Kế hoạch 395/KH-UBND, e.g. "IV.8".
type PlanTask struct {
	ID         string // "IV.8"
	Section    string // roman numeral of the plan section, "IV"
	TextVI     string
	LeadIDs    []string // Agency IDs of the lead bodies
	PartnerIDs []string // Agency IDs of the partner bodies
	Outputs    []string // expected outputs, Vietnamese
	StartYear  int
	EndYear    int // equal to StartYear for a one-year task
}

// Target is one of the province's 2030 targets T1..T7 of Kế hoạch 395.
type Target struct {
	ID     string // "T1".."T7"
	TextVI string // the plan's wording
	TextEN string
	Kind   string  // "share", "annual_min_count", "min_count"
	Value  float64 // the threshold: a percentage for "share", else a count
	// ValueUpper is the upper end when the plan gives a range ("3 - 5 tài
	// liệu"), or 0.
	ValueUpper float64
	Unit       string // "%", "tin bài", …
	Horizon    string // e.g. "by_2030", "annual_2026_2030"
	Frequency  string // e.g. "annual", "cumulative"
}

// RefData is the seeded reference data. Build it with a composite literal
// (or get it from package seeds) and treat it as read-only: lookups index
// the slices on first use, so changes made after that are not seen.
// A *RefData satisfies Refs.
type RefData struct {
	Units      []AdminUnit
	Agencies   []Agency
	Sectors    []Sector
	IssueTypes []IssueType
	Tasks      []PlanTask
	Targets    []Target
	// Holidays is the holiday calendar (days off and make-up working days)
	// for working-day deadlines.
	Holidays []Holiday
	// SlaRules are the time limits of case handling.
	SlaRules []SlaRule

	once       sync.Once
	units      map[string]int // code → index in Units
	agencies   map[string]int
	sectors    map[string]int
	issueTypes map[string]int
}

var _ Refs = (*RefData)(nil)

func (r *RefData) index() {
	r.once.Do(func() {
		r.units = make(map[string]int, len(r.Units))
		for i, u := range r.Units {
			r.units[u.Code] = i
		}
		r.agencies = make(map[string]int, len(r.Agencies))
		for i, a := range r.Agencies {
			r.agencies[a.ID] = i
		}
		r.sectors = make(map[string]int, len(r.Sectors))
		for i, s := range r.Sectors {
			r.sectors[s.Code] = i
		}
		r.issueTypes = make(map[string]int, len(r.IssueTypes))
		for i, t := range r.IssueTypes {
			r.issueTypes[t.Code] = i
		}
	})
}

// HasUnit reports whether code is a seeded commune or ward.
func (r *RefData) HasUnit(code string) bool {
	r.index()
	_, ok := r.units[code]
	return ok
}

// Unit returns the commune or ward with the given code.
func (r *RefData) Unit(code string) (AdminUnit, bool) {
	r.index()
	i, ok := r.units[code]
	if !ok {
		return AdminUnit{}, false
	}
	return r.Units[i], true
}

// Agency returns the agency with the given id.
func (r *RefData) Agency(id string) (Agency, bool) {
	r.index()
	i, ok := r.agencies[id]
	if !ok {
		return Agency{}, false
	}
	return r.Agencies[i], true
}

// HasSector reports whether code is a seeded sector.
func (r *RefData) HasSector(code string) bool {
	r.index()
	_, ok := r.sectors[code]
	return ok
}

// SectorLabel returns the Vietnamese label of a sector, or code itself if
// unknown.
func (r *RefData) SectorLabel(code string) string {
	r.index()
	if i, ok := r.sectors[code]; ok {
		return r.Sectors[i].VI
	}
	return code
}

// HasIssueType reports whether code is a seeded issue type.
func (r *RefData) HasIssueType(code string) bool {
	r.index()
	_, ok := r.issueTypes[code]
	return ok
}

// IssueTypeLabel returns the Vietnamese label of an issue type, or code
// itself if unknown.
func (r *RefData) IssueTypeLabel(code string) string {
	r.index()
	if i, ok := r.issueTypes[code]; ok {
		return r.IssueTypes[i].VI
	}
	return code
}

// SectorCodes returns the sectors as a CodeList, in the order of Sectors
// (for pickers).
func (r *RefData) SectorCodes() CodeList {
	out := make(CodeList, len(r.Sectors))
	for i, s := range r.Sectors {
		out[i] = Code{Code: s.Code, VI: s.VI, EN: s.EN}
	}
	return out
}

// IssueTypeCodes returns the issue types as a CodeList, in the order of
// IssueTypes (for pickers).
func (r *RefData) IssueTypeCodes() CodeList {
	out := make(CodeList, len(r.IssueTypes))
	for i, t := range r.IssueTypes {
		out[i] = Code{Code: t.Code, VI: t.VI, EN: t.EN}
	}
	return out
}

// Calendar returns the working-day calendar of the seeded holidays.
func (r *RefData) Calendar() (*Calendar, error) { return NewCalendar(r.Holidays) }
