package serverstore_test

import (
	"context"
	"flag"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage/pgtest"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"
)

var (
	gapMutations = flag.Int("gapfree.mutations", 20000, "mutations pushed by TestGapFree_ConcurrentPushersAndPullers")
	gapPushers   = flag.Int("gapfree.pushers", 16, "concurrent pushers")
	gapPullers   = flag.Int("gapfree.pullers", 8, "concurrent pullers")
)

// gapRun is the outcome of a run of concurrent pushers and pullers.
type gapRun struct {
	pushed  int            // mutations applied
	missing []int          // per puller: records it never received
	pulls   int64          // pull requests made while pushing
	seqGaps map[string]int // per scope: numbers between 1 and the head that no record has
}

// runGapFree pushes n new case records from pushers commune devices (four
// scopes, several pushers each, batches of 25) while pullers provincial
// devices pull by cursor as fast as they can, each keeping only the
// cursors the server gave it, exactly as a device does. When the pushers
// are done, every puller pulls until the server has nothing more, and the
// run reports what each puller never received.
//
// Every push waits a random 0–2 ms before it commits (a slow disk, a busy
// server), so pushes of the same scope overlap and commit out of the order
// they started in; the waits are drawn from the test's seed. The stamps
// are those of clock, the store's clock.
func runGapFree(t *testing.T, s *serverstore.Store, clock *clocktest.Clock, n, pushers, pullers int) gapRun {
	t.Helper()
	ctx := context.Background()
	scopes := []string{"28261", "28249", "28273", "28270"}
	var randMu sync.Mutex
	r := clocktest.Rand(t)
	s.SetBeforeCommit(func() {
		randMu.Lock()
		wait := time.Duration(r.IntN(2000)) * time.Microsecond
		randMu.Unlock()
		time.Sleep(wait)
	})
	defer s.SetBeforeCommit(nil)

	push := make([]device, pushers)
	for i := range push {
		push[i] = MustEnroll(t, s, scopes[i%len(scopes)])
	}
	pull := make([]device, pullers)
	for i := range pull {
		pull[i] = MustEnroll(t, s, syncproto.ScopeProvince)
	}

	const batch = 25
	perPusher := (n + pushers - 1) / pushers
	var done atomic.Bool
	var pushed atomic.Int64
	var pulls atomic.Int64
	errs := make(chan error, pushers+pullers)

	var pushWG sync.WaitGroup
	for i, d := range push {
		pushWG.Add(1)
		go func() {
			defer pushWG.Done()
			for sent := 0; sent < perPusher && sent+i*perPusher < n; {
				k := min(batch, perPusher-sent, n-i*perPusher-sent)
				muts := make([]syncproto.Mutation, k)
				for j := range muts {
					muts[j] = mut(app.NewID(), d.Scope, app.HLC{Wall: clock.Peek().UnixMilli(), Logical: uint32(sent + j)},
						map[string]any{"summary": fmt.Sprintf("p%d-%d", i, sent+j), "status": "moi_tiep_nhan"})
				}
				res, err := s.ApplyPush(ctx, d.ID, syncproto.PushRequest{Mutations: muts})
				if err != nil {
					errs <- fmt.Errorf("pusher %d: %w", i, err)
					return
				}
				for _, r := range res {
					if r.Status != syncproto.StatusApplied {
						errs <- fmt.Errorf("pusher %d: %s %s", i, r.Status, r.Message)
						return
					}
				}
				pushed.Add(int64(k))
				sent += k
			}
		}()
	}

	got := make([]map[string]bool, pullers)
	var pullWG sync.WaitGroup
	for i, d := range pull {
		got[i] = map[string]bool{}
		pullWG.Add(1)
		go func() {
			defer pullWG.Done()
			cursors := map[string]syncproto.Cursor{}
			pullOnce := func() (bool, error) {
				req := syncproto.PullRequest{MaxBytes: 32 << 10}
				for _, c := range cursors {
					req.Cursors = append(req.Cursors, c)
				}
				resp, err := s.Pull(ctx, d.ID, req)
				if err != nil {
					return false, err
				}
				for _, p := range resp.Scopes {
					if p.Reset {
						return false, fmt.Errorf("scope %s reset", p.Scope)
					}
					for _, r := range p.Records {
						got[i][r.ID] = true
					}
					cursors[p.Scope] = syncproto.Cursor{Scope: p.Scope, Epoch: p.Epoch, Seq: p.NextSeq}
				}
				return resp.HasMore, nil
			}
			for !done.Load() {
				if _, err := pullOnce(); err != nil {
					errs <- fmt.Errorf("puller %d: %w", i, err)
					return
				}
				pulls.Add(1)
			}
			for { // the pushers are done: catch up
				more, err := pullOnce()
				if err != nil {
					errs <- fmt.Errorf("puller %d: %w", i, err)
					return
				}
				if !more {
					return
				}
			}
		}()
	}
	pushWG.Wait()
	done.Store(true)
	pullWG.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	run := gapRun{pushed: int(pushed.Load()), pulls: pulls.Load(), seqGaps: map[string]int{}}
	for i := range pull {
		run.missing = append(run.missing, run.pushed-len(got[i]))
	}
	for _, scope := range scopes {
		var head, count int
		err := s.RawDB().QueryRow(s.Bind(`SELECT coalesce(max(seq), 0), count(*) FROM records WHERE scope = ?`), scope).Scan(&head, &count)
		if err != nil {
			t.Fatal(err)
		}
		run.seqGaps[scope] = head - count
	}
	return run
}

