// Package applog writes the desktop program's log: slog text lines in the
// data folder, in files that rotate by size (bvntd.log, bvntd.log.1, …), so
// that a laptop that runs for years never fills its disk with logs.
//
// What is logged is the caller's business, but the rule of the project is
// that no personal data is ever logged (names, phones, ID numbers,
// addresses): log ids, codes, counts and durations, never field values nor
// errors that may quote them. As a second line of defence the handler blanks
// long runs of digits (phones, ID card numbers) in every message and string
// value; names and addresses cannot be recognised and must not reach it.
package applog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// Defaults: five files of 1 MB at most (the current one and four older).
const (
	DefaultMaxBytes = 1 << 20
	DefaultFiles    = 5
	// FileName is the current log file in the data folder.
	FileName = "bvntd.log"
)

// Writer is an io.Writer appending to dir/name and rotating it when it
// would grow past MaxBytes: name.(Files-1) is removed, each name.i becomes
// name.(i+1), name becomes name.1 and a new name is started. Several
// processes may write to the same file (the window and a scheduled `bvntd
// sync`): each appends whole lines, and a process that finds its file
// rotated by another simply reopens the name.
type Writer struct {
	path     string
	maxBytes int64
	files    int

	mu      sync.Mutex
	f       *os.File
	fi      os.FileInfo // of f, to tell whether the path is still f
	size    int64
	retryAt int64 // after a failed rotation, the size to try again at
}

// OpenWriter opens (creates) dir/name for appending. maxBytes <= 0 and
// files <= 0 take the defaults; files counts the current one.
func OpenWriter(dir, name string, maxBytes int64, files int) (*Writer, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if files <= 0 {
		files = DefaultFiles
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	w := &Writer{path: filepath.Join(dir, name), maxBytes: maxBytes, files: files}
	if err := w.open(); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *Writer) open() error {
	f, err := os.OpenFile(w.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	w.f, w.fi, w.size = f, fi, fi.Size()
	return nil
}

// Write appends p (one log line; slog hands whole records) and rotates
// first if p would take the file past its limit. The size is the file's
// own, as other processes may append too; a file that cannot be rotated
// (on Windows while another process holds it open) is written on, and
// rotation is tried again later.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return 0, os.ErrClosed
	}
	if onDisk, err := os.Stat(w.path); err != nil || !os.SameFile(w.fi, onDisk) {
		w.reopen() // rotated (or removed) by another process
	} else if onDisk.Size() > w.size {
		w.size = onDisk.Size()
	}
	if w.size > 0 && w.size+int64(len(p)) > w.maxBytes && w.size >= w.retryAt {
		w.rotate()
	}
	n, err := w.f.Write(p)
	w.size += int64(n)
	return n, err
}

// rotate shifts the files and starts a new one.
func (w *Writer) rotate() {
	// Windows cannot rename a file that is open: close it first.
	w.f.Close()
	os.Remove(w.name(w.files - 1))
	for i := w.files - 2; i >= 1; i-- {
		os.Rename(w.name(i), w.name(i+1))
	}
	renameErr := os.Rename(w.path, w.name(1))
	w.reopen()
	w.retryAt = 0
	if renameErr != nil {
		// Not rotated (on Windows another process may hold the file):
		// go on appending, and try again after another tenth of the
		// limit rather than at every line.
		w.retryAt = w.size + w.maxBytes/10
	}
}

// reopen opens the path again; if it cannot, writes go nowhere until a
// later rotation succeeds, rather than failing the program.
func (w *Writer) reopen() {
	w.f.Close()
	if err := w.open(); err != nil {
		w.f, _ = os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		w.fi, w.size = nil, 0
	}
}

func (w *Writer) name(i int) string {
	if i == 0 {
		return w.path
	}
	return w.path + "." + strconv.Itoa(i)
}

// Path is the current log file.
func (w *Writer) Path() string { return w.path }

// Close closes the file; later writes fail with os.ErrClosed.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}

// Options configure Open.
type Options struct {
	// Verbose logs at debug level; otherwise from info up.
	Verbose bool
	// MaxBytes and Files size the rotation; 0 takes the defaults.
	MaxBytes int64
	Files    int
	// Also, if set, receives the warnings and errors too (stderr of a
	// command run by hand), in the same text format; with Verbose,
	// everything the file gets.
	Also io.Writer
}

// Log is an open log: its logger and the file behind it.
type Log struct {
	*slog.Logger
	w *Writer
}

// Open opens the rotating log of the data folder dir.
func Open(dir string, o Options) (*Log, error) {
	w, err := OpenWriter(dir, FileName, o.MaxBytes, o.Files)
	if err != nil {
		return nil, fmt.Errorf("applog: %w", err)
	}
	return &Log{Logger: slog.New(NewHandler(w, o.Also, o.Verbose)), w: w}, nil
}

