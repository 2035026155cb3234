// Package seeds holds the reference data embedded in the program (communes
// and wards, agencies, complaint sectors and issue types, the tasks and
// targets of Kế hoạch 395/KH-UBND) and the parser that turns it into an
// *app.RefData. It does not touch a database: storage writes what Load
// returns.
//
// The files in data/ are the research drafts unchanged; each carries its
// sources. The parser reads only the fields it needs and checks them, so a
// bad edit fails seeds_test.go rather than loading as empty values.
package seeds

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"bvntd/app"
)

//go:embed data/*.json
var files embed.FS

// Version is the version of the embedded data set. Bump it whenever any
// file in data/ changes: storage records the version it applied and
// re-applies the seeds only when it sees a higher one.
const Version = 6

// The seed files, relative to data/.
const (
	communesFile    = "communes.json"
	agenciesFile    = "agencies.json"
	categoriesFile  = "categories.json"
	planTasksFile   = "plan_tasks.json"
	planTargetsFile = "plan_targets.json"
	holidaysFile    = "holidays.json"
	slaRulesFile    = "sla_rules.json"
)

// Load parses and checks the embedded seed files. All text is in NFC. The
// error, if any, names the file and the item at fault.
func Load() (*app.RefData, error) {
	sub, err := fs.Sub(files, "data")
	if err != nil {
		return nil, fmt.Errorf("seeds: %w", err)
	}
	return parse(sub)
}

// Raw file shapes. They declare only the fields read; the files carry more
// (sources, notes), which are ignored.

type communesJSON struct {
	Counts *struct {
		Total  int `json:"total"`
		Xa     int `json:"xa"`
		Phuong int `json:"phuong"`
	} `json:"counts"`
	Units []struct {
		Code       string `json:"code"`
		Name       string `json:"name"`
		ShortName  string `json:"short_name"`
		Type       string `json:"type"`
		FormedFrom []struct {
			OldCode   string `json:"old_code"`
			OldName   string `json:"old_name"`
			MergeType string `json:"merge_type"`
		} `json:"formed_from_derived"`
	} `json:"units"`
}

type agenciesJSON struct {
	Agencies []struct {
		ID        string   `json:"id"`
		NameVI    string   `json:"name_vi"`
		NameEN    string   `json:"name_en"`
		Kind      string   `json:"kind"`
		Level     string   `json:"level"`
		Aliases   []string `json:"aliases"`
		LeadOf    []string `json:"lead_of"`
		PartnerIn []string `json:"partner_in"`
	} `json:"agencies"`
}

type categoryJSON struct {
	Code    string `json:"code"`
	Order   int    `json:"order"`
	LabelVI string `json:"label_vi"`
	LabelEN string `json:"label_en"`
}

type categoriesJSON struct {
	Sectors    []categoryJSON `json:"sectors"`
	IssueTypes []categoryJSON `json:"issue_types"`
}

type planTasksJSON struct {
	Extraction *struct {
		TaskCount int `json:"task_count"`
	} `json:"extraction"`
	Sections []struct {
		Roman string `json:"roman"`
	} `json:"sections"`
	Tasks []struct {
		ID         string      `json:"id"`
		Section    string      `json:"section"`
		TaskVI     string      `json:"task_vi"`
		LeadIDs    []string    `json:"lead_ids"`
		PartnerIDs []string    `json:"partner_ids"`
		Outputs    []string    `json:"outputs"`
		Period     *periodJSON `json:"period"`
	} `json:"tasks"`
}

type periodJSON struct {
	Kind      string `json:"kind"`
	Year      *int   `json:"year"`
	StartYear *int   `json:"start_year"`
	EndYear   *int   `json:"end_year"`
}

type planTargetsJSON struct {
	Targets []struct {
		ID     string `json:"id"`
		TextVI string `json:"text_vi"`
		TextEN string `json:"text_en"`
		Target *struct {
			Kind       string   `json:"kind"`
			Value      *float64 `json:"value"`
			ValueUpper float64  `json:"value_upper"`
			Unit       string   `json:"unit"`
		} `json:"target"`
		Horizon   string `json:"horizon"`
		Frequency string `json:"frequency"`
	} `json:"targets"`
}

