package xlsx

import (
	"fmt"
	"sort"
	"strings"

	"bvntd/app"
)

// The written part of the annual report (app.ReportNarrative): after the
// figures and the targets, III. typical cases (task IV.2, masked: the case
// number, kind, sector and outcome; no name, no phone, no summary), IV.
// difficulties and obstacles, V. proposals, VI. next year's direction
// (Kế hoạch 395 Mục V asks units to report "khó khăn, vướng mắc" and to
// propose adjustments). A commune's report prints its own; the province's
// prints each commune's under its name. What no commune wrote says so: a
// blank in a report that is signed reads as "nothing to report".

// narratives returns the narratives of the report's year, by commune name
// (found once: Biểu 5 asks for every task row).
func (a *annual) narratives() []app.ReportNarrative {
	if a.read {
		return a.narrs
	}
	for _, n := range a.d.Narratives {
		if n.Year == a.year && !n.Voided {
			a.narrs = append(a.narrs, n)
		}
	}
	sort.Slice(a.narrs, func(i, j int) bool { return a.unitName(a.narrs[i].UnitCode) < a.unitName(a.narrs[j].UnitCode) })
	a.read = true
	return a.narrs
}

func (a *annual) unitName(code string) string {
	if u, ok := a.refs.Unit(code); ok {
		return u.Name
	}
	return code
}

// narrativeSections writes sections III–VI.
func (a *annual) narrativeSections(s *sheetWriter) {
	all := len(s.widths)
	ns := a.narratives()
	byUnit := len(ns) > 1 || a.opt.Province
	head := func(title string) {
		s.block(flow, rowSpec{cells: []cell{txt(all, title, cellStyle{bold: true})}, minH: 20, keepNext: true})
	}
	para := func(text string, style cellStyle) {
		for _, p := range paragraphs(text) {
			s.put(txt(all, p, style))
		}
	}
	none := cellStyle{italic: true, indent: 1}
	section := func(title string, text func(n *app.ReportNarrative) string) {
		head(title)
		wrote := false
		for i := range ns {
			t := strings.TrimSpace(text(&ns[i]))
			if t == "" {
				continue
			}
			if byUnit {
				s.put(txt(all, a.unitName(ns[i].UnitCode)+":", cellStyle{bold: true, italic: true, indent: 1}))
			}
			para(t, cellStyle{indent: 1})
			wrote = true
		}
		if !wrote {
			s.put(txt(all, "(Đơn vị chưa ghi nội dung này trong ứng dụng.)", none))
		}
		s.space(8)
	}

	head("III. VỤ VIỆC ĐIỂN HÌNH (nhiệm vụ IV.2; đã che thông tin cá nhân)")
	cases := map[string]*app.CaseFacts{}
	facts := app.FactsOf(a.d)
	for i := range facts {
		cases[facts[i].ID] = &facts[i]
	}
	wrote := false
	for _, n := range ns {
		for _, id := range n.TypicalCases {
			c, ok := cases[id]
			if !ok {
				continue
			}
			line := fmt.Sprintf("- %s (%s): %s; lĩnh vực %s; %s", c.Number, a.unitName(c.UnitCode),
				app.CaseKinds.Label(c.Kind), a.refs.SectorLabel(c.Sector), app.CaseStatuses.Label(c.Status))
			if c.Outcome != "" { // app.OutcomeOf
				line += "; kết quả: " + app.Outcomes.Label(c.Outcome)
				if c.Amount > 0 {
					line += ", người tiêu dùng được nhận lại " + vnd(c.Amount)
				}
			}
			s.put(txt(all, line+".", cellStyle{indent: 1}))
			wrote = true
		}
	}
	if !wrote {
		s.put(txt(all, "(Đơn vị chưa chọn vụ việc điển hình trong ứng dụng.)", none))
	}
	s.space(8)
	section("IV. KHÓ KHĂN, VƯỚNG MẮC", func(n *app.ReportNarrative) string { return n.Difficulties })
	section("V. KIẾN NGHỊ, ĐỀ XUẤT", func(n *app.ReportNarrative) string { return n.Proposals })
	section(fmt.Sprintf("VI. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM %d", a.year+1), func(n *app.ReportNarrative) string { return n.NextYear })
}

// taskLine returns the status label and result the communes wrote for a
// plan task: a commune's own, or on the province's report each commune's
// under its name.
func (a *annual) taskLine(id string) (status, result string) {
	var statuses, results []string
	ns := a.narratives()
	for _, n := range ns {
		t, ok := n.Task(id)
		if !ok {
			continue
		}
		label := app.TaskStatuses.Label(t.Status)
		if t.Status == "" {
			label = ""
		}
		if len(ns) > 1 || a.opt.Province {
			if label != "" {
				label = a.unitName(n.UnitCode) + ": " + label
			}
			if t.Result != "" {
				results = append(results, a.unitName(n.UnitCode)+": "+t.Result)
			}
		} else if t.Result != "" {
			results = append(results, t.Result)
		}
		if label != "" {
			statuses = append(statuses, label)
		}
	}
	return strings.Join(statuses, "; "), strings.Join(results, "\n")
}

// paragraphs splits a text into its paragraphs, each short enough for one
// row (Excel's rows stop at 409 points).
func paragraphs(text string) []string {
	const most = 1200 // characters: about 14 lines of the report's width
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		p = strings.TrimSpace(p)
		for len([]rune(p)) > most {
			r := []rune(p)
			cut := most
			if i := strings.LastIndex(string(r[:most]), ". "); i > 0 {
				cut = len([]rune(string(r[:most])[:i+1]))
			}
			out = append(out, strings.TrimSpace(string(r[:cut])))
			p = strings.TrimSpace(string(r[cut:]))
		}
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}
