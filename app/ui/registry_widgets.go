package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
)

// What the registry, training and outreach screens share: a table whose columns
// share the width, and inputs that act on Enter and Escape.

// tableColumn is one column of a recordTable.
type tableColumn struct {
	title      string
	share, min float32 // share of the width; minimum width
}

// recordTable is a table of records whose columns share the available
// width; selecting a row opens it.
type recordTable struct {
	spreadTable
	cols []tableColumn
}

func newRecordTable(cols []tableColumn, rows func() int, cell func(row, col int) string, open func(row int)) *recordTable {
	t := &recordTable{cols: cols}
	for _, c := range cols {
		t.share, t.mins = append(t.share, c.share), append(t.mins, c.min)
	}
	t.Length = func() (int, int) { return rows(), len(cols) }
	t.CreateCell = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		o.(*widget.Label).SetText(cell(id.Row, id.Col))
	}
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(cols) {
			o.(*widget.Label).SetText(cols[id.Col].title)
		}
	}
	t.OnSelected = func(id widget.TableCellID) {
		t.UnselectAll() // so that the same row can be opened again
		if id.Row >= 0 && id.Row < rows() && open != nil {
			open(id.Row)
		}
	}
	t.ExtendBaseWidget(t)
	t.setWidths(1000)
	return t
}

// keyEntry is a one-line entry that lets its owner act on a key before the
// entry does (↓, ↑, Enter, Escape), and leaves Tab to move on.
type keyEntry struct {
	widget.Entry
	onKey   func(fyne.KeyName) bool // true if the key was handled
	onFocus focusHook
}

func newKeyEntry(placeholder string) *keyEntry {
	e := &keyEntry{}
	e.PlaceHolder = placeholder
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey implements fyne.Focusable.
func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	if e.onKey != nil && !e.Disabled() && e.onKey(k.Name) {
		return
	}
	e.Entry.TypedKey(k)
}

// AcceptsTab implements fyne.Tabbable: Tab moves on.
func (e *keyEntry) AcceptsTab() bool { return false }

// FocusGained implements fyne.Focusable.
func (e *keyEntry) FocusGained() {
	e.Entry.FocusGained()
	if e.onFocus != nil {
		e.onFocus(e)
	}
}

// keySelect is a Select over a code list that also acts on Enter and
// Escape; ← and → step through the choices, Space opens the list.
type keySelect struct {
	widget.Select
	codes   []string
	onKey   func(fyne.KeyName) bool
	onFocus focusHook
}

func newKeySelect(list app.CodeList, placeholder string) *keySelect {
	s := &keySelect{}
	for _, c := range list {
		s.Options = append(s.Options, codeLabel(c))
		s.codes = append(s.codes, c.Code)
	}
	s.PlaceHolder = placeholder
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey implements fyne.Focusable.
func (s *keySelect) TypedKey(k *fyne.KeyEvent) {
	if s.onKey != nil && !s.Disabled() && s.onKey(k.Name) {
		return
	}
	s.Select.TypedKey(k)
}

// FocusGained implements fyne.Focusable.
func (s *keySelect) FocusGained() {
	s.Select.FocusGained()
	if s.onFocus != nil {
		s.onFocus(s)
	}
}

// Code returns the selected code, or "".
func (s *keySelect) Code() string {
	i := s.SelectedIndex()
	if i < 0 || i >= len(s.codes) {
		return ""
	}
	return s.codes[i]
}

// SetCode selects code ("" clears); an unknown code is added as it is.
func (s *keySelect) SetCode(code string) {
	if code == "" {
		s.ClearSelected()
		return
	}
	for i, c := range s.codes {
		if c == code {
			s.SetSelectedIndex(i)
			return
		}
	}
	s.Options = append(s.Options, code)
	s.codes = append(s.codes, code)
	s.SetSelectedIndex(len(s.codes) - 1)
}

// foldedWords returns the search words of text (app.Fold).
func foldedWords(text string) []string { return strings.Fields(app.Fold(text)) }

// matchAllPrefixes is app.MatchesWords on words folded beforehand: the
// fast attendance entry folds the register once, not at every key.
func matchAllPrefixes(query, words []string) bool {
	for _, q := range query {
		found := false
		for _, w := range words {
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

// allAgencies returns every agency of refs as a code list: organisers
// and partners of a session may be any body of the plan.
func allAgencies(refs *app.RefData) app.CodeList {
	if refs == nil {
		return nil
	}
	out := make(app.CodeList, len(refs.Agencies))
	for i, a := range refs.Agencies {
		out[i] = app.Code{Code: a.ID, VI: a.NameVI, EN: a.NameEN}
	}
	return out
}

// yesNo shows a flag in a table cell.
func yesNo(b bool) string {
	if b {
		return lang.X("registry.yes", "Có")
	}
	return lang.X("registry.no", "Không")
}
