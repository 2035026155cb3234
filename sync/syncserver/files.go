package syncserver

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// FileStore is implemented by stores that keep the evidence files'
// content (syncproto/files.go). Each method decides, from the records,
// what the device may do with the file: a device that may not is
// app.EFORBIDDEN (403).
type FileStore interface {
	// FileStatus answers what the server holds of each file asked.
	FileStatus(ctx context.Context, deviceID string, req syncproto.FileStatusRequest) ([]syncproto.FileStatus, error)
	// PutFile stores a piece of a file from offset; sums are the hex
	// SHA-256 of the chunks the piece touches. What arrives of a cut body
	// is kept.
	PutFile(ctx context.Context, deviceID, hash string, offset int64, sums []string, body io.Reader) (syncproto.FilePutResponse, error)
	// GetFile opens the bytes asked of a stored file and says how many.
	GetFile(ctx context.Context, deviceID string, req syncproto.FileGetRequest) (io.ReadCloser, int64, error)
}

// msgNoFileStore: the store keeps no files.
const msgNoFileStore = "Máy chủ tỉnh này chưa nhận tệp chứng cứ (no file store)."

func (s *server) fileStore() (FileStore, error) {
	fs, ok := s.store.(FileStore)
	if !ok {
		return nil, app.Errorf(app.ENOTFOUND, msgNoFileStore)
	}
	return fs, nil
}

func (s *server) fileStatus(c *call) (any, error) {
	fs, err := s.fileStore()
	if err != nil {
		return nil, err
	}
	var req syncproto.FileStatusRequest
	if err := s.decode(c, &req); err != nil {
		return nil, err
	}
	if len(req.Hashes) > syncproto.MaxFileStatusHashes {
		return nil, errTooLarge(nil)
	}
	s.waitPuts(c.r.Context(), req.Hashes)
	files, err := fs.FileStatus(c.r.Context(), c.dev.id, req)
	if err != nil {
		return nil, err
	}
	c.attrs = append(c.attrs, "files", len(files))
	return syncproto.FileStatusResponse{Files: files, ServerTimeMS: s.nowMS()}, nil
}

// filePut takes a piece of a file: raw bytes, not compressed.
func (s *server) filePut(c *call) (any, error) {
	fs, err := s.fileStore()
	if err != nil {
		return nil, err
	}
	q := c.r.URL.Query()
	hash := q.Get("sha256")
	offset, err := strconv.ParseInt(q.Get("offset"), 10, 64)
	if err != nil || offset < 0 || !app.ValidSHA256(hash) {
		return nil, app.Errorf(app.EINVALID, "Yêu cầu gửi tệp thiếu mã băm hoặc vị trí (bad sha256 or offset).")
	}
	if enc := strings.TrimSpace(c.r.Header.Get("Content-Encoding")); enc != "" && enc != "identity" {
		return nil, app.Errorf(app.EINVALID, "Phần tệp gửi lên không được nén (unsupported Content-Encoding %q).", enc)
	}
	if c.r.ContentLength > syncproto.MaxFilePieceBytes {
		return nil, errTooLarge(nil)
	}
	var sums []string
	for v := range strings.SplitSeq(c.r.Header.Get(syncproto.HeaderChunkSums), ",") {
		if v = strings.TrimSpace(v); v != "" {
			sums = append(sums, v)
		}
	}
	if len(sums) == 0 || len(sums) > syncproto.MaxFilePieceBytes/syncproto.FileChunkSize+1 {
		return nil, app.Errorf(app.EINVALID, "Yêu cầu gửi tệp thiếu mã băm của các phần (missing %s).", syncproto.HeaderChunkSums)
	}
	body := http.MaxBytesReader(c.w, c.r.Body, syncproto.MaxFilePieceBytes)
	// The piece is stored even if the device hangs up: what arrived is kept.
	resp, err := fs.PutFile(context.WithoutCancel(c.r.Context()), c.dev.id, hash, offset, sums, body)
	c.attrs = append(c.attrs, "file", hash[:12], "offset", offset, "reached", resp.Offset, "stored", resp.Stored)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, errTooLarge(err)
	}
	if err != nil && app.ErrorCode(err) == app.EINTERNAL && c.r.Context().Err() == nil && bodyOf(c.r) != nil && !bodyOf(c.r).eof.Load() {
		// The body was cut: what arrived is kept; the device asks again.
		return nil, app.WrapError(app.EOFFLINE, "Đường truyền bị ngắt khi đang gửi tệp; phần đã nhận được giữ lại.", err)
	}
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// rawBody is an answer of raw bytes (a piece of a file).
type rawBody struct {
	r io.ReadCloser
	n int64
}

func (s *server) fileGet(c *call) (any, error) {
	fs, err := s.fileStore()
	if err != nil {
		return nil, err
	}
	var req syncproto.FileGetRequest
	if err := s.decode(c, &req); err != nil {
		return nil, err
	}
	r, n, err := fs.GetFile(c.r.Context(), c.dev.id, req)
	if err != nil {
		return nil, err
	}
	if len(req.SHA256) >= 12 {
		c.attrs = append(c.attrs, "file", req.SHA256[:12], "offset", req.Offset, "bytes", n)
	}
	return &rawBody{r: r, n: n}, nil
}

// writeRaw sends a raw answer.
func (s *server) writeRaw(c *call, b *rawBody) error {
	defer b.r.Close()
	h := c.w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set(syncproto.HeaderProtocol, strconv.Itoa(syncproto.ProtocolVersion))
	h.Set("Content-Length", strconv.FormatInt(b.n, 10))
	c.status = http.StatusOK
	c.w.WriteHeader(http.StatusOK)
	_, err := io.CopyN(c.w, b.r, b.n)
	return err
}

// A piece sent over a link that was just cut may still be in the server's
// hands (its request read, its store not yet reached) when the device
// asks again where the file stands: the answer would then be the offset
// from before that piece, and the device would send the piece's bytes
// again. So the pieces in flight are noted from the moment their request
// arrives (before authentication, which takes a query), and a question
// about a file waits, at most putWait, for its pieces in flight to end.

type putKey struct {
	s    *server
	hash string
}

type putFlight struct {
	n    int
	done chan struct{}
}

var (
	putsMu sync.Mutex
	puts   = map[putKey]*putFlight{}
)

// putWait bounds how long a question waits for the pieces in flight.
const putWait = 5 * time.Second

// putInFlight notes the pieces of files in flight.
func (s *server) putInFlight(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.URL.Query().Get("sha256")
		if !app.ValidSHA256(h) {
			next.ServeHTTP(w, r)
			return
		}
		k := putKey{s, h}
		putsMu.Lock()
		f := puts[k]
		if f == nil {
			f = &putFlight{done: make(chan struct{})}
			puts[k] = f
		}
		f.n++
		putsMu.Unlock()
		defer func() {
			putsMu.Lock()
			if f.n--; f.n == 0 {
				delete(puts, k)
				close(f.done)
			}
			putsMu.Unlock()
		}()
		next.ServeHTTP(w, r)
	})
}

// waitPuts waits, at most putWait in all, until no piece of the files
// hashes is in flight.
func (s *server) waitPuts(ctx context.Context, hashes []string) {
	t := time.NewTimer(putWait)
	defer t.Stop()
	for _, h := range hashes {
		putsMu.Lock()
		f := puts[putKey{s, h}]
		putsMu.Unlock()
		if f == nil {
			continue
		}
		select {
		case <-f.done:
		case <-t.C:
			return
		case <-ctx.Done():
			return
		}
	}
}
