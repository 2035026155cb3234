package main

import (
	"context"
	"fmt"
	"log/slog"
	"text/tabwriter"
	"time"

	"bvntd/app"
	"bvntd/seeds"
	"bvntd/storage/serverstore"
)

// files prints, per commune, the evidence files its attachment records
// name and what the server holds of them (`bvntd-server files`).
func (m *Main) files(ctx context.Context) error {
	if m.Prune {
		return m.prune(ctx)
	}
	rows, err := m.store.FilesByCommune(ctx)
	if err != nil {
		return err
	}
	refs, err := seeds.Load()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "MÃ XÃ\tTÊN\tSỐ TỆP\tĐÃ CÓ\tCHƯA ĐỦ\tDUNG LƯỢNG (BYTE)\t")
	var total struct {
		files, stored, missing int
		bytes                  int64
	}
	for _, r := range rows {
		name := "-"
		if u, ok := refs.Unit(r.Scope); ok {
			name = u.Name
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t\n", r.Scope, name, r.Files, r.Stored, r.Missing, r.StoredBytes)
		total.files += r.Files
		total.stored += r.Stored
		total.missing += r.Missing
		total.bytes += r.StoredBytes
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	where := ""
	if files, err := m.store.Files(); err == nil {
		where = files.Where()
	}
	fmt.Fprintf(m.Stderr, "%d xã, phường; %d tệp, máy chủ có %d (%s), chưa đủ %d. Nơi lưu: %s\n",
		len(rows), total.files, total.stored, app.FormatBytes(total.bytes), total.missing, where)
	return nil
}

// prune removes the content of the evidence files whose attachment
// records are all voided and whose voids every device has seen, and says
// what it removed, per commune (`bvntd-server files --prune`).
func (m *Main) prune(ctx context.Context) error {
	removed, waiting, err := m.store.PruneFiles(ctx)
	if err != nil {
		return err
	}
	refs, err := seeds.Load()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "MÃ XÃ\tTÊN\tSỐ TỆP ĐÃ XÓA\tDUNG LƯỢNG (BYTE)\t")
	for _, r := range removed {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t\n", r.Scope, unitName(refs, r.Scope), r.Files, r.Bytes)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(m.Stderr, pruneSummary(removed, waiting))
	return nil
}

func unitName(refs *app.RefData, scope string) string {
	if u, ok := refs.Unit(scope); ok {
		return u.Name
	}
	return "-"
}

// pruneSummary is the sentence of what a prune did.
func pruneSummary(removed []serverstore.PrunedFiles, waiting int) string {
	var files int
	var bytes int64
	for _, r := range removed {
		files += r.Files
		bytes += r.Bytes
	}
	s := fmt.Sprintf("Dọn tệp chứng cứ đã gỡ: xóa nội dung %d tệp (%s) ở %d xã, phường", files, app.FormatBytes(bytes), len(removed))
	if waiting > 0 {
		s += fmt.Sprintf("; giữ lại %d tệp đã gỡ vì còn máy chưa đồng bộ để thấy việc gỡ", waiting)
	}
	return s + "."
}

// startDailyPrune runs the prune once a day while serving: every
// PruneCheckEvery it looks whether the day of the program's clock has
// changed since the last prune (the first check prunes).
func (m *Main) startDailyPrune(logger *slog.Logger) {
	every := m.PruneCheckEvery
	if every <= 0 {
		every = time.Minute
	}
	m.pruneStop, m.pruneDone = make(chan struct{}), make(chan struct{})
	stop, done := m.pruneStop, m.pruneDone
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		last := ""
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			day := m.Now().In(app.ICT).Format(time.DateOnly)
			if day == last {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			removed, waiting, err := m.store.PruneFiles(ctx)
			cancel()
			if err != nil {
				if app.ErrorCode(err) != app.ENOTFOUND {
					logger.Warn("Chưa dọn được tệp chứng cứ đã gỡ; sẽ thử lại (files prune failed).", "error", err)
				}
				continue
			}
			last = day
			logger.Info(pruneSummary(removed, waiting))
		}
	}()
}

// stopDailyPrune stops the daily prune (nothing if none runs).
func (m *Main) stopDailyPrune() {
	if m.pruneStop == nil {
		return
	}
	close(m.pruneStop)
	<-m.pruneDone
	m.pruneStop = nil
}
