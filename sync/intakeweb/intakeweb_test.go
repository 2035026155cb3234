package intakeweb

import (
	"bytes"
	"compress/gzip"
	"context"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"bvntd/app"
)

// The list has the 102 communes and wards; "my tho" finds Phường Mỹ Tho
// first, an old name finds the unit it became part of.
func TestUnits_Search(t *testing.T) {
	admin, districts, err := LoadUnits()
	if err != nil {
		t.Fatal(err)
	}
	us := newUnits(admin, districts)
	if len(us.list) != 102 {
		t.Fatalf("%d units, want 102", len(us.list))
	}
	if got := us.search("my tho"); len(got) == 0 || got[0].Name != "Phường Mỹ Tho" {
		t.Fatalf(`search("my tho") = %v`, got)
	}
	if got := us.search("tan long"); !hasUnit(got, "Phường Mỹ Tho") {
		t.Fatalf(`old name "tan long" does not find Phường Mỹ Tho: %v`, got)
	}
	if got := us.search("zzz"); len(got) != 0 {
		t.Fatalf(`search("zzz") = %v`, got)
	}
	u, _ := us.get("28261")
	if !strings.Contains(u.Label(), "thành phố Mỹ Tho") || !strings.Contains(u.Label(), "Phường Tân Long") {
		t.Fatalf("label %q lacks the old names", u.Label())
	}
}

func hasUnit(us []unit, name string) bool {
	for _, u := range us {
		if u.Name == name {
			return true
		}
	}
	return false
}

var optionRE = regexp.MustCompile(`<option value="\d{5}"`)

// The form without JavaScript: all 102 in the list, ?q= filters it on the
// server, security headers on every answer.
func TestForm_ListSearchAndHeaders(t *testing.T) {
	fx := newFixture(t, nil)
	rec := fx.get("/")
	body := rec.Body.String()
	if n := len(optionRE.FindAllString(body, -1)); n != 102 {
		t.Fatalf("%d communes in the list, want 102", n)
	}
	for _, want := range []string{`lang="vi"`, `<label for="f-name">`, `for="f-notice"`, "Dữ liệu này chỉ dùng để tiếp nhận", `name="website"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the form lacks %q", want)
		}
	}
	if n := strings.Count(body[strings.Index(body, `<ul class="notice"`):], "<li>"); n < 5 {
		t.Errorf("the notice shows as %d sentences", n)
	}
	if regexp.MustCompile(`<script>|<style>|style="|onclick=`).MatchString(body) {
		t.Error("the page has inline script or style (the CSP forbids it)")
	}
	h := rec.Header()
	for k, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY", "Cache-Control": "no-store",
	} {
		if !strings.Contains(h.Get(k), want) {
			t.Errorf("%s = %q, want %q", k, h.Get(k), want)
		}
	}
	if csp := h.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q is not strict", csp)
	}

	// Sent gzipped to a browser that takes it (2G).
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept-Encoding", "br, gzip;q=0.8")
	zrec := fx.do(req, "192.0.2.1:1")
	zr, err := gzip.NewReader(zrec.Body)
	if err != nil || zrec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("not gzipped: %v %q", err, zrec.Header().Get("Content-Encoding"))
	}
	if n := zrec.Body.Len(); n > 8<<10 {
		t.Errorf("the form is %d bytes gzipped", n)
	}
	if plain := readAll(t, zr); !strings.Contains(plain, "Phường Mỹ Tho") || len(plain) < 10<<10 {
		t.Fatalf("gzipped form reads %d bytes", len(plain))
	}

	rec = fx.get("/?q=my+tho")
	body = rec.Body.String()
	opts := optionRE.FindAllStringIndex(body, -1)
	if len(opts) == 0 || len(opts) > 20 {
		t.Fatalf("?q=my tho lists %d communes", len(opts))
	}
	if !strings.HasPrefix(body[opts[0][0]:], `<option value="28261"`) || !strings.Contains(body, "khớp với “my tho”") {
		t.Fatalf("?q=my tho: Phường Mỹ Tho is not first:\n%s", body[opts[0][0]:opts[0][0]+200])
	}
	if rec := fx.get("/khong-co"); rec.Code != 404 || !strings.Contains(rec.Body.String(), "Không có trang này") {
		t.Fatalf("unknown page: %d", rec.Code)
	}
	if rec := fx.get(fx.h.cssURL); rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/css") {
		t.Fatalf("css: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
}

