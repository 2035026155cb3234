// Package sqlitefile turns file paths into the file: URIs SQLite opens, for
// the laptop's store and the server's, on Unix and on Windows.
package sqlitefile

import (
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// URI turns a path into the file: URI SQLite opens (see URIFor).
func URI(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return URIFor(path, filepath.Separator)
}

// URIFor turns an absolute path written with the separator sep into a
// file: URI: "/home/an/bvntd.sqlite" (Unix), "C:\Users\An\bvntd.sqlite"
// (Windows: file:///C:/Users/An/bvntd.sqlite, the leading slash before the
// drive letter that SQLite's Windows VFS strips again) or
// "\\server\share\bvntd.sqlite" (a UNC path: file:////server/share/…).
// Spaces, "?", "#", "%" and non-ASCII letters (a Vietnamese user name in
// the profile folder) are percent-encoded, which SQLite decodes. It takes
// the separator so that the Windows case is tested on any OS.
func URIFor(path string, sep rune) string {
	p := path
	if sep != '/' {
		p = strings.ReplaceAll(p, string(sep), "/")
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	u := url.URL{Scheme: "file", Path: p}
	return u.String()
}

// Copy copies src to dst through a temporary file, flushed and renamed
// into place: a cut never leaves a half copy under the name dst.
func Copy(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".tmp"
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return err
	}
	SyncDir(filepath.Dir(dst))
	return nil
}

// SyncDir makes a rename durable where the system allows it (not Windows).
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
