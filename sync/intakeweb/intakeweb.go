// Package intakeweb is the public web form of the online intake channel
// (issue 21; Kế hoạch 395/KH-UBND task II.2): a consumer chooses their
// commune or ward, says who they are, what happened and what they ask,
// acknowledges the notice on their personal data and sends; they get a
// tracking code and follow the case on the status page with it and the
// last four digits of their phone.
//
// It is plain html/template pages that work without JavaScript (a small
// script only filters the commune list as one types), served on the
// server's public listener (bvntd-server serve --public-addr), never beside
// the device API. A Backend (the server's store) does the work; this
// package guards the door: per-address rate limits, body and field limits,
// a honeypot field, a minimum fill time signed into the form, cross-origin
// protection and strict security headers. Every refusal is a Vietnamese
// page, and a form with an error comes back filled.
package intakeweb

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"bvntd/app"
)

// Backend receives the submissions and answers the status page: the
// server's store.
type Backend interface {
	// Submit turns a submission into a case of its commune; the same
	// submission id again returns the first receipt (Repeated). Bad input
	// is an *app.Error EINVALID with Fields keyed by the Submission's json
	// names.
	Submit(ctx context.Context, sub *app.Submission) (app.SubmitReceipt, error)
	// Status is what the status page shows of the case with the tracking
	// code, if the phone recorded ends with phoneLast4; app.ENOTFOUND for
	// an unknown code and for a wrong phone alike.
	Status(ctx context.Context, code, phoneLast4 string) (app.IntakeStatus, error)
}

// Defaults of Options.
const (
	DefaultSubmitsPerMinute = 10
	DefaultLookupsPerMinute = 10
	DefaultMinFillTime      = 5 * time.Second
	DefaultMaxFormAge       = 24 * time.Hour
	MaxFiles                = 3
	MaxFileBytes            = 5 << 20
	// MaxBodyBytes bounds a submission: the files and the text fields
	// with room for the multipart framing.
	MaxBodyBytes = MaxFiles*MaxFileBytes + 1<<20
)

// Options configure a Handler. Backend, Units and Now are required.
type Options struct {
	Backend Backend
	// Units are the communes and wards to choose from (LoadUnits), and
	// Districts the old districts named for them (seeds.FormerDistricts).
	Units     []app.AdminUnit
	Districts map[string][]string
	Now       func() time.Time
	Logger    *slog.Logger
	// Key signs the forms' tokens; nil: a random key (forms shown before
	// a restart come back filled, to be sent again).
	Key []byte
	// NewID makes a form's submission id; nil: a random UUID. Tests seed it.
	NewID func() string
	// TrustProxy: take the client's address from X-Forwarded-For (the
	// last address, the one the proxy appended). Only behind a proxy that
	// sets it: otherwise anyone could pick their own address.
	TrustProxy bool
	// Limits per client address: so many at once, then one a minute
	// (the next within the same minute is refused); 0 takes the default.
	SubmitsPerMinute int
	LookupsPerMinute int
	// MinFillTime: a form sent sooner after it was shown is refused (a
	// robot); MaxFormAge: an older form comes back to be sent again.
	MinFillTime time.Duration
	MaxFormAge  time.Duration
}

// Handler serves the public pages.
type Handler struct {
	opt     Options
	key     []byte
	units   *units
	submits *limiter
	lookups *limiter
	pages   map[string]*template.Template
	mux     *http.ServeMux
	cssURL  string
	jsURL   string
	static  map[string]staticFile
}

type staticFile struct {
	body, gzipped []byte
	contentType   string
}

//go:embed pages/*.html static/*
var content embed.FS