var (
	unitCodeRE = regexp.MustCompile(`^[0-9]{5}$`)
	slugRE     = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)
	taskIDRE   = regexp.MustCompile(`^([IVX]+)\.[1-9][0-9]*$`)
	targetIDRE = regexp.MustCompile(`^T[1-9][0-9]*$`)
)

// Known values of the enumerations the program acts on.
var (
	unitPrefix  = map[string]string{app.UnitXa: "Xã", app.UnitPhuong: "Phường"}
	mergeTypes  = []string{"full", "partial"}
	periodKinds = []string{"range", "year", "ongoing"}
	targetKinds = []string{"share", "annual_min_count", "min_count"}
)

// Bounds of plausible values.
const (
	minPlanYear  = 2000
	maxPlanYear  = 2100
	maxShareGoal = 100 // percent
)

// problems collects every fault found, so one run reports them all.
type problems []error

func (p *problems) add(file, item, format string, args ...any) {
	*p = append(*p, fmt.Errorf("seeds: %s: %s: %s", file, item, fmt.Sprintf(format, args...)))
}

func (p problems) err() error { return errors.Join(p...) }

// itemName names the i-th element of list for error messages, with its key
// when it has one: `units[3] "28261"`.
func itemName(list string, i int, key string) string {
	if key == "" {
		return fmt.Sprintf("%s[%d]", list, i)
	}
	return fmt.Sprintf("%s[%d] %q", list, i, key)
}

// parse reads the five seed files from the root of fsys, normalises their
// text to NFC and checks them.
func parse(fsys fs.FS) (*app.RefData, error) {
	var (
		communes communesJSON
		agencies agenciesJSON
		cats     categoriesJSON
		tasks    planTasksJSON
		targets  planTargetsJSON
		holidays holidaysJSON
		sla      slaRulesJSON
	)
	var p problems
	for _, f := range []struct {
		name string
		v    any
	}{
		{communesFile, &communes},
		{agenciesFile, &agencies},
		{categoriesFile, &cats},
		{planTasksFile, &tasks},
		{planTargetsFile, &targets},
		{holidaysFile, &holidays},
		{slaRulesFile, &sla},
	} {
		if err := readJSON(fsys, f.name, f.v); err != nil {
			p = append(p, err)
		}
	}
	if len(p) > 0 {
		return nil, p.err()
	}

	rd := &app.RefData{}
	rd.Units = parseUnits(&communes, &p)
	rd.Agencies = parseAgencies(&agencies, &p)
	rd.Sectors = parseSectors(cats.Sectors, &p)
	rd.IssueTypes = parseIssueTypes(cats.IssueTypes, &p)
	rd.Tasks = parseTasks(&tasks, rd.Agencies, &p)
	rd.Targets = parseTargets(&targets, &p)
	rd.Holidays = parseHolidays(&holidays, &p)
	rd.SlaRules = parseSlaRules(&sla, &p)
	if len(p) == 0 { // else the faults above would echo here
		checkAgencyRoles(&agencies, rd.Tasks, &p)
	}
	if len(p) > 0 {
		return nil, p.err()
	}
	return rd, nil
}

func readJSON(fsys fs.FS, name string, v any) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("seeds: %s: %w", name, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("seeds: %s: %w", name, err)
	}
	return nil
}

// nfcAll returns a copy of ss with every element in NFC.
func nfcAll(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = app.NFC(s)
	}
	return out
}

// required reports each named field of item that is empty.
func required(p *problems, file, item string, fields ...string) {
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i+1] == "" {
			p.add(file, item, "%s is empty", fields[i])
		}
	}
}

