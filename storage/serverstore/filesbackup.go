package serverstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"bvntd/app"
	"bvntd/storage/blobstore"
)

// The evidence files in backups. A backup FILE of a server whose files
// are in a folder (SQLite, or PostgreSQL with --files) has them beside it
// in the folder FILE.tep, in the layout of storage/blobstore: hard links
// to the server's files where the file system allows (a file of the store
// is never changed, only replaced or removed, so a link is a copy that
// costs nothing; on another disk, or one without links, a copy). Only
// files stored whole go in. A restore copies FILE.tep into the restored
// server's store, checking each file against its hash: a damaged one is
// left out (the devices that hold it send it again) and reported. On
// PostgreSQL without --files the content is in the database, and pg_dump
// carries it.

// BackupFilesDir is the folder of the evidence files of the backup path.
func BackupFilesDir(path string) string { return path + ".tep" }

// FilesCopy says what a backup or a restore did with the evidence files.
type FilesCopy struct {
	Dir    string // where the files were written or read ("" when none)
	Files  int    // files copied (or linked)
	Bytes  int64
	Linked int // of them, hard links (backup)
	// Damaged lists the short hashes (app.ShortHash) of the files whose
	// content no longer matched their hash: left out.
	Damaged []string
}

// Summary is the Vietnamese sentence of what was copied.
func (c FilesCopy) Summary(verb string) string {
	if c.Dir == "" {
		return "Tệp chứng cứ: nằm trong cơ sở dữ liệu (không có thư mục riêng)."
	}
	s := fmt.Sprintf("Tệp chứng cứ: %s %d tệp (%s) — nơi lưu: %s", verb, c.Files, app.FormatBytes(c.Bytes), c.Dir)
	if c.Linked > 0 {
		s += fmt.Sprintf("; %d tệp là liên kết cứng (hard link) tới tệp của máy chủ, không tốn thêm dung lượng — hãy chép bản sao lưu sang ổ đĩa khác", c.Linked)
	}
	s += "."
	if len(c.Damaged) > 0 {
		s += fmt.Sprintf(" %d tệp bị hỏng (nội dung không khớp mã băm) nên bị bỏ qua: %s; máy trạm đã đính kèm các tệp này vẫn giữ bản của mình.", len(c.Damaged), strings.Join(c.Damaged, ", "))
	}
	return s
}

// folderPath is where a folder store keeps the file of hash h.
func folderPath(dir, h string) string { return filepath.Join(dir, h[:2], h) }

// BackupFiles writes the evidence files of the server's folder into
// BackupFilesDir(path); a server whose files are in its database, or
// without files, writes none (FilesCopy.Dir is "").
func (s *Store) BackupFiles(ctx context.Context, path string) (FilesCopy, error) {
	var out FilesCopy
	files, err := s.Files()
	if app.ErrorCode(err) == app.ENOTFOUND {
		return out, nil
	}
	if err != nil {
		return out, err
	}
	folder, ok := files.(folderContent)
	if !ok {
		return out, nil // in the database: pg_dump has them
	}
	dir := BackupFilesDir(path)
	if _, err := os.Stat(dir); err == nil {
		return out, app.Errorf(app.EINVALID, "Thư mục %s đã tồn tại; chọn tên tệp sao lưu khác.", dir)
	}
	dst, err := blobstore.Open(dir)
	if err != nil {
		return out, app.WrapError(app.EINTERNAL, "Không tạo được thư mục sao lưu tệp chứng cứ "+dir+".", err)
	}
	out.Dir = dir
	hashes, _, err := folder.List()
	if err != nil {
		return out, app.WrapError(app.EINTERNAL, "Không đọc được thư mục tệp chứng cứ của máy chủ.", err)
	}
	for _, h := range hashes {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		src := folderPath(folder.Dir(), h)
		target := folderPath(dir, h)
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return out, app.WrapError(app.EINTERNAL, "Không ghi được thư mục sao lưu tệp chứng cứ "+dir+".", err)
		}
		if err := os.Link(src, target); err == nil {
			if n, err := dst.Size(h); err == nil {
				out.Files++
				out.Linked++
				out.Bytes += n
			}
			continue
		} else if errors.Is(err, fs.ErrNotExist) {
			continue // removed since the list
		}
		f, err := folder.Open(h)
		if errors.Is(err, blobstore.ErrNotFound) {
			continue
		}
		if err != nil {
			return out, app.WrapError(app.EINTERNAL, "Không đọc được tệp chứng cứ "+app.ShortHash(h)+".", err)
		}
		_, n, err := dst.Put(f, h)
		f.Close()
		if errors.Is(err, blobstore.ErrMismatch) {
			out.Damaged = append(out.Damaged, app.ShortHash(h))
			continue
		}
		if err != nil {
			return out, app.WrapError(app.EINTERNAL, "Không chép được tệp chứng cứ "+app.ShortHash(h)+" vào "+dir+".", err)
		}
		out.Files++
		out.Bytes += n
	}
	return out, nil
}

// RestoreOptions are the choices of a restore.
type RestoreOptions struct {
	// FilesDir is the restored server's folder of evidence files (--files);
	// "" for DefaultFilesDir beside a SQLite file, the database on
	// PostgreSQL.
	FilesDir string
}

// RestoreFiles is Restore, and then the evidence files of the backup
// (BackupFilesDir(from), if there is one) copied into the restored
// server's store, each checked against its hash.
func RestoreFiles(ctx context.Context, db, from string, opts RestoreOptions, now func() time.Time) (FilesCopy, error) {
	var out FilesCopy
	if err := Restore(ctx, db, from, now); err != nil {
		return out, err
	}
	src := BackupFilesDir(from)
	if st, err := os.Stat(src); err != nil || !st.IsDir() {
		return out, nil // a backup without files (an older server's)
	}
	s, err := Open(ctx, db, Options{Now: now, FilesDir: opts.FilesDir})
	if err != nil {
		return out, err
	}
	defer s.Close()
	files, err := s.Files()
	if err != nil {
		return out, err
	}
	out.Dir = files.Where()
	from2, err := blobstore.Open(src)
	if err != nil {
		return out, err
	}
	hashes, _, err := from2.List()
	if err != nil {
		return out, app.WrapError(app.EINVALID, "Không đọc được thư mục tệp chứng cứ của bản sao lưu "+src+".", err)
	}
	for _, h := range hashes {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		f, err := from2.Open(h)
		if err != nil {
			out.Damaged = append(out.Damaged, app.ShortHash(h))
			continue
		}
		_, n, err := files.Put(f, h)
		f.Close()
		if errors.Is(err, blobstore.ErrMismatch) {
			out.Damaged = append(out.Damaged, app.ShortHash(h))
			continue
		}
		if err != nil {
			return out, app.WrapError(app.EINTERNAL, "Không chép được tệp chứng cứ "+app.ShortHash(h)+" vào "+out.Dir+".", err)
		}
		out.Files++
		out.Bytes += n
	}
	return out, nil
}
