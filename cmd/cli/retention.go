package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"bvntd/app"
	"bvntd/storage"
)

// retention runs `bvntd retention [--case-years N] [--participant-years N]
// [--dry-run]` (docs/DESIGN.md §2, issue 19 item 3): it sets the device's
// retention period when a figure is given, then anonymises the records
// whose period has ended (storage.Anonymise) — or, with --dry-run, lists
// them and changes nothing, the setting included — and prints what it did.
func (m *Main) retention(ctx context.Context, fs *flag.FlagSet, data *string, args []string) error {
	caseYears := fs.Int("case-years", 0, "số năm lưu vụ việc sau khi kết thúc, rồi ẩn danh hóa; lưu làm thiết lập của máy (years a closed case keeps its personal data; saved as the device setting)")
	peopleYears := fs.Int("participant-years", 0, "số năm lưu người tham dự sau lần tham dự cuối; lưu làm thiết lập của máy (years a participant keeps their personal data after last attending)")
	dry := fs.Bool("dry-run", false, "chỉ liệt kê những bản ghi sẽ ẩn danh hóa, không thay đổi gì (list what would be anonymised, change nothing)")
	if err := parse(fs, args); err != nil {
		return err
	}
	return m.withStore(ctx, *data, func(db *storage.DB, _ *app.RefData) error {
		r, err := db.Retention(ctx)
		if err != nil {
			return err
		}
		if *caseYears != 0 {
			r.CaseYears = *caseYears
		}
		if *peopleYears != 0 {
			r.ParticipantYears = *peopleYears
		}
		if err := r.Validate(); err != nil {
			return err
		}
		var res storage.AnonymiseResult
		if *dry {
			res, err = db.AnonymiseDryRun(ctx, r)
		} else {
			if *caseYears != 0 || *peopleYears != 0 {
				if err := db.SetRetention(ctx, r); err != nil {
					return err
				}
			}
			res, err = db.Anonymise(ctx, r)
		}
		if err != nil {
			return err
		}
		PrintAnonymiseResult(m.Stdout, res)
		return nil
	})
}

// PrintAnonymiseResult writes what a retention run did, in Vietnamese:
// the period, the counts, the case numbers, the cases kept and why, the
// records refused. No name is printed.
func PrintAnonymiseResult(w io.Writer, res storage.AnonymiseResult) {
	fmt.Fprintf(w, "Thời hạn lưu trữ: vụ việc %d năm sau khi kết thúc; người tham dự %d năm sau lần tham dự cuối.\n",
		res.Retention.CaseYears, res.Retention.ParticipantYears)
	verb := "Đã ẩn danh hóa"
	if res.DryRun {
		verb = "Chạy thử, chưa thay đổi gì. Sẽ ẩn danh hóa"
	}
	if res.Records() == 0 {
		if res.DryRun {
			fmt.Fprintln(w, "Chạy thử: chưa có bản ghi nào hết thời hạn lưu trữ.")
		} else {
			fmt.Fprintln(w, "Chưa có bản ghi nào hết thời hạn lưu trữ: không ẩn danh hóa bản ghi nào.")
		}
	} else {
		fmt.Fprintf(w, "%s %d vụ việc và %d người tham dự (dữ liệu của %d người).\n", verb, len(res.Cases), res.Participants, res.People)
	}
	if len(res.Cases) > 0 {
		fmt.Fprintf(w, "Vụ việc: %s\n", strings.Join(res.Cases, ", "))
	}
	if len(res.Held) > 0 {
		fmt.Fprintf(w, "Giữ nguyên %d vụ việc đã hết thời hạn nhưng tiến trình không có bước kết thúc (ẩn danh hóa sẽ làm thay đổi số liệu các năm trước; đề nghị ghi bước kết thúc rồi chạy lại): %s\n",
			len(res.Held), strings.Join(res.Held, ", "))
	}
	for _, f := range res.Failed {
		fmt.Fprintf(w, "Không ẩn danh hóa được: %s\n", f)
	}
}
