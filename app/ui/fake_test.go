package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// fakeCases is an in-memory CaseService that searches and validates like
// the real store: every query word must be the start of a word of the
// folded search text, or a word with a digit the start of a part of the
// case number.
type fakeCases struct {
	mu       sync.Mutex
	refs     app.Refs
	cases    []app.Case
	seq      int
	lists    []app.CaseQuery // every query received
	updates  int             // successful UpdateCase calls
	voids    []string        // "id: reason" of every successful VoidCase
	failNext error           // returned by the next Create/Update/Get/Void, then cleared
	events   []app.CaseEvent
	rules    []app.SlaRule
	cal      *app.Calendar
	now      func() time.Time // the test's clock: stamps and validation
	// officer is who the store records as the author of an edit (as
	// storage.DB.SetOfficer: the UI's officer).
	officer string
}

var _ CaseService = (*fakeCases)(nil)

func newFakeCases(refs app.Refs, now func() time.Time) *fakeCases {
	return &fakeCases{refs: refs, now: app.MustClock(now, "ui.fakeCases")}
}

func (f *fakeCases) takeFailure() error {
	err := f.failNext
	f.failNext = nil
	return err
}

func (f *fakeCases) ListCases(ctx context.Context, q app.CaseQuery) ([]app.Case, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists = append(f.lists, q)
	words := strings.Fields(app.Fold(q.Text))
	var out []app.Case
	for _, c := range f.cases {
		if c.Voided && !q.IncludeVoided {
			continue
		}
		if matchAll(words, strings.Fields(app.Fold(c.SearchText())), c.Number) {
			out = append(out, c)
		}
	}
	switch q.Sort {
	case app.SortName:
		coll := app.NewCollator()
		sort.SliceStable(out, func(i, j int) bool {
			return coll.CompareString(out[i].ConsumerName, out[j].ConsumerName) < 0
		})
	default:
		sort.SliceStable(out, func(i, j int) bool { return out[i].ReceivedAt.After(out[j].ReceivedAt) })
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

// matchAll reports whether every query word starts some word of the text
// or, for a word with a digit, a part of the case number (as the store's
// search does: app.NumberTerm, app.MatchesNumber).
func matchAll(query, text []string, number string) bool {
	for _, q := range query {
		found := app.NumberTerm(q) && app.MatchesNumber(number, q)
		for _, w := range text {
			if strings.HasPrefix(w, q) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (f *fakeCases) GetCase(ctx context.Context, id string) (app.Case, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.takeFailure(); err != nil {
		return app.Case{}, err
	}
	for _, c := range f.cases {
		if c.ID == id {
			return c, nil
		}
	}
	return app.Case{}, app.Errorf(app.ENOTFOUND, "Không tìm thấy vụ việc.")
}

func (f *fakeCases) CreateCase(ctx context.Context, c *app.Case) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.takeFailure(); err != nil {
		return err
	}
	now := f.now().UTC().Truncate(time.Second)
	n := *c
	if n.Status == "" {
		n.Status = app.StatusReceived
	}
	if n.UnitCode == "" {
		n.UnitCode = "28261"
	}
	n.Normalize()
	if err := n.Validate(f.refs, now); err != nil {
		return err
	}
	f.seq++
	n.ID = app.NewID()
	n.Number = app.FormatCaseNumber(n.UnitCode, n.ReceivedAt.In(ICT).Year(), "TEST", f.seq)
	n.CreatedAt, n.UpdatedAt = now, now
	f.cases = append(f.cases, n)
	*c = n
	return nil
}

func (f *fakeCases) Edit(ctx context.Context, entity, id string, base int64, changes map[string]json.RawMessage) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.takeFailure(); err != nil {
		return err
	}
	if entity != app.EntityCase {
		return app.Errorf(app.EINVALID, "fake: edits of %s are not faked", entity)
	}
	for k := range changes {
		switch k { // as storage.(*DB).Edit: the store keeps these
		case "id", "unit_code", "number", "created_at", "created_by", "updated_at", "updated_by":
			return app.Errorf(app.EINVALID, "Không sửa được trường %s: mã, xã và người ghi nhận của bản ghi không thay đổi được.", k)
		}
	}
	for i := range f.cases {
		if f.cases[i].ID == id {
			n := f.cases[i]
			if err := n.SetFields(changes); err != nil {
				return err
			}
			n.Normalize()
			now := f.now()
			if err := n.Validate(f.refs, now); err != nil {
				return err
			}
			n.UpdatedAt, n.UpdatedBy = now.UTC().Truncate(time.Second), f.officer
			f.cases[i] = n
			f.updates++
			return nil
		}
	}
	return app.Errorf(app.ENOTFOUND, "Không tìm thấy vụ việc.")
}

func (f *fakeCases) VoidCase(ctx context.Context, id, reason string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.takeFailure(); err != nil {
		return err
	}
	reason = app.NFC(reason)
	if reason == "" {
		return &app.Error{Code: app.EINVALID, Message: "Cần ghi lý do hủy vụ việc.",
			Fields: map[string]string{"void_reason": "Cần ghi lý do hủy vụ việc."}}
	}
	for i := range f.cases {
		if f.cases[i].ID == id {
			f.cases[i].Voided, f.cases[i].VoidReason = true, reason
			f.voids = append(f.voids, id+": "+reason)
			return nil
		}
	}
	return app.Errorf(app.ENOTFOUND, "Không tìm thấy vụ việc.")
}

func (f *fakeCases) CaseRows(ctx context.Context, q app.CaseQuery, now time.Time) ([]app.CaseRow, error) {
	sortDue := q.Sort == app.SortDue
	if sortDue {
		q.Sort = app.SortNewest
	}
	cases, err := f.ListCases(ctx, q)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	rows := make([]app.CaseRow, len(cases))
	for i := range cases {
		rows[i].Case = cases[i]
		if f.cal != nil {
			rows[i].Deadlines = app.Deadlines(&cases[i], f.eventsOf(cases[i].ID), f.rules, f.cal, now)
		}
	}
	if sortDue {
		app.SortByDue(rows)
	}
	return rows, nil
}

func (f *fakeCases) WorkingCalendar(ctx context.Context) (*app.Calendar, error) { return f.cal, nil }

func (f *fakeCases) PossibleDuplicates(ctx context.Context, c *app.Case) ([]app.Case, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []app.Case
	for _, d := range f.cases {
		if d.ID != c.ID && !d.Voided && c.ConsumerPhone != "" && d.ConsumerPhone == app.NormalizePhone(c.ConsumerPhone) &&
			app.Fold(d.BusinessName) == app.Fold(app.NFC(c.BusinessName)) && d.BusinessName != "" {
			out = append(out, d)
		}
	}
	return out, nil
}

func (f *fakeCases) eventsOf(id string) []app.CaseEvent {
	var out []app.CaseEvent
	for _, e := range f.events {
		if e.CaseID == id {
			out = append(out, e)
		}
	}
	return out
}

func (f *fakeCases) ListCaseEvents(ctx context.Context, caseID string) ([]app.CaseEvent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.eventsOf(caseID), nil
}

func (f *fakeCases) AddCaseEvent(ctx context.Context, caseID string, e *app.CaseEvent) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.takeFailure(); err != nil {
		return err
	}
	for i := range f.cases {
		c := &f.cases[i]
		if c.ID != caseID {
			continue
		}
		var done []string
		for _, ev := range f.events {
			if ev.CaseID == c.ID {
				done = append(done, ev.Kind)
			}
		}
		to, err := app.NextStatusAfter(c.Status, e.Kind, done)
		if err != nil {
			return err
		}
		if e.At.IsZero() {
			e.At = f.now().UTC().Truncate(time.Second)
		}
		e.ID, e.CaseID, e.UnitCode, e.FromStatus, e.ToStatus = app.NewID(), c.ID, c.UnitCode, c.Status, to
		e.Normalize()
		if err := e.Validate(); err != nil {
			return err
		}
		f.events = append(f.events, *e)
		c.Status = to
		return nil
	}
	return app.Errorf(app.ENOTFOUND, "Không tìm thấy vụ việc.")
}

func (f *fakeCases) CaseDeadlines(ctx context.Context, c *app.Case, now time.Time) ([]app.Deadline, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cal == nil {
		return nil, nil
	}
	return app.Deadlines(c, f.eventsOf(c.ID), f.rules, f.cal, now), nil
}

// set changes a stored case behind the UI's back, as a sync pull does.
func (f *fakeCases) set(i int, change func(c *app.Case)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(&f.cases[i])
}

func (f *fakeCases) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.cases)
}

