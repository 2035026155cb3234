package xlsx

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
)

// Sheets of the training summaries.
const (
	TrainingSummarySheet  = "Tong hop tap huan"
	TrainingCommunesSheet = "Tap huan theo xa phuong"
	TrainingSessionsSheet = "Cac lop tap huan"
)

// trainingTitle is the title of the training summaries.
const trainingTitle = "TỔNG HỢP KẾT QUẢ TẬP HUẤN, PHỔ BIẾN PHÁP LUẬT VỀ BẢO VỆ QUYỀN LỢI NGƯỜI TIÊU DÙNG"

// trainingNote explains what the summaries count.
const trainingNote = "Ghi chú: chỉ tính các lớp tập huấn, hội nghị đã tổ chức (không tính lớp còn ở trạng thái kế hoạch, " +
	"lớp đã hủy) có ngày bắt đầu trong kỳ; lượt người là số lượt có mặt theo danh sách điểm danh; " +
	"số người tham dự tính mỗi người một lần."

// The columns of the participant groups: the plan's three groups
// (app.ParticipantGroups), and people missing from the register, shown
// only when there are any.
const (
	groupUnknown = 3
	groupCount   = 4
)

var groupTitles = [groupCount]string{"Cán bộ", "Người dân", "Doanh nghiệp", "Chưa xác định đối tượng"}

func groupIndex(p *app.Participant) int {
	if p == nil {
		return groupUnknown
	}
	switch app.GroupOf(p.Type) {
	case "can_bo":
		return 0
	case "doanh_nghiep":
		return 2
	}
	return 1
}

// trainingCounts are the figures of training sessions over a period,
// counted as app.ComputeKPIs counts them (TrainingKPIs): sessions held
// (not voided, not still planned, starting in the period) and the
// attendance rows marked present there whose participant is not voided.
type trainingCounts struct {
	held []*app.TrainingSession // by start day, then title
	// bySession are the person-times of each held session by group.
	bySession map[string]*[groupCount]int
	// present are the person-times: session, participant, group.
	present []trainingPresence
	unknown bool // someone present is missing from the register
}

type trainingPresence struct {
	session, participant string
	group                int
}

func countTraining(sessions []app.TrainingSession, attendance []app.Attendance, participants []app.Participant, p app.KPIPeriod) *trainingCounts {
	c := &trainingCounts{bySession: map[string]*[groupCount]int{}}
	people := map[string]*app.Participant{}
	voided := map[string]bool{}
	for i := range participants {
		x := &participants[i]
		if x.Voided {
			voided[x.ID] = true
		} else {
			people[x.ID] = x
		}
	}
	for i := range sessions {
		s := &sessions[i]
		if s.Voided || s.Status == "ke_hoach" || !p.ContainsDay(s.StartDate) {
			continue
		}
		if _, dup := c.bySession[s.ID]; dup {
			continue
		}
		c.held = append(c.held, s)
		c.bySession[s.ID] = &[groupCount]int{}
	}
	coll := app.NewCollator()
	sort.SliceStable(c.held, func(i, j int) bool {
		a, b := c.held[i], c.held[j]
		if a.StartDate != b.StartDate {
			return a.StartDate < b.StartDate
		}
		return coll.CompareString(a.Title, b.Title) < 0
	})
	for _, a := range attendance {
		g, held := c.bySession[a.SessionID]
		if a.Voided || a.Status != "co_mat" || voided[a.ParticipantID] || !held {
			continue
		}
		gi := groupIndex(people[a.ParticipantID])
		g[gi]++
		c.present = append(c.present, trainingPresence{a.SessionID, a.ParticipantID, gi})
		if gi == groupUnknown {
			c.unknown = true
		}
	}
	return c
}

// distinct counts the people present at least once, by group, among the
// presences that keep returns true for.
func (c *trainingCounts) distinct(keep func(trainingPresence) bool) (by [groupCount]int, total int) {
	seen := map[string]bool{}
	for _, x := range c.present {
		if seen[x.participant] || keep != nil && !keep(x) {
			continue
		}
		seen[x.participant] = true
		by[x.group]++
		total++
	}
	return by, total
}

