package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/seeds/demo/demotest"
	"bvntd/storage"
)

func lastEvent(c demotest.Case, kind string) (app.CaseEvent, bool) {
	for i := len(c.Events) - 1; i >= 0; i-- {
		if c.Events[i].Kind == kind {
			return c.Events[i], true
		}
	}
	return app.CaseEvent{}, false
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// TestDemo_WorkflowProportions: 300 demo cases, written on a fixed day
// (demoNow) and on the simulated today, are valid and spread over the
// workflow as a commune's year is.
func TestDemo_WorkflowProportions(t *testing.T) {
	t.Run("26-11-2026", func(t *testing.T) { checkDemoProportions(t, demoNow) })
	t.Run("today", func(t *testing.T) { checkDemoProportions(t, clocktest.AtToday(t).Peek()) })
}

// checkDemoProportions writes 300 demo cases into a store whose clock
// stands at at, and checks them.
func checkDemoProportions(t *testing.T, at time.Time) {
	ctx := context.Background()
	db, refs, _ := openStore(t, "28261", at)
	const n = 300
	if _, _, err := Cases(ctx, db, &db.Now, refs, Options{Unit: "28261", Seed: 7, Complaints: n}); err != nil {
		t.Fatal(err)
	}
	now := at.UTC()
	cases := demotest.LoadCases(t, db)
	if len(cases) != n {
		t.Fatalf("%d cases, want %d", len(cases), n)
	}
	demotest.CheckTimelines(t, cases, refs, now)

	cal, err := refs.Calendar()
	if err != nil {
		t.Fatal(err)
	}
	var (
		status                                        = map[string]int{}
		outcome                                       = map[string]int{}
		events                                        = map[string]int{}
		bizKinds                                      = map[string]int{}
		advice, adviceClosed, other, closedOutcome    int
		referred, referredEver, vulnerable, elderly   int
		open, overdue, dueSoon                        int
		birth, band, oldAddr, reps, taxCodes, withFee int
		recent, recentOpen, old, oldDone              int
		oldest                                        time.Time
		stepsTotal                                    int
	)
	soon := cal.AddWorkingDays(now, 5).AddDate(0, 0, 1)
	taxRE := regexp.MustCompile(`^[0-9]{10}$`)
	for _, c := range cases {
		status[c.Status]++
		stepsTotal += len(c.Events)
		for _, e := range c.Events {
			events[e.Kind]++
		}
		closed, isClosed := lastEvent(c, app.EventClosed)
		if c.Kind == "tu_van" {
			advice++
			if c.Status == app.StatusClosed && closed.Outcome == "tu_van_xong" {
				adviceClosed++
			}
		} else {
			other++
			if c.Status == app.StatusClosed && isClosed && closed.Outcome != "" {
				closedOutcome++
				outcome[closed.Outcome]++
			}
			if c.Status == app.StatusReferred {
				referred++
			}
			if _, ok := lastEvent(c, app.EventReferred); ok {
				referredEver++
			}
		}
		if c.IsVulnerable() {
			vulnerable++
			if c.VulnerableEvidence == "" {
				t.Errorf("case %s: vulnerable without evidence", c.Number)
			}
		}
		for _, g := range c.SuggestedGroups(now) {
			if g == app.GroupElderly {
				elderly++
				if !containsCode(c.VulnerableGroups, g) {
					t.Errorf("case %s: elderly consumer not in the group", c.Number)
				}
			}
		}
		if c.ConsumerBirthDate != "" {
			birth++
		}
		if c.ConsumerAgeBand != "" {
			band++
		}
		if c.ConsumerOldAddress != "" {
			oldAddr++
		}
		if c.RequesterRole == app.RoleRepresentative {
			reps++
		}
		if c.ConsumerUnitCode != "28261" || c.AssignedTo == "" && len(c.Events) > 0 {
			t.Errorf("case %s: consumer unit %q, officer %q", c.Number, c.ConsumerUnitCode, c.AssignedTo)
		}
		bizKinds[c.BusinessKind]++
		if c.BusinessKind == "doanh_nghiep" || c.BusinessKind == "san_tmdt" {
			if !taxRE.MatchString(c.BusinessTaxCode) {
				t.Errorf("case %s: company %q with tax code %q", c.Number, c.BusinessName, c.BusinessTaxCode)
			}
			taxCodes++
		}
		if c.Sector == "" || c.Summary == "" || c.ProductOrService == "" || c.TransactionDate == "" ||
			c.TransactionValue <= 0 || c.TransactionType == "" || c.SpecificRequest == "" || c.ConsumerGender == "" {
			t.Errorf("case %s: a field of the record is empty: %+v", c.Number, c.Case)
		}
		if c.Kind != "tu_van" && (len(c.IssueTypes) == 0 || len(c.Evidence) == 0 || c.DamageClaimed <= 0) {
			t.Errorf("case %s: no issue type, evidence or damage", c.Number)
		}
		if c.DamageClaimed > 0 {
			withFee++
		}
		if c.Sector == "thuong_mai_dien_tu" && c.BusinessOnlineChannel == "" {
			t.Errorf("case %s: e-commerce without an online channel", c.Number)
		}
		for _, e := range c.Events {
			switch e.Kind {
			case app.EventReferred:
				if _, ok := refs.Agency(e.Agency); !ok || !regexp.MustCompile(`^[0-9]+/UBND-`).MatchString(e.DocumentNo) {
					t.Errorf("case %s: referred to %q with document %q", c.Number, e.Agency, e.DocumentNo)
				}
			case app.EventNegotiationResult, app.EventMediationResult:
				if e.HeldOn != e.At.In(app.ICT).Format(time.DateOnly) {
					t.Errorf("case %s: record held on %s, recorded %v", c.Number, e.HeldOn, e.At)
				}
			}
		}
		age := now.Sub(c.ReceivedAt)
		if oldest.IsZero() || c.ReceivedAt.Before(oldest) {
			oldest = c.ReceivedAt
		}
		done := c.Status == app.StatusClosed || c.Status == app.StatusRejected || c.Status == app.StatusWithdrawn ||
			c.Status == app.StatusReferred
		switch {
		case age < 30*24*time.Hour:
			recent++
			if !done {
				recentOpen++
			}
		case age > 180*24*time.Hour:
			old++
			if done {
				oldDone++
			}
		}
		if dl := app.Deadlines(&c.Case, c.Events, refs.SlaRules, cal, now); c.Status != app.StatusClosed &&
			c.Status != app.StatusRejected && c.Status != app.StatusWithdrawn {
			open++
			for _, d := range dl {
				if d.Overdue {
					overdue++
					break
				}
			}
			// Due soon: by the end of the fifth working day from today
			// (a week, in calendar days, may be all holidays: Tết).
			if len(dl) > 0 && !dl[0].Overdue && dl[0].Due.Before(soon) {
				dueSoon++
			}
		}
	}

	var figures []string
	for _, s := range app.CaseStatuses {
		figures = append(figures, fmt.Sprintf("%s %d (%.0f%%)", s.Code, status[s.Code], 100*share(status[s.Code], n)))
	}
	var outs []string
	for _, o := range app.Outcomes {
		if outcome[o.Code] > 0 {
			outs = append(outs, fmt.Sprintf("%s %d", o.Code, outcome[o.Code]))
		}
	}
	var evs []string
	for _, e := range app.CaseEvents {
		evs = append(evs, fmt.Sprintf("%s %d", e.Code, events[e.Code]))
	}
	t.Logf("%d cases and %d steps", n, stepsTotal)
	t.Logf("statuses: %s", strings.Join(figures, ", "))
	t.Logf("non-advice cases %d: closed with an outcome %d (%.0f%%: %s), referred now %d (%.0f%%), ever %d (%.0f%%), rejected %.0f%%, withdrawn %.0f%%",
		other, closedOutcome, 100*share(closedOutcome, other), strings.Join(outs, ", "), referred, 100*share(referred, other),
		referredEver, 100*share(referredEver, other), 100*share(status[app.StatusRejected], other), 100*share(status[app.StatusWithdrawn], other))
	t.Logf("advice cases %d: closed as advice given %d (%.0f%%)", advice, adviceClosed, 100*share(adviceClosed, advice))
	t.Logf("vulnerable %d (%.0f%%, elderly %d); birth date %d, age band %d, pre-2025 address %d, legal representative %d, companies with tax codes %d",
		vulnerable, 100*share(vulnerable, n), elderly, birth, band, oldAddr, reps, taxCodes)
	t.Logf("open %d: overdue %d, next deadline within 5 working days %d; received in the last 30 days: %d, %d open; over 180 days ago: %d, %d finished; oldest %s",
		open, overdue, dueSoon, recent, recentOpen, old, oldDone, oldest.In(app.ICT).Format("02/01/2006"))
	t.Logf("business kinds: %v", bizKinds)
	t.Logf("steps: %s", strings.Join(evs, ", "))

	for _, s := range app.CaseStatuses {
		if status[s.Code] == 0 {
			t.Errorf("no case in status %s", s.Code)
		}
	}
	for _, k := range []string{app.EventAcknowledged, app.EventDocsRequested, app.EventDocsReceived, app.EventAccepted,
		app.EventRejected, app.EventProcessingStarted, app.EventReferred, app.EventReferralResponse,
		app.EventBusinessContacted, app.EventBusinessResponded, app.EventBusinessRefused, app.EventNegotiationStart,
		app.EventNegotiationResult, app.EventMediationStart, app.EventMediationResult, app.EventAdvisedNextStep,
		app.EventResolved, app.EventClosed, app.EventWithdrawn, app.EventNote} {
		if events[k] == 0 {
			t.Errorf("no step %s", k)
		}
	}
	check := func(what string, got, lo, hi float64) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s: %.1f%%, want %.0f–%.0f%%", what, 100*got, 100*lo, 100*hi)
		}
	}
	check("non-advice closed with an outcome", share(closedOutcome, other), 0.32, 0.50)
	check("non-advice referred", share(referred, other), 0.05, 0.16)
	check("non-advice rejected", share(status[app.StatusRejected], other), 0.005, 0.07)
	check("non-advice withdrawn", share(status[app.StatusWithdrawn], other), 0.005, 0.07)
	check("advice closed as advice given", share(adviceClosed, advice), 0.70, 0.97)
	check("vulnerable", share(vulnerable, n), 0.08, 0.18)
	check("birth date", share(birth, n), 0.65, 0.90)
	check("open overdue", share(overdue, open), 0.02, 0.35)
	check("open due within 5 working days", share(dueSoon, open), 0.10, 0.90)
	check("recent cases open", share(recentOpen, recent), 0.5, 1)
	check("old cases finished", share(oldDone, old), 0.85, 1)
	if band == 0 || oldAddr == 0 || reps == 0 || elderly == 0 {
		t.Errorf("age band %d, pre-2025 address %d, legal representatives %d, elderly %d: want some of each", band, oldAddr, reps, elderly)
	}
	if bizKinds["san_tmdt"] == 0 || bizKinds["nguoi_ban_tren_mxh"] == 0 {
		t.Errorf("business kinds %v: want e-commerce platforms and social-media sellers", bizKinds)
	}
	// Finished cases are received over the last 365 days (a weekend or Tết
	// then moves an office-hours case to a working day inside the year).
	if yearAgo := dayOf(now).AddDate(0, 0, -365); oldest.Before(yearAgo) || now.Sub(oldest) < 300*24*time.Hour {
		t.Errorf("oldest case received %v: want about a year ago, not before %v", oldest, yearAgo)
	}

	// Every write went through the outbox: a case, each step, and each
	// change of status.
	pending, _, err := db.OutboxCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	moves := 0
	for _, c := range cases {
		for _, e := range c.Events {
			if e.FromStatus != e.ToStatus {
				moves++
			}
		}
	}
	if want := n + stepsTotal + moves; pending != want {
		t.Errorf("%d mutations in the outbox, want %d", pending, want)
	}
}