func (f *fakeCases) get(i int) app.Case {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cases[i]
}

// add stores a valid case directly, as if it had been saved earlier.
func (f *fakeCases) add(t testing.TB, c app.Case) app.Case {
	t.Helper()
	if c.Channel == "" {
		c.Channel = "truc_tiep"
	}
	if c.Kind == "" {
		c.Kind = "phan_anh"
	}
	if c.Sector == "" {
		c.Sector = "thuc_pham_do_uong"
	}
	if c.Summary == "" {
		c.Summary = "Phản ánh về chất lượng hàng hóa."
	}
	if c.ReceivedAt.IsZero() {
		c.ReceivedAt = time.Date(2026, 3, 5, 9, 30, 0, 0, ICT)
	}
	if err := f.CreateCase(context.Background(), &c); err != nil {
		t.Fatalf("add case: %v", err)
	}
	return c
}

// fakeSync is a SyncService, and the sync fakeScheduler runs: SyncNow
// sends every pending change.
type fakeSync struct {
	mu          sync.Mutex
	status      app.SyncStatus
	syncErr     error // returned by SyncNow
	syncCalls   int
	statusCalls int
	pulled      int // the records each sync stores (SyncOutcome.Pulled)
}

var _ SyncService = (*fakeSync)(nil)

func (s *fakeSync) Status(ctx context.Context) (app.SyncStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.statusCalls++
	return s.status, nil
}

