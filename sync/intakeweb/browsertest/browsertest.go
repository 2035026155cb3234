// Package browsertest drives a real headless Chromium for the tests of the
// public intake pages (sync/intakeweb and the server's end-to-end test):
// it finds Debian's chromium (.ci/deps.sh installs it) and opens a browser
// with the options both use.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// EnvShots names the folder the browser tests save their screenshots in
// (default a temporary folder of the test).
const EnvShots = "BVNTD_INTAKE_SHOTS"

// Chromium returns the path of a Chromium to drive. Without one the test
// is skipped, except under CI, where it fails. With -short it is skipped:
// a browser costs seconds of CPU to start, and the pages do not depend on
// the day, so .ci/test runs these tests in its full pass and its two full
// simulated days, not on the five short ones.
func Chromium(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("the browser tests run without -short")
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium on PATH under CI: .ci/deps.sh installs Debian's chromium")
	}
	t.Skip("no chromium on PATH (install Debian's chromium, e.g. bash .ci/deps.sh): the browser test is skipped")
	return ""
}

// Open starts a headless Chromium (exe) with a fresh profile, in Vietnamese,
// and returns its context, bounded by timeout; the browser stops at the
// end of the test.
func Open(t testing.TB, exe string, timeout time.Duration) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("lang", "vi-VN"), chromedp.UserDataDir(t.TempDir()))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancel(); cancelCtx(); cancelAlloc() })
	return ctx
}

// ShotsDir is the folder to save screenshots in: EnvShots, made if needed,
// or a temporary folder of the test.
func ShotsDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(EnvShots)
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// Page drives the browser of ctx for test t: each step fails the test
// with what it was doing.
type Page struct {
	T   testing.TB
	Ctx context.Context
}

// Do runs the actions; what names them in a failure.
func (p Page) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.T.Helper()
	if err := chromedp.Do(p.Ctx, actions...); err != nil {
		p.T.Fatalf("%s: %v", what, err)
	}
}

// Eval returns the string the JavaScript expression js evaluates to.
func (p Page) Eval(js string) string {
	p.T.Helper()
	v, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](js))
	if err != nil {
		p.T.Fatalf("%s: %v", js, err)
	}
	return v
}