func parseUnits(c *communesJSON, p *problems) []app.AdminUnit {
	const file = communesFile
	if len(c.Units) == 0 {
		p.add(file, "units", "no units")
		return nil
	}
	units := make([]app.AdminUnit, 0, len(c.Units))
	codes := map[string]string{} // code → item name
	names := map[string]string{}
	count := map[string]int{}
	for i, raw := range c.Units {
		u := app.AdminUnit{
			Code:      app.NFC(raw.Code),
			Name:      app.NFC(raw.Name),
			ShortName: app.NFC(raw.ShortName),
			Type:      app.NFC(raw.Type),
		}
		item := itemName("units", i, u.Code)
		required(p, file, item, "code", u.Code, "name", u.Name, "short_name", u.ShortName, "type", u.Type)
		if u.Code != "" && !unitCodeRE.MatchString(u.Code) {
			p.add(file, item, "code %q is not exactly 5 digits", u.Code)
		}
		if prev, ok := codes[u.Code]; ok && u.Code != "" {
			p.add(file, item, "duplicate code %q (also %s)", u.Code, prev)
		}
		codes[u.Code] = item
		if prev, ok := names[u.Name]; ok && u.Name != "" {
			p.add(file, item, "duplicate name %q (also %s)", u.Name, prev)
		}
		names[u.Name] = item
		if prefix, ok := unitPrefix[u.Type]; !ok {
			if u.Type != "" {
				p.add(file, item, "type %q is not %q or %q", u.Type, app.UnitXa, app.UnitPhuong)
			}
		} else if u.Name != "" && u.ShortName != "" && u.Name != prefix+" "+u.ShortName {
			p.add(file, item, "name %q is not %q + short_name %q", u.Name, prefix, u.ShortName)
		}
		count[u.Type]++
		for j, f := range raw.FormedFrom {
			fu := app.FormerUnit{
				OldCode:   app.NFC(f.OldCode),
				OldName:   app.NFC(f.OldName),
				MergeType: app.NFC(f.MergeType),
			}
			fitem := fmt.Sprintf("%s formed_from_derived[%d]", item, j)
			required(p, file, fitem, "old_code", fu.OldCode, "old_name", fu.OldName, "merge_type", fu.MergeType)
			if fu.OldCode != "" && !unitCodeRE.MatchString(fu.OldCode) {
				p.add(file, fitem, "old_code %q is not exactly 5 digits", fu.OldCode)
			}
			if fu.MergeType != "" && !slices.Contains(mergeTypes, fu.MergeType) {
				p.add(file, fitem, "merge_type %q is not one of %s", fu.MergeType, strings.Join(mergeTypes, ", "))
			}
			u.FormedFrom = append(u.FormedFrom, fu)
		}
		units = append(units, u)
	}
	if n := c.Counts; n != nil {
		if n.Total != len(units) || n.Xa != count[app.UnitXa] || n.Phuong != count[app.UnitPhuong] {
			p.add(file, "counts", "declares %d units (%d xa, %d phuong) but units has %d (%d xa, %d phuong)",
				n.Total, n.Xa, n.Phuong, len(units), count[app.UnitXa], count[app.UnitPhuong])
		}
	}
	return units
}

func parseAgencies(a *agenciesJSON, p *problems) []app.Agency {
	const file = agenciesFile
	if len(a.Agencies) == 0 {
		p.add(file, "agencies", "no agencies")
		return nil
	}
	out := make([]app.Agency, 0, len(a.Agencies))
	ids := map[string]string{}
	for i, raw := range a.Agencies {
		ag := app.Agency{
			ID:      app.NFC(raw.ID),
			NameVI:  app.NFC(raw.NameVI),
			NameEN:  app.NFC(raw.NameEN),
			Kind:    app.NFC(raw.Kind),
			Level:   app.NFC(raw.Level),
			Aliases: nfcAll(raw.Aliases),
		}
		item := itemName("agencies", i, ag.ID)
		required(p, file, item, "id", ag.ID, "name_vi", ag.NameVI, "name_en", ag.NameEN, "kind", ag.Kind, "level", ag.Level)
		if ag.ID != "" && !slugRE.MatchString(ag.ID) {
			p.add(file, item, "id %q is not lower_snake_case", ag.ID)
		}
		if prev, ok := ids[ag.ID]; ok && ag.ID != "" {
			p.add(file, item, "duplicate id %q (also %s)", ag.ID, prev)
		}
		ids[ag.ID] = item
		for j, s := range ag.Aliases {
			if s == "" {
				p.add(file, item, "aliases[%d] is empty", j)
			}
		}
		out = append(out, ag)
	}
	return out
}

