package storage

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"filippo.io/age"

	"bvntd/app"
	"bvntd/storage/sqlitefile"
)

// Backups leave the laptop (USB sticks), so every backup file is encrypted
// with age (filippo.io/age) to two X25519 recipients:
//
//   - the laptop's own backup key, an age identity in KEYS/backup.key
//     (KEYS is the folder "keys" beside the store, readable by the user
//     only), made on first use; it is never in the store, hence never in a
//     backup;
//   - the province's recovery key, whose public half ("age1…") comes with
//     enrolment and with every pull answer (rotations) and is kept in meta;
//     its secret half stays offline with the province, which can restore a
//     dead laptop's backup on another machine (bvntd restore --key FILE).
//
// A backup is read (listed, checked, restored, recovered from) by
// decrypting it into a temporary file readable by the user only in the
// data folder, which is deleted afterwards. Plain backups made by earlier
// versions are read as they are. The live store itself stays a plain
// SQLite file: only the disk's encryption (BitLocker, LUKS) protects it.

const (
	// KeysFolder, in the data folder, holds the laptop's secrets kept
	// outside the store.
	KeysFolder = "keys"
	// BackupKeyFile, in KeysFolder, is the laptop's backup identity.
	BackupKeyFile = "backup.key"

	// metaRecoveryKey is the province's recovery recipient ("age1…").
	metaRecoveryKey = "backup_recovery_key"

	// readPrefix names the plain copies of backups being read.
	readPrefix = ".bvntd-read-"
	// copyPrefix names the plain copies being prepared for a backup.
	copyPrefix = ".bvntd-copy-"
)

// ageMagic starts every age file.
var ageMagic = []byte("age-encryption.org/v1\n")

// KeysDir is the folder of the laptop's keys in dataDir.
func KeysDir(dataDir string) string { return filepath.Join(dataDir, KeysFolder) }

// BackupKeyPath is the laptop's backup key file in dataDir.
func BackupKeyPath(dataDir string) string { return filepath.Join(KeysDir(dataDir), BackupKeyFile) }

// Keys reads encrypted backups: the identities tried, and Scratch, the
// folder (the data folder) where a backup is decrypted while it is read.
type Keys struct {
	Identities []age.Identity
	Scratch    string
}

// DataKeys returns the keys of the data folder dataDir: the laptop's
// backup key if it has one, then extra (e.g. the province's recovery
// identity given with --key).
func DataKeys(dataDir string, extra ...age.Identity) (Keys, error) {
	k := Keys{Scratch: dataDir}
	id, err := loadBackupIdentity(dataDir)
	if err != nil {
		return k, err
	}
	if id != nil {
		k.Identities = append(k.Identities, id)
	}
	k.Identities = append(k.Identities, extra...)
	return k, nil
}

// ReadIdentityFile reads age identities from a key file (the province's
// recovery key as written by `bvntd-server recovery-key --generate` or
// age-keygen).
func ReadIdentityFile(path string) ([]age.Identity, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, app.WrapError(app.EINVALID, "Không đọc được tệp khóa "+path+".", err)
	}
	ids, err := age.ParseIdentities(bytes.NewReader(b))
	if err != nil {
		return nil, app.WrapError(app.EINVALID, "Tệp "+path+" không phải tệp khóa giải mã hợp lệ (cần dòng AGE-SECRET-KEY-1…).", err)
	}
	return ids, nil
}

// loadBackupIdentity reads the laptop's backup key (nil if it has none).
func loadBackupIdentity(dataDir string) (*age.X25519Identity, error) {
	path := BackupKeyPath(dataDir)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, app.WrapError(app.EINTERNAL, "Không đọc được khóa sao lưu của máy ("+path+").", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, err := age.ParseX25519Identity(line)
		if err != nil {
			break
		}
		return id, nil
	}
	return nil, app.Errorf(app.EINTERNAL, "Tệp khóa sao lưu của máy (%s) bị hỏng; không sao lưu được. Hãy báo quản trị viên.", path)
}

