package seeds

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"

	"bvntd/app"
)

// districtRE finds the pre-2025 district a clause of Nghị quyết
// 1663/NQ-UBTVQH15 names in brackets to tell two old units apart:
// "Phường 1 và Phường 2 (thành phố Mỹ Tho)".
var districtRE = regexp.MustCompile(`\(((?:thành phố|thị xã|huyện) [^)]+)\)`)

// FormerDistricts returns, by unit code, the pre-2025 districts the
// resolution's clause of each unit names ("thành phố Mỹ Tho"), for people
// who still write an old address. A unit whose clause names none is
// absent. Derived from the legal text; a hint, not a record.
func FormerDistricts() (map[string][]string, error) {
	raw, err := fs.ReadFile(files, "data/"+communesFile)
	if err != nil {
		return nil, fmt.Errorf("seeds: %w", err)
	}
	var c struct {
		Units []struct {
			Code   string `json:"code"`
			Clause string `json:"nq1663_clause_text"`
		} `json:"units"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("seeds: %s: %w", communesFile, err)
	}
	out := map[string][]string{}
	for _, u := range c.Units {
		seen := map[string]bool{}
		for _, m := range districtRE.FindAllStringSubmatch(app.NFC(u.Clause), -1) {
			if d := m[1]; !seen[d] {
				seen[d] = true
				out[u.Code] = append(out[u.Code], d)
			}
		}
	}
	return out, nil
}