func (s *fakeSync) SyncNow(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.syncCalls++
	if err := ctx.Err(); err != nil {
		return app.WrapError(app.EOFFLINE, "Đã dừng.", err)
	}
	if s.syncErr != nil {
		s.status.LastError = app.ErrorMessage(s.syncErr)
		return s.syncErr
	}
	s.status.Pending = 0
	s.status.LastError = ""
	s.status.LastSyncAt = time.Date(2026, 11, 27, 2, 5, 0, 0, time.UTC) // 09:05 ICT
	return nil
}

func (s *fakeSync) calls() (syncs, statuses int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.syncCalls, s.statusCalls
}

// fakeReview is a ReviewService over a slice of conflicts and one of
// records kept aside.
type fakeReview struct {
	mu        sync.Mutex
	conflicts []app.Conflict
	held      []app.QuarantinedRecord
	resolved  []string // "id=resolution" of every ResolveConflict call
	failNext  error
}

var _ ReviewService = (*fakeReview)(nil)

func (f *fakeReview) ListQuarantined(ctx context.Context) ([]app.QuarantinedRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]app.QuarantinedRecord(nil), f.held...), nil
}

func (f *fakeReview) ListConflicts(ctx context.Context, openOnly bool) ([]app.Conflict, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []app.Conflict
	for _, c := range f.conflicts {
		if !openOnly || c.Status == app.ConflictOpen {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *fakeReview) ResolveConflict(ctx context.Context, id, resolution string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.resolved = append(f.resolved, id+"="+resolution)
	if err := f.failNext; err != nil {
		f.failNext = nil
		return err
	}
	for i := range f.conflicts {
		if f.conflicts[i].ID == id {
			f.conflicts[i].Status, f.conflicts[i].Resolution = app.ConflictResolved, resolution
			return nil
		}
	}
	return app.Errorf(app.ENOTFOUND, "Không tìm thấy mục cần xem xét.")
}

func (f *fakeReview) add(c app.Conflict) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c.Status == "" {
		c.Status = app.ConflictOpen
	}
	if c.Entity == "" {
		c.Entity = app.EntityCase
	}
	if c.Kind == "" {
		c.Kind = app.ConflictField
	}
	f.conflicts = append(f.conflicts, c)
}

func (f *fakeReview) calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.resolved...)
}

