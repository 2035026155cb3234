//go:build unix

package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/cmd/cli"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// TestKill_FileUploadResumesAfterSIGKILL: a real `bvntd sync` process is
// killed with SIGKILL at five points of the upload of a 3 MB evidence
// file, then run again until it finishes: the file arrives whole and the
// server reads every byte of it once — no acknowledged byte is sent again.
func TestKill_FileUploadResumesAfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds bvntd and kills it; skipped with -short")
	}
	quietLogs(t)
	bin := buildBvntd(t)
	clock := clocktest.Running(t)
	var (
		slow    atomic.Bool
		total   atomic.Int64
		mu      sync.Mutex
		crossed = make(chan int64, 16)
		next    int64
		step    int64
	)
	// The pieces are read slowly while a kill is wanted, so that the
	// kill lands in the middle of the upload; every byte read is counted.
	wrap := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == syncproto.PathFilePut {
				r.Body = &slowCount{ReadCloser: r.Body, onRead: func(n int) {
					got := total.Add(int64(n))
					mu.Lock()
					if next > 0 && got >= next {
						crossed <- got
						next = 0
					}
					mu.Unlock()
					if slow.Load() {
						time.Sleep(15 * time.Millisecond)
					}
				}}
			}
			h.ServeHTTP(w, r)
		})
	}
	srv := startHandlerWith(t, syncserver.Options{Now: clock}, wrap)
	dir := filepath.Join(t.TempDir(), "A")
	d := &device{t: t, dir: dir, now: clock}
	d.must("demo", "--data", dir, "--commune", "28261", "--plain", "--complaints", "1", "--seed", demoSeed(t, 0))
	d.must("enroll", "--server", srv.URL, "--code", srv.code(t, "28261"))
	data := fileBytes(t, 3<<20)
	ctx := context.Background()
	db, _, err := cli.OpenStore(ctx, dir, clock)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := db.ListCases(ctx, app.CaseQuery{})
	if err != nil || len(cases) != 1 {
		t.Fatalf("cases %d %v", len(cases), err)
	}
	blobs, err := db.Blobs()
	if err != nil {
		t.Fatal(err)
	}
	h, size, err := blobs.Put(bytes.NewReader(data), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveRecord(ctx, &app.Attachment{CaseID: cases[0].ID, Name: "bien-nhan.jpg", Type: app.TypeJPEG,
		Size: size, SHA256: h}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	step = size / 6
	var at []int64
	for kill := 1; kill <= 5; kill++ {
		mu.Lock()
		next = total.Load() + step
		mu.Unlock()
		slow.Store(true)
		cmd := exec.Command(bin, "sync", "--data", dir, "--timeout", "2m")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case got := <-crossed:
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			at = append(at, got)
		case err := <-done:
			t.Fatalf("run %d ended before its kill: %v", kill, err)
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			<-done
			t.Fatalf("run %d: the upload did not reach %d bytes", kill, step)
		}
	}
	t.Logf("killed with SIGKILL after %v bytes of the file had reached the server", at)
	slow.Store(false)
	d.must("sync", "--timeout", "2m")
	fs, err := srv.Store.Files()
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.Verify(h); err != nil {
		t.Fatalf("the server's copy: %v", err)
	}
	if got := total.Load(); got != size {
		t.Fatalf("the server read %d bytes of pieces for a file of %d: acknowledged bytes were sent again", got, size)
	}
}

// slowCount is a request body that calls onRead after every read.
type slowCount struct {
	io.ReadCloser
	onRead func(n int)
}

func (b *slowCount) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.onRead(n)
	return n, err
}
