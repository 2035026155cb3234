package syncclient

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// txStore is memStore noting each ApplyPull call (a transaction of the
// real store) and when the server's time was recorded among them.
type txStore struct {
	memStore
	calls []string // "apply N1+N2…" or "time"
}

func (s *txStore) ApplyPull(ctx context.Context, pages []app.PulledPage) (int, error) {
	call := "apply"
	for i, p := range pages {
		sep := " "
		if i > 0 {
			sep = "+"
		}
		call += fmt.Sprintf("%s%d", sep, len(p.Records))
	}
	s.calls = append(s.calls, call)
	return s.memStore.ApplyPull(ctx, pages)
}

func (s *txStore) RecordServerTime(context.Context, time.Time) error {
	s.calls = append(s.calls, "time")
	return nil
}

func groupOf(n int, seq int64) pullEvent {
	p := &app.PulledPage{Scope: "28261", Epoch: "e1", NextSeq: seq, Records: make([]app.PulledRecord, n)}
	return pullEvent{page: p}
}

// The groups that arrived while a transaction ran are stored together, up
// to applyCoalesce records, with their cursors; an answer's end is taken
// after the groups before it and before those after it.
func TestApplyPulled_GathersTheGroupsWaiting(t *testing.T) {
	st := &txStore{memStore: memStore{cursors: map[string]app.Cursor{}}}
	c := &Client{Store: st}
	events := make(chan pullEvent, 16)
	seq := int64(0)
	group := func(n int) pullEvent { seq += int64(n); return groupOf(n, seq) }
	const q = applyCoalesce / 4
	for _, ev := range []pullEvent{group(256), group(256), group(100),
		{end: &syncproto.PullResponse{ServerTimeMS: 1}},
		group(q), group(q), group(q), group(q), group(q), group(10)} {
		events <- ev
	}
	close(events)
	var res Result
	var pulled atomic.Int64
	if err := c.applyPulled(context.Background(), events, &res, &pulled); err != nil {
		t.Fatal(err)
	}
	want := []string{"apply 256+256+100", "time", fmt.Sprintf("apply %d+%d+%d+%d", q, q, q, q), fmt.Sprintf("apply %d+10", q)}
	if fmt.Sprint(st.calls) != fmt.Sprint(want) {
		t.Errorf("transactions %q, want %q", st.calls, want)
	}
	if n := int64(612 + 5*q + 10); res.Pulled != int(n) || pulled.Load() != n || st.cursors["28261"].Seq != seq {
		t.Errorf("pulled %d (%d), cursor %d; want %d, cursor %d", res.Pulled, pulled.Load(), st.cursors["28261"].Seq, n, seq)
	}
}
