package intakeweb

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// fakeBackend is a Backend in memory: idempotent by submission id, with
// its own small checks (as the real one returns EINVALID with Fields), a
// tracking code per submission and the status "Đã tiếp nhận".
type fakeBackend struct {
	mu      sync.Mutex
	byID    map[string]app.SubmitReceipt
	subs    map[string]*app.Submission // by tracking code
	reply   string
	failErr error
}

func newFake() *fakeBackend {
	return &fakeBackend{byID: map[string]app.SubmitReceipt{}, subs: map[string]*app.Submission{}}
}

var digitsRE = regexp.MustCompile(`[0-9]`)

func (f *fakeBackend) Submit(_ context.Context, sub *app.Submission) (app.SubmitReceipt, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failErr != nil {
		return app.SubmitReceipt{}, f.failErr
	}
	if r, ok := f.byID[sub.ID]; ok {
		r.Repeated = true
		return r, nil
	}
	if len(digitsRE.FindAllString(sub.Phone, -1)) < 9 {
		return app.SubmitReceipt{}, &app.Error{Code: app.EINVALID, Message: "Dữ liệu không hợp lệ.",
			Fields: map[string]string{"phone": "Số điện thoại chưa đúng: cần 10 chữ số, ví dụ 0912345678."}}
	}
	r := app.SubmitReceipt{TrackingCode: fmt.Sprintf("DT-%04d-K7Q", len(f.byID)+1), ReceivedAt: sub.SubmittedAt, UnitName: "Phường Mỹ Tho"}
	f.byID[sub.ID] = r
	f.subs[r.TrackingCode] = sub
	return r, nil
}

func (f *fakeBackend) Status(_ context.Context, code, last4 string) (app.IntakeStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	sub, ok := f.subs[code]
	if !ok || !strings.HasSuffix(strings.Join(digitsRE.FindAllString(sub.Phone, -1), ""), last4) {
		return app.IntakeStatus{}, app.Errorf(app.ENOTFOUND, "Không tìm thấy.")
	}
	return app.IntakeStatus{UnitName: "Phường Mỹ Tho", ReceivedAt: sub.SubmittedAt, Status: "Đã tiếp nhận",
		NextStep: "Cán bộ liên hệ với bạn", NextDue: sub.SubmittedAt.AddDate(0, 0, 2), Reply: f.reply, ReplyAt: sub.SubmittedAt.Add(time.Hour)}, nil
}

func (f *fakeBackend) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.byID)
}

// fixture is a Handler on a fake backend and a test clock.
type fixture struct {
	t     *testing.T
	h     *Handler
	fake  *fakeBackend
	clock *clocktest.Clock
	ids   int
	// ctx, when set, is the requests' context (a client that went away).
	ctx context.Context
}

func newFixture(t *testing.T, mod func(*Options)) *fixture {
	t.Helper()
	admin, districts, err := LoadUnits()
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{t: t, fake: newFake(), clock: clocktest.AtToday(t)}
	opt := Options{Backend: fx.fake, Units: admin, Districts: districts, Now: fx.clock.Now,
		Key: []byte("test key of the intake form"), NewID: func() string {
			fx.ids++
			return fmt.Sprintf("00000000-0000-4000-8000-%012d", fx.ids)
		}}
	if mod != nil {
		mod(&opt)
	}
	fx.h, err = New(opt)
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

// do serves one request from addr.
func (fx *fixture) do(req *http.Request, addr string) *httptest.ResponseRecorder {
	if addr != "" {
		req.RemoteAddr = addr
	}
	if fx.ctx != nil {
		req = req.WithContext(fx.ctx)
	}
	rec := httptest.NewRecorder()
	fx.h.ServeHTTP(rec, req)
	return rec
}

func (fx *fixture) get(path string) *httptest.ResponseRecorder {
	return fx.do(httptest.NewRequest("GET", path, nil), "192.0.2.1:5000")
}

// hidden is a form's hidden fields of a page.
type hidden struct{ id, issued, token string }

var hiddenRE = regexp.MustCompile(`name="(submission_id|issued|token)" value="([^"]*)"`)

func hiddenOf(t *testing.T, body string) hidden {
	t.Helper()
	var h hidden
	for _, m := range hiddenRE.FindAllStringSubmatch(body, -1) {
		switch m[1] {
		case "submission_id":
			h.id = m[2]
		case "issued":
			h.issued = m[2]
		case "token":
			h.token = m[2]
		}
	}
	if h.id == "" || h.issued == "" || h.token == "" {
		t.Fatalf("no hidden fields in the page")
	}
	return h
}

// newForm opens the form and waits (on the clock) long enough to fill it.
func (fx *fixture) newForm() hidden {
	fx.t.Helper()
	rec := fx.get("/")
	if rec.Code != 200 {
		fx.t.Fatalf("GET / = %d", rec.Code)
	}
	fx.clock.Advance(30 * time.Second)
	return hiddenOf(fx.t, rec.Body.String())
}

type file struct {
	name string
	data []byte
}

// goodValues is a complete, valid submission in Vietnamese.
func goodValues() map[string]string {
	return map[string]string{
		"unit_code": "28261", "name": "Nguyễn Thị Hồng Đào", "phone": "0912 345 678",
		"address": "Số 12 đường Ấp Bắc, khu phố 3", "business_name": "Cửa hàng điện máy Ánh Dương",
		"business_address": "45 Lê Lợi, phường Mỹ Tho", "product": "Tủ lạnh 180 lít",
		"happened_on": "2026-11-20", "summary": "Tủ lạnh mua được 3 ngày thì không lạnh, cửa hàng không chịu đổi.",
		"request": "Đổi tủ lạnh mới hoặc trả lại tiền.", "notice": "1",
	}
}

// post sends a multipart form from addr.
func (fx *fixture) post(path string, h hidden, values map[string]string, files []file, addr string, hdr map[string]string) *httptest.ResponseRecorder {
	fx.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("submission_id", h.id)
	mw.WriteField("issued", h.issued)
	mw.WriteField("token", h.token)
	for _, k := range []string{"website", "unit_code", "name", "phone", "address", "business_name", "business_address",
		"product", "happened_on", "summary", "request"} {
		if v, ok := values[k]; ok {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile("files", f.name)
		w.Write(f.data)
	}
	if v, ok := values["notice"]; ok {
		mw.WriteField("notice", v)
	}
	mw.Close()
	req := httptest.NewRequest("POST", path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	return fx.do(req, addr)
}

func (fx *fixture) lookup(code, last4, addr string) *httptest.ResponseRecorder {
	form := url.Values{"code": {code}, "phone4": {last4}}
	req := httptest.NewRequest("POST", "/tra-cuu", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return fx.do(req, addr)
}

var codeRE = regexp.MustCompile(`<p class="code"[^>]*>([^<]+)</p>`)

func trackingCode(t *testing.T, body string) string {
	t.Helper()
	m := codeRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no tracking code on the page:\n%s", body)
	}
	return m[1]
}

func readAll(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
