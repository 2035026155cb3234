package ui

import (
	"image/color"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// focusHook is called when a form input gains the keyboard focus, so that
// the form can scroll it into view.
type focusHook func(fyne.CanvasObject)

// wheelPass lies over a one-line text box of a long form and gives the
// mouse wheel to the form's scroll. Fyne hands the wheel to the deepest
// scrollable thing under the pointer, and every Entry holds a scroller of
// its own (for text wider than the box) that swallows it: over an input,
// which is most of a form, the wheel did nothing (issue 17). The box loses
// only scrolling its own line by the wheel; the cursor keys still do.
// wheelPass takes no tap, drag or hover, so clicks reach the box beneath.
type wheelPass struct {
	widget.BaseWidget
	to func() *container.Scroll
}

func newWheelPass(to func() *container.Scroll) *wheelPass {
	w := &wheelPass{to: to}
	w.ExtendBaseWidget(w)
	return w
}

// Scrolled implements fyne.Scrollable.
func (w *wheelPass) Scrolled(ev *fyne.ScrollEvent) {
	if s := w.to(); s != nil {
		s.Scrolled(ev)
	}
}

func (w *wheelPass) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// formEntry is an Entry that tells the form when it gets the focus and,
// even when multi-line, leaves Tab to move to the next field: a keyboard
// user must never be trapped in a text box (Enter makes the new line).
type formEntry struct {
	widget.Entry
	onFocus focusHook
}

func newFormEntry(multiLine bool) *formEntry {
	e := &formEntry{}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	return e
}

// AcceptsTab implements fyne.Tabbable: Tab moves on.
func (e *formEntry) AcceptsTab() bool { return false }

// FocusGained implements fyne.Focusable.
func (e *formEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.onFocus != nil {
		e.onFocus(e)
	}
}

// formSelect is a Select that tells the form when it gets the focus. With
// the focus, Space or ↓ opens the list, ↓/↑ and Enter pick; → and ← step
// through the choices.
type formSelect struct {
	widget.Select
	onFocus focusHook
}

func newFormSelect() *formSelect {
	s := &formSelect{}
	s.ExtendBaseWidget(s)
	return s
}

// FocusGained implements fyne.Focusable.
func (s *formSelect) FocusGained() {
	s.Select.FocusGained()
	if s.onFocus != nil {
		s.onFocus(s)
	}
}

// formCheck is a Check that tells the form when it gets the focus; Space
// ticks it.
type formCheck struct {
	widget.Check
	onFocus focusHook
}

func newFormCheck(text string, changed func(bool)) *formCheck {
	c := &formCheck{}
	c.Text, c.OnChanged = text, changed
	c.ExtendBaseWidget(c)
	return c
}

// FocusGained implements fyne.Focusable.
func (c *formCheck) FocusGained() {
	c.Check.FocusGained()
	if c.onFocus != nil {
		c.onFocus(c)
	}
}

// checkRow shows c with its text wrapped beside it: a Check's own text
// never wraps, and the legal labels (Điều 8 groups, issue types) are long
// enough to widen the window past an old laptop's screen.
func checkRow(c *formCheck, text string) fyne.CanvasObject {
	c.Text = ""
	l := &tapLabel{onTap: func() {
		if !c.Disabled() {
			c.SetChecked(!c.Checked)
		}
	}}
	l.Text, l.Wrapping = text, fyne.TextWrapWord
	l.ExtendBaseWidget(l)
	return container.NewBorder(nil, nil, c, nil, l)
}

// tapLabel is a label that acts when tapped, like a check box's own text.
type tapLabel struct {
	widget.Label
	onTap func()
}

// Tapped implements fyne.Tappable.
func (l *tapLabel) Tapped(*fyne.PointEvent) { l.onTap() }

// scrollIntoView scrolls s so that o, somewhere in its content, is
// visible; it does nothing if o is not inside s.
func scrollIntoView(s *container.Scroll, o fyne.CanvasObject) {
	if s == nil || s.Content == nil || fyne.CurrentApp() == nil {
		return
	}
	drv := fyne.CurrentApp().Driver()
	top := drv.AbsolutePositionForObject(o).Y - drv.AbsolutePositionForObject(s.Content).Y
	if top < 0 {
		return
	}
	bottom := top + o.Size().Height
	view := s.Size().Height
	switch {
	case top < s.Offset.Y:
		s.Offset.Y = top
	case bottom > s.Offset.Y+view:
		s.Offset.Y = bottom - view
	default:
		return
	}
	s.Refresh()
}

// showFieldErrors puts each message of bad under its field (errs, by the
// field's JSON name) and hides the others; messages for fields the form
// does not show go into formErr, after lead, which is hidden when there is
// nothing to say.
func showFieldErrors(errs map[string]*widget.Label, formErr *widget.Label, lead string, bad map[string]string) {
	for k, l := range errs {
		if msg, ok := bad[k]; ok {
			l.SetText(msg)
			l.Show()
		} else {
			l.Hide()
		}
	}
	var other []string
	for k, msg := range bad {
		if _, ok := errs[k]; !ok {
			other = append(other, msg)
		}
	}
	sort.Strings(other)
	if lead == "" && len(other) == 0 {
		formErr.Hide()
		return
	}
	formErr.SetText(strings.Join(append([]string{lead}, other...), " "))
	formErr.Show()
}

// spreadTable is a table whose columns share the available width: each
// gets its share of it, and at least its minimum.
type spreadTable struct {
	widget.Table
	share, mins []float32
	width       float32
}

// Resize spreads the columns over the new width.
func (t *spreadTable) Resize(size fyne.Size) {
	if size.Width != t.width {
		t.setWidths(size.Width)
	}
	t.Table.Resize(size)
}

func (t *spreadTable) setWidths(width float32) {
	t.width = width
	avail := width - theme.ScrollBarSize() - theme.Padding()*float32(len(t.share))
	for i := range t.share {
		t.SetColumnWidth(i, max(t.mins[i], avail*t.share[i]))
	}
}
