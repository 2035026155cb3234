package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/cmd/cli"
	"bvntd/storage"
	"bvntd/sync/intakeweb/browsertest"
)

// The online intake end to end, through the real programs: a consumer on
// a 360×740 phone, in a real headless Chromium on `bvntd-server serve
// --public-addr`, finds "Phường Mỹ Tho" by typing "my tho", fills the
// form in Vietnamese, leaves the name empty and sees the error next to it
// with everything else still filled, fixes it, acknowledges the notice,
// sends, and gets a tracking code. The commune's laptop (`bvntd sync`
// against the same server) then has the case, marked as from the online
// channel; its officer acknowledges it and writes a reply, which the next
// `bvntd sync` sends; the consumer's status page shows "Đã tiếp nhận" and
// the reply. Every page is saved at phone and desktop width (browsertest.EnvShots).
func TestIntake_BrowserToTheCommuneLaptopAndBack(t *testing.T) {
	exe := browsertest.Chromium(t)
	shots := browsertest.ShotsDir(t)
	clock := clocktest.AtToday(t)
	ctx := context.Background()

	dbPath := filepath.Join(t.TempDir(), "server.sqlite")
	sm := NewMain(clock.Now)
	sm.Stdout, sm.Stderr = io.Discard, &syncBuffer{}
	if err := sm.ParseFlags([]string{"serve", "--db", dbPath, "--addr", "127.0.0.1:0", "--public-addr", "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	if err := sm.Run(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sm.Close() })
	srv := &e2eServer{URL: sm.URL(), DB: dbPath}

	// The commune's laptop: an officer (the demo's), enrolled.
	laptop := filepath.Join(t.TempDir(), "laptop")
	bvntd := func(args ...string) {
		t.Helper()
		var out, errs bytes.Buffer
		m := &cli.Main{Stdout: &out, Stderr: &errs, Now: clock.Now}
		if err := m.Run(ctx, append([]string{args[0], "--data", laptop}, args[1:]...)); err != nil {
			t.Fatalf("bvntd %v: %v\n%s", args, err, errs.String())
		}
	}
	bvntd("demo", "--commune", "28261", "--complaints", "3", "--trainings", "0", "--events", "0", "--seed", "7")
	bvntd("enroll", "--server", srv.URL, "--code", srv.code(t, "28261"))
	bvntd("sync")

	// The browser.
	bctx := browsertest.Open(t, exe, 3*time.Minute)
	page := browsertest.Page{T: t, Ctx: bctx}
	do, eval := page.Do, page.Eval
	step := 0
	phone := func() {
		do("phone size", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateTouch))
	}
	desktop := func() { do("desktop size", chromedp.EmulateViewport(1280, 900)) }
	// shot saves the page at phone width, then at desktop width, and
	// leaves the browser at phone width.
	shot := func(name string) {
		t.Helper()
		step++
		for _, w := range []string{"360", "1280"} {
			if w == "1280" {
				desktop()
			}
			png, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("screenshot %s: %v", name, err)
			}
			if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("e2e-%s-%02d-%s.png", w, step, name)), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		phone()
	}

	pub := sm.PublicURL()
	phone()
	do("open the form", chromedp.Navigate(pub+"/"), chromedp.WaitVisible(chromedp.ID("q")))
	shot("form")
	do("search", chromedp.SendKeys(chromedp.ID("q"), "my tho"))
	if first := eval(`document.getElementById("f-unit_code").options[1].text`); !strings.HasPrefix(first, "Phường Mỹ Tho") {
		t.Fatalf(`after "my tho" the first choice is %q`, first)
	}
	do("choose", chromedp.SetValue(chromedp.ID("f-unit_code"), "28261"))
	values := map[string]string{
		"phone":            "0912 345 678",
		"address":          "Số 12, đường Lê Lợi, khu phố 3",
		"business_name":    "Cửa hàng điện máy Hòa Phát",
		"business_address": "Số 45, đường Ấp Bắc",
		"product":          "Tủ lạnh 180 lít",
		"summary":          "Tôi mua tủ lạnh ngày 20/11, sau 5 ngày tủ không còn lạnh; cửa hàng hẹn sửa nhưng chưa đến.",
		"request":          "Đề nghị cửa hàng đổi tủ lạnh mới hoặc hoàn tiền.",
	}
	for _, id := range []string{"phone", "address", "business_name", "business_address", "product", "summary", "request"} {
		do("type "+id, chromedp.SendKeys(chromedp.ID("f-"+id), values[id]))
	}
	clock.Advance(2 * time.Minute) // the time a person takes to write it
	do("send without a name", chromedp.Click(chromedp.CSS("button.primary")), chromedp.WaitVisible(chromedp.ID("e-name")))
	shot("error")
	if msg := eval(`document.getElementById("e-name").textContent`); !strings.Contains(msg, "họ và tên") {
		t.Fatalf("the error next to the name says %q", msg)
	}
	for id, want := range values {
		if got := eval(`document.getElementById("f-` + id + `").value`); got != want {
			t.Fatalf("%s came back as %q, want %q", id, got, want)
		}
	}
	do("fix", chromedp.SendKeys(chromedp.ID("f-name"), "Trần Văn Bình"))
	if !strings.Contains(eval(`document.getElementById("f-notice").closest("form").textContent`), "dữ liệu cá nhân") {
		t.Fatal("no notice on personal data before sending")
	}
	do("acknowledge", chromedp.Click(chromedp.ID("f-notice")))
	clock.Advance(time.Minute)
	do("send", chromedp.Click(chromedp.CSS("button.primary")), chromedp.WaitVisible(chromedp.CSS("p.code")))
	shot("confirmation")
	code := strings.TrimSpace(eval(`document.querySelector("p.code").textContent`))
	if !app.ValidTrackingCode(app.NormalizeTrackingCode(code)) {
		t.Fatalf("the confirmation shows %q, not a tracking code", code)
	}

	// The commune's laptop gets it on its next sync.
	clock.Advance(10 * time.Minute)
	bvntd("sync")
	db, err := storage.Open(ctx, filepath.Join(laptop, cli.StoreFile), storage.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	cases, err := db.ListCases(ctx, app.CaseQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var c app.Case
	for _, x := range cases {
		if x.TrackingCode == app.NormalizeTrackingCode(code) {
			c = x
		}
	}
	if c.ID == "" || c.Channel != app.ChannelOnlineIntake || c.Status != app.StatusReceived || c.ConsumerName != "Trần Văn Bình" ||
		c.Summary != values["summary"] || c.PrivacyNotice != app.NoticeAcknowledgedOnline {
		t.Fatalf("the laptop's case %+v", c)
	}

	// The officer acknowledges it and writes a reply; the next sync sends both.
	clock.Advance(time.Hour)
	if err := db.AddCaseEvent(ctx, c.ID, &app.CaseEvent{Kind: app.EventAcknowledged}); err != nil {
		t.Fatal(err)
	}
	c, err = db.GetCase(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	orig := c
	reply := "Phường đã nhận phản ánh và sẽ mời cửa hàng Hòa Phát làm việc trong tuần này."
	c.ConsumerReply, c.ConsumerReplyAt = reply, clock.Now()
	if err := db.Edit(ctx, app.EntityCase, c.ID, orig.Version, c.ChangedFields(&orig)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	bvntd("sync")

	// The consumer's status page.
	do("status", chromedp.Navigate(pub+"/tra-cuu"), chromedp.WaitVisible(chromedp.ID("f-code")))
	shot("status-form")
	do("look up", chromedp.SendKeys(chromedp.ID("f-code"), code), chromedp.SendKeys(chromedp.ID("f-phone4"), "5678"),
		chromedp.Click(chromedp.CSS("button.primary")), chromedp.WaitVisible(chromedp.CSS(".state")))
	shot("status")
	if st := eval(`document.querySelector(".state").textContent`); st != "Đã tiếp nhận" {
		t.Fatalf("the status page says %q", st)
	}
	if r := eval(`document.querySelector(".reply").textContent`); r != reply {
		t.Fatalf("the reply reads %q", r)
	}
	if page := eval(`document.body.textContent`); strings.Contains(page, "Trần Văn Bình") || strings.Contains(page, "0912") {
		t.Fatal("the status page shows the consumer's name or phone")
	}
	t.Logf("screenshots in %s", shots)
}