// groups returns the group columns shown: the three groups, and the
// unknown one when someone is in it.
func (c *trainingCounts) groups() []int {
	if c.unknown {
		return []int{0, 1, 2, groupUnknown}
	}
	return []int{0, 1, 2}
}

// WriteTrainingSummary writes the training summary of one commune (or of
// the sessions given) over period p to w: one row per session held, with
// its title, start and end dates (date cells, dd/mm/yyyy), venue, format
// and the person-times (lượt người có mặt) by participant group (cán bộ,
// người dân, doanh nghiệp; app.GroupOf), then a totals row and a row of
// distinct persons by group. People present but missing from the register
// get their own column. It counts what app.ComputeKPIs counts, so the
// totals equal the dashboard's training figures. unit names the commune in
// the header. It returns the number of sessions listed.
func WriteTrainingSummary(w io.Writer, sessions []app.TrainingSession, attendance []app.Attendance, participants []app.Participant, p app.KPIPeriod, unit string) (int, error) {
	c := countTraining(sessions, attendance, participants, p)
	b := newAttBook()
	defer b.f.Close()
	if err := b.f.SetSheetName("Sheet1", TrainingSummarySheet); err != nil {
		return 0, err
	}
	b.sessionTable(TrainingSummarySheet, c, p, strings.TrimSpace(unit), nil)
	if b.err != nil {
		return 0, b.err
	}
	if _, err := b.f.WriteTo(w); err != nil {
		return 0, err
	}
	return len(c.held), nil
}