// parseCategories checks one list of categories.json; list is its JSON name.
func parseCategories(list string, raw []categoryJSON, p *problems) []categoryJSON {
	const file = categoriesFile
	if len(raw) == 0 {
		p.add(file, list, "no items")
		return nil
	}
	out := make([]categoryJSON, 0, len(raw))
	codes := map[string]string{}
	orders := map[int]string{}
	for i, r := range raw {
		c := categoryJSON{Code: app.NFC(r.Code), Order: r.Order, LabelVI: app.NFC(r.LabelVI), LabelEN: app.NFC(r.LabelEN)}
		item := itemName(list, i, c.Code)
		required(p, file, item, "code", c.Code, "label_vi", c.LabelVI, "label_en", c.LabelEN)
		if c.Code != "" && !slugRE.MatchString(c.Code) {
			p.add(file, item, "code %q is not lower_snake_case", c.Code)
		}
		if prev, ok := codes[c.Code]; ok && c.Code != "" {
			p.add(file, item, "duplicate code %q (also %s)", c.Code, prev)
		}
		codes[c.Code] = item
		if c.Order <= 0 {
			p.add(file, item, "order %d is not positive", c.Order)
		} else if prev, ok := orders[c.Order]; ok {
			p.add(file, item, "duplicate order %d (also %s)", c.Order, prev)
		}
		orders[c.Order] = item
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b categoryJSON) int { return a.Order - b.Order })
	return out
}

func parseSectors(raw []categoryJSON, p *problems) []app.Sector {
	cs := parseCategories("sectors", raw, p)
	out := make([]app.Sector, len(cs))
	for i, c := range cs {
		out[i] = app.Sector{Code: c.Code, VI: c.LabelVI, EN: c.LabelEN, Order: c.Order}
	}
	return out
}

func parseIssueTypes(raw []categoryJSON, p *problems) []app.IssueType {
	cs := parseCategories("issue_types", raw, p)
	out := make([]app.IssueType, len(cs))
	for i, c := range cs {
		out[i] = app.IssueType{Code: c.Code, VI: c.LabelVI, EN: c.LabelEN, Order: c.Order}
	}
	return out
}

func parseTasks(t *planTasksJSON, agencies []app.Agency, p *problems) []app.PlanTask {
	const file = planTasksFile
	if len(t.Tasks) == 0 {
		p.add(file, "tasks", "no tasks")
		return nil
	}
	sections := map[string]bool{}
	for i, s := range t.Sections {
		r := app.NFC(s.Roman)
		if r == "" {
			p.add(file, itemName("sections", i, ""), "roman is empty")
		}
		sections[r] = true
	}
	known := map[string]bool{}
	for _, a := range agencies {
		known[a.ID] = true
	}
	out := make([]app.PlanTask, 0, len(t.Tasks))
	ids := map[string]string{}
	for i, raw := range t.Tasks {
		task := app.PlanTask{
			ID:         app.NFC(raw.ID),
			Section:    app.NFC(raw.Section),
			TextVI:     app.NFC(raw.TaskVI),
			LeadIDs:    nfcAll(raw.LeadIDs),
			PartnerIDs: nfcAll(raw.PartnerIDs),
			Outputs:    nfcAll(raw.Outputs),
		}
		item := itemName("tasks", i, task.ID)
		required(p, file, item, "id", task.ID, "section", task.Section, "task_vi", task.TextVI)
		if task.ID != "" {
			if m := taskIDRE.FindStringSubmatch(task.ID); m == nil {
				p.add(file, item, "id %q is not of the form IV.8", task.ID)
			} else if task.Section != "" && m[1] != task.Section {
				p.add(file, item, "id %q is not in section %q", task.ID, task.Section)
			}
		}
		if prev, ok := ids[task.ID]; ok && task.ID != "" {
			p.add(file, item, "duplicate id %q (also %s)", task.ID, prev)
		}
		ids[task.ID] = item
		if task.Section != "" && len(t.Sections) > 0 && !sections[task.Section] {
			p.add(file, item, "section %q is not in sections", task.Section)
		}
		if len(task.LeadIDs) == 0 {
			p.add(file, item, "lead_ids is empty")
		}
		for _, l := range []struct {
			name string
			ids  []string
		}{{"lead_ids", task.LeadIDs}, {"partner_ids", task.PartnerIDs}} {
			seen := map[string]bool{}
			for _, id := range l.ids {
				switch {
				case !known[id]:
					p.add(file, item, "%s: agency %q is not in %s", l.name, id, agenciesFile)
				case seen[id]:
					p.add(file, item, "%s: agency %q listed twice", l.name, id)
				}
				seen[id] = true
			}
		}
		if len(task.Outputs) == 0 {
			p.add(file, item, "outputs is empty")
		}
		for j, o := range task.Outputs {
			if o == "" {
				p.add(file, item, "outputs[%d] is empty", j)
			}
		}
		task.StartYear, task.EndYear = parsePeriod(raw.Period, item, p)
		out = append(out, task)
	}
	if e := t.Extraction; e != nil && e.TaskCount != 0 && e.TaskCount != len(out) {
		p.add(file, "extraction", "task_count is %d but tasks has %d", e.TaskCount, len(out))
	}
	return out
}

