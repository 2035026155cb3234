package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"bvntd/app"
	"bvntd/seeds"
)

// The commune picker holds 102 names in alphabetical order; typing finds
// one without diacritics, word by word, and the word of its kind (Xã,
// Phường) does not get in the way (issue 17 item 11).
func TestCodeSelect_TypeToFindACommune(t *testing.T) {
	test.NewTempApp(t)
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	list := unitList(refs)
	must(t, len(list) == 102, "%d communes", len(list))
	col := app.NewCollator()
	for i := 1; i < len(list); i++ {
		a, okA := refs.Unit(list[i-1].Code)
		b, okB := refs.Unit(list[i].Code)
		must(t, okA && okB, "unknown code %s or %s", list[i-1].Code, list[i].Code)
		must(t, col.CompareString(a.ShortName, b.ShortName) <= 0, "%q before %q", a.ShortName, b.ShortName)
	}

	cases := []struct{ typed, want string }{
		{"my tho", "Phường Mỹ Tho"},
		{"MY THO", "Phường Mỹ Tho"},
		{"dao thanh", "Phường Đạo Thạnh"},
		{"cao lanh", "Phường Cao Lãnh"},
	}
	for _, c := range cases {
		s := newCodeSelect(list, "(Chọn)")
		test.Type(s.sel, c.typed)
		must(t, s.sel.Selected == c.want, "typed %q: %q selected", c.typed, s.sel.Selected)
	}

	// A space within the name does not open the list; Backspace takes a
	// letter back; a letter that matches nothing with what came before
	// starts afresh.
	s := newCodeSelect(list, "(Chọn)")
	w := test.NewTempWindow(t, s.sel)
	w.Resize(fyne.NewSize(400, 300))
	w.Canvas().Focus(s.sel)
	for _, r := range "my" {
		s.sel.TypedRune(r)
	}
	s.sel.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	s.sel.TypedRune(' ')
	must(t, w.Canvas().Overlays().Top() == nil, "Space inside a name opened the list")
	for _, r := range "tho" {
		s.sel.TypedRune(r)
	}
	must(t, s.sel.Selected == "Phường Mỹ Tho", "%q selected", s.sel.Selected)
	s.sel.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	s.sel.TypedRune('a')
	must(t, s.sel.Selected == "Xã Mỹ Thành", "after Backspace and 'a': %q selected", s.sel.Selected)
	s.sel.TypedRune('z') // no Vietnamese name has a z
	must(t, s.sel.Selected == "Xã Mỹ Thành", "a letter that matches nothing changed the choice: %q", s.sel.Selected)
	s.sel.FocusLost()
	s.sel.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	must(t, w.Canvas().Overlays().Top() != nil, "Space with nothing typed did not open the list")
}
