package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/cmd/cli"
	"bvntd/seeds"
	"bvntd/storage"
	"bvntd/sync/netsim"
	"bvntd/sync/syncclient"
	"bvntd/sync/syncserver"
)

// convergeSeeds is how many random histories TestConvergence plays. CI runs
// the default; `go test ./cmd/bvntd-server -run Convergence -converge.seeds 1000`
// runs a thousand.
var convergeSeeds = flag.Int("converge.seeds", 50, "random histories played by TestConvergence")

// convergeLaptop is a laptop that can be restarted: its store reopened.
type convergeLaptop struct {
	*laptop
	path  string
	skew  time.Duration
	made  int // mutations this laptop wrote
	known []string
}

func (l *convergeLaptop) restart(t *testing.T, srv *fieldServer) {
	t.Helper()
	l.db.Close()
	now := func() time.Time { return srv.clock.Now().Add(l.skew) }
	db, err := storage.Open(context.Background(), l.path, storage.Options{Now: now, DeviceTag: l.tag})
	if err != nil {
		t.Fatalf("reopen after a restart: %v", err)
	}
	refs, _ := seeds.Load()
	db.SetRefs(refs)
	db.SetOfficer("Cán bộ khởi động lại")
	t.Cleanup(func() { db.Close() })
	l.db = db
	l.client = &syncclient.Client{Store: db, AppVersion: cli.AppVersion, Now: now,
		BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond}
}

// outboxLen counts pending and parked mutations.
func (l *convergeLaptop) outboxLen(t *testing.T) int {
	p, parked, err := l.db.OutboxCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return p + parked
}

// do runs a local write and counts the mutations it added.
func (l *convergeLaptop) do(t *testing.T, fn func() error) {
	t.Helper()
	before := l.outboxLen(t)
	if err := fn(); err != nil && app.ErrorCode(err) != app.EINVALID && app.ErrorCode(err) != app.ECONFLICT {
		t.Fatal(err)
	}
	l.made += l.outboxLen(t) - before
}

func TestConvergence(t *testing.T) {
	if testing.Short() {
		t.Skip("random histories are long")
	}
	for seed := 1; seed <= *convergeSeeds; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("replay: go test -tags ci -run 'TestConvergence/seed%d$' -converge.seeds %d ./cmd/bvntd-server (with the same %s)",
						seed, seed, clocktest.EnvToday)
				}
			})
			playHistory(t, uint64(seed))
		})
	}
}

var (
	convergeSummaries = []string{"Hàng giả", "Hàng hết hạn", "Không bảo hành", "Giao thiếu hàng", "Tính sai giá"}
	convergeBusiness  = []string{"Cửa hàng An Phú", "Đại lý Bình Minh", "Shop Hoa Mai", "Siêu thị Đồng Tháp"}
	convergeStatuses  = []string{"moi_tiep_nhan", "da_thu_ly", "dang_xu_ly", "da_giai_quyet"}
	convergeChannels  = []string{"truc_tiep", "dien_thoai", "mang_xa_hoi"}
)