// backupIdentity returns the laptop's backup key, making it on first use.
// It is written whole under a temporary name and linked into place, so
// that two processes starting together end with one key, and a power cut
// never leaves half a key.
func backupIdentity(dataDir string) (*age.X25519Identity, error) {
	if id, err := loadBackupIdentity(dataDir); id != nil || err != nil {
		return id, err
	}
	fail := func(err error) error {
		return app.WrapError(app.EINTERNAL, "Không tạo được khóa sao lưu của máy trong "+KeysDir(dataDir)+".", err)
	}
	if err := os.MkdirAll(KeysDir(dataDir), 0o700); err != nil {
		return nil, fail(err)
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, fail(err)
	}
	text := "# Khóa sao lưu của máy này (BVNTD). Không chép tệp này vào USB cùng các bản sao lưu.\n" +
		"# public key: " + id.Recipient().String() + "\n" + id.String() + "\n"
	tmp, err := os.CreateTemp(KeysDir(dataDir), ".backup-key-*")
	if err != nil {
		return nil, fail(err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(text); err != nil {
		tmp.Close()
		return nil, fail(err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fail(err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fail(err)
	}
	if err := os.Link(tmp.Name(), BackupKeyPath(dataDir)); err != nil && !errors.Is(err, os.ErrExist) {
		// A file system without hard links (FAT on a USB data folder):
		// renamed into place unless a key appeared meanwhile.
		if _, serr := os.Stat(BackupKeyPath(dataDir)); !errors.Is(serr, os.ErrNotExist) {
			return loadBackupIdentity(dataDir)
		}
		if err := os.Rename(tmp.Name(), BackupKeyPath(dataDir)); err != nil {
			return nil, fail(err)
		}
	}
	sqlitefile.SyncDir(KeysDir(dataDir))
	return loadBackupIdentity(dataDir) // the one that won
}

// ParseRecoveryKey checks a recovery key's public half ("age1…").
func ParseRecoveryKey(s string) (*age.X25519Recipient, error) {
	r, err := age.ParseX25519Recipient(strings.TrimSpace(s))
	if err != nil {
		return nil, app.WrapError(app.EINVALID, "Khóa khôi phục không hợp lệ: cần một khóa công khai age (bắt đầu bằng age1…).", err)
	}
	return r, nil
}

// SetRecoveryKey stores the province's recovery key (its public half),
// to which later backups are encrypted. "" changes nothing (a server
// with none); an invalid key is refused (EINVALID).
func (db *DB) SetRecoveryKey(ctx context.Context, key string) error {
	key = strings.TrimSpace(key)
	if key == "" {
		return nil
	}
	if _, err := ParseRecoveryKey(key); err != nil {
		return err
	}
	if cur, err := getMeta(ctx, db.r, metaRecoveryKey); err == nil && cur == key {
		return nil
	}
	return db.tx(ctx, func(tx *sql.Tx) error { return setMeta(ctx, tx, metaRecoveryKey, key) })
}

// RecoveryKey returns the province's recovery key stored ("" if none).
func (db *DB) RecoveryKey(ctx context.Context) (string, error) {
	return getMeta(ctx, db.r, metaRecoveryKey)
}

// dataDir is the folder of the store.
func (db *DB) dataDir() string { return filepath.Dir(db.path) }

// keys returns the keys that read this store's backups, with extra.
func (db *DB) keys(extra ...age.Identity) (Keys, error) { return DataKeys(db.dataDir(), extra...) }

// backupRecipients returns who can open a backup of this store: the
// laptop's key (made on first use) and the province's recovery key if it
// is known. q reads meta (before migrations: the writer).
func (db *DB) backupRecipients(ctx context.Context, q querier) ([]age.Recipient, error) {
	id, err := backupIdentity(db.dataDir())
	if err != nil {
		return nil, err
	}
	out := []age.Recipient{id.Recipient()}
	if s, err := getMeta(ctx, q, metaRecoveryKey); err == nil && s != "" {
		if r, err := ParseRecoveryKey(s); err == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// isEncrypted reports whether the file at path is an age file.
func isEncrypted(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	h := make([]byte, len(ageMagic))
	n, _ := io.ReadFull(f, h)
	return bytes.Equal(h[:n], ageMagic), nil
}

// encryptFile writes plain, encrypted to recipients, to dst (created
// readable by the user only, flushed).
func encryptFile(plain, dst string, recipients []age.Recipient) error {
	in, err := os.Open(plain)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	w, err := age.Encrypt(out, recipients...)
	if err == nil {
		_, err = io.Copy(w, in)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// errNoKey is the refusal of an encrypted backup none of the keys opens.
func errNoKey(name string, err error) error {
	return app.WrapError(app.EINVALID, "Bản sao lưu "+name+" được mã hóa và máy này không có khóa mở được nó. "+
		"Trên máy khác, cần khóa khôi phục của tỉnh: bvntd restore --key TỆP_KHÓA.", err)
}

// plainCopy returns a plain file holding the backup at path: path itself
// for a plain backup (an earlier version's), else a temporary decrypted
// copy in k.Scratch, readable by the user only; done removes it.
func plainCopy(path string, k Keys) (plain string, done func(), err error) {
	none := func() {}
	enc, err := isEncrypted(path)
	if err != nil || !enc {
		return path, none, err
	}
	if k.Scratch == "" {
		return "", none, errors.New("no folder to decrypt the backup into")
	}
	in, err := os.Open(path)
	if err != nil {
		return "", none, err
	}
	defer in.Close()
	r, err := age.Decrypt(in, k.Identities...)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) || len(k.Identities) == 0 {
			return "", none, errNoKey(filepath.Base(path), err)
		}
		return "", none, &DamagedError{Path: path, Reason: "age header: " + err.Error(), Err: err}
	}
	tmp, err := os.CreateTemp(k.Scratch, readPrefix+"*.sqlite")
	if err != nil {
		return "", none, app.WrapError(app.EINTERNAL, "Không giải mã được bản sao lưu vào thư mục dữ liệu "+k.Scratch+".", err)
	}
	done = func() { os.Remove(tmp.Name()) }
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		done()
		return "", none, &DamagedError{Path: path, Reason: "decrypt: " + err.Error(), Err: err}
	}
	if err := tmp.Close(); err != nil {
		done()
		return "", none, err
	}
	return tmp.Name(), done, nil
}

// removeStaleCopies removes the plain copies, an hour old, that a process
// cut short left in the data folder (younger ones may be in use by
// another process).
func removeStaleCopies(dataDir string) {
	for _, p := range []string{readPrefix, copyPrefix} {
		matches, _ := filepath.Glob(filepath.Join(dataDir, p+"*"))
		for _, m := range matches {
			if olderThan(m, time.Hour) {
				os.Remove(m)
			}
		}
	}
}

// olderThan reports whether the file at path was last written more than d
// before a file written in its folder now. A file's age is a fact of the
// file system, compared with the file system's own time: the program's
// clock (which a test sets to another day, or which a laptop's dead clock
// battery sets years back) says nothing of when a file was written.
func olderThan(path string, d time.Duration) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	probe, err := os.CreateTemp(filepath.Dir(path), ".bvntd-now-*")
	if err != nil {
		return false
	}
	probe.Close()
	defer os.Remove(probe.Name())
	pi, err := os.Stat(probe.Name())
	if err != nil {
		return false
	}
	return pi.ModTime().Sub(fi.ModTime()) > d
}