// parsePeriod returns the years of a task period. Kinds: "range" (start to
// end), "ongoing" (thường xuyên: the years it runs through), "year" (one
// year, given as year or as equal start and end).
func parsePeriod(per *periodJSON, item string, p *problems) (start, end int) {
	const file = planTasksFile
	if per == nil {
		p.add(file, item, "period is missing")
		return 0, 0
	}
	kind := app.NFC(per.Kind)
	if kind == "year" && per.Year != nil {
		if per.StartYear == nil {
			per.StartYear = per.Year
		}
		if per.EndYear == nil {
			per.EndYear = per.Year
		}
	}
	switch {
	case kind == "":
		p.add(file, item, "period.kind is empty")
		return 0, 0
	case !slices.Contains(periodKinds, kind):
		p.add(file, item, "period.kind %q is not one of %s", kind, strings.Join(periodKinds, ", "))
		return 0, 0
	case per.StartYear == nil || per.EndYear == nil:
		p.add(file, item, "period (kind %q) needs start_year and end_year", kind)
		return 0, 0
	}
	start, end = *per.StartYear, *per.EndYear
	switch {
	case start < minPlanYear || end > maxPlanYear:
		p.add(file, item, "period %d-%d is out of range", start, end)
	case start > end:
		p.add(file, item, "period start_year %d is after end_year %d", start, end)
	case kind == "year" && start != end:
		p.add(file, item, "period of kind \"year\" spans %d-%d", start, end)
	case per.Year != nil && *per.Year != start:
		p.add(file, item, "period year %d differs from start_year %d", *per.Year, start)
	}
	return start, end
}

