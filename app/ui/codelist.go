package ui

import (
	"sort"

	"bvntd/app"
	"bvntd/assets"
)

// codeLabel returns the label of c in the language of the interface.
func codeLabel(c app.Code) string {
	if assets.Language() == assets.LangEN && c.EN != "" {
		return c.EN
	}
	return c.VI
}

// listLabel returns the label of code in list, or code itself if unknown.
func listLabel(list app.CodeList, code string) string {
	for _, c := range list {
		if c.Code == code {
			return codeLabel(c)
		}
	}
	return code
}

// sectorList returns the sectors of refs in display order.
func sectorList(refs *app.RefData) app.CodeList {
	if refs == nil {
		return nil
	}
	s := append([]app.Sector(nil), refs.Sectors...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].Order < s[j].Order })
	out := make(app.CodeList, len(s))
	for i, x := range s {
		out[i] = app.Code{Code: x.Code, VI: x.VI, EN: x.EN}
	}
	return out
}

// codeSelect is a Select over a code list: it shows labels and hands back
// codes.
type codeSelect struct {
	sel   *formSelect
	codes []string // parallel to sel.Options
}

func newCodeSelect(list app.CodeList, placeholder string) *codeSelect {
	s := &codeSelect{sel: newFormSelect()}
	for _, c := range list {
		s.sel.Options = append(s.sel.Options, codeLabel(c))
		s.codes = append(s.codes, c.Code)
	}
	s.sel.PlaceHolder = placeholder
	return s
}

// Code returns the selected code, or "".
func (s *codeSelect) Code() string {
	i := s.sel.SelectedIndex()
	if i < 0 || i >= len(s.codes) {
		return ""
	}
	return s.codes[i]
}

// SetCode selects code. A code missing from the list (e.g. one that came
// from a newer reference list through sync) is added as it is, so that
// editing a case never drops it.
func (s *codeSelect) SetCode(code string) {
	if code == "" {
		s.sel.ClearSelected()
		return
	}
	for i, c := range s.codes {
		if c == code {
			s.sel.SetSelectedIndex(i)
			return
		}
	}
	s.sel.Options = append(s.sel.Options, code)
	s.codes = append(s.codes, code)
	s.sel.SetSelectedIndex(len(s.codes) - 1)
}

// setList replaces the choices with list, keeping the code selected (added
// as it is when list lacks it).
func (s *codeSelect) setList(list app.CodeList) {
	code := s.Code()
	s.sel.Options, s.codes = nil, nil
	for _, c := range list {
		s.sel.Options = append(s.sel.Options, codeLabel(c))
		s.codes = append(s.codes, c.Code)
	}
	s.sel.ClearSelected()
	s.SetCode(code)
	s.sel.Refresh()
}

// unitList returns the communes and wards of refs in the alphabetical
// order of their names without "Xã"/"Phường" (Ấp Bắc … Vĩnh Kim), as an
// officer looks for one; the code order of the statistics office means
// nothing to them.
func unitList(refs *app.RefData) app.CodeList {
	if refs == nil {
		return nil
	}
	us := append([]app.AdminUnit(nil), refs.Units...)
	col := app.NewCollator()
	sort.SliceStable(us, func(i, j int) bool {
		return col.CompareString(unitSortName(us[i]), unitSortName(us[j])) < 0
	})
	out := make(app.CodeList, len(us))
	for i, u := range us {
		out[i] = app.Code{Code: u.Code, VI: u.Name, EN: u.Name}
	}
	return out
}

func unitSortName(u app.AdminUnit) string {
	if u.ShortName != "" {
		return u.ShortName
	}
	return withoutUnitKind(u.Name)
}

// issueTypeList returns the issue types of refs in display order.
func issueTypeList(refs *app.RefData) app.CodeList {
	if refs == nil {
		return nil
	}
	s := append([]app.IssueType(nil), refs.IssueTypes...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].Order < s[j].Order })
	out := make(app.CodeList, len(s))
	for i, x := range s {
		out[i] = app.Code{Code: x.Code, VI: x.VI, EN: x.EN}
	}
	return out
}
