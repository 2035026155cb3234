package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"bvntd/app"
	"bvntd/seeds"
)

// files prints, per commune, the evidence files its attachment records
// name and what the server holds of them (`bvntd-server files`).
func (m *Main) files(ctx context.Context) error {
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