// A required field left empty: the form comes back with the error next to
// the field (aria-describedby, aria-invalid), a summary with role=alert,
// everything else as typed, the same submission id, and the files to be
// chosen again.
func TestSubmit_ValidationErrorKeepsEverything(t *testing.T) {
	fx := newFixture(t, nil)
	h := fx.newForm()
	v := goodValues()
	v["name"] = ""
	rec := fx.post("/gui", h, v, []file{{"hoa-don.jpg", []byte("jpeg")}}, "192.0.2.1:1", nil)
	body := rec.Body.String()
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status %d", rec.Code)
	}
	if fx.fake.count() != 0 {
		t.Fatal("a submission without a name reached the backend")
	}
	for _, want := range []string{
		`role="alert"`, `<a href="#f-name">Họ và tên: Hãy ghi họ và tên của bạn.</a>`,
		`<p class="err" id="e-name"><span class="sr">Lỗi: </span>Hãy ghi họ và tên của bạn.</p>`,
		`aria-describedby="e-name" aria-invalid="true"`, "Tệp đính kèm cần chọn lại",
		`<option value="28261" selected>`, `name="notice" type="checkbox" value="1" checked`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for k, val := range v {
		if k != "notice" && k != "unit_code" && !strings.Contains(body, html.EscapeString(val)) {
			t.Errorf("%s %q was lost", k, val)
		}
	}
	if got := hiddenOf(t, body); got != h {
		t.Fatalf("the form came back as %+v, want the same id and token %+v", got, h)
	}

	// The backend's own field errors come back the same way.
	v = goodValues()
	v["phone"] = "0912"
	rec = fx.post("/gui", h, v, nil, "192.0.2.1:1", nil)
	if body := rec.Body.String(); rec.Code != 400 || !strings.Contains(body, `id="e-phone"`) || !strings.Contains(body, "cần 10 chữ số") ||
		!strings.Contains(body, html.EscapeString(v["summary"])) {
		t.Fatalf("backend error: %d", rec.Code)
	}
	// The notice must be acknowledged.
	v = goodValues()
	delete(v, "notice")
	rec = fx.post("/gui", h, v, nil, "192.0.2.1:1", nil)
	if !strings.Contains(rec.Body.String(), `id="e-notice"`) || fx.fake.count() != 0 {
		t.Fatal("a submission without the acknowledgement was accepted")
	}

	// Fixed, it is received once; sending the same form again gives the
	// same code.
	rec = fx.post("/gui", h, goodValues(), []file{{"hoa-don.jpg", []byte("jpeg")}}, "192.0.2.1:1", nil)
	if rec.Code != 200 {
		t.Fatalf("status %d:\n%s", rec.Code, rec.Body.String())
	}
	code := trackingCode(t, rec.Body.String())
	if !strings.Contains(rec.Body.String(), "Hãy chụp màn hình hoặc ghi lại mã này") {
		t.Error("the confirmation does not tell to keep the code")
	}
	rec = fx.post("/gui", h, goodValues(), nil, "192.0.2.1:1", nil)
	if again := trackingCode(t, rec.Body.String()); again != code || !strings.Contains(rec.Body.String(), "đã được gửi trước đó") || fx.fake.count() != 1 {
		t.Fatalf("a resend gave %q (first %q), %d submissions", again, code, fx.fake.count())
	}
	sub := fx.fake.subs[code]
	if sub.Name != "Nguyễn Thị Hồng Đào" || !sub.NoticeAcknowledged || len(sub.Files) != 1 || sub.Files[0].Name != "hoa-don.jpg" ||
		sub.ID != h.id || !sub.SubmittedAt.After(fx.clock.Peek().Add(-time.Minute)) {
		t.Fatalf("the backend got %+v", sub)
	}
}

