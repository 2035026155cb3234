package intakeweb

import (
	"slices"
	"strings"

	"bvntd/app"
	"bvntd/seeds"
)

// unit is one commune or ward of the form's list, with the pre-2025 names
// people may still use.
type unit struct {
	Code string
	Name string // "Phường Mỹ Tho"
	// Hint lists the old units and districts: "trước đây: Phường 1,
	// Phường 2, Phường Tân Long — thành phố Mỹ Tho".
	Hint   string
	folded string // Fold of name, short name and hint, for the search
}

// Label is what the list shows for the unit.
func (u unit) Label() string {
	if u.Hint == "" {
		return u.Name
	}
	return u.Name + " (" + u.Hint + ")"
}

// units is the list, sorted in Vietnamese order of the short name.
type units struct {
	list   []unit
	byCode map[string]int
}

// LoadUnits reads the 102 communes and wards from the seeded reference data.
func LoadUnits() ([]app.AdminUnit, map[string][]string, error) {
	ref, err := seeds.Load()
	if err != nil {
		return nil, nil, err
	}
	districts, err := seeds.FormerDistricts()
	if err != nil {
		return nil, nil, err
	}
	return ref.Units, districts, nil
}

func newUnits(admin []app.AdminUnit, districts map[string][]string) *units {
	us := &units{byCode: map[string]int{}}
	coll := app.NewCollator()
	sorted := slices.Clone(admin)
	slices.SortStableFunc(sorted, func(a, b app.AdminUnit) int {
		return coll.CompareString(a.ShortName, b.ShortName)
	})
	for _, a := range sorted {
		var old []string
		for _, f := range a.FormedFrom {
			if f.OldName != a.Name && !slices.Contains(old, f.OldName) {
				old = append(old, f.OldName)
			}
		}
		hint := ""
		if len(old) > 0 {
			hint = "trước đây: " + strings.Join(old, ", ")
		}
		if d := districts[a.Code]; len(d) > 0 {
			if hint == "" {
				hint = "trước đây"
			}
			hint += " — " + strings.Join(d, ", ")
		}
		u := unit{Code: a.Code, Name: a.Name, Hint: hint}
		u.folded = app.Fold(a.Name + " " + a.ShortName + " " + hint)
		us.byCode[u.Code] = len(us.list)
		us.list = append(us.list, u)
	}
	return us
}

// get returns the unit of code.
func (us *units) get(code string) (unit, bool) {
	i, ok := us.byCode[code]
	if !ok {
		return unit{}, false
	}
	return us.list[i], true
}

// search returns the units whose name, short name or old names match every
// word of q without diacritics ("my tho" finds "Phường Mỹ Tho"); those
// whose own name matches come first. An empty q returns them all.
func (us *units) search(q string) []unit {
	if strings.TrimSpace(q) == "" {
		return us.list
	}
	var byName, byHint []unit
	for _, u := range us.list {
		switch {
		case app.MatchesWords(q, u.Name):
			byName = append(byName, u)
		case app.MatchesWords(q, u.folded):
			byHint = append(byHint, u)
		}
	}
	return append(byName, byHint...)
}