// playHistory: three or four laptops of one commune, one of them with a
// clock years off, create and edit the same few cases (often the same
// field), record workflow steps, void some, resolve conflicts, and sync in
// random order over
// links that cut, sometimes killed in the middle of a sync and restarted.
// In the end every replica holds the same records, nothing a laptop wrote
// is missing on the server and nothing was applied twice.
//
// The history starts at the simulated today (some two hours of it) and
// every random choice, the laptops' device tags included, comes from seed.
func playHistory(t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, seed*7919))
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	srv.rng = r
	n := 3 + r.IntN(2)
	skews := []time.Duration{0, time.Duration(r.IntN(300)) * time.Second, -time.Duration(r.IntN(300)) * time.Second,
		[]time.Duration{tenYears, -tenYears, 3 * time.Hour}[r.IntN(3)]}
	laps := make([]*convergeLaptop, n)
	for i := range laps {
		l := newLaptop(t, srv, "28261", skews[i])
		laps[i] = &convergeLaptop{laptop: l, path: l.db.Path(), skew: skews[i]}
	}
	ctx := context.Background()
	// A training session and its invited people, known to every laptop:
	// the trainers take its register on any of them, offline or not.
	tomorrow := clocktest.Day(clock.Peek()).AddDate(0, 0, 1).Format(time.DateOnly)
	session := &app.TrainingSession{Title: "Tập huấn cho tiểu thương", StartDate: tomorrow,
		Format: "truc_tiep", Status: "ke_hoach"}
	laps[0].do(t, func() error { return laps[0].db.SaveRecord(ctx, session) })
	var people []string
	for i := range 5 {
		p := &app.Participant{FullName: fmt.Sprintf("Người dự %d-%d", seed, i), Type: "ho_kinh_doanh_tieu_thuong"}
		laps[0].do(t, func() error { return laps[0].db.SaveRecord(ctx, p) })
		people = append(people, p.ID)
	}
	for _, l := range laps {
		l.mustSync()
	}
	steps := 40 + r.IntN(30)
	for step := 0; step < steps; step++ {
		l := laps[r.IntN(n)]
		// Any case this laptop holds, its own or pulled from the others.
		all, err := l.db.ListCases(ctx, app.CaseQuery{IncludeVoided: true, Sort: app.SortNewest})
		if err != nil {
			t.Fatal(err)
		}
		l.known = l.known[:0]
		for _, c := range all {
			l.known = append(l.known, c.ID)
		}
		switch k := r.IntN(100); {
		case k < 15 || len(l.known) == 0:
			l.do(t, func() error {
				c := &app.Case{ReceivedAt: l.db.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "phan_anh",
					ConsumerName: fmt.Sprintf("Người %d-%d", seed, step), Sector: "khac",
					Summary: convergeSummaries[r.IntN(len(convergeSummaries))]}
				return l.db.CreateCase(ctx, c)
			})
		case k < 50:
			id := l.known[r.IntN(len(l.known))]
			l.do(t, func() error {
				c, err := l.db.GetCase(ctx, id)
				if err != nil {
					return err
				}
				orig := c
				switch r.IntN(4) { // often the same field on several laptops
				case 0:
					c.Summary = convergeSummaries[r.IntN(len(convergeSummaries))]
				case 1:
					c.BusinessName = convergeBusiness[r.IntN(len(convergeBusiness))]
				case 2:
					c.Status = convergeStatuses[r.IntN(len(convergeStatuses))]
				default:
					c.Channel = convergeChannels[r.IntN(len(convergeChannels))]
					c.Summary = convergeSummaries[r.IntN(len(convergeSummaries))]
				}
				return l.db.Edit(ctx, app.EntityCase, id, orig.Version, c.ChangedFields(&orig))
			})
		case k < 56:
			// An attendance mark, often the same person on several laptops.
			a := &app.Attendance{SessionID: session.ID, ParticipantID: people[r.IntN(len(people))],
				Status: app.AttendanceStatuses[r.IntN(len(app.AttendanceStatuses))].Code, Signed: r.IntN(2) == 0,
				CheckedInAt: l.db.Now()}
			l.do(t, func() error { return l.db.SaveRecord(ctx, a) })
		case k < 65:
			// A step of the workflow, allowed from the status this laptop sees.
			id := l.known[r.IntN(len(l.known))]
			l.do(t, func() error {
				c, err := l.db.GetCase(ctx, id)
				if err != nil {
					return err
				}
				evs := app.AllowedEvents(c.Status)
				e := &app.CaseEvent{Kind: evs[r.IntN(len(evs))], Note: "Ghi chú bước xử lý",
					Agency: "sct", RejectionReason: app.RejectionReasons[0].Code}
				return l.db.AddCaseEvent(ctx, id, e)
			})
		case k < 70:
			id := l.known[r.IntN(len(l.known))]
			l.do(t, func() error { return l.db.VoidCase(ctx, id, "Ghi nhầm") })
		case k < 75:
			l.do(t, func() error {
				cs, err := l.db.ListConflicts(ctx, true)
				if err != nil || len(cs) == 0 {
					return err
				}
				res := []string{app.ResolutionKeep, app.ResolutionOther}[r.IntN(2)]
				return l.db.ResolveConflict(ctx, cs[r.IntN(len(cs))].ID, res)
			})
		default:
			syncRandomly(t, r, srv, l)
		}
		clock.Advance(time.Duration(r.IntN(90)) * time.Second)
	}

	// The network is back for good: everyone syncs until nothing moves.
	for round := 0; round < 3; round++ {
		for _, l := range laps {
			l.client.HTTP = nil
			l.mustSync()
		}
	}
	want := srv.dump()
	t.Logf("seed %d: %d laptops, %d mutations, %d records of which %d conflicts, %d case events, %d attendance marks, %d voided",
		seed, n, sumMade(laps), strings.Count(want, "\n"), strings.Count(want, `"type":"conflict"`),
		strings.Count(want, `"type":"case_event"`), strings.Count(want, `"type":"attendance"`), strings.Count(want, `"voided":true`))
	made := 0
	for i, l := range laps {
		if got := l.dump(); got != want {
			t.Fatalf("seed %d: laptop %d differs from the server", seed, i)
		}
		if left := l.outboxLen(t); left != 0 {
			t.Fatalf("seed %d: laptop %d still has %d mutations", seed, i, left)
		}
		made += l.made
	}
	// Every mutation written reached the server exactly once.
	db := openServerSQL(t, srv.path)
	var applied, distinct, rejected int
	if err := db.QueryRow(`SELECT count(*), count(DISTINCT mutation_id), coalesce(sum(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END), 0)
		FROM applied_mutations`).Scan(&applied, &distinct, &rejected); err != nil {
		t.Fatal(err)
	}
	if applied != made || distinct != made || rejected != 0 {
		t.Fatalf("seed %d: laptops wrote %d mutations; the server recorded %d (%d distinct, %d rejected)",
			seed, made, applied, distinct, rejected)
	}
	// Each record's version counts the mutations applied to it: none twice.
	rows, err := db.Query(`SELECT r.id, r.version, (SELECT count(*) FROM applied_mutations a
		WHERE a.record_id = r.id AND a.status = 'applied') FROM records r WHERE r.entity = 'case'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var version, count int
		if err := rows.Scan(&id, &version, &count); err != nil {
			t.Fatal(err)
		}
		if version != count {
			t.Fatalf("seed %d: case %s has version %d after %d mutations", seed, id, version, count)
		}
	}
}

// syncRandomly syncs a laptop over a link that may cut, and may kill the
// sync part way (the context ends, as when the process dies) and restart
// the laptop.
func syncRandomly(t *testing.T, r *rand.Rand, srv *fieldServer, l *convergeLaptop) {
	t.Helper()
	if r.IntN(3) == 0 {
		link := &netsim.Link{CutEvery: int64(2<<10 + r.IntN(30<<10)), MaxCuts: int64(1 + r.IntN(4))}
		l.client.HTTP = link.Client(10 * time.Second)
	} else {
		l.client.HTTP = nil
	}
	if r.IntN(4) == 0 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(r.IntN(15))*time.Millisecond)
		l.client.Sync(ctx) // killed part way: any outcome is allowed
		cancel()
		l.restart(t, srv)
		return
	}
	if err := l.sync(); err != nil {
		t.Fatalf("sync: %v", err)
	}
}

func sumMade(laps []*convergeLaptop) int {
	n := 0
	for _, l := range laps {
		n += l.made
	}
	return n
}
