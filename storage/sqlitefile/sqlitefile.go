// Package sqlitefile turns file paths into the file: URIs SQLite opens, for
// the laptop's store and the server's, on Unix and on Windows.
package sqlitefile

import (
	"net/url"
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