// A <script> typed in every field is text on every page that shows it.
func TestSubmit_InjectedScriptIsText(t *testing.T) {
	const evil = `<script>alert("x")</script><img src=x onerror=alert(1)>"'`
	fx := newFixture(t, nil)
	h := fx.newForm()
	v := map[string]string{"unit_code": evil, "notice": "1"}
	for _, f := range fieldOrder {
		if f.Name != "unit_code" && f.Name != "files" && f.Name != "notice" {
			v[f.Name] = evil
		}
	}
	for _, page := range []string{
		fx.post("/gui", h, v, []file{{evil, []byte("x")}}, "192.0.2.1:1", nil).Body.String(),
		fx.get("/?q=" + strings.ReplaceAll(evil, " ", "+")).Body.String(),
		fx.lookup(evil, evil, "192.0.2.1:1").Body.String(),
	} {
		if strings.Contains(page, "<script>alert") || strings.Contains(page, "<img src=x") {
			t.Fatalf("the markup came through:\n%s", page)
		}
	}
	// The status page shows the officer's reply as text too.
	fx.fake.reply = evil
	v = goodValues()
	v["name"] = evil
	rec := fx.post("/gui", h, v, nil, "192.0.2.1:1", nil)
	code := trackingCode(t, rec.Body.String())
	page := fx.lookup(code, "5678", "192.0.2.1:1").Body.String()
	if strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert") {
		t.Fatalf("the reply's markup came through:\n%s", page)
	}
}

// The 11th submission from one address within a minute is refused with a
// Vietnamese page and 429; another address is not; a minute later the
// first may send again. X-Forwarded-For counts only behind a trusted proxy.
func TestSubmit_RateLimit(t *testing.T) {
	for _, trust := range []bool{false, true} {
		fx := newFixture(t, func(o *Options) { o.TrustProxy = trust })
		h := fx.newForm()
		send := func(addr, xff string) int {
			v := goodValues()
			v["name"] = "" // refused by the checks, still counted
			return fx.post("/gui", h, v, nil, addr, map[string]string{"X-Forwarded-For": xff}).Code
		}
		for i := 1; i <= 10; i++ {
			fx.clock.Advance(time.Second)
			if c := send("198.51.100.7:4000", "203.0.113."+string(rune('0'+i))); c != 400 {
				t.Fatalf("submission %d: %d", i, c)
			}
		}
		rec := fx.post("/gui", h, goodValues(), nil, "198.51.100.7:4001", map[string]string{"X-Forwarded-For": "203.0.113.1"})
		if trust {
			// Behind the proxy each of the ten came from its own address.
			if rec.Code != 200 {
				t.Fatalf("trusted proxy: the 11th from the proxy (another client) got %d", rec.Code)
			}
			for i := 2; i <= 10; i++ {
				send("198.51.100.7:4000", "203.0.113.1")
			}
			if c := send("198.51.100.7:4000", "10.0.0.1, 203.0.113.1"); c != http.StatusTooManyRequests {
				t.Fatalf("trusted proxy: the 11th of one client got %d", c)
			}
			continue
		}
		if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "Bạn đã gửi quá nhiều lần") ||
			rec.Header().Get("Retry-After") == "" {
			t.Fatalf("the 11th in a minute: %d\n%s", rec.Code, rec.Body.String())
		}
		if fx.fake.count() != 0 {
			t.Fatal("the refused submission reached the backend")
		}
		if c := send("198.51.100.8:4000", ""); c != 400 {
			t.Fatalf("another address was limited: %d", c)
		}
		fx.clock.Advance(time.Minute)
		if c := send("198.51.100.7:4000", ""); c != 400 {
			t.Fatalf("a minute later: %d", c)
		}
	}
}

