package serverstore_test

import (
	"testing"

	"bvntd/app"
	"bvntd/seeds"
)

// madeUpCommunes are commune codes the sync tests were written with before
// the server checked codes against the catalogue; they stand for "another
// commune" and are not in the seeds.
var madeUpCommunes = map[string]bool{"28262": true, "28263": true, "28264": true, "28999": true}

// testRefs is the seeded catalogue with madeUpCommunes.
type testRefs struct{ *app.RefData }

func (r testRefs) HasUnit(code string) bool { return madeUpCommunes[code] || r.RefData.HasUnit(code) }

func mustTestRefs(tb testing.TB) app.Refs {
	tb.Helper()
	refs, err := seeds.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return testRefs{refs}
}