func parseTargets(t *planTargetsJSON, p *problems) []app.Target {
	const file = planTargetsFile
	if len(t.Targets) == 0 {
		p.add(file, "targets", "no targets")
		return nil
	}
	out := make([]app.Target, 0, len(t.Targets))
	ids := map[string]string{}
	for i, raw := range t.Targets {
		tg := app.Target{
			ID:        app.NFC(raw.ID),
			TextVI:    app.NFC(raw.TextVI),
			TextEN:    app.NFC(raw.TextEN),
			Horizon:   app.NFC(raw.Horizon),
			Frequency: app.NFC(raw.Frequency),
		}
		item := itemName("targets", i, tg.ID)
		required(p, file, item, "id", tg.ID, "text_vi", tg.TextVI, "text_en", tg.TextEN,
			"horizon", tg.Horizon, "frequency", tg.Frequency)
		if tg.ID != "" && !targetIDRE.MatchString(tg.ID) {
			p.add(file, item, "id %q is not of the form T1", tg.ID)
		}
		if prev, ok := ids[tg.ID]; ok && tg.ID != "" {
			p.add(file, item, "duplicate id %q (also %s)", tg.ID, prev)
		}
		ids[tg.ID] = item
		if raw.Target == nil {
			p.add(file, item, "target is missing")
			out = append(out, tg)
			continue
		}
		tg.Kind = app.NFC(raw.Target.Kind)
		tg.Unit = app.NFC(raw.Target.Unit)
		tg.ValueUpper = raw.Target.ValueUpper
		required(p, file, item, "target.kind", tg.Kind, "target.unit", tg.Unit)
		if tg.Kind != "" && !slices.Contains(targetKinds, tg.Kind) {
			p.add(file, item, "target.kind %q is not one of %s", tg.Kind, strings.Join(targetKinds, ", "))
		}
		if raw.Target.Value == nil {
			p.add(file, item, "target.value is missing")
		} else {
			tg.Value = *raw.Target.Value
			switch {
			case tg.Value <= 0:
				p.add(file, item, "target.value %g is not positive", tg.Value)
			case tg.Kind == "share" && tg.Value > maxShareGoal:
				p.add(file, item, "target.value %g is over 100%%", tg.Value)
			case tg.ValueUpper != 0 && tg.ValueUpper < tg.Value:
				p.add(file, item, "target.value_upper %g is below value %g", tg.ValueUpper, tg.Value)
			}
		}
		out = append(out, tg)
	}
	return out
}

// checkAgencyRoles checks that the lead_of and partner_in lists of
// agencies.json, which are derived from the task table, agree with
// plan_tasks.json.
func checkAgencyRoles(a *agenciesJSON, tasks []app.PlanTask, p *problems) {
	const file = agenciesFile
	lead := map[string][]string{} // agency id → task ids
	partner := map[string][]string{}
	for _, t := range tasks {
		for _, id := range t.LeadIDs {
			lead[id] = append(lead[id], t.ID)
		}
		for _, id := range t.PartnerIDs {
			partner[id] = append(partner[id], t.ID)
		}
	}
	for i, raw := range a.Agencies {
		id := app.NFC(raw.ID)
		item := itemName("agencies", i, id)
		for _, l := range []struct {
			name      string
			got, want []string
		}{{"lead_of", nfcAll(raw.LeadOf), lead[id]}, {"partner_in", nfcAll(raw.PartnerIn), partner[id]}} {
			got, want := slices.Sorted(slices.Values(l.got)), slices.Sorted(slices.Values(l.want))
			if !slices.Equal(got, want) {
				p.add(file, item, "%s %v does not match %s, which gives %v", l.name, got, planTasksFile, want)
			}
		}
	}
}

// holidaysJSON is holidays.json: the days off (beyond weekends) and make-up
// working days for working-day deadlines.
type holidaysJSON struct {
	Years []int `json:"years"`
	Days  []struct {
		Date   string `json:"date"`
		Name   string `json:"name"`
		Kind   string `json:"kind"`
		Status string `json:"status"`
		// Basis cites the article of Bộ luật Lao động 2019 and, for an
		// official day, the number and date of the announcement.
		Basis string `json:"basis"`
	} `json:"days"`
}

// statutoryDaysOff is the number of public holidays a year under Bộ luật
// Lao động 2019, Điều 112 (1 + 5 + 1 + 1 + 2 + 1).
const statutoryDaysOff = 11

