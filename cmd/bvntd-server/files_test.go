package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/storage"
	"bvntd/storage/blobstore"
	"bvntd/storage/serverstore"
	"bvntd/sync/netsim"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"
)

// The evidence files over the sync (issue 20): a real server and real
// stores, the content sent after the records in pieces that resume where
// a cut link or an interrupted run left them, each chunk checked; a hash
// is not a capability.

// fileBytes is a photo's worth of random bytes from the test's seed.
func fileBytes(t *testing.T, n int) []byte {
	t.Helper()
	r := clocktest.Rand(t)
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// withFiles gives the laptop's sync client its file store and its
// attachment records, as the programs do.
func withFiles(t *testing.T, l *laptop) *blobstore.Store {
	t.Helper()
	blobs, err := l.db.Blobs()
	if err != nil {
		t.Fatal(err)
	}
	l.client.Files = blobs
	l.client.Attachments = func(ctx context.Context) ([]app.Attachment, error) {
		return storage.ListRecords[app.Attachment](ctx, l.db, storage.RecordQuery{})
	}
	return blobs
}

// attach puts data in the laptop's file store and writes its attachment
// record on the case (what the case screen's attach does).
func attach(t *testing.T, l *laptop, caseID, unit string, data []byte) string {
	t.Helper()
	blobs := withFiles(t, l)
	h, size, err := blobs.Put(bytes.NewReader(data), "")
	if err != nil {
		t.Fatal(err)
	}
	a := &app.Attachment{RecordHead: app.RecordHead{UnitCode: unit}, CaseID: caseID, Name: "hoa-don-mua-hang.jpg",
		Type: app.TypeJPEG, Size: size, SHA256: h}
	if err := l.db.SaveRecord(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return h
}

// serverFiles is the server's file store.
func serverFiles(t *testing.T, srv *fieldServer) serverstore.ContentStore {
	t.Helper()
	fs, err := srv.store.Files()
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// putCounter counts the bytes of the pieces the server reads, and lets a
// test act on them (cut, corrupt).
type putCounter struct {
	n          atomic.Int64
	mismatches atomic.Int64
	mu         sync.Mutex
	// onRead, if set, is called with the total after every read.
	onRead func(total int64)
	// corrupt, if > 0, flips the byte at that position of the next piece.
	corrupt int64
}

func (pc *putCounter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != syncproto.PathFilePut {
			next.ServeHTTP(w, r)
			return
		}
		pc.mu.Lock()
		at := pc.corrupt
		pc.corrupt = 0
		pc.mu.Unlock()
		r.Body = &countBody{ReadCloser: r.Body, pc: pc, corruptAt: at}
		rw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(rw, r)
		if rw.status == http.StatusBadRequest {
			pc.mismatches.Add(1)
		}
	})
}

type countBody struct {
	io.ReadCloser
	pc        *putCounter
	pos       int64
	corruptAt int64
}

func (b *countBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if b.corruptAt > 0 && b.pos <= b.corruptAt && b.corruptAt < b.pos+int64(n) {
		p[b.corruptAt-b.pos] ^= 0xff
	}
	b.pos += int64(n)
	total := b.pc.n.Add(int64(n))
	if b.pc.onRead != nil {
		b.pc.onRead(total)
	}
	return n, err
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func wrapServer(srv *fieldServer, wrap func(http.Handler) http.Handler) {
	srv.mu.Lock()
	srv.h = wrap(srv.h)
	srv.mu.Unlock()
}

// TestFiles_FiveMBOverALinkCutEvery128KB: a 5 MB photo attached on laptop
// A reaches the server and opens on laptop B of the same commune, both
// over links cut every 128 KB; each side puts at most 1.15× the file on
// the wire. B's sync downloads nothing: B fetches the file when it is
// opened.
func TestFiles_FiveMBOverALinkCutEvery128KB(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	b := newLaptop(t, srv, "28261", 0)
	data := fileBytes(t, 5<<20)
	x := a.newCase("Nguyễn Thị Hóa Đơn")
	h := attach(t, a, x.ID, "28261", data)
	a.client.FileBytes = -1 // `bvntd sync`: everything
	upLink := &netsim.Link{CutEvery: 128_000}
	a.client.HTTP = upLink.Client(30 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := a.client.Sync(ctx)
	if err != nil {
		t.Fatalf("A's sync: %v", err)
	}
	if res.Files.Sent != 1 || res.Files.BytesSent != int64(len(data)) {
		t.Fatalf("A sent %+v, want the one file of %d bytes", res.Files, len(data))
	}
	if err := serverFiles(t, srv).Verify(h); err != nil {
		t.Fatalf("the server's copy: %v", err)
	}
	up := upLink.Sent() + upLink.Received()
	t.Logf("upload of %d bytes: %d bytes on the wire (%.3f×), %d cuts", len(data), up, float64(up)/float64(len(data)), upLink.Cuts())
	if upLink.Cuts() < 30 {
		t.Fatalf("the link was cut %d times; the test wants a link that drops", upLink.Cuts())
	}
	if float64(up) > 1.15*float64(len(data)) {
		t.Fatalf("upload: %d bytes on the wire for a file of %d (> 1.15×)", up, len(data))
	}

	// B pulls the record, not the content.
	bBlobs := withFiles(t, b)
	b.mustSync()
	if bBlobs.Has(h) {
		t.Fatal("B's sync downloaded the file; files come when opened")
	}
	downLink := &netsim.Link{CutEvery: 128_000}
	b.client.HTTP = downLink.Client(30 * time.Second)
	if err := b.client.FetchAttachment(ctx, h); err != nil {
		t.Fatalf("B opens the file: %v", err)
	}
	if err := bBlobs.Verify(h); err != nil {
		t.Fatalf("B's copy: %v", err)
	}
	down := downLink.Sent() + downLink.Received()
	t.Logf("download of %d bytes: %d bytes on the wire (%.3f×), %d cuts", len(data), down, float64(down)/float64(len(data)), downLink.Cuts())
	if downLink.Cuts() < 30 {
		t.Fatalf("the link was cut %d times; the test wants a link that drops", downLink.Cuts())
	}
	if float64(down) > 1.15*float64(len(data)) {
		t.Fatalf("download: %d bytes on the wire for a file of %d (> 1.15×)", down, len(data))
	}
	// Opening it again costs nothing.
	before := downLink.Sent()
	if err := b.client.FetchAttachment(ctx, h); err != nil || downLink.Sent() != before {
		t.Fatalf("a second open: %v, %d bytes sent", err, downLink.Sent()-before)
	}
}

// TestFiles_InterruptedUploadResumes: an upload interrupted at five
// points (the run's context cancelled, as a killed `bvntd sync` drops its
// connection) resumes each time where the server's copy ends: the server
// reads every byte of the file once, none twice.
func TestFiles_InterruptedUploadResumes(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	pc := &putCounter{}
	wrapServer(srv, pc.wrap)
	a := newLaptop(t, srv, "28261", 0)
	data := fileBytes(t, 3<<20+12345)
	x := a.newCase("Trần Văn Gián Đoạn")
	h := attach(t, a, x.ID, "28261", data)
	a.client.FileBytes = -1
	a.client.PieceBytes = 1 << 20

	size := int64(len(data))
	var (
		mu      sync.Mutex
		cancel  context.CancelFunc
		next    = 1
		cuts    int
		offsets []int64
	)
	pc.onRead = func(total int64) {
		mu.Lock()
		defer mu.Unlock()
		if next <= 5 && total >= size*int64(next)/6 {
			next++
			cuts++
			offsets = append(offsets, total)
			cancel()
		}
	}
	done := false
	for run := 0; run < 20 && !done; run++ {
		ctx, c := context.WithTimeout(context.Background(), time.Minute)
		mu.Lock()
		cancel = c
		mu.Unlock()
		res, err := a.client.Sync(ctx)
		c()
		t.Logf("run %d: %+v (%v)", run, res.Files, app.ErrorCode(err))
		done = err == nil
	}
	if !done || cuts != 5 {
		t.Fatalf("finished %v after %d interruptions (want 5)", done, cuts)
	}
	t.Logf("interrupted after %v bytes had arrived", offsets)

	if err := serverFiles(t, srv).Verify(h); err != nil {
		t.Fatalf("the server's copy: %v", err)
	}
	if got := pc.n.Load(); got != size {
		t.Fatalf("the server read %d bytes of pieces for a file of %d: acknowledged bytes were sent again", got, size)
	}
	// The next sync sends nothing more.
	before := pc.n.Load()
	a.mustSync()
	if pc.n.Load() != before {
		t.Fatal("a sync after the upload sent the file again")
	}
}

// TestFiles_CorruptedChunkIsRefusedAndResent: a piece damaged on its way
// fails its chunk's hash at the server, which drops that chunk and
// answers 400; the laptop sends the chunk again and the file arrives
// whole.
func TestFiles_CorruptedChunkIsRefusedAndResent(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	pc := &putCounter{corrupt: 1000}
	wrapServer(srv, pc.wrap)
	a := newLaptop(t, srv, "28261", 0)
	data := fileBytes(t, 700<<10)
	x := a.newCase("Lê Văn Hỏng")
	h := attach(t, a, x.ID, "28261", data)
	a.client.FileBytes = -1
	res, err := a.client.Sync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if pc.mismatches.Load() != 1 || res.Files.Sent != 1 {
		t.Fatalf("%d pieces refused, %d files sent; want 1 and 1", pc.mismatches.Load(), res.Files.Sent)
	}
	if err := serverFiles(t, srv).Verify(h); err != nil {
		t.Fatalf("the server's copy: %v", err)
	}
	// The chunk and what followed it in the damaged piece came again; not
	// the whole file.
	if extra := pc.n.Load() - int64(len(data)); extra <= 0 || extra > 2*blobstore.ChunkSize {
		t.Fatalf("%d bytes sent again, want the damaged chunk (and the piece's rest): ≤ %d", extra, 2*blobstore.ChunkSize)
	}
}

// TestFiles_AnotherCommuneGetsForbidden: device C of another commune
// cannot fetch A's file by its hash (403), nor send content for A's case,
// nor gain the file by writing a record of its own that names the hash.
func TestFiles_AnotherCommuneGetsForbidden(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	c := newLaptop(t, srv, "28249", 0)
	data := fileBytes(t, 300<<10)
	x := a.newCase("Phạm Thị Bí Mật")
	h := attach(t, a, x.ID, "28261", data)
	a.client.FileBytes = -1
	a.mustSync()
	withFiles(t, c)
	c.mustSync()
	ctx := context.Background()

	checkForbidden := func(what string, err error) {
		t.Helper()
		if app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("%s: %v, want forbidden", what, err)
		}
		if msg := app.ErrorMessage(err); !bytes.Contains([]byte(msg), []byte("không có quyền")) {
			t.Fatalf("%s: message %q", what, msg)
		}
	}
	checkForbidden("C fetches A's file by its hash", c.client.FetchAttachment(ctx, h))
	if st := rawGet(t, srv, c, h); st != http.StatusForbidden {
		t.Fatalf("C's raw download: %d, want 403", st)
	}
	if st := rawPut(t, srv, c, h, data[:1000]); st != http.StatusForbidden {
		t.Fatalf("C's upload of A's file: %d, want 403", st)
	}

	// C attaches "the same file" to A's case: the record is refused (it
	// is A's commune), so no upload for it is taken either.
	aCase := &app.Attachment{RecordHead: app.RecordHead{UnitCode: "28261"}, CaseID: x.ID, Name: "gia-mao.jpg",
		Type: app.TypeJPEG, Size: int64(len(data)), SHA256: h}
	if err := c.db.SaveRecord(ctx, aCase); err == nil {
		res, err := c.client.Sync(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Rejected == 0 {
			t.Fatal("C's attachment on A's case was accepted")
		}
	}
	if st := rawPut(t, srv, c, h, data[:1000]); st != http.StatusForbidden {
		t.Fatalf("C's upload for A's case: %d, want 403", st)
	}

	// A record of C's own commune naming the hash opens nothing: C would
	// have to send the content whole first.
	own := &app.Case{ReceivedAt: c.db.Now().Add(-time.Hour), Channel: "truc_tiep", Kind: "khieu_nai",
		ConsumerName: "Người thử", Sector: "thuc_pham_do_uong", Summary: "Thử mã băm.", RecordHead: app.RecordHead{UnitCode: "28249"}}
	if err := c.db.CreateCase(ctx, own); err != nil {
		t.Fatal(err)
	}
	forged := &app.Attachment{RecordHead: app.RecordHead{UnitCode: "28249"}, CaseID: own.ID, Name: "doan-ma.jpg",
		Type: app.TypeJPEG, Size: int64(len(data)), SHA256: h}
	if err := c.db.SaveRecord(ctx, forged); err != nil {
		t.Fatal(err)
	}
	c.mustSync()
	checkForbidden("C fetches through a record naming the hash", c.client.FetchAttachment(ctx, h))
	if st := rawGet(t, srv, c, h); st != http.StatusForbidden {
		t.Fatalf("C's raw download through its own record: %d, want 403", st)
	}
}

// token returns a laptop's device token.
func token(t *testing.T, l *laptop) string {
	t.Helper()
	e, err := l.db.Enrollment(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return e.Token
}

func rawGet(t *testing.T, srv *fieldServer, l *laptop, h string) int {
	t.Helper()
	body, _ := syncproto.Encode(syncproto.FileGetRequest{SHA256: h}, false)
	return rawPost(t, srv.url+syncproto.PathFileGet, l, body, nil)
}

func rawPut(t *testing.T, srv *fieldServer, l *laptop, h string, piece []byte) int {
	t.Helper()
	sums, err := chunkSumsOf(piece)
	if err != nil {
		t.Fatal(err)
	}
	return rawPost(t, srv.url+syncproto.PathFilePut+"?sha256="+h+"&offset=0", l, piece,
		map[string]string{syncproto.HeaderChunkSums: sums, "Content-Type": "application/octet-stream"})
}

// chunkSumsOf is the header of a piece of less than a chunk.
func chunkSumsOf(piece []byte) (string, error) {
	sum := sha256.Sum256(piece)
	return hex.EncodeToString(sum[:]), nil
}

func rawPost(t *testing.T, url string, l *laptop, body []byte, headers map[string]string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(syncproto.HeaderProtocol, strconv.Itoa(syncproto.ProtocolVersion))
	req.Header.Set("Authorization", "Bearer "+token(t, l))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// TestFiles_ServerCommand: a run sends the records, then files within its
// byte budget, leaving the rest for the next run; `bvntd-server files`
// counts each commune's files and the bytes the server holds, and what
// has not arrived.
func TestFiles_ServerCommand(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	x := a.newCase("Đỗ Văn Đếm")
	attach(t, a, x.ID, "28261", fileBytes(t, 200<<10))
	y := a.newCase("Đỗ Thị Đếm")
	attach(t, a, y.ID, "28261", fileBytes(t, 300<<10)[100:]) // another content
	a.client.FileBytes = 250 << 10                           // the second file waits
	res, err := a.client.Sync(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Files.Sent != 1 || res.Files.Pending != 1 {
		t.Fatalf("files %+v: want one sent, one left for the next run", res.Files)
	}
	// The records went first, all of them.
	if pending, _, err := a.db.OutboxCount(context.Background()); err != nil || pending != 0 {
		t.Fatalf("%d changes left in the outbox (%v): the files held back the records", pending, err)
	}
	out := srv.cmd("files", "--db", srv.path, "--files", srv.files)
	want := "28261"
	if !strings.Contains(out, want) {
		t.Fatalf("files printed %q", out)
	}
	fields := strings.Fields(out[strings.Index(out, "28261"):])
	// MÃ XÃ, TÊN (words…), SỐ TỆP, ĐÃ CÓ, CHƯA ĐỦ, BYTES: the last four.
	got := strings.Join(fields[len(fields)-4:], " ")
	if got != "2 1 1 204800" {
		t.Fatalf("files row %q, want 2 files, 1 stored, 1 missing, 204800 bytes", got)
	}
}

// TestFiles_ProvinceOpensOnlyWhatItsCopyHolds: a provincial device with
// the limited copy may not open the files of a commune's case (its
// personal data stay with the commune) until the case is referred to a
// provincial body; one with the full copy may. Neither downloads anything
// by syncing.
func TestFiles_ProvinceOpensOnlyWhatItsCopyHolds(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	ctx := context.Background()
	a := newLaptop(t, srv, "28261", 0)
	limited := newLaptop(t, srv, syncproto.ScopeProvince, 0)
	full := newLaptop(t, srv, syncproto.ScopeProvince, 0)
	if _, err := srv.store.SetFullCopy(ctx, full.db.DeviceID(), true); err != nil {
		t.Fatal(err)
	}
	x := a.newCase("Võ Thị Tỉnh")
	h := attach(t, a, x.ID, "28261", fileBytes(t, 400<<10))
	a.client.FileBytes = -1
	a.mustSync()
	lBlobs, fBlobs := withFiles(t, limited), withFiles(t, full)
	limited.mustSync()
	full.mustSync()
	if lBlobs.Has(h) || fBlobs.Has(h) {
		t.Fatal("a provincial sync downloaded a file nobody opened")
	}
	if err := limited.client.FetchAttachment(ctx, h); app.ErrorCode(err) != app.EFORBIDDEN {
		t.Fatalf("the limited copy opens a commune's file: %v, want forbidden", err)
	}
	if err := full.client.FetchAttachment(ctx, h); err != nil {
		t.Fatalf("the full copy opens the file: %v", err)
	}

	clock.Advance(time.Hour)
	if err := a.db.AddCaseEvent(ctx, x.ID, &app.CaseEvent{Kind: app.EventReferred, Agency: "sct",
		DocumentNo: "15/UBND-KT", ConsumerNotified: true}); err != nil {
		t.Fatal(err)
	}
	a.mustSync()
	limited.mustSync()
	if err := limited.client.FetchAttachment(ctx, h); err != nil {
		t.Fatalf("the limited copy opens the file of a case referred to Sở Công Thương: %v", err)
	}
	if err := lBlobs.Verify(h); err != nil {
		t.Fatal(err)
	}
}

// filesFigures runs TestFiles_Figures: it takes minutes of real time.
var filesFigures = flag.Bool("files.figures", false, "print the evidence files' transfer figures (20 photos over 256 kbit/s, 150 ms)")

// TestFiles_Figures prints the time and the bytes on the wire of 20 photos
// of about 400 KB sent by laptop A and opened on laptop B over a 256 kbit/s
// link with 150 ms of latency (issue 20's figures). Not an assertion of
// time: run with -files.figures.
func TestFiles_Figures(t *testing.T) {
	if !*filesFigures {
		t.Skip("run with -files.figures (about 10 minutes)")
	}
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptop(t, srv, "28261", 0)
	b := newLaptop(t, srv, "28261", 0)
	r := clocktest.Rand(t)
	var hashes []string
	var total int64
	for i := range 20 {
		x := a.newCase("Người khiếu nại " + strconv.Itoa(i+1))
		data := fileBytes(t, 350<<10+r.IntN(100<<10))
		total += int64(len(data))
		hashes = append(hashes, attach(t, a, x.ID, "28261", data))
	}
	now := clocktest.Running(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()

	up := &netsim.Link{Rate: 256_000, Latency: 150 * time.Millisecond}
	a.client.HTTP, a.client.FileBytes = up.Client(2*time.Minute), -1
	start := now()
	res, err := a.client.Sync(ctx)
	if err != nil || res.Files.Sent != len(hashes) {
		t.Fatalf("A's sync: %+v %v", res.Files, err)
	}
	upTime := now().Sub(start)

	b.mustSync() // the records, on a fast link
	down := &netsim.Link{Rate: 256_000, Latency: 150 * time.Millisecond}
	withFiles(t, b)
	b.client.HTTP = down.Client(2 * time.Minute)
	start = now()
	for _, h := range hashes {
		if err := b.client.FetchAttachment(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	downTime := now().Sub(start)
	ideal := time.Duration(float64(total*8) / 256_000 * float64(time.Second))
	t.Logf("20 photos, %d bytes in all (%.0f KB each on average); link 256 kbit/s, 150 ms one way", total, float64(total)/20/1024)
	t.Logf("the bytes alone at 256 kbit/s: %v", ideal.Round(time.Second))
	t.Logf("upload (records + files, one sync): %v; on the wire %d bytes sent, %d received (%.3f× the files)",
		upTime.Round(100*time.Millisecond), up.Sent(), up.Received(), float64(up.Sent()+up.Received())/float64(total))
	t.Logf("download (20 opens): %v; on the wire %d bytes sent, %d received (%.3f× the files)",
		downTime.Round(100*time.Millisecond), down.Sent(), down.Received(), float64(down.Sent()+down.Received())/float64(total))
}
