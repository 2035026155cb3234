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

	"bvntd/app"
)

// focusHook is called when a form input gains the keyboard focus, so that
// the form can scroll it into view.
type focusHook func(fyne.CanvasObject)

// keyButton is a Button that Enter presses too, not only Space: in a
// question over a form the officer's hand is on Enter, and the focused
// button (the safe answer) is what Enter should take.
type keyButton struct{ widget.Button }

func newKeyButton(text string, icon fyne.Resource, importance widget.Importance, tapped func()) *keyButton {
	k := &keyButton{}
	k.Text, k.Icon, k.Importance, k.OnTapped = text, icon, importance, tapped
	k.ExtendBaseWidget(k)
	return k
}

// TypedKey implements fyne.Focusable.
func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	if (ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter) && !b.Disabled() && b.OnTapped != nil {
		b.OnTapped()
		return
	}
	b.Button.TypedKey(ev)
}

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
// through the choices; typing picks the first choice whose words start
// with what was typed, diacritics optional ("my tho" → "Phường Mỹ Tho"):
// a list of 102 communes is not read from the top (issue 17). Backspace
// takes back a letter; the typing starts afresh when the focus leaves or
// a letter matches nothing with what came before it.
type formSelect struct {
	widget.Select
	onFocus focusHook
	typed   []rune
}

// TypedRune implements fyne.Focusable: type-to-search.
func (s *formSelect) TypedRune(r rune) {
	if r == ' ' && len(s.typed) == 0 {
		return // Space opened the list (TypedKey)
	}
	if s.seek(append(s.typed, r)) || s.seek([]rune{r}) {
		return
	}
	s.typed = s.typed[:0]
}

// TypedKey implements fyne.Focusable: a Space inside a typed name is part
// of it, not the key that opens the list.
func (s *formSelect) TypedKey(ev *fyne.KeyEvent) {
	switch {
	case ev.Name == fyne.KeySpace && len(s.typed) > 0:
	case ev.Name == fyne.KeyBackspace && len(s.typed) > 0:
		if !s.seek(s.typed[:len(s.typed)-1]) {
			s.typed = s.typed[:0]
		}
	case ev.Name == fyne.KeyEscape:
		s.typed = s.typed[:0]
	default:
		s.typed = s.typed[:0]
		s.Select.TypedKey(ev)
	}
}

// seek selects the first choice that query matches and keeps query as
// what was typed; false when none does.
func (s *formSelect) seek(query []rune) bool {
	q := string(query)
	if strings.TrimSpace(q) == "" {
		s.typed = append(s.typed[:0], query...)
		return true
	}
	// A commune is sought by its name: "phu" finds "Xã Phú Hựu" before
	// every "Phường …"; the word of its kind counts only after that.
	for _, text := range []func(string) string{withoutUnitKind, func(o string) string { return o }} {
		for i, o := range s.Options {
			if app.MatchesWords(q, text(o)) {
				s.typed = append(s.typed[:0], query...)
				if s.SelectedIndex() != i {
					s.SetSelectedIndex(i)
				}
				return true
			}
		}
	}
	return false
}

// withoutUnitKind returns a commune's name without its leading "Xã" or
// "Phường" (any other text as it is).
func withoutUnitKind(name string) string {
	for _, kind := range []string{"Xã ", "Phường ", "Commune ", "Ward "} {
		if rest, ok := strings.CutPrefix(name, kind); ok {
			return rest
		}
	}
	return name
}

// FocusLost implements fyne.Focusable.
func (s *formSelect) FocusLost() {
	s.typed = s.typed[:0]
	s.Select.FocusLost()
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