// Robots: a filled honeypot, a form sent within seconds of being shown, a
// token the server did not sign, a cross-site post. People: a form left
// open for days comes back filled with a new token, the same id.
func TestSubmit_Guards(t *testing.T) {
	fx := newFixture(t, nil)
	rec := fx.get("/")
	h := hiddenOf(t, rec.Body.String())
	fx.clock.Advance(time.Second)
	rec = fx.post("/gui", h, goodValues(), nil, "192.0.2.1:1", nil)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "gửi quá nhanh") || !strings.Contains(rec.Body.String(), "Cửa hàng điện máy Ánh Dương") {
		t.Fatalf("too fast: %d", rec.Code)
	}
	fx.clock.Advance(time.Minute)
	v := goodValues()
	v["website"] = "http://spam.example"
	if rec := fx.post("/gui", h, v, nil, "192.0.2.1:1", nil); rec.Code != 400 || !strings.Contains(rec.Body.String(), "máy gửi tự động") {
		t.Fatalf("honeypot: %d", rec.Code)
	}
	forged := h
	forged.token = "AAAA"
	rec = fx.post("/gui", forged, goodValues(), nil, "192.0.2.1:1", nil)
	if got := hiddenOf(t, rec.Body.String()); rec.Code != 400 || got.id == h.id || !strings.Contains(rec.Body.String(), "Nguyễn Thị Hồng Đào") {
		t.Fatalf("forged token: %d, id %q", rec.Code, got.id)
	}
	rec = fx.post("/gui", h, goodValues(), nil, "192.0.2.1:1", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if rec.Code != 403 || !strings.Contains(rec.Body.String(), "Không nhận biểu mẫu từ trang khác") {
		t.Fatalf("cross-site: %d", rec.Code)
	}
	fx.clock.Advance(3 * 24 * time.Hour)
	rec = fx.post("/gui", h, goodValues(), nil, "192.0.2.1:1", nil)
	got := hiddenOf(t, rec.Body.String())
	if rec.Code != 400 || got.id != h.id || got.token == h.token || !strings.Contains(rec.Body.String(), "mở quá lâu") {
		t.Fatalf("old form: %d %+v", rec.Code, got)
	}
	if fx.fake.count() != 0 {
		t.Fatal("a guarded submission reached the backend")
	}
	fx.clock.Advance(time.Minute)
	if rec := fx.post("/gui", got, goodValues(), nil, "192.0.2.1:1", nil); rec.Code != 200 {
		t.Fatalf("the renewed form: %d", rec.Code)
	}
	// A backend failure keeps the form.
	fx.fake.failErr = app.Errorf(app.ESERVERSTORAGE, "đầy")
	h = fx.newForm()
	if rec := fx.post("/gui", h, goodValues(), nil, "192.0.2.1:1", nil); rec.Code != 503 || !strings.Contains(rec.Body.String(), "Tủ lạnh 180 lít") {
		t.Fatalf("backend failure: %d", rec.Code)
	}
}

// A consumer whose connection goes away while the case is being made (the
// backend answers with the request's cancellation) is not logged as a
// fault of the server: nothing was stored and nobody is left to answer.
func TestSubmit_AbandonedByTheClientIsNoError(t *testing.T) {
	var log bytes.Buffer
	fx := newFixture(t, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&log, nil)) })
	h := fx.newForm()
	fx.clock.Advance(time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fx.ctx = ctx
	fx.fake.failErr = app.WrapError(app.EINTERNAL, "begin intake", context.Canceled)
	fx.post("/gui", h, goodValues(), nil, "192.0.2.1:1", nil)
	if strings.Contains(log.String(), "level=ERROR") || !strings.Contains(log.String(), "abandoned by the client") {
		t.Fatalf("the log says %q", log.String())
	}
}

// Files: at most 3, each at most 5 MB, the body bounded; an over-long
// field is an error at the field.
func TestSubmit_Limits(t *testing.T) {
	fx := newFixture(t, nil)
	h := fx.newForm()
	small := []byte("pdf")
	rec := fx.post("/gui", h, goodValues(), []file{{"1.pdf", small}, {"2.pdf", small}, {"3.pdf", small}, {"4.pdf", small}}, "192.0.2.1:1", nil)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "tối đa 3 tệp") {
		t.Fatalf("4 files: %d", rec.Code)
	}
	big := bytes.Repeat([]byte("x"), MaxFileBytes+1)
	rec = fx.post("/gui", h, goodValues(), []file{{"anh.jpg", big}}, "192.0.2.1:1", nil)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "lớn hơn 5 MB") {
		t.Fatalf("a 5 MB+1 file: %d", rec.Code)
	}
	rec = fx.post("/gui", h, goodValues(), []file{{"1", big[:MaxFileBytes]}, {"2", big[:MaxFileBytes]}, {"3", big[:MaxFileBytes]}, {"4", big}}, "192.0.2.1:1", nil)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "Tủ lạnh 180 lít") {
		t.Fatalf("an over-large body: %d", rec.Code)
	}
	v := goodValues()
	v["name"] = strings.Repeat("Đào ", 40)
	rec = fx.post("/gui", h, v, nil, "192.0.2.1:1", nil)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), `id="e-name"`) || !strings.Contains(rec.Body.String(), "tối đa 100 ký tự") {
		t.Fatalf("a 160-character name: %d", rec.Code)
	}
	if fx.fake.count() != 0 {
		t.Fatal("an over-limit submission reached the backend")
	}
}