// New returns the public handler.
func New(opt Options) (*Handler, error) {
	if opt.Backend == nil || opt.Now == nil || len(opt.Units) == 0 {
		return nil, errors.New("intakeweb: Backend, Now and Units are required")
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.SubmitsPerMinute <= 0 {
		opt.SubmitsPerMinute = DefaultSubmitsPerMinute
	}
	if opt.LookupsPerMinute <= 0 {
		opt.LookupsPerMinute = DefaultLookupsPerMinute
	}
	if opt.MinFillTime <= 0 {
		opt.MinFillTime = DefaultMinFillTime
	}
	if opt.MaxFormAge <= 0 {
		opt.MaxFormAge = DefaultMaxFormAge
	}
	if opt.NewID == nil {
		opt.NewID = func() string { return uuid.NewString() }
	}
	key := opt.Key
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("intakeweb: key: %w", err)
		}
	}
	h := &Handler{
		opt:     opt,
		key:     key,
		units:   newUnits(opt.Units, opt.Districts),
		submits: newLimiter(opt.SubmitsPerMinute),
		lookups: newLimiter(opt.LookupsPerMinute),
		pages:   map[string]*template.Template{},
		static:  map[string]staticFile{},
	}
	for name, ctype := range map[string]string{"site.css": "text/css; charset=utf-8", "site.js": "text/javascript; charset=utf-8"} {
		b, err := fs.ReadFile(content, "static/"+name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		url := "/tai-nguyen/" + name + "?v=" + hex.EncodeToString(sum[:4])
		h.static["/tai-nguyen/"+name] = staticFile{body: b, gzipped: gzipBytes(b), contentType: ctype}
		if strings.HasSuffix(name, ".css") {
			h.cssURL = url
		} else {
			h.jsURL = url
		}
	}
	for _, p := range []string{"form", "done", "status", "refused"} {
		t, err := template.New("layout.html").Funcs(template.FuncMap{"day": dayText, "when": timeText}).
			ParseFS(content, "pages/layout.html", "pages/"+p+".html")
		if err != nil {
			return nil, err
		}
		h.pages[p] = t
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.showForm)
	mux.HandleFunc("POST /gui", h.submit)
	mux.HandleFunc("GET /tra-cuu", h.showStatus)
	mux.HandleFunc("POST /tra-cuu", h.lookup)
	mux.HandleFunc("GET /tai-nguyen/{file}", h.serveStatic)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		h.refuse(w, http.StatusNotFound, "Không có trang này",
			"Địa chỉ bạn mở không có trên cổng tiếp nhận. Bạn có thể gửi phản ánh mới hoặc tra cứu phản ánh đã gửi.")
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.refuse(w, http.StatusForbidden, "Không nhận biểu mẫu từ trang khác",
			"Biểu mẫu này chỉ gửi được từ chính trang của cổng tiếp nhận. Vui lòng mở lại trang chủ và gửi từ đó.")
	}))
	h.mux = http.NewServeMux()
	h.mux.Handle("/", cop.Handler(mux))
	return h, nil
}

// ServeHTTP sets the security headers of every answer and serves the page.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "+
		"form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	hd.Set("Cross-Origin-Resource-Policy", "same-origin")
	hd.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	if r.TLS != nil || (h.opt.TrustProxy && r.Header.Get("X-Forwarded-Proto") == "https") {
		hd.Set("Strict-Transport-Security", "max-age=31536000")
	}
	hd.Add("Vary", "Accept-Encoding")
	if acceptsGzip(r) {
		w = gzipOK{w}
	}
	h.mux.ServeHTTP(w, r)
}

// gzipOK marks a ResponseWriter whose client takes gzip: pages are sent
// compressed (the form is 20 KB, 5 KB gzipped: on 2G that is seconds).
type gzipOK struct{ http.ResponseWriter }

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func gzipBytes(b []byte) []byte {
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

// write sends body, gzipped when the client takes it.
func write(w http.ResponseWriter, status int, body, gzipped []byte) {
	if _, ok := w.(gzipOK); ok {
		if gzipped == nil {
			gzipped = gzipBytes(body)
		}
		w.Header().Set("Content-Encoding", "gzip")
		body = gzipped
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

func (h *Handler) serveStatic(w http.ResponseWriter, r *http.Request) {
	f, ok := h.static[r.URL.Path]
	if !ok {
		h.refuse(w, http.StatusNotFound, "Không có trang này", "Địa chỉ bạn mở không có trên cổng tiếp nhận.")
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=604800") // the URL carries the content's hash
	write(w, http.StatusOK, f.body, f.gzipped)
}

// ict is Vietnam's time zone, for the dates people read.
var ict = time.FixedZone("ICT", 7*60*60)

func dayText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(ict).Format("02/01/2006")
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(ict).Format("15:04 ngày 02/01/2006")
}

// page is what the layout needs of every page.
type page struct {
	Title  string
	CSS    string
	JS     string // "" no script
	Status int
}

// render writes page name with data; the answer is never cached (it may
// carry what the consumer typed).
func (h *Handler) render(w http.ResponseWriter, status int, name string, data any) {
	var b bytes.Buffer
	if err := h.pages[name].Execute(&b, data); err != nil {
		h.opt.Logger.Error("intake page failed", "page", name, "err", err.Error())
		http.Error(w, app.InternalMessage, http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	write(w, status, b.Bytes(), nil)
}

// refusedPage is a refusal: what happened and what to do.
type refusedPage struct {
	page
	Heading string
	Text    string
}

func (h *Handler) refuse(w http.ResponseWriter, status int, heading, text string) {
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "60")
	}
	h.render(w, status, "refused", refusedPage{page: page{Title: heading, CSS: h.cssURL}, Heading: heading, Text: text})
}