// Path is the current log file.
func (l *Log) Path() string { return l.w.Path() }

// Close closes the file.
func (l *Log) Close() error { return l.w.Close() }

// SetDefault makes l the default slog logger (what the storage and sync
// packages log to) and returns the function that puts the previous one
// back.
func (l *Log) SetDefault() (restore func()) {
	old := slog.Default()
	slog.SetDefault(l.Logger)
	return func() { slog.SetDefault(old) }
}

// NewHandler returns the handler of the log: text lines to file, from debug
// up when verbose, else from info; also (if not nil) to also, from warning
// up unless verbose. Every string goes through Redact.
func NewHandler(file, also io.Writer, verbose bool) slog.Handler {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	h := slog.Handler(slog.NewTextHandler(file, &slog.HandlerOptions{Level: level, ReplaceAttr: redactAttr}))
	if also != nil {
		alsoLevel := slog.LevelWarn
		if verbose {
			alsoLevel = slog.LevelDebug
		}
		h = &teeHandler{h, slog.NewTextHandler(also, &slog.HandlerOptions{Level: alsoLevel, ReplaceAttr: redactAttr})}
	}
	return redactHandler{h}
}

// redactHandler blanks digit runs in the record's message; redactAttr
// does it for the attributes.
type redactHandler struct{ slog.Handler }

func (h redactHandler) Handle(ctx context.Context, r slog.Record) error {
	if m := Redact(r.Message); m != r.Message {
		nr := slog.NewRecord(r.Time, r.Level, m, r.PC)
		r.Attrs(func(a slog.Attr) bool { nr.AddAttrs(a); return true })
		r = nr
	}
	return h.Handler.Handle(ctx, r)
}

func (h redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return redactHandler{h.Handler.WithAttrs(as)}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{h.Handler.WithGroup(name)}
}

func redactAttr(_ []string, a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindString:
		if s := a.Value.String(); Redact(s) != s {
			a.Value = slog.StringValue(Redact(s))
		}
	case slog.KindAny:
		// errors and Stringers are printed as text: redact that text.
		switch v := a.Value.Any().(type) {
		case error:
			a.Value = slog.StringValue(Redact(v.Error()))
		case fmt.Stringer:
			a.Value = slog.StringValue(Redact(v.String()))
		}
	}
	return a
}

// teeHandler sends each record to two handlers, each with its own level.
type teeHandler struct{ a, b slog.Handler }

func (t *teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return t.a.Enabled(ctx, l) || t.b.Enabled(ctx, l)
}

func (t *teeHandler) Handle(ctx context.Context, r slog.Record) error {
	var errA, errB error
	if t.a.Enabled(ctx, r.Level) {
		errA = t.a.Handle(ctx, r.Clone())
	}
	if t.b.Enabled(ctx, r.Level) {
		errB = t.b.Handle(ctx, r)
	}
	return errors.Join(errA, errB)
}

func (t *teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &teeHandler{t.a.WithAttrs(as), t.b.WithAttrs(as)}
}

func (t *teeHandler) WithGroup(name string) slog.Handler {
	return &teeHandler{t.a.WithGroup(name), t.b.WithGroup(name)}
}

// Redact replaces every run of 9 or more digits (a phone, 10 digits, or
// 11 with the country code; an ID card, 9 or 12), also when its digits are
// grouped by single spaces as people write phones, with "[số đã ẩn]".
// Shorter numbers (counts, years, commune codes, dates, case numbers like
// 28261-2026-A7-0012, IP addresses) are kept, and so is a run inside a word
// of letters and digits or a UUID.
func Redact(s string) string {
	var b []byte // nil until something is redacted
	last := 0    // s[:last] is in b
	for i := 0; i < len(s); {
		if !isDigit(s[i]) || (i > 0 && isAlnum(s[i-1])) {
			i++
			continue
		}
		j, digits, end := i, 0, i
		for j < len(s) {
			if isDigit(s[j]) {
				digits++
				j++
				end = j
				continue
			}
			if s[j] == ' ' && j+1 < len(s) && isDigit(s[j+1]) {
				j++
				continue
			}
			break
		}
		if digits >= 9 && !(end < len(s) && isAlnum(s[end])) && !uuidGroup(s, i, end) {
			b = append(b, s[last:i]...)
			b = append(b, "[số đã ẩn]"...)
			last = end
		}
		i = end
	}
	if b == nil {
		return s
	}
	return string(append(b, s[last:]...))
}

// uuidGroup reports whether s[i:end] is the all-digit last group of a
// UUID (8-4-4-4-12 hex).
func uuidGroup(s string, i, end int) bool {
	const n = 36
	if end-n < 0 || end-i != 12 {
		return false
	}
	u := s[end-n : end]
	for k := 0; k < n; k++ {
		c := u[k]
		switch k {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return end-n == 0 || !isAlnum(s[end-n-1])
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
func isAlnum(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c >= 0x80
}
