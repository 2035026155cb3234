package app

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// EntityReportNarrative is the written part of a commune's annual report.
const EntityReportNarrative = "report_narrative"

// ReportNarrative is what a commune writes in its annual report on Kế
// hoạch 395 besides the figures, for one report year: the difficulties
// and obstacles met and its proposals (the plan's Mục V asks units to
// report "khó khăn, vướng mắc" and to propose adjustments), its direction
// for the next year, the typical cases it picks (vụ việc điển hình, task
// IV.2: printed masked), and the status and results of each plan task of
// Biểu 5. It is an ordinary synced record, one per commune and year (its
// id is NarrativeID: two laptops writing it offline edit the same record,
// merged field by field), so the province reads each commune's.
type ReportNarrative struct {
	RecordHead
	Year         int          `json:"year"` // the report year (ReportYear)
	Difficulties string       `json:"difficulties" text:"long"`
	Proposals    string       `json:"proposals" text:"long"`
	NextYear     string       `json:"next_year" text:"long"`
	TypicalCases []string     `json:"typical_cases"` // case ids, at most MaxTypicalCases
	Tasks        []TaskReport `json:"tasks"`         // Biểu 5, by plan task
	// Note holds remarks, and the reason the record was voided.
	Note string `json:"note" text:"long"`
}

// TaskReport is a commune's line of Biểu 5 for one plan task.
type TaskReport struct {
	Task   string `json:"task"`   // a PlanTask ID, "IV.2"
	Status string `json:"status"` // a TaskStatuses code
	Result string `json:"result"` // what was done, products, obstacles
}

// MaxTypicalCases is how many typical cases a report names.
const MaxTypicalCases = 5

// TaskStatuses are the statuses of a plan task in Biểu 5 (a local choice:
// the plan asks for results, not for a status list).
var TaskStatuses = CodeList{
	{"chua_trien_khai", "Chưa triển khai", "Not started"},
	{"dang_thuc_hien", "Đang thực hiện", "Under way"},
	{"hoan_thanh", "Hoàn thành", "Done"},
	{"khong_phat_sinh", "Không phát sinh", "Did not arise"},
}

var narrativeSpace = uuid.MustParse("7b1f0a52-6c1e-4d0e-9a57-3e0c2f6d8a41")

// NarrativeID is the id of unit's narrative for a report year.
func NarrativeID(unit string, year int) string {
	return uuid.NewSHA1(narrativeSpace, fmt.Appendf(nil, "%s/%d", unit, year)).String()
}

// CommuneAgency is the agency of the plan's task table that stands for the
// communes and wards (UBND xã, phường); WardAgency stands for the wards
// alone (UBND phường: task IV.4).
const (
	CommuneAgency = "ubnd_xa"
	WardAgency    = "ubnd_phuong"
)

// CommuneRole is a unit's part in a plan task: "Chủ trì", "Phối hợp",
// "Phối hợp (các phường)" in the province's view (unitType "") of a task
// of the wards only, or "". unitType is UnitXa or UnitPhuong.
func CommuneRole(t PlanTask, unitType string) string {
	if slices.Contains(t.LeadIDs, CommuneAgency) {
		return "Chủ trì"
	}
	if slices.Contains(t.PartnerIDs, CommuneAgency) {
		return "Phối hợp"
	}
	if slices.Contains(t.PartnerIDs, WardAgency) {
		switch unitType {
		case UnitPhuong:
			return "Phối hợp"
		case "":
			return "Phối hợp (các phường)"
		}
	}
	return ""
}

// CommuneTasks are the plan's tasks of a report year in which a unit of
// unitType ("" for the province's view) leads or takes part: the rows of
// Biểu 5.
func CommuneTasks(refs *RefData, year int, unitType string) []PlanTask {
	var out []PlanTask
	for _, t := range refs.Tasks {
		if (t.StartYear != 0 && year < t.StartYear) || (t.EndYear != 0 && year > t.EndYear) {
			continue
		}
		if CommuneRole(t, unitType) != "" {
			out = append(out, t)
		}
	}
	return out
}

// Task returns the line of task id, if written.
func (r *ReportNarrative) Task(id string) (TaskReport, bool) {
	for _, t := range r.Tasks {
		if t.Task == id {
			return t, true
		}
	}
	return TaskReport{}, false
}

// TaskLine returns the line of task id for editing, adding it if missing.
func (r *ReportNarrative) TaskLine(id string) *TaskReport {
	for i := range r.Tasks {
		if r.Tasks[i].Task == id {
			return &r.Tasks[i]
		}
	}
	r.Tasks = append(r.Tasks, TaskReport{Task: id})
	return &r.Tasks[len(r.Tasks)-1]
}

func (*ReportNarrative) Entity() string                                 { return EntityReportNarrative }
func (r *ReportNarrative) Fields() map[string]json.RawMessage           { return toFields(r) }
func (r *ReportNarrative) SetFields(f map[string]json.RawMessage) error { return setFields(r, f) }

// Normalize puts the texts in NFC and drops task lines left empty.
func (r *ReportNarrative) Normalize() {
	r.normalize()
	for _, p := range []*string{&r.Difficulties, &r.Proposals, &r.NextYear, &r.Note} {
		*p = NFCText(*p)
	}
	kept := r.Tasks[:0]
	for _, t := range r.Tasks {
		t.Task, t.Status, t.Result = NFC(t.Task), NFC(t.Status), NFCText(t.Result)
		if t.Status != "" || t.Result != "" {
			kept = append(kept, t)
		}
	}
	r.Tasks = kept
	if len(r.Tasks) == 0 {
		r.Tasks = nil
	}
}

// Validate checks the narrative with Vietnamese messages by field.
func (r *ReportNarrative) Validate(refs Refs, _ time.Time) error {
	c := checker{}
	c.head(&r.RecordHead, refs)
	if r.Year < 2026 || r.Year > 2100 {
		c["year"] = "Năm báo cáo không hợp lệ (Kế hoạch 395 bắt đầu từ năm 2026)."
	}
	c.long("difficulties", r.Difficulties, "Khó khăn, vướng mắc")
	c.long("proposals", r.Proposals, "Kiến nghị, đề xuất")
	c.long("next_year", r.NextYear, "Phương hướng năm sau")
	c.long("note", r.Note, "Ghi chú")
	if len(r.TypicalCases) > MaxTypicalCases {
		c["typical_cases"] = fmt.Sprintf("Chọn tối đa %d vụ việc điển hình.", MaxTypicalCases)
	}
	for _, id := range r.TypicalCases {
		if _, err := uuid.Parse(id); err != nil {
			c["typical_cases"] = "Vụ việc điển hình không hợp lệ."
		}
	}
	seen := map[string]bool{}
	for _, t := range r.Tasks {
		switch {
		case t.Task == "" || seen[t.Task]:
			c["tasks"] = "Mỗi nhiệm vụ của Biểu 5 ghi một dòng."
		case t.Status != "" && !TaskStatuses.Has(t.Status):
			c["tasks"] = "Tình trạng nhiệm vụ " + t.Task + " không hợp lệ."
		case len([]rune(t.Result)) > maxSummary:
			c["tasks"] = "Kết quả nhiệm vụ " + t.Task + " quá dài."
		}
		seen[t.Task] = true
	}
	checkShape(c, r)
	return c.err()
}

func init() {
	RegisterKind(Kind{Entity: EntityReportNarrative, New: func() Record { return &ReportNarrative{} },
		Search:   func(r Record) string { return fmt.Sprint(r.(*ReportNarrative).Year) },
		SharedID: true})
}
