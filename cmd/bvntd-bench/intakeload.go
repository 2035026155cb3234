package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"bvntd/app"
)

// The online intake under load (issue 21): consumers send the public form
// of `bvntd-server serve --public-addr` while the devices sync. Each
// consumer is a goroutine that, over and over, opens a batch of forms (one
// GET each, the way a browser gets its hidden id, time and token), waits
// the form's minimum fill time, then sends them one after the other (a
// multipart POST /gui each). Every form comes from its own address, given
// in X-Forwarded-For (the server runs with --public-trust-proxy, as behind
// the province's reverse proxy): the per-address limit is the abuse guard's
// business, not the throughput's. A submission counts when the answer is
// the confirmation page with a tracking code.

// Like the rest of the load bench (LoadConfig.Now), the consumers time
// themselves on the real clock: the child server's form checks its fill
// time on its own wall clock, and a POST's latency is a measurement of
// real time, not a date the program records.

// intakeFillWait is how long a consumer waits between opening its forms
// and sending them: the form refuses one sent sooner than its minimum fill
// time (intakeweb.DefaultMinFillTime, 5 s) after it was shown.
const intakeFillWait = 5500 * time.Millisecond

// intakeBatch is how many forms a consumer opens before it sends them.
const intakeBatch = 10

var (
	hiddenRE = regexp.MustCompile(`name="(submission_id|issued|token)" value="([^"]*)"`)
	codeRE   = regexp.MustCompile(`class="code"[^>]*>\s*([A-Z0-9 ]+)\s*<`)
)

// intakeRecorder gathers what the consumers measured.
type intakeRecorder struct {
	mu       sync.Mutex
	post     []time.Duration // each accepted submission's POST
	failed   int64
	firstErr string
	sent     atomic.Int64
	addr     atomic.Int64
}

func (r *intakeRecorder) ok(d time.Duration) {
	r.mu.Lock()
	r.post = append(r.post, d)
	r.mu.Unlock()
}

func (r *intakeRecorder) fail(why string) {
	r.mu.Lock()
	r.failed++
	if r.firstErr == "" {
		r.firstErr = why
	}
	r.mu.Unlock()
}

// nextAddr is a new client address (10.0.0.1, 10.0.0.2, …).
func (r *intakeRecorder) nextAddr() string {
	n := r.addr.Add(1)
	return fmt.Sprintf("10.%d.%d.%d", (n>>16)&255, (n>>8)&255, n&255)
}

type openedForm struct {
	addr   string
	fields map[string]string
}

// runConsumer sends forms to the public listener at url until runCtx ends.
func runConsumer(runCtx context.Context, url string, i int, seed uint64, units []string, rec *intakeRecorder) {
	rng := rand.New(rand.NewPCG(seed, uint64(i)+1000))
	hc := &http.Client{Timeout: time.Minute}
	for runCtx.Err() == nil {
		var forms []openedForm
		opened := time.Now()
		for range intakeBatch {
			f, err := openForm(runCtx, hc, url, rec.nextAddr())
			if err != nil {
				if runCtx.Err() == nil {
					rec.fail(err.Error())
				}
				continue
			}
			forms = append(forms, f)
		}
		if !sleepCtx(runCtx, time.Until(opened.Add(intakeFillWait))) {
			return
		}
		for _, f := range forms {
			if runCtx.Err() != nil {
				return
			}
			sendForm(runCtx, hc, url, f, rng, units, rec)
		}
	}
}

// openForm gets the form as a browser at addr would, and its hidden fields.
func openForm(ctx context.Context, hc *http.Client, url, addr string) (openedForm, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url+"/", nil)
	if err != nil {
		return openedForm{}, err
	}
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := hc.Do(req)
	if err != nil {
		return openedForm{}, fmt.Errorf("open the form: %w", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		return openedForm{}, fmt.Errorf("open the form: %d %v", resp.StatusCode, err)
	}
	f := openedForm{addr: addr, fields: map[string]string{}}
	for _, m := range hiddenRE.FindAllSubmatch(body, -1) {
		f.fields[string(m[1])] = string(m[2])
	}
	if len(f.fields) != 3 {
		return openedForm{}, fmt.Errorf("open the form: hidden fields %v", f.fields)
	}
	return f, nil
}

// sendForm fills the form with synthetic Vietnamese text and sends it.
func sendForm(ctx context.Context, hc *http.Client, url string, f openedForm, rng *rand.Rand, units []string, rec *intakeRecorder) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fields := map[string]string{
		"unit_code":        pickOne(rng, units),
		"name":             pickOne(rng, []string{"Nguyễn Văn An", "Trần Thị Bích", "Lê Hoàng Nam", "Phạm Thu Hà", "Võ Minh Tâm"}),
		"phone":            fmt.Sprintf("09%08d", rng.IntN(100000000)),
		"address":          fmt.Sprintf("Số %d, khu phố %d", 1+rng.IntN(200), 1+rng.IntN(9)),
		"business_name":    pickOne(rng, []string{"Cửa hàng điện máy Hòa Phát", "Tiệm điện thoại Ánh Sao", "Siêu thị mini Phú Quý"}),
		"business_address": "Đường Ấp Bắc",
		"product":          pickOne(rng, []string{"Tủ lạnh", "Điện thoại", "Gạo đóng túi", "Gói cước internet"}),
		"summary":          "Hàng mua về bị lỗi sau vài ngày sử dụng; cửa hàng hẹn đổi nhưng chưa thực hiện.",
		"request":          "Đề nghị đổi hàng mới hoặc hoàn lại tiền.",
		"notice":           "1",
		"website":          "",
	}
	for k, v := range f.fields {
		fields[k] = v
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		mw.WriteField(k, fields[k])
	}
	mw.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+"/gui", &buf)
	if err != nil {
		rec.fail(err.Error())
		return
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-Forwarded-For", f.addr)
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			rec.fail("send the form: " + err.Error())
		}
		return
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	rec.sent.Add(1)
	if err != nil || resp.StatusCode != http.StatusOK || !codeRE.Match(body) {
		rec.fail(fmt.Sprintf("send the form: %d %s", resp.StatusCode, firstLine(body)))
		return
	}
	rec.ok(took)
}

// firstLine is the first words of an error page's main text, for the report.
func firstLine(body []byte) string {
	s := string(body)
	if i := strings.Index(s, "<h1"); i >= 0 {
		s = s[i:]
	}
	s = regexp.MustCompile(`<[^>]*>`).ReplaceAllString(s, " ")
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) > 120 {
		s = string([]rune(s)[:120])
	}
	return s
}

// intakeUnits are the codes of the communes a consumer may choose.
func intakeUnits(refs *app.RefData) []string {
	var out []string
	for _, u := range refs.Units {
		out = append(out, u.Code)
	}
	return out
}