// testRefs is a small reference set: two communes, three sectors.
func testRefs() *app.RefData {
	return &app.RefData{
		Units: []app.AdminUnit{
			{Code: "28261", Name: "Phường Mỹ Tho", ShortName: "Mỹ Tho", Type: app.UnitPhuong},
			{Code: "28249", Name: "Phường Đạo Thạnh", ShortName: "Đạo Thạnh", Type: app.UnitPhuong},
		},
		Sectors: []app.Sector{
			{Code: "khac", VI: "Khác", EN: "Other", Order: 3},
			{Code: "thuong_mai_dien_tu", VI: "Thương mại điện tử, mua sắm trực tuyến, mạng xã hội", EN: "E-commerce", Order: 1},
			{Code: "thuc_pham_do_uong", VI: "Thực phẩm, đồ uống, an toàn thực phẩm", EN: "Food and drink", Order: 2},
		},
	}
}

// inline runs I/O work at once, on the calling goroutine; with the test
// driver's inline fyne.Do, every action is finished when the call returns.
func inline(f func()) { f() }

type fixture struct {
	ui     *UI
	clock  *clocktest.Clock // the UI's and the fake store's clock, at the simulated today
	win    fyne.Window
	cases  *fakeCases
	sync   *fakeSync
	sched  *fakeScheduler // runs fakeSync's syncs
	review *fakeReview
	facts  *countingKeeper // keeps nothing: counts the runs
}

// newFixture builds the UI on fakes in a 1024×640 test window, loaded.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureWith(t, inline)
}

func newFixtureWith(t *testing.T, run func(func())) *fixture {
	t.Helper()
	test.NewTempApp(t)
	refs := testRefs()
	clock := clocktest.AtToday(t)
	fx := &fixture{
		clock:  clock,
		cases:  newFakeCases(refs, clock.Now),
		sync:   &fakeSync{status: app.SyncStatus{Enrolled: true, ServerURL: "https://bvntd.dongthap.example/", Scope: "28261"}},
		review: &fakeReview{},
	}
	fx.cases.officer = "Lê Văn Tâm"
	fx.win = test.NewTempWindow(t, nil)
	fx.sched = newFakeScheduler(fx.sync, run)
	fx.facts = &countingKeeper{}
	fx.ui = newUI(fx.win, Services{Cases: fx.cases, Sync: fx.sync, Scheduler: fx.sched, Review: fx.review, Refs: refs,
		UnitCode: "28261", Officer: "Lê Văn Tâm", Now: clock.Now, Facts: fx.facts}, run, 0)
	fx.win.SetContent(fx.ui.Content())
	fx.win.Resize(fyne.NewSize(1024, 640))
	fx.ui.Refresh()
	t.Cleanup(fx.ui.Close)
	return fx
}

// findButton returns the visible button with the given text under o.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	for _, obj := range test.LaidOutObjects(o) {
		if b, ok := obj.(*widget.Button); ok && b.Text == text && b.Visible() {
			return b
		}
		if k, ok := obj.(*keyButton); ok && k.Text == text && k.Visible() {
			return &k.Button
		}
	}
	return nil
}

// mustButton is findButton that fails the test when nothing is found.
func mustButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	b := findButton(o, text)
	if b == nil {
		t.Fatalf("no button %q", text)
	}
	return b
}

// texts returns every text drawn under o.
func texts(o fyne.CanvasObject) []string {
	var out []string
	for _, obj := range test.LaidOutObjects(o) {
		switch x := obj.(type) {
		case *canvas.Text:
			out = append(out, x.Text)
		case *widget.Label:
			out = append(out, x.Text)
		}
	}
	return out
}

// topOverlay returns the dialog on top of the window, or fails.
func topOverlay(t *testing.T, w fyne.Window) fyne.CanvasObject {
	t.Helper()
	o := w.Canvas().Overlays().Top()
	if o == nil {
		t.Fatal("no dialog is shown")
	}
	return o
}

// captureLogs sends slog output to a buffer for the rest of the test.
func captureLogs(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	return &buf
}

// rowTexts returns the list's rows as "number | date | … | status".
func rowTexts(s *casesScreen) []string {
	var out []string
	for r := range s.rows {
		var cells []string
		for c := 0; c < numCols; c++ {
			cells = append(cells, s.cellText(r, c))
		}
		out = append(out, strings.Join(cells, " | "))
	}
	return out
}

func consumers(s *casesScreen) []string {
	var out []string
	for _, c := range s.rows {
		out = append(out, c.ConsumerName)
	}
	return out
}

// tapButton taps b like a user.
func tapButton(b *widget.Button) { test.Tap(b) }

func must(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Fatalf(format, args...)
	}
}