// openPostgres opens a store on clock on a schema of the throwaway
// PostgreSQL with a pool large enough for every pusher and puller to hold a
// connection. The tests that need PostgreSQL itself run in the PostgreSQL
// pass (BVNTD_TEST_ENGINE=postgres, as .ci/test runs it).
func openPostgres(t *testing.T, clock *clocktest.Clock, conns int) *serverstore.Store {
	t.Helper()
	if !pgtest.Postgres() {
		t.Skip("PostgreSQL only: BVNTD_TEST_ENGINE=postgres")
	}
	url := pgtest.NewSchema(t) + fmt.Sprintf("&pool_max_conns=%d", conns)
	s, err := serverstore.Open(context.Background(), url, serverstore.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestGapFree_ConcurrentPushersAndPullers: with ≥16 pushers and ≥8 pullers
// running at once on PostgreSQL for ≥20,000 mutations, every puller ends
// with every mutation, and each scope's numbers run 1…head without a hole.
// It runs on PostgreSQL whatever the engine of the other tests (on SQLite
// a single writer makes the question moot).
func TestGapFree_ConcurrentPushersAndPullers(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	clock := clocktest.AtToday(t)
	s := openPostgres(t, clock, *gapPushers+*gapPullers+2)
	run := runGapFree(t, s, clock, *gapMutations, *gapPushers, *gapPullers)
	t.Logf("%d mutations by %d pushers, %d pullers (%d pulls while pushing)",
		run.pushed, *gapPushers, *gapPullers, run.pulls)
	if run.pushed != *gapMutations {
		t.Fatalf("pushed %d, want %d", run.pushed, *gapMutations)
	}
	if run.pulls < int64(*gapPullers) {
		t.Fatalf("the pullers pulled %d times while the pushers ran: no concurrency, the test is void", run.pulls)
	}
	for i, m := range run.missing {
		if m != 0 {
			t.Errorf("puller %d never received %d of %d records", i, m, run.pushed)
		}
	}
	for scope, gaps := range run.seqGaps {
		if gaps != 0 {
			t.Errorf("scope %s: %d numbers without a record", scope, gaps)
		}
	}
}

// TestGapFree_PlainSequenceLosesRecords shows what lockScopes prevents: with
// the sequence numbers taken from a plain PostgreSQL sequence (nextval,
// no lock held to commit), the same run leaves pullers without records
// they will never receive.
func TestGapFree_PlainSequenceLosesRecords(t *testing.T) {
	if testing.Short() {
		t.Skip("long")
	}
	clock := clocktest.AtToday(t)
	s := openPostgres(t, clock, *gapPushers+*gapPullers+2)
	if err := s.UsePlainSequence(context.Background()); err != nil {
		t.Fatal(err)
	}
	run := runGapFree(t, s, clock, 4000, *gapPushers, *gapPullers)
	lost := 0
	for _, m := range run.missing {
		lost += m
	}
	t.Logf("plain sequence: %d mutations; records never received, per puller: %v", run.pushed, run.missing)
	if lost == 0 {
		t.Fatal("no puller missed a record with a plain sequence; the run did not overlap commits (the test is void)")
	}
}

// TestGapFree_PlainSequenceSkip is the failure step by step: push A takes
// its number, push B takes a later one and commits first, a puller reads
// B and moves its cursor past A's number; when A commits, that puller never
// sees it. With the locked counter, B waits for A instead.
func TestGapFree_PlainSequenceSkip(t *testing.T) {
	for _, plain := range []bool{true, false} {
		t.Run(fmt.Sprintf("plain=%v", plain), func(t *testing.T) {
			ctx := context.Background()
			s := openPostgres(t, newTestClock(), 8)
			if plain {
				if err := s.UsePlainSequence(ctx); err != nil {
					t.Fatal(err)
				}
			}
			a, b := MustEnroll(t, s, "28261"), MustEnroll(t, s, "28261")
			p := MustEnroll(t, s, syncproto.ScopeProvince)

			// A stops before committing, once it holds its number.
			aHolds, aGo := make(chan struct{}), make(chan struct{})
			var first atomic.Bool
			s.SetBeforeCommit(func() {
				if first.CompareAndSwap(false, true) {
					close(aHolds)
					<-aGo
				}
			})
			idA, idB := app.NewID(), app.NewID()
			aDone := make(chan error, 1)
			go func() {
				_, err := s.ApplyPush(ctx, a.ID, syncproto.PushRequest{Mutations: []syncproto.Mutation{
					mut(idA, "28261", hlc(1), map[string]any{"summary": "A"})}})
				aDone <- err
			}()
			<-aHolds
			bDone := make(chan error, 1)
			go func() {
				_, err := s.ApplyPush(ctx, b.ID, syncproto.PushRequest{Mutations: []syncproto.Mutation{
					mut(idB, "28261", hlc(2), map[string]any{"summary": "B"})}})
				bDone <- err
			}()
			bCommitted := false
			select {
			case err := <-bDone:
				if err != nil {
					t.Fatal(err)
				}
				bCommitted = true
			case <-time.After(500 * time.Millisecond): // B waits for A's lock
			}
			recs, cursors, _ := pullAll(t, s, p, 0)
			close(aGo)
			if err := <-aDone; err != nil {
				t.Fatal(err)
			}
			if !bCommitted {
				if err := <-bDone; err != nil {
					t.Fatal(err)
				}
			}
			more, _, _ := pullAll(t, s, p, 0, cursors...)
			seen := map[string]bool{}
			for _, r := range append(recs["28261"], more["28261"]...) {
				seen[r.ID] = true
			}
			if plain {
				if !bCommitted || !seen[idB] || seen[idA] {
					t.Fatalf("plain sequence: B committed first %v, saw B %v, saw A %v; want the skip of A", bCommitted, seen[idB], seen[idA])
				}
				return
			}
			if bCommitted {
				t.Fatal("locked counter: B committed while A held the scope")
			}
			if !seen[idA] || !seen[idB] {
				t.Fatalf("locked counter: saw A %v, B %v", seen[idA], seen[idB])
			}
		})
	}
}
