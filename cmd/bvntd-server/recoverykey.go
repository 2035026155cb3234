package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"filippo.io/age"

	"bvntd/app"
)

// `bvntd-server recovery-key`: the province's backup recovery key. With
// --generate it makes a new age identity, writes it to --out (readable by
// the operator only; kept offline) and stores its public half; with --set
// it stores a public key made elsewhere (age-keygen on an offline
// machine); with neither it prints the current public key. Laptops take a
// new key at their next sync.

const recoveryKeyUsage = `Cách dùng (usage):
  bvntd-server recovery-key --db DB --generate --out TỆP_KHÓA
  bvntd-server recovery-key --db DB --set age1…
  bvntd-server recovery-key --db DB
`

// recoveryKeyFlags are the flags of recovery-key.
type recoveryKeyFlags struct {
	Generate bool
	Set      string
}

func (m *Main) parseRecoveryKey(args []string) error {
	fs := flag.NewFlagSet("bvntd-server recovery-key", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&m.DB, "db", DefaultDB, "database file")
	fs.BoolVar(&m.recovery.Generate, "generate", false, "make a new recovery key")
	fs.StringVar(&m.Out, "out", "", "file for the new key's secret half")
	fs.StringVar(&m.recovery.Set, "set", "", "public key (age1…) made elsewhere")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(m.Stderr, recoveryKeyUsage)
			return err
		}
		return app.Errorf(app.EINVALID, "Tham số không hợp lệ (bad flag): %v", err)
	}
	switch {
	case fs.NArg() > 0:
		return app.Errorf(app.EINVALID, "Tham số thừa (unexpected argument): %q", fs.Arg(0))
	case m.DB == "":
		return app.Errorf(app.EINVALID, "Thiếu --db (missing --db).")
	case m.recovery.Generate && m.recovery.Set != "":
		return app.Errorf(app.EINVALID, "Dùng --generate hoặc --set, không dùng cả hai.")
	case m.recovery.Generate && m.Out == "":
		return app.Errorf(app.EINVALID, "Thiếu --out: tệp ghi nửa bí mật của khóa khôi phục mới (missing --out).")
	case !m.recovery.Generate && m.Out != "":
		return app.Errorf(app.EINVALID, "--out chỉ dùng cùng --generate.")
	}
	return nil
}

// recoveryKey runs recovery-key on the open store.
func (m *Main) recoveryKey(ctx context.Context) error {
	switch {
	case m.recovery.Generate:
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return err
		}
		text := "# Khóa khôi phục bản sao lưu của tỉnh (BVNTD). Giữ ngoại tuyến; không gửi qua mạng.\n" +
			"# created: " + m.Now().UTC().Format("2006-01-02T15:04:05Z") + "\n" +
			"# public key: " + id.Recipient().String() + "\n" + id.String() + "\n"
		if err := writeNewPrivate(m.Out, text); err != nil {
			return err
		}
		if err := m.store.SetRecoveryKey(ctx, id.Recipient().String()); err != nil {
			os.Remove(m.Out)
			return err
		}
		fmt.Fprintln(m.Stdout, id.Recipient().String())
		fmt.Fprintf(m.Stderr, "Đã tạo khóa khôi phục mới; nửa bí mật ghi vào %s (chỉ người dùng này đọc được). "+
			"Hãy chép tệp này ra hai nơi cất giữ ngoại tuyến rồi xóa khỏi máy chủ. Các máy nhận khóa công khai mới ở lần đồng bộ tới.\n", m.Out)
		return nil
	case m.recovery.Set != "":
		if err := m.store.SetRecoveryKey(ctx, m.recovery.Set); err != nil {
			return err
		}
		fmt.Fprintf(m.Stderr, "Đã đặt khóa khôi phục %s. Các máy nhận khóa mới ở lần đồng bộ tới.\n", strings.TrimSpace(m.recovery.Set))
		return nil
	}
	key, err := m.store.RecoveryKey(ctx)
	if err != nil {
		return err
	}
	if key == "" {
		fmt.Fprintln(m.Stderr, "Chưa có khóa khôi phục: bản sao lưu của các máy chỉ mở được bằng khóa của chính máy đó. Tạo khóa: bvntd-server recovery-key --generate --out TỆP.")
		return nil
	}
	fmt.Fprintln(m.Stdout, key)
	return nil
}

// writeNewPrivate writes text to a new file at path, readable by the user
// only; an existing file is never overwritten (an older key may be in it).
func writeNewPrivate(path, text string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if errors.Is(err, os.ErrExist) {
		return app.Errorf(app.EINVALID, "Tệp %s đã tồn tại; chọn tên khác (không ghi đè một khóa cũ).", path)
	}
	if err != nil {
		return app.WrapError(app.EINVALID, "Không tạo được tệp khóa "+path+".", err)
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		os.Remove(path)
		return app.WrapError(app.EINTERNAL, "Không ghi được tệp khóa "+path+".", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return app.WrapError(app.EINTERNAL, "Không ghi được tệp khóa "+path+".", err)
	}
	return f.Close()
}
