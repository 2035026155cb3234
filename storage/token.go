package storage

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"bvntd/app"
	"bvntd/storage/sqlitefile"
)

// The bearer token at rest lives outside the store, in KEYS/token
// (readable by the user only; on Windows its content is also protected
// with DPAPI for the user: secret_windows.go), so that neither the store
// file nor any copy of it holds it. It also names the device that wrote it
// (for an administrator reading it, and RestoreInto). A store recovered in
// place keeps the token; a backup made the store of a data folder
// (RestoreInto) keeps a token file there only if it was written for the
// backup's device. Stores of earlier versions kept the token
// in meta; Open moves it out (moveTokenOut).

// TokenFile, in KeysFolder, holds the device's bearer token.
const TokenFile = "token"

// tokenMagic starts the token file's text.
const tokenMagic = "bvntd-token-v1"

// TokenPath is the token file of dataDir.
func TokenPath(dataDir string) string { return filepath.Join(KeysDir(dataDir), TokenFile) }

// readToken returns this device's token ("" when it has none).
func (db *DB) readToken() (string, error) {
	_, tok, err := readTokenFile(db.dataDir())
	return tok, err
}

// readTokenFile returns the device id and the token of dataDir's token
// file ("" when there is none).
func readTokenFile(dataDir string) (device, token string, err error) {
	b, err := os.ReadFile(TokenPath(dataDir))
	if errors.Is(err, os.ErrNotExist) {
		return "", "", nil
	}
	if err != nil {
		return "", "", app.WrapError(app.EINTERNAL, "Không đọc được mã đăng ký của máy ("+TokenPath(dataDir)+").", err)
	}
	text, err := unprotectSecret(b)
	if err != nil {
		return "", "", app.WrapError(app.EINTERNAL, "Không giải mã được mã đăng ký của máy; hãy đăng ký lại máy.", err)
	}
	lines := strings.Split(strings.TrimRight(string(text), "\n"), "\n")
	if len(lines) != 3 || lines[0] != tokenMagic {
		return "", "", app.Errorf(app.EINTERNAL, "Tệp mã đăng ký của máy (%s) bị hỏng; hãy đăng ký lại máy.", TokenPath(dataDir))
	}
	return lines[1], lines[2], nil
}

// writeToken stores this device's token ("" removes it): written whole
// under a temporary name, readable by the user only, and renamed into
// place.
func (db *DB) writeToken(token string) error {
	dir := KeysDir(db.dataDir())
	path := TokenPath(db.dataDir())
	fail := func(err error) error {
		return app.WrapError(app.EINTERNAL, "Không lưu được mã đăng ký của máy vào "+dir+".", err)
	}
	if token == "" {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fail(err)
		}
		return nil
	}
	if strings.ContainsAny(token, "\r\n") {
		return fail(errors.New("token with a line break"))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fail(err)
	}
	b, err := protectSecret([]byte(fmt.Sprintf("%s\n%s\n%s\n", tokenMagic, db.device, token)))
	if err != nil {
		return fail(err)
	}
	tmp, err := os.CreateTemp(dir, ".token-*")
	if err != nil {
		return fail(err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fail(err)
	}
	sqlitefile.SyncDir(dir)
	return nil
}

// moveTokenOut moves a token kept in meta (an earlier version's store, or
// an earlier version's backup restored) into the token file, unless that
// file already has one (the token in use wins), and deletes it from meta
// with secure_delete, so that its bytes are overwritten rather than left
// in a free page; the log is then checkpointed and truncated.
func (db *DB) moveTokenOut(ctx context.Context) error {
	tok, err := getMeta(ctx, db.w, metaToken)
	if err != nil || tok == "" {
		return err
	}
	if cur, err := db.readToken(); err != nil || cur == "" {
		if err := db.writeToken(tok); err != nil {
			return err
		}
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "PRAGMA secure_delete = ON"); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "DELETE FROM meta WHERE key = ?", metaToken)
	if _, err2 := conn.ExecContext(ctx, "PRAGMA secure_delete = OFF"); err == nil {
		err = err2
	}
	if err != nil {
		return err
	}
	var busy, logged, moved int
	if err := conn.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logged, &moved); err != nil {
		slog.Warn("checkpoint after moving the token out failed", "error", err)
	}
	slog.Info("token moved out of the store", "file", TokenPath(db.dataDir()))
	return nil
}
