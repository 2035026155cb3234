package cli

import (
	"context"
	"fmt"

	"bvntd/app"
	"bvntd/seeds/demo"
	"bvntd/storage"
)

// `bvntd demo` fills a store with the sample data of seeds/demo, through
// the store's service methods (demo.Store).
var _ demo.Store = (*storage.DB)(nil)

// demo runs `bvntd demo` with o in the data folder dir: the device takes
// o.Unit as its commune if it has none (without --commune, o.Unit is the
// device's), officer records the changes and gets a profile to sign in
// with DemoPIN.
func (m *Main) demo(ctx context.Context, dir, officer string, o demo.Options) error {
	return m.withStore(ctx, dir, func(db *storage.DB, refs *app.RefData) error {
		cur, err := db.UnitCode(ctx)
		if err != nil {
			return err
		}
		if o.Unit == "" {
			if cur == "" {
				return app.Errorf(app.EINVALID, "Cần --commune (mã xã, phường 5 chữ số).")
			}
			o.Unit = cur
		}
		if cur == "" {
			if err := db.SetUnitCode(ctx, o.Unit); err != nil {
				return err
			}
		}
		if err := db.SaveOfficer(ctx, officer); err != nil {
			return err
		}
		if err := m.demoProfile(ctx, db, officer, o.Unit); err != nil {
			return err
		}
		c, e, err := demo.Cases(ctx, db, &db.Now, refs, o)
		fmt.Fprintf(m.Stderr, "Đã ghi %d vụ việc mẫu và %d lần sửa vào %s\n", c, e, db.Path())
		if err != nil {
			return err
		}
		if !o.Plain && !o.NoFiles {
			n, err := demo.Evidence(ctx, db, db, &db.Now, o)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stderr, "Đã đính kèm %d tệp chứng cứ mẫu (ảnh hóa đơn, phiếu bảo hành, công văn PDF)\n", n)
		}
		if o.Trainings == 0 && o.Events == 0 {
			return nil
		}
		r, err := demo.Year(ctx, db, &db.Now, refs, o)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "Đã ghi %d cán bộ, %d tổ chức, %d người tham dự, %d lớp tập huấn (%d lượt điểm danh), %d sự kiện, %d tài liệu, tin bài và %d thông báo bán hàng ngoài địa điểm mẫu\n",
			r.Officers, r.Organisations, r.Participants, r.Sessions, r.Attendance, r.Events, r.Publications, r.Notices)
		return nil
	})
}

// DemoPIN is the PIN of the officer profile `bvntd demo` creates, so
// that the demo window can be signed into (README).
const DemoPIN = "135246"

// demoProfile gives the demo officer a profile on the device with DemoPIN,
// unless there is one with that name.
func (m *Main) demoProfile(ctx context.Context, db *storage.DB, officer, commune string) error {
	profiles, err := db.Profiles(ctx)
	if err != nil {
		return err
	}
	for _, p := range profiles {
		if app.Fold(p.FullName) == app.Fold(officer) {
			return nil
		}
	}
	p := &app.Profile{FullName: officer, Role: "quan_tri", UnitCode: commune}
	if err := db.CreateProfile(ctx, p, DemoPIN, DemoPIN); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "Đã tạo tài khoản cán bộ mẫu trên máy (%s), mã PIN đăng nhập: %s\n", app.ProfileRoles.Label(p.Role), DemoPIN)
	return nil
}
