package intakeweb

import (
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"bvntd/sync/intakeweb/browsertest"
)

// A consumer on a phone (360×740) and on a desktop goes through the whole
// form in a real headless Chromium: finds "Phường Mỹ Tho" by typing "my
// tho", fills the form in Vietnamese, leaves the name empty and sees the
// error next to it with everything else kept, fixes it, acknowledges the
// notice, sends, gets a tracking code, and finds "Đã tiếp nhận" on the
// status page with the code and the phone's last four digits. Each page
// is saved as a PNG (browsertest.EnvShots).
func TestBrowser_IntakeFlow(t *testing.T) {
	exe := browsertest.Chromium(t)
	dir := browsertest.ShotsDir(t)
	for _, size := range []struct {
		name string
		w, h int64
	}{{"360", 360, 740}, {"1280", 1280, 900}} {
		t.Run(size.name, func(t *testing.T) {
			browserFlow(t, exe, dir, size.name, size.w, size.h)
		})
	}
	t.Logf("screenshots in %s", dir)
}

func browserFlow(t *testing.T, exe, dir, size string, width, height int64) {
	fx := newFixture(t, nil)
	fx.fake.reply = "Cửa hàng đã đồng ý đổi tủ lạnh mới; mời ông/bà đến nhận ngày 05/12."
	srv := httptest.NewServer(fx.h)
	defer srv.Close()

	ctx := browsertest.Open(t, exe, 2*time.Minute)

	step := 0
	shot := func(name string) {
		t.Helper()
		step++
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		path := filepath.Join(dir, fmt.Sprintf("intake-%s-%02d-%s.png", size, step, name))
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	page := browsertest.Page{T: t, Ctx: ctx}
	do, eval := page.Do, page.Eval
	value := func(id string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID(id)))
		if err != nil {
			t.Fatalf("value of %s: %v", id, err)
		}
		return v
	}

	opts2 := []chromedp.EmulateViewportOption{}
	if width < 600 {
		opts2 = append(opts2, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	do("open the form", chromedp.EmulateViewport(width, height, opts2...), chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("q")))
	if n := eval(`String(document.getElementById("f-unit_code").options.length - 1)`); n != "102" {
		t.Fatalf("%s communes in the list", n)
	}
	shot("form")

	// The commune: typed without diacritics, the script filters the list.
	do("search", chromedp.SendKeys(chromedp.ID("q"), "my tho"))
	first := eval(`document.getElementById("f-unit_code").options[1].text`)
	count := eval(`String(document.getElementById("f-unit_code").options.length - 1)`)
	if !strings.HasPrefix(first, "Phường Mỹ Tho") || count == "102" {
		t.Fatalf(`after "my tho" the list has %s, first %q`, count, first)
	}
	if msg := eval(`document.getElementById("q-count").textContent`); !strings.Contains(msg, "khớp") {
		t.Fatalf("the count says %q", msg)
	}
	do("choose", chromedp.SetValue(chromedp.ID("f-unit_code"), "28261"))
	shot("commune-found")

	// Everything but the name, in Vietnamese, typed as keys.
	v := goodValues()
	for _, id := range []string{"phone", "address", "business_name", "business_address", "product", "summary", "request"} {
		do("type "+id, chromedp.SendKeys(chromedp.ID("f-"+id), v[id]))
	}
	do("date", chromedp.SetValue(chromedp.ID("f-happened_on"), v["happened_on"]))
	fx.clock.Advance(2 * time.Minute) // the time it takes a person to write it
	do("send without a name", chromedp.Click(chromedp.ID("f-name")), chromedp.Click(chromedp.CSS("button.primary")),
		chromedp.WaitVisible(chromedp.ID("e-name")))
	shot("error")
	if id := eval(`document.activeElement.id`); id != "loi" {
		t.Fatalf("after the error the focus is on %q, not the summary", id)
	}
	if msg := eval(`document.getElementById("e-name").textContent`); !strings.Contains(msg, "Hãy ghi họ và tên") {
		t.Fatalf("the error next to the name: %q", msg)
	}
	if d := eval(`document.getElementById("f-name").getAttribute("aria-describedby")`); !strings.Contains(d, "e-name") {
		t.Fatalf("the name's aria-describedby is %q", d)
	}
	for _, id := range []string{"phone", "address", "business_name", "business_address", "product", "summary", "request", "happened_on"} {
		if got := value("f-" + id); got != v[id] {
			t.Fatalf("%s came back as %q, want %q", id, got, v[id])
		}
	}
	if got := value("f-unit_code"); got != "28261" {
		t.Fatalf("the commune came back as %q", got)
	}
	if !strings.Contains(eval(`document.querySelector("[role=alert]").textContent`), "Thông báo về dữ liệu cá nhân") {
		t.Fatal("the summary does not say the notice must be acknowledged")
	}

	// Fixed, the notice acknowledged, sent.
	do("fix", chromedp.SendKeys(chromedp.ID("f-name"), v["name"]), chromedp.Click(chromedp.ID("f-notice")))
	shot("fixed")
	fx.clock.Advance(time.Minute)
	do("send", chromedp.Click(chromedp.CSS("button.primary")), chromedp.WaitVisible(chromedp.CSS("p.code")))
	shot("confirmation")
	code := strings.TrimSpace(eval(`document.querySelector("p.code").textContent`))
	if code == "" || fx.fake.count() != 1 {
		t.Fatalf("code %q, %d submissions", code, fx.fake.count())
	}
	if sub := fx.fake.subs[code]; sub.Name != v["name"] || sub.Summary != v["summary"] || sub.UnitCode != "28261" || !sub.NoticeAcknowledged {
		t.Fatalf("the backend got %+v", sub)
	}

	// The status page.
	do("status", chromedp.Navigate(srv.URL+"/tra-cuu"), chromedp.WaitVisible(chromedp.ID("f-code")))
	shot("status-form")
	do("look up", chromedp.SendKeys(chromedp.ID("f-code"), code), chromedp.SendKeys(chromedp.ID("f-phone4"), "5678"),
		chromedp.Click(chromedp.CSS("button.primary")), chromedp.WaitVisible(chromedp.CSS(".state")))
	shot("status")
	if st := eval(`document.querySelector(".state").textContent`); st != "Đã tiếp nhận" {
		t.Fatalf("the status page says %q", st)
	}
	if r := eval(`document.querySelector(".reply").textContent`); r != fx.fake.reply {
		t.Fatalf("the reply reads %q", r)
	}

	// A refusal page (all share the layout of this one).
	do("refusal", chromedp.Navigate(srv.URL+"/khong-co"), chromedp.WaitVisible(chromedp.CSS(".refusal")))
	shot("refusal")
}
