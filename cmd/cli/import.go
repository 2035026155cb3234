package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"bvntd/app"
	"bvntd/app/xlsx"
	"bvntd/storage"
)

// importOptions are the flags of import.
type importOptions struct {
	roster, session, register string
	sheet                     string // worksheet; "" for the first with data
	errors                    string // workbook of the invalid rows
	header                    int    // header row, 0 to detect it
	columns, defaults         string // field=COLUMN,… and field=value,…
	dryRun                    bool
}

// importFiles runs `bvntd import`: a participants roster onto a session's
// register (--roster FILE --session ID), or an old complaint register
// into cases (--register FILE). The valid rows are imported and the others
// listed on stderr ("Dòng 7, cột Điện thoại: …") and, with --errors,
// written back as an .xlsx with a "Lỗi" column. Row errors do not make the
// command fail; a file that cannot be read, or a missing column, does.
func (m *Main) importFiles(ctx context.Context, fs *flag.FlagSet, data *string, args []string) error {
	var o importOptions
	fs.StringVar(&o.roster, "roster", "", "danh sách người tham dự (.xlsx) cần nhập vào lớp tập huấn (participants roster)")
	fs.StringVar(&o.session, "session", "", "mã lớp tập huấn, cho --roster (training session id)")
	fs.StringVar(&o.register, "register", "", "sổ theo dõi vụ việc (.xlsx) cần nhập thành vụ việc (complaint register)")
	fs.StringVar(&o.sheet, "sheet", "", "tên trang tính; mặc định: trang đầu tiên có dữ liệu (worksheet)")
	fs.StringVar(&o.errors, "errors", "", "tệp .xlsx ghi các dòng lỗi, có thêm cột Lỗi (invalid rows workbook)")
	fs.IntVar(&o.header, "header", 0, "số dòng tiêu đề; mặc định: tự tìm (header row)")
	fs.StringVar(&o.columns, "columns", "", "ghép cột thủ công, ví dụ full_name=B,phone=E (column mapping)")
	fs.StringVar(&o.defaults, "default", "", "giá trị mặc định khi tệp không có cột, ví dụ channel=truc_tiep,kind=phan_anh,sector=khac (defaults)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "chỉ kiểm tra và báo cáo, không ghi dữ liệu (preview only)")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case (o.roster == "") == (o.register == ""):
		return app.Errorf(app.EINVALID, "Cần một trong hai: --roster FILE --session ID, hoặc --register FILE.")
	case o.roster != "" && o.session == "":
		return app.Errorf(app.EINVALID, "Cần --session (mã lớp tập huấn) để nhập danh sách người tham dự.")
	case o.register != "" && o.session != "":
		return app.Errorf(app.EINVALID, "--session chỉ dùng với --roster.")
	case o.header < 0:
		return app.Errorf(app.EINVALID, "--header phải là số dòng (từ 1).")
	case o.errors == "-":
		return app.Errorf(app.EINVALID, "--errors cần tên tệp .xlsx.")
	}
	kind, path := xlsx.KindRoster, o.roster
	if o.register != "" {
		kind, path = xlsx.KindRegister, o.register
	}
	sheet, err := readImportSheet(path, o.sheet)
	if err != nil {
		return err
	}
	mapping, err := importMapping(sheet, kind, o)
	if err != nil {
		return err
	}
	return m.withStore(ctx, *data, func(db *storage.DB, refs *app.RefData) error {
		if kind == xlsx.KindRoster {
			return m.importRoster(ctx, db, sheet, mapping, o)
		}
		return m.importRegister(ctx, db, refs, sheet, mapping, o)
	})
}

func readImportSheet(path, name string) (*xlsx.Sheet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, app.WrapError(app.EINVALID, "Không mở được tệp "+path+".", err)
	}
	defer f.Close()
	var s *xlsx.Sheet
	if name != "" {
		s, err = xlsx.ReadSheetNamed(f, name)
	} else {
		s, err = xlsx.ReadSheet(f)
	}
	if err != nil {
		return nil, app.WrapError(app.EINVALID, path+": "+app.ErrorMessage(err), err)
	}
	return s, nil
}

// importMapping proposes the mapping of sheet and applies the flags
// --header, --columns and --default to it.
func importMapping(s *xlsx.Sheet, kind xlsx.Kind, o importOptions) (xlsx.Mapping, error) {
	m := xlsx.Propose(s, kind)
	if o.header > 0 {
		m = xlsx.ProposeAt(s, kind, o.header)
	}
	known := map[xlsx.Field]xlsx.FieldInfo{}
	var names []string
	for _, fi := range xlsx.Fields(kind) {
		known[fi.Field] = fi
		names = append(names, string(fi.Field))
	}
	pairs := func(flagName, list string, fn func(fi xlsx.FieldInfo, v string) error) error {
		for _, kv := range strings.Split(list, ",") {
			if strings.TrimSpace(kv) == "" {
				continue
			}
			k, v, ok := strings.Cut(kv, "=")
			fi, known := known[xlsx.Field(strings.TrimSpace(k))]
			if !ok || !known {
				return app.Errorf(app.EINVALID, "--%s: %q không hợp lệ; các trường: %s.", flagName, kv, strings.Join(names, ", "))
			}
			if err := fn(fi, strings.TrimSpace(v)); err != nil {
				return err
			}
		}
		return nil
	}
	err := pairs("columns", o.columns, func(fi xlsx.FieldInfo, v string) error {
		if v == "" || v == "-" {
			m.Set(fi.Field, -1)
			return nil
		}
		col, err := excelize.ColumnNameToNumber(strings.ToUpper(v))
		if err != nil {
			return app.Errorf(app.EINVALID, "--columns: cột %q không hợp lệ (A, B, …).", v)
		}
		m.Set(fi.Field, col-1)
		return nil
	})
	if err != nil {
		return m, err
	}
	err = pairs("default", o.defaults, func(fi xlsx.FieldInfo, v string) error {
		if !fi.Defaultable {
			return app.Errorf(app.EINVALID, "--default: trường %s không có giá trị mặc định.", fi.Field)
		}
		m.SetDefault(fi.Field, v)
		return nil
	})
	if err != nil {
		return m, err
	}
	if err := m.Check(); err != nil {
		if m.HeaderRow == 0 {
			return m, app.Errorf(app.EINVALID, "Không tìm thấy dòng tiêu đề trong 30 dòng đầu của trang “%s”. %s Dùng --header và --columns để chỉ định.",
				s.Name, app.ErrorMessage(err))
		}
		return m, app.Errorf(app.EINVALID, "%s (Dòng tiêu đề: %d.) Dùng --columns hoặc --default.", app.ErrorMessage(err), m.HeaderRow)
	}
	return m, nil
}