// canonicalDump is the store's dump with what differs between two stores
// made alike replaced: record ids by what identifies the record, and the
// device tag in case numbers.
func canonicalDump(t *testing.T, db *storage.DB) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := db.Dump(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	tag := regexp.MustCompile(`^(\d{5}-\d{4})-[^-]+-(\d+)$`)
	var recs []map[string]any
	label := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if m["type"] == app.EntityCase {
			num := tag.ReplaceAllString(m["number"].(string), "$1-TAG-$2")
			m["number"] = num
			label[m["id"].(string)] = "case " + num
		}
		recs = append(recs, m)
	}
	var lines []string
	seen := map[string]int{}
	for _, m := range recs {
		if m["type"] == app.EntityCaseEvent {
			caseLabel := label[m["case_id"].(string)]
			m["case_id"] = caseLabel
			key := fmt.Sprintf("%s %v %v", caseLabel, m["at"], m["kind"])
			seen[key]++
			m["id"] = fmt.Sprintf("%s #%d", key, seen[key])
		} else {
			m["id"] = label[m["id"].(string)]
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(out))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestDemo_SameSeedSameDump(t *testing.T) {
	dump := func(seed uint64) string {
		db, refs, _ := openStore(t, "29905", demoNow)
		if _, _, err := Cases(context.Background(), db, &db.Now, refs, Options{Unit: "29905", Seed: seed, Complaints: 120}); err != nil {
			t.Fatal(err)
		}
		return canonicalDump(t, db)
	}
	a, b := dump(42), dump(42)
	if a != b {
		al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
		for i := range min(len(al), len(bl)) {
			if al[i] != bl[i] {
				t.Fatalf("the same seed gave different dumps; first difference:\n%s\n%s", al[i], bl[i])
			}
		}
		t.Fatalf("the same seed gave dumps of %d and %d records", len(al), len(bl))
	}
	if !strings.Contains(a, `"type":"case_event"`) {
		t.Fatal("the dump holds no step")
	}
	if dump(43) == a {
		t.Fatal("another seed gave the same dump")
	}
}

func TestDemo_EditsKeepTimelinesValid(t *testing.T) {
	ctx := context.Background()
	db, refs, clock := openStore(t, "28261", demoNow)
	if _, _, err := Cases(ctx, db, &db.Now, refs, Options{Unit: "28261", Seed: 3, Complaints: 40}); err != nil {
		t.Fatal(err)
	}
	before, _, err := db.OutboxCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A day later the officer goes on working.
	later := demoNow.Add(24 * time.Hour)
	clock.Set(later)
	if _, e, err := Cases(ctx, db, &db.Now, refs, Options{Unit: "28261", Seed: 4, Edits: 60}); err != nil || e != 60 {
		t.Fatalf("%d edits: %v", e, err)
	}
	after, _, err := db.OutboxCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after-before < 50 {
		t.Fatalf("60 edits wrote %d mutations", after-before)
	}
	cases := demotest.LoadCases(t, db)
	demotest.CheckTimelines(t, cases, refs, later.UTC())
	today := 0
	for _, c := range cases {
		for _, e := range c.Events {
			if e.At.Equal(later.UTC()) {
				today++
			}
		}
	}
	if today == 0 {
		t.Fatal("no edit recorded a step")
	}
}

func TestDemo_PlainCasesHaveNoSteps(t *testing.T) {
	ctx := context.Background()
	db, refs, _ := openStore(t, "28261", demoNow)
	if _, _, err := Cases(ctx, db, &db.Now, refs, Options{Unit: "28261", Seed: 1, Complaints: 30, Plain: true}); err != nil {
		t.Fatal(err)
	}
	pending, _, err := db.OutboxCount(ctx)
	if err != nil || pending != 30 {
		t.Fatalf("%d mutations for 30 plain cases (%v)", pending, err)
	}
	for _, c := range demotest.LoadCases(t, db) {
		if c.Status != app.StatusReceived || len(c.Events) != 0 {
			t.Fatalf("plain case %s is %s with %d steps", c.Number, c.Status, len(c.Events))
		}
	}
}

// TestDemo_NoIdentityPapersInFreeText: the demo never writes what an
// identity card says (its number, or words that transcribe it) into a
// record's text, in the cases or in the year of work (issue 18 item 9): an
// officer copying the demo must not learn to.
func TestDemo_NoIdentityPapersInFreeText(t *testing.T) {
	db, refs, _ := openStore(t, "28261", demoNow)
	if err := Write(context.Background(), db, &db.Now, refs, Options{Unit: "28261", Seed: 11, Complaints: 300}); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := db.Dump(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	words := []string{"căn cước", "cccd", "cmnd", "chứng minh nhân dân", "số định danh"}
	idNumber := regexp.MustCompile(`(^|[^0-9])([0-9]{9}|[0-9]{12})([^0-9]|$)`) // CMND (9) and CCCD (12) numbers
	var walk func(v any, where string)
	texts := 0
	walk = func(v any, where string) {
		switch x := v.(type) {
		case map[string]any:
			for k, y := range x {
				if k != "id" && !strings.HasSuffix(k, "_id") && k != "number" {
					walk(y, where+"."+k)
				}
			}
		case []any:
			for _, y := range x {
				walk(y, where)
			}
		case string:
			texts++
			low := strings.ToLower(x)
			for _, w := range words {
				if strings.Contains(low, w) {
					t.Errorf("%s: %q names an identity paper's contents", where, x)
				}
			}
			if idNumber.MatchString(x) {
				t.Errorf("%s: %q holds what looks like an ID number", where, x)
			}
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		walk(m, fmt.Sprint(m["type"]))
	}
	if texts < 5000 {
		t.Fatalf("only %d texts checked", texts)
	}
}