func parseHolidays(h *holidaysJSON, p *problems) []app.Holiday {
	out := make([]app.Holiday, 0, len(h.Days))
	seen := map[string]bool{}
	perYear := map[int]int{}
	for i, d := range h.Days {
		item := itemName("days", i, d.Date)
		t, err := time.Parse("2006-01-02", d.Date)
		if err != nil {
			p.add(holidaysFile, item, "date %q is not YYYY-MM-DD", d.Date)
			continue
		}
		if seen[d.Date] {
			p.add(holidaysFile, item, "date %s appears twice", d.Date)
		}
		seen[d.Date] = true
		if d.Kind != app.DayHoliday && d.Kind != app.DayMakeUpWorkday {
			p.add(holidaysFile, item, "kind %q is not %s or %s", d.Kind, app.DayHoliday, app.DayMakeUpWorkday)
		}
		if d.Status != "derived" && d.Status != "official" {
			p.add(holidaysFile, item, "status %q is not derived or official", d.Status)
		}
		required(p, holidaysFile, item, "name", d.Name)
		if strings.TrimSpace(d.Basis) == "" {
			p.add(holidaysFile, item, "no basis: cite the article (and, if official, the announcement)")
		}
		if d.Kind == app.DayHoliday {
			perYear[t.Year()]++
		}
		out = append(out, app.Holiday{Date: d.Date, Name: app.NFC(d.Name), Kind: d.Kind, Status: d.Status})
	}
	for _, y := range h.Years {
		if perYear[y] < statutoryDaysOff {
			p.add(holidaysFile, fmt.Sprint("year ", y), "%d days off, fewer than the %d of Điều 112", perYear[y], statutoryDaysOff)
		}
	}
	if _, err := app.NewCalendar(out); err != nil {
		p.add(holidaysFile, "days", "%v", err)
	}
	return out
}

// slaRulesJSON is sla_rules.json: the time limits of case handling.
type slaRulesJSON struct {
	// VulnerableFactor shortens every limit for a vulnerable consumer
	// (Điều 8 khoản 2 điểm đ); 0 or 1 means no shortening.
	VulnerableFactor float64 `json:"vulnerable_factor"`
	VulnerableBasis  string  `json:"vulnerable_basis"`
	Rules            []struct {
		Code        string   `json:"code"`
		LabelVI     string   `json:"label_vi"`
		LabelEN     string   `json:"label_en"`
		Basis       string   `json:"basis"`
		WorkingDays int      `json:"working_days"`
		Start       string   `json:"start"`
		Stop        []string `json:"stop"`
		Kinds       []string `json:"kinds"`
		Binds       string   `json:"binds"`
	} `json:"rules"`
}

func parseSlaRules(s *slaRulesJSON, p *problems) []app.SlaRule {
	out := make([]app.SlaRule, 0, len(s.Rules))
	seen := map[string]bool{}
	factor := s.VulnerableFactor
	if factor < 0 || factor > 1 {
		p.add(slaRulesFile, "vulnerable_factor", "%v is not between 0 and 1", factor)
	}
	if factor <= 0 || factor > 1 {
		factor = 1
	}
	for i, r := range s.Rules {
		item := itemName("rules", i, r.Code)
		required(p, slaRulesFile, item, r.Code, r.LabelVI, r.LabelEN, r.Basis)
		if seen[r.Code] {
			p.add(slaRulesFile, item, "duplicate code")
		}
		seen[r.Code] = true
		if r.WorkingDays <= 0 || r.WorkingDays > 90 {
			p.add(slaRulesFile, item, "working_days %d is not 1–90", r.WorkingDays)
		}
		if !app.CaseEvents.Has(r.Start) {
			p.add(slaRulesFile, item, "start %q is not a case event", r.Start)
		}
		if len(r.Stop) == 0 {
			p.add(slaRulesFile, item, "no stop event")
		}
		for _, e := range r.Stop {
			if !app.CaseEvents.Has(e) {
				p.add(slaRulesFile, item, "stop %q is not a case event", e)
			}
		}
		for _, k := range r.Kinds {
			if !app.CaseKinds.Has(k) {
				p.add(slaRulesFile, item, "kind %q is not a case kind", k)
			}
		}
		if !app.SlaBinds.Has(r.Binds) {
			p.add(slaRulesFile, item, "binds %q is not a known party (SlaBinds)", r.Binds)
		}
		rule := app.SlaRule{Code: r.Code, VI: app.NFC(r.LabelVI), EN: app.NFC(r.LabelEN),
			Basis: app.NFC(r.Basis), WorkingDays: r.WorkingDays, Start: r.Start, Stop: r.Stop, Kinds: r.Kinds,
			Binds: r.Binds}
		if rule.Own() { // the shortening is the commune's own policy, for its own clocks
			rule.PriorityDays = int(math.Ceil(float64(r.WorkingDays) * factor))
		}
		out = append(out, rule)
	}
	return out
}