func (m *Main) importRoster(ctx context.Context, db *storage.DB, s *xlsx.Sheet, mp xlsx.Mapping, o importOptions) error {
	var session app.TrainingSession
	if err := db.GetRecord(ctx, strings.TrimSpace(o.session), &session); err != nil {
		if app.ErrorCode(err) == app.ENOTFOUND {
			return app.Errorf(app.EINVALID, "Không tìm thấy lớp tập huấn mã %s.", o.session)
		}
		return err
	}
	on := db.Now()
	if d, err := time.ParseInLocation(time.DateOnly, session.StartDate, app.ICT); err == nil {
		on = d
	}
	rows, errs := xlsx.ParseRoster(s, mp, on)
	people := make([]app.Participant, len(rows))
	for i, r := range rows {
		people[i] = r.Participant
	}
	var res storage.ImportResult
	if o.dryRun {
		checks, err := storage.CheckRoster(ctx, db, &session, people)
		if err != nil {
			return err
		}
		res = checkResult(checks)
		res.Marked = len(checks) - res.Skipped
	} else {
		var err error
		if res, err = storage.ImportRoster(ctx, db, &session, people); err != nil {
			return err
		}
	}
	for _, f := range res.Failed {
		errs = append(errs, xlsx.RowError{Row: rows[f.Index].Row, Reason: f.Message})
	}
	detail := fmt.Sprintf("%d người mới, %d người đã có trong danh sách; %d dòng đã điểm danh từ trước", res.Added, res.Matched, res.Skipped)
	return m.importReport(s, mp, errs, res.Marked, detail, o)
}

func (m *Main) importRegister(ctx context.Context, db *storage.DB, refs *app.RefData, s *xlsx.Sheet, mp xlsx.Mapping, o importOptions) error {
	unit, err := db.UnitCode(ctx)
	if err != nil {
		return err
	}
	if unit == "" {
		return app.Errorf(app.EINVALID, "Máy chưa chọn xã, phường: hãy đăng ký thiết bị hoặc chạy bvntd demo --commune trước.")
	}
	rows, errs := xlsx.ParseRegister(s, mp, refs, unit, db.Now())
	cases := make([]storage.CaseImport, len(rows))
	for i, r := range rows {
		cases[i] = caseImport(r)
	}
	var res storage.ImportResult
	if o.dryRun {
		checks, err := storage.CheckCases(ctx, db, cases)
		if err != nil {
			return err
		}
		res = checkResult(checks)
		res.Added = len(checks) - res.Skipped // new cases
		for i, c := range checks {
			if c.Refused != "" {
				res.Added--
				res.Failed = append(res.Failed, storage.ImportFailure{Index: i, Message: c.Refused})
			}
		}
	} else if res, err = storage.ImportCases(ctx, db, cases); err != nil {
		return err
	}
	for _, f := range res.Failed {
		errs = append(errs, xlsx.RowError{Row: rows[f.Index].Row, Reason: f.Message})
	}
	detail := fmt.Sprintf("%d dòng đã nhập trước đó", res.Skipped)
	return m.importReport(s, mp, errs, res.Added, detail, o)
}

// checkResult counts what a check found: rows done (Skipped), rows that
// are a record on file (Matched) and the others (Added).
func checkResult(checks []storage.RowCheck) storage.ImportResult {
	var r storage.ImportResult
	for _, c := range checks {
		if c.Done {
			r.Skipped++
		}
		if c.ID != "" {
			r.Matched++
		} else {
			r.Added++
		}
	}
	return r
}

// importReport lists the row errors on stderr, writes the errors workbook
// if asked and prints the summary line.
func (m *Main) importReport(s *xlsx.Sheet, mp xlsx.Mapping, errs []xlsx.RowError, imported int, detail string, o importOptions) error {
	for _, e := range errs {
		fmt.Fprintln(m.Stderr, e.String())
	}
	bad := len(xlsx.ErrorRows(errs))
	if o.errors != "" && bad > 0 {
		err := writeOut(o.errors, m.Stdout, func(w io.Writer) error {
			_, err := xlsx.WriteErrors(w, s, mp, errs)
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "Đã ghi %d dòng lỗi vào %s\n", bad, o.errors)
	}
	verb := "Đã nhập"
	if o.dryRun {
		verb = "Kiểm tra (chưa ghi): sẽ nhập"
	}
	fmt.Fprintf(m.Stdout, "%s %d dòng, bỏ qua %d dòng lỗi (%s).\n", verb, imported, bad, detail)
	return nil
}