// WriteProvinceTrainingSummary writes the province's training summary over
// period p to w: sheet "Tap huan theo xa phuong" has one row per commune
// of d.Units (names from refs) with its sessions held, person-times by
// group, total and distinct persons, then the province's totals (its
// distinct persons counted once across communes, so they may be fewer than
// the sum); sheet "Cac lop tap huan" lists every session held with its
// commune, as WriteTrainingSummary does. A session counts in the commune
// it belongs to. It returns the number of communes.
func WriteProvinceTrainingSummary(w io.Writer, d *app.KPIData, refs *app.RefData, p app.KPIPeriod) (int, error) {
	c := countTraining(d.Sessions, d.Attendance, d.Participants, p)
	b := newAttBook()
	defer b.f.Close()
	sh := TrainingCommunesSheet
	if err := b.f.SetSheetName("Sheet1", sh); err != nil {
		return 0, err
	}
	if _, err := b.f.NewSheet(TrainingSessionsSheet); err != nil {
		return 0, err
	}
	name := func(code string) string {
		if refs != nil {
			if u, ok := refs.Unit(code); ok {
				return u.Name
			}
		}
		return code
	}
	unitOf := map[string]string{}
	for _, s := range c.held {
		unitOf[s.ID] = s.UnitCode
	}
	units := append([]string(nil), d.Units...)
	known := map[string]bool{}
	for _, u := range units {
		known[u] = true
	}
	for _, s := range c.held { // a session of a commune not in the list still counts
		if !known[s.UnitCode] {
			known[s.UnitCode] = true
			units = append(units, s.UnitCode)
		}
	}

	groups := c.groups()
	cols := []trainingColumn{{"STT", 5}, {"Xã, phường", 26}, {"Số lớp đã tổ chức", 11}}
	for _, g := range groups {
		cols = append(cols, trainingColumn{groupTitles[g], 12})
	}
	cols = append(cols, trainingColumn{"Tổng số lượt người", 12}, trainingColumn{"Số người tham dự (mỗi người một lần)", 14})
	last := attCol(len(cols))
	for i, col := range cols {
		b.check(b.f.SetColWidth(sh, attCol(i+1), attCol(i+1), col.width))
	}
	row := b.summaryHead(sh, last, "Toàn tỉnh Đồng Tháp", p)

	// Two header rows: the group columns under "Số lượt người có mặt theo
	// đối tượng".
	h1, h2 := row+1, row+2
	hs := attStyle{bold: true, h: "center", v: "center", wrap: true, border: true}
	firstG, lastG := attCol(4), attCol(3+len(groups))
	for i, col := range cols {
		letter := attCol(i + 1)
		if i >= 3 && i < 3+len(groups) {
			b.cell(sh, letter, h2, col.title, hs)
			continue
		}
		b.check(b.f.MergeCell(sh, fmt.Sprintf("%s%d", letter, h1), fmt.Sprintf("%s%d", letter, h2)))
		b.cell(sh, letter, h1, col.title, hs)
		b.cell(sh, letter, h2, nil, hs)
	}
	b.mergeText(sh, firstG, lastG, h1, "Số lượt người có mặt theo đối tượng", hs)
	b.height(sh, h1, 2*lineHeight(attendanceSize))
	b.height(sh, h2, 2*lineHeight(attendanceSize))
	row = h2

	text := attStyle{v: "center", wrap: true, border: true}
	num := attStyle{h: "right", v: "center", border: true, numFmt: "#,##0"}
	center := attStyle{h: "center", v: "center", border: true}
	var total [groupCount]int
	sessionsTotal := 0
	for i, u := range units {
		row++
		var by [groupCount]int
		n := 0
		for _, s := range c.held {
			if s.UnitCode == u {
				n++
				for g, v := range c.bySession[s.ID] {
					by[g] += v
				}
			}
		}
		_, people := c.distinct(func(x trainingPresence) bool { return unitOf[x.session] == u })
		sum := 0
		b.cell(sh, "A", row, i+1, center)
		b.cell(sh, "B", row, name(u), text)
		b.cell(sh, "C", row, n, num)
		for j, g := range groups {
			b.cell(sh, attCol(4+j), row, by[g], num)
			sum += by[g]
			total[g] += by[g]
		}
		b.cell(sh, attCol(4+len(groups)), row, sum, num)
		b.cell(sh, attCol(5+len(groups)), row, people, num)
		b.height(sh, row, summaryRowHeight)
		sessionsTotal += n
	}
	row++
	bnum, btext := num, text
	bnum.bold, btext.bold = true, true
	_, people := c.distinct(nil)
	b.cell(sh, "A", row, nil, btext)
	b.cell(sh, "B", row, "Toàn tỉnh", btext)
	b.cell(sh, "C", row, sessionsTotal, bnum)
	sum := 0
	for j, g := range groups {
		b.cell(sh, attCol(4+j), row, total[g], bnum)
		sum += total[g]
	}
	b.cell(sh, attCol(4+len(groups)), row, sum, bnum)
	b.cell(sh, attCol(5+len(groups)), row, people, bnum)
	b.height(sh, row, summaryRowHeight)
	row++
	b.height(sh, row, 6)
	row++
	b.mergeText(sh, "A", last, row, trainingNote+" Ở dòng Toàn tỉnh, một người dự lớp ở nhiều xã, phường chỉ tính một lần.",
		attStyle{italic: true, size: 10, h: "left", v: "top", wrap: true})
	b.height(sh, row, 3*lineHeight(10))
	row = b.signatures(sh, row, len(cols))
	b.check(b.f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: h2, TopLeftCell: fmt.Sprintf("A%d", h2+1), ActivePane: "bottomLeft"}))
	b.pageSetup(sh, "portrait", row, last, fmt.Sprintf("$%d:$%d", h1, h2), "Tổng hợp tập huấn theo xã, phường – "+p.Label)

	b.sessionTable(TrainingSessionsSheet, c, p, "Toàn tỉnh Đồng Tháp", name)
	if b.err != nil {
		return 0, b.err
	}
	if _, err := b.f.WriteTo(w); err != nil {
		return 0, err
	}
	return len(units), nil
}

