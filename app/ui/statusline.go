package ui

import (
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// SyncProgress reports how a running sync is going. Its fields are those
// of syncclient.Progress, in the same order, so that the desktop's wiring
// passes one on with a conversion: ui.SyncProgress(p).
type SyncProgress struct {
	Phase    string // "push" or "pull"
	Pushed   int    // mutations acknowledged so far
	Pulled   int    // records received so far
	Attempt  int    // >1 while retrying
	LastFail string // Vietnamese reason of the last failed attempt
}

// syncLineTime is how the status line shows the time of the last sync:
// HH:MM dd/mm, in ICT.
const syncLineTime = "15:04 02/01"

// statusLine is the line at the bottom of the window that says, in one
// sentence, where synchronisation stands; under it, a warning when the
// computer's clock is wrong, and one when the holiday calendar lacks the
// year (app.CalendarGaps).
type statusLine struct {
	text     *widget.Label
	clock    *widget.Label
	calendar *widget.Label
	row      *fyne.Container

	state lineState

	content fyne.CanvasObject
}

// lineState is what the status line is made from.
type lineState struct {
	known    bool // status has been loaded
	status   app.SyncStatus
	syncing  bool
	progress SyncProgress
	// tried: a sync ended in this session, so lastErr (nil on success) is
	// more precise than status.LastError, which has no error code.
	tried   bool
	lastErr error
}

func newStatusLine() *statusLine {
	l := &statusLine{
		text:     &widget.Label{Truncation: fyne.TextTruncateEllipsis},
		clock:    &widget.Label{Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord},
		calendar: &widget.Label{Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord},
	}
	l.clock.Hide()
	l.calendar.Hide()
	// The warnings go under the sentence, each on its own line, wrapped:
	// side by side they would make the window wider than a 1024-px screen.
	l.row = container.NewBorder(nil, container.NewVBox(l.calendar, l.clock), nil, nil, l.text)
	l.content = container.NewVBox(widget.NewSeparator(), l.row)
	return l
}

// setStatus shows a freshly loaded status.
func (l *statusLine) setStatus(st app.SyncStatus) {
	l.state.known, l.state.status = true, st
	l.render()
}

// started shows that a sync runs.
func (l *statusLine) started() {
	l.state.syncing, l.state.progress = true, SyncProgress{}
	l.render()
}

// setProgress shows how the running sync is going.
func (l *statusLine) setProgress(p SyncProgress) {
	if !l.state.syncing {
		return
	}
	l.state.progress = p
	l.render()
}

// stopped shows the end of a sync the officer stopped.
func (l *statusLine) stopped() {
	l.state.syncing = false
	l.render()
}

// finished shows the end of a sync; err is nil on success.
func (l *statusLine) finished(err error) {
	l.state.syncing, l.state.tried, l.state.lastErr = false, true, err
	l.render()
}

func (l *statusLine) render() {
	text, imp := statusText(l.state)
	if l.text.Text != text || l.text.Importance != imp {
		l.text.Text, l.text.Importance = text, imp
		l.text.Refresh()
	}
	wasClock, wasCal := l.clock.Visible(), l.calendar.Visible()
	if w := clockText(l.state.status.ClockOffset); w != "" && l.state.known {
		l.clock.SetText(w)
		l.clock.Show()
	} else {
		l.clock.Hide()
	}
	if gaps := l.state.status.CalendarGaps; len(gaps) > 0 && l.state.known {
		l.calendar.SetText(calendarShort(gaps))
		l.calendar.Show()
	} else {
		l.calendar.Hide()
	}
	if l.clock.Visible() != wasClock || l.calendar.Visible() != wasCal {
		l.row.Refresh() // the text gets what the warnings leave
	}
}

// calendarShort is the status line's short warning for years without a
// holiday calendar; the dashboard and the case shown say it in full
// (app.CalendarWarning).
func calendarShort(years []int) string {
	ys := make([]string, len(years))
	for i, y := range years {
		ys[i] = strconv.Itoa(y)
	}
	return lang.X("status.calendar", "Chưa có lịch nghỉ lễ năm {{.Years}}: hạn tính chưa trừ ngày lễ",
		map[string]any{"Years": strings.Join(ys, ", ")})
}

// statusText returns the sentence of the status line and its colour.
func statusText(s lineState) (string, widget.Importance) {
	if !s.known && !s.syncing {
		return "", widget.MediumImportance
	}
	st := s.status
	pending := FormatInt(int64(st.Pending))
	offline := s.tried && app.ErrorCode(s.lastErr) == app.EOFFLINE
	switch {
	case st.UpdateRequired != "":
		return lang.X("status.update_required", "Ứng dụng cần cập nhật lên phiên bản {{.Version}} để gửi dữ liệu; dữ liệu vẫn được lưu trên máy",
			map[string]any{"Version": st.UpdateRequired}), widget.DangerImportance
	case s.known && !st.Enrolled:
		return lang.X("status.not_enrolled", "Máy này chưa đăng ký đồng bộ; dữ liệu được lưu trên máy"), widget.WarningImportance
	case offline && st.Pending > 0: // retries keep this text until the network is back
		return lang.X("status.offline", "Không có mạng – {{.N}} thay đổi chờ gửi", map[string]any{"N": pending}), widget.WarningImportance
	case offline:
		return lang.X("status.offline_none", "Không có mạng – dữ liệu vẫn được lưu trên máy"), widget.WarningImportance
	case s.syncing:
		return syncingText(s.progress), widget.MediumImportance
	case s.tried && app.ErrorCode(s.lastErr) == app.ESERVERSTORAGE:
		// The server's disk is full or failing: nothing here is at risk.
		return lang.X("status.server_storage", "Máy chủ tỉnh đang lỗi lưu trữ, dữ liệu của bạn vẫn an toàn trên máy"), widget.WarningImportance
	case s.tried && s.lastErr != nil:
		return lang.X("status.error", "Lỗi đồng bộ: {{.Reason}}", map[string]any{"Reason": userMessage(s.lastErr)}), widget.DangerImportance
	case !s.tried && st.LastError != "":
		return lang.X("status.error", "Lỗi đồng bộ: {{.Reason}}", map[string]any{"Reason": st.LastError}), widget.DangerImportance
	case st.Pending > 0:
		return lang.X("status.pending", "{{.N}} thay đổi chờ gửi", map[string]any{"N": pending}), widget.MediumImportance
	case !st.LastSyncAt.IsZero():
		return lang.X("status.synced", "Đã đồng bộ lúc {{.Time}}",
			map[string]any{"Time": st.LastSyncAt.In(ICT).Format(syncLineTime)}), widget.MediumImportance
	}
	return lang.X("status.never", "Chưa đồng bộ lần nào"), widget.MediumImportance
}

// syncingText says that a sync runs and, if known, how far it got.
func syncingText(p SyncProgress) string {
	switch {
	case p.Attempt > 1:
		return lang.X("status.syncing_retry", "Đang đồng bộ… thử lại lần {{.N}}", map[string]any{"N": p.Attempt})
	case p.Pushed > 0 || p.Pulled > 0:
		return lang.X("status.syncing_progress", "Đang đồng bộ… đã gửi {{.Pushed}}, đã nhận {{.Pulled}} thay đổi",
			map[string]any{"Pushed": FormatInt(int64(p.Pushed)), "Pulled": FormatInt(int64(p.Pulled))})
	}
	return lang.X("status.syncing", "Đang đồng bộ…")
}

// clockText warns when the computer's clock is more than app.ClockWarning
// away from the server's; "" otherwise.
func clockText(offset time.Duration) string {
	if offset < 0 {
		offset = -offset
	}
	if offset <= app.ClockWarning {
		return ""
	}
	minutes := int64(math.Round(offset.Minutes()))
	return lang.X("status.clock", "Đồng hồ máy tính lệch {{.N}} phút so với máy chủ; hãy chỉnh lại giờ",
		map[string]any{"N": FormatInt(minutes)})
}