// The status page: the code and the last four digits show only the public
// status; a wrong code and a wrong phone get the same answer; lookups are
// rate-limited.
func TestLookup(t *testing.T) {
	fx := newFixture(t, nil)
	fx.fake.reply = "Cửa hàng đồng ý đổi tủ lạnh mới."
	h := fx.newForm()
	code := trackingCode(t, fx.post("/gui", h, goodValues(), nil, "192.0.2.1:1", nil).Body.String())
	rec := fx.lookup(strings.ToLower(code)+" ", "5678", "192.0.2.9:1")
	body := rec.Body.String()
	for _, want := range []string{"Đã tiếp nhận", "Phường Mỹ Tho", "Cửa hàng đồng ý đổi tủ lạnh mới.", "Cán bộ liên hệ với bạn"} {
		if !strings.Contains(body, want) {
			t.Errorf("the status lacks %q", want)
		}
	}
	if strings.Contains(body, "Nguyễn") || strings.Contains(body, "0912") {
		t.Error("the status page shows personal data")
	}
	wrongCode := fx.lookup("DT-9999-K7Q", "1234", "192.0.2.9:1")
	wrongPhone := fx.lookup(code, "1234", "192.0.2.9:1")
	if wrongCode.Code != 404 || wrongCode.Body.String() != strings.Replace(wrongPhone.Body.String(), code, "DT-9999-K7Q", 1) {
		t.Fatalf("a wrong code and a wrong phone differ:\n%s\n---\n%s", wrongCode.Body.String(), wrongPhone.Body.String())
	}
	if rec := fx.lookup(code, "56", "192.0.2.9:1"); rec.Code != 400 || !strings.Contains(rec.Body.String(), `id="e-phone4"`) {
		t.Fatalf("3 digits: %d", rec.Code)
	}
	for i := 5; i <= 10; i++ {
		fx.lookup(code, "0000", "192.0.2.9:1")
	}
	if rec := fx.lookup(code, "5678", "192.0.2.9:1"); rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "tra cứu quá nhiều lần") {
		t.Fatalf("the 11th lookup: %d", rec.Code)
	}
}

// Page weight: every page well under 60 KB (2G), measured as sent and
// gzipped.
func TestPageWeight(t *testing.T) {
	fx := newFixture(t, nil)
	rec := fx.get("/")
	form := rec.Body.String()
	h := hiddenOf(t, form)
	fx.clock.Advance(time.Minute)
	v := goodValues()
	v["name"] = ""
	errPage := fx.post("/gui", h, v, nil, "192.0.2.1:1", nil).Body.String()
	done := fx.post("/gui", h, goodValues(), nil, "192.0.2.1:1", nil).Body.String()
	fx.fake.reply = "Cửa hàng đồng ý đổi tủ lạnh mới trong tuần này."
	status := fx.lookup(trackingCode(t, done), "5678", "192.0.2.1:1").Body.String()
	for i := 0; i < DefaultSubmitsPerMinute; i++ {
		fx.post("/gui", h, v, nil, "192.0.2.2:1", nil)
	}
	refused := fx.post("/gui", h, v, nil, "192.0.2.2:1", nil).Body.String()
	css := fx.get(fx.h.cssURL).Body.String()
	js := fx.get(fx.h.jsURL).Body.String()
	first := len(form) + len(css) + len(js)
	for _, p := range []struct{ name, body string }{
		{"form /", form}, {"form with an error", errPage}, {"confirmation", done}, {"status /tra-cuu", status}, {"refusal (429)", refused},
		{"site.css", css}, {"site.js", js}, {"first visit (form+css+js)", form + css + js},
	} {
		t.Logf("%-28s %6d bytes, %6d gzipped", p.name, len(p.body), gzipLen(p.body))
	}
	if first > 60<<10 {
		t.Fatalf("the first page weighs %d bytes with its css and script, over 60 KB", first)
	}
}

func gzipLen(s string) int {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Write([]byte(s))
	w.Close()
	return b.Len()
}