// summaryRowHeight is the least height of a row of a summary, in points.
const summaryRowHeight = 18.0

// signatures writes, after row, the signature blocks of a report: the
// person who made it on the left, the head of the unit on the right, under
// a dotted place and date; it returns the last row written.
func (b *attBook) signatures(sh string, row, ncols int) int {
	mid := attCol(ncols / 2)
	right := attCol(ncols/2 + 1)
	last := attCol(ncols)
	row += 2
	b.mergeText(sh, right, last, row, "……………, "+longDate(time.Time{}), attStyle{italic: true, size: bodySize, h: "center", v: "center"})
	row++
	b.mergeText(sh, "A", mid, row, "NGƯỜI LẬP BIỂU", attStyle{bold: true, size: bodySize, h: "center", v: "center"})
	b.mergeText(sh, right, last, row, "THỦ TRƯỞNG ĐƠN VỊ", attStyle{bold: true, size: bodySize, h: "center", v: "center"})
	row++
	b.mergeText(sh, "A", mid, row, "(Ký, ghi rõ họ tên)", attStyle{italic: true, size: bodySize, h: "center", v: "center"})
	b.mergeText(sh, right, last, row, "(Ký, ghi rõ họ tên, đóng dấu)", attStyle{italic: true, size: bodySize, h: "center", v: "center"})
	for r := row - 2; r <= row; r++ {
		b.height(sh, r, lineHeight(bodySize))
	}
	row++
	b.height(sh, row, 60)
	return row
}

// trainingColumn is a column of a summary: its title and width.
type trainingColumn struct {
	title string
	width float64
}

// summaryHead writes the title, unit and period rows of a summary sheet
// and returns the last row written (with a gap under it).
func (b *attBook) summaryHead(sh, last, unit string, p app.KPIPeriod) int {
	b.mergeText(sh, "A", last, 1, trainingTitle, attStyle{bold: true, size: 13, h: "center", v: "center", wrap: true})
	b.height(sh, 1, 2*lineHeight(13))
	if unit == "" {
		unit = "……………"
	}
	b.mergeText(sh, "A", last, 2, "Đơn vị: "+unit, attStyle{bold: true, size: bodySize, h: "center", v: "center"})
	b.height(sh, 2, lineHeight(bodySize))
	b.mergeText(sh, "A", last, 3, "Kỳ báo cáo: "+p.Label, attStyle{italic: true, size: bodySize, h: "center", v: "center"})
	b.height(sh, 3, lineHeight(bodySize))
	b.height(sh, 4, 8)
	return 4
}

