package xlsx

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// syntheticRegister builds n cases spread over the communes of refs and
// report year 2026, each with the steps of its status (synthetic data).
func syntheticRegister(b testing.TB, n int) *app.KPIData {
	d, refs := registerData(b)
	d.Cases, d.Events = nil, nil
	r := clocktest.Rand(b)
	first := ict(2025, 12, 15, 7, 0)
	family := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"}
	middle := []string{"Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thanh"}
	given := []string{"An", "Bình", "Cường", "Dũng", "Đào", "Hạnh", "Lan", "Ơn", "Ưng", "Yến"}
	sectors := []string{"thuc_pham_do_uong", "dien_tu_dien_may", "khac"}
	statuses := []string{"moi_tiep_nhan", "dang_xu_ly", "da_giai_quyet", "dong", "tu_choi"}
	d.Cases = make([]app.Case, 0, n)
	d.Events = make([]app.CaseEvent, 0, n*3)
	for i := range n {
		u := refs.Units[r.IntN(len(refs.Units))]
		at := first.Add(time.Duration(r.IntN(360*24*60)) * time.Minute).UTC()
		c := app.Case{RecordHead: app.RecordHead{ID: fmt.Sprintf("c%06d", i), UnitCode: u.Code, UpdatedAt: at}, Number: fmt.Sprintf("%s-2026-B%03d-%05d", u.Code, i%997, i),
			ReceivedAt: at, Channel: app.Channels[r.IntN(len(app.Channels))].Code, Kind: app.CaseKinds[r.IntN(len(app.CaseKinds))].Code,
			ConsumerName:    family[r.IntN(10)] + " " + middle[r.IntN(6)] + " " + given[r.IntN(10)],
			ConsumerPhone:   fmt.Sprintf("09%08d", r.IntN(100_000_000)),
			ConsumerAddress: fmt.Sprintf("Số %d, ấp %d, %s", r.IntN(300)+1, r.IntN(9)+1, u.Name),
			BusinessName:    fmt.Sprintf("Cửa hàng tạp hóa số %d", r.IntN(5000)), Sector: sectors[r.IntN(3)],
			Status: statuses[r.IntN(len(statuses))]}
		if r.IntN(10) == 0 {
			c.VulnerableGroups = []string{"nguoi_cao_tuoi"}
		}
		step := func(kind, from, to string, days int) *app.CaseEvent {
			d.Events = append(d.Events, app.CaseEvent{ID: fmt.Sprintf("%s-%d", c.ID, len(d.Events)), CaseID: c.ID, Kind: kind,
				At: at.Add(time.Duration(days) * 24 * time.Hour), FromStatus: from, ToStatus: to})
			return &d.Events[len(d.Events)-1]
		}
		step(app.EventAcknowledged, "moi_tiep_nhan", "moi_tiep_nhan", 1)
		switch c.Status {
		case "dang_xu_ly":
			step(app.EventAccepted, "moi_tiep_nhan", "dang_xu_ly", 2)
		case "da_giai_quyet", "dong":
			step(app.EventAccepted, "moi_tiep_nhan", "dang_xu_ly", 2)
			e := step(app.EventResolved, "dang_xu_ly", "da_giai_quyet", 10)
			e.Outcome, e.AmountRecovered = "thanh_cong_toan_bo", int64(r.IntN(5000))*1000
			if c.Status == "dong" {
				step(app.EventClosed, "da_giai_quyet", "dong", 12)
			}
		case "tu_choi":
			step(app.EventRejected, "moi_tiep_nhan", "tu_choi", 2)
		}
		d.Cases = append(d.Cases, c)
	}
	return d
}

// peakSampler samples the Go heap and the memory the runtime holds from
// the OS while a benchmark runs.
type peakSampler struct {
	stop          chan struct{}
	wg            sync.WaitGroup
	heap, sys, rs uint64
}

func startPeak() *peakSampler {
	p := &peakSampler{stop: make(chan struct{})}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		var m runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			p.heap = max(p.heap, m.HeapInuse)
			p.sys = max(p.sys, m.Sys-m.HeapReleased)
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *peakSampler) done() { close(p.stop); p.wg.Wait() }

// BenchmarkRegister100k writes the province's register of 100,000
// synthetic cases (about 240,000 steps): the rows with their deadlines and
// outcomes, the sheet of 100,000 rows and the per-commune sheet. It
// reports the Go heap the input takes (after a GC), the peak Go heap in
// use and the peak memory the Go runtime held (Sys less what it returned
// to the OS), the input included.
//
//	go test -tags ci -run '^$' -bench Register100k -benchtime 3x ./app/xlsx/
func BenchmarkRegister100k(b *testing.B) {
	d := syntheticRegister(b, 100_000)
	opt := RegisterOptions{Period: app.ReportYear(2026), Refs: mustRefs(b)}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	input := m.HeapInuse
	p := startPeak()
	b.ResetTimer()
	for b.Loop() {
		n, err := WriteRegister(context.Background(), io.Discard, d, opt)
		if err != nil || n != 100_000 {
			b.Fatalf("n=%d err=%v", n, err)
		}
	}
	b.StopTimer()
	p.done()
	b.ReportMetric(float64(input)/(1<<20), "input-heap-MB")
	b.ReportMetric(float64(p.heap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(p.sys)/(1<<20), "peak-sys-MB")
}

func mustRefs(b testing.TB) *app.RefData {
	_, refs := registerData(b)
	return refs
}
