package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// registerEvents (one row per case, its steps' values length-prefixed)
// returns what stepsByCase returns of the same steps read one row each:
// every value, in time order with ties by id, whatever the values hold
// (colons, digits, lengths, empty texts, Vietnamese, large and negative
// amounts), and nothing for a case without steps.
func TestRegisterEvents_SameAsOneRowPerStep(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	r := clocktest.Rand(t)
	weird := []string{"", ":", "12:", "3:abc", "0:", "Đã giải quyết", "a:b:c", "999999999999:", "x'1f'", "\x00", "dài " + fmt.Sprint(r.Int64())}
	pick := func() string { return weird[r.IntN(len(weird))] }
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, app.ICT)
	var cases []app.Case
	for c := range 40 {
		id := fmt.Sprintf("case:%d", c)
		cases = append(cases, app.Case{RecordHead: app.RecordHead{ID: id}})
		for s := range r.IntN(6) {
			e := map[string]any{"id": fmt.Sprintf("%d:%d:%s", c, s, pick()), "case_id": id}
			when := at.Add(time.Duration(r.IntN(3)) * time.Hour).UTC().Format(time.RFC3339) // ties on the time
			b, _ := json.Marshal(e)
			if _, err := db.w.ExecContext(ctx, `INSERT INTO case_events (id, case_id, at, fields, kind, from_status, to_status, outcome, amount_recovered)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e["id"], id, when, string(b), pick(), pick(), pick(), pick(), r.Int64N(1<<62)-1<<61); err != nil {
				t.Fatal(err)
			}
		}
	}
	cases = append(cases, app.Case{RecordHead: app.RecordHead{ID: "no steps"}})
	got, err := db.registerEvents(ctx, cases)
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := json.Marshal(func() []string {
		var out []string
		for _, c := range cases {
			out = append(out, c.ID)
		}
		return out
	}())
	want, err := db.stepsByCase(ctx, `SELECT `+stepColumns+` FROM case_events e
		WHERE e.case_id IN (SELECT value FROM json_each(?)) ORDER BY e.case_id, e.at, e.id`, string(ids))
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 20 || !reflect.DeepEqual(got, want) {
		t.Fatalf("one row per case:\n%v\none row per step:\n%v", got, want)
	}
}