// sessionTable writes the sessions of c on sheet sh: one row per session
// held with its dates as date cells and its person-times by group, a
// totals row and a distinct-persons row. With unitName, a column names
// each session's commune.
func (b *attBook) sessionTable(sh string, c *trainingCounts, p app.KPIPeriod, unit string, unitName func(string) string) {
	cols := []trainingColumn{{"STT", 5}, {"Tên lớp tập huấn, hội nghị", 36}}
	if unitName != nil {
		cols = append(cols, trainingColumn{"Xã, phường", 18})
	}
	base := len(cols) // columns before the dates
	cols = append(cols, trainingColumn{"Từ ngày", 11.5}, trainingColumn{"Đến ngày", 11.5}, trainingColumn{"Địa điểm", 22}, trainingColumn{"Hình thức", 11})
	groups := c.groups()
	for _, g := range groups {
		cols = append(cols, trainingColumn{groupTitles[g], 11})
	}
	cols = append(cols, trainingColumn{"Tổng số lượt người", 11})
	last := attCol(len(cols))
	firstG := base + 5 // 1-based column of the first group
	for i, col := range cols {
		b.check(b.f.SetColWidth(sh, attCol(i+1), attCol(i+1), col.width))
	}
	row := b.summaryHead(sh, last, unit, p)

	h1, h2 := row+1, row+2
	hs := attStyle{bold: true, h: "center", v: "center", wrap: true, border: true}
	for i, col := range cols {
		letter := attCol(i + 1)
		if i+1 >= firstG && i+1 < firstG+len(groups) {
			b.cell(sh, letter, h2, col.title, hs)
			continue
		}
		b.check(b.f.MergeCell(sh, fmt.Sprintf("%s%d", letter, h1), fmt.Sprintf("%s%d", letter, h2)))
		b.cell(sh, letter, h1, col.title, hs)
		b.cell(sh, letter, h2, nil, hs)
	}
	b.mergeText(sh, attCol(firstG), attCol(firstG+len(groups)-1), h1, "Số lượt người có mặt theo đối tượng", hs)
	b.height(sh, h1, 2*lineHeight(attendanceSize))
	b.height(sh, h2, 2*lineHeight(attendanceSize))
	row = h2

	text := attStyle{v: "center", wrap: true, border: true}
	center := attStyle{h: "center", v: "center", wrap: true, border: true}
	date := attStyle{h: "center", v: "center", border: true, numFmt: "dd/mm/yyyy"}
	num := attStyle{h: "right", v: "center", border: true, numFmt: "#,##0"}
	var total [groupCount]int
	for i, s := range c.held {
		row++
		col := 0
		put := func(v any, st attStyle) {
			col++
			b.cell(sh, attCol(col), row, v, st)
		}
		put(i+1, center)
		put(s.Title, text)
		if unitName != nil {
			put(unitName(s.UnitCode), text)
		}
		put(attDate(s.StartDate), date)
		end := s.EndDate
		if end == "" {
			end = s.StartDate
		}
		put(attDate(end), date)
		put(s.Venue, text)
		put(label(app.TrainingFormats, s.Format), center)
		sum := 0
		for _, g := range groups {
			v := c.bySession[s.ID][g]
			put(v, num)
			sum += v
			total[g] += v
		}
		put(sum, num)
		h := summaryRowHeight
		for _, t := range []struct {
			s string
			w float64
		}{{s.Title, cols[1].width}, {s.Venue, cols[base+2].width}} {
			h = max(h, b.linesHeight(t.s, false, attendanceSize, t.w*7-1))
		}
		b.height(sh, row, h)
	}
	if len(c.held) == 0 {
		row++
		b.mergeText(sh, "A", last, row, "Không có lớp tập huấn, hội nghị nào được tổ chức trong kỳ.",
			attStyle{italic: true, h: "center", v: "center", border: true})
		b.height(sh, row, summaryRowHeight)
	}

	// Totals, then distinct persons, under the group columns.
	btext := attStyle{bold: true, v: "center", wrap: true, border: true}
	bnum := num
	bnum.bold = true
	totals := func(title string, by [groupCount]int) {
		row++
		b.mergeText(sh, "A", attCol(firstG-1), row, title, btext)
		sum := 0
		for j, g := range groups {
			b.cell(sh, attCol(firstG+j), row, by[g], bnum)
			sum += by[g]
		}
		b.cell(sh, attCol(firstG+len(groups)), row, sum, bnum)
		b.height(sh, row, summaryRowHeight)
	}
	totals(fmt.Sprintf("Tổng cộng: %d lớp, số lượt người có mặt", len(c.held)), total)
	byPerson, _ := c.distinct(nil)
	totals("Số người tham dự (mỗi người tính một lần)", byPerson)
	row++
	b.height(sh, row, 6)
	row++
	b.mergeText(sh, "A", last, row, trainingNote, attStyle{italic: true, size: 10, h: "left", v: "top", wrap: true})
	b.height(sh, row, 2*lineHeight(10))
	row = b.signatures(sh, row, len(cols))
	b.check(b.f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: h2, TopLeftCell: fmt.Sprintf("A%d", h2+1), ActivePane: "bottomLeft"}))
	b.pageSetup(sh, "landscape", row, last, fmt.Sprintf("$%d:$%d", h1, h2), "Tổng hợp tập huấn – "+p.Label)
}
