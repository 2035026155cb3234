package syncclient

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// The evidence files (syncproto/files.go). A sync sends, after the
// records, the content of the attachments this device holds and the
// server lacks, within Client.FileBytes a run, so that a large file never
// holds back the records: what is left goes on at the next run, from
// where the server's copy ends. Nothing is downloaded by a sync: an
// officer who opens a file the laptop does not hold calls
// FetchAttachment, which downloads it (a provincial laptop thus downloads
// nothing until someone opens a case's file).

// FileStore is the device's store of evidence files
// (storage/blobstore.Store; the laptop's "tep" folder).
type FileStore interface {
	Has(h string) bool
	Open(h string) (*os.File, error)
	// Partial returns how many bytes of h a download has kept so far.
	Partial(h string) (int64, error)
	// Receive appends r's bytes to the partial file of h (see
	// blobstore.Store.Receive).
	Receive(h string, size, off int64, r io.Reader, sum func(k int64) (string, bool)) (int64, bool, error)
}

// Defaults of the files.
const (
	// DefaultFileBytes is what a sync sends of files at most (1 MiB: about
	// a minute on a fair 2G link); the rest waits for the next run.
	DefaultFileBytes = 1 << 20
	// DefaultPieceBytes is one request's piece of a file, sent or asked.
	DefaultPieceBytes = 512 << 10
	// maxChunkRetries bounds the chunk mismatches in a row of one file in
	// one run (the local content is damaged, or a middlebox is).
	maxChunkRetries = 3
)

// FileResult sums up the files of a sync.
type FileResult struct {
	Sent      int   // files the server now holds whole, sent by this run
	BytesSent int64 // content bytes of the pieces sent
	// Pending counts files left for a next run (the run's byte budget
	// was spent).
	Pending int
	// Refused counts files the server refused (no record of this device's
	// scope has them: the record was refused or voided).
	Refused int
}

// Messages of the files.
const (
	MsgFileNotOnServer = "Tệp này chưa có trên máy chủ tỉnh: máy đã đính kèm tệp chưa gửi xong nội dung. Vui lòng thử lại sau khi máy đó đồng bộ."
	MsgFileForbidden   = "Thiết bị không có quyền xem tệp này (tệp không thuộc hồ sơ nào trong phạm vi dữ liệu của thiết bị)."
	MsgNoFileStore     = "Máy này chưa có nơi lưu tệp chứng cứ."
)

func (c *Client) fileBudget() int64 {
	switch {
	case c.FileBytes < 0:
		return 1 << 62
	case c.FileBytes == 0:
		return DefaultFileBytes
	}
	return c.FileBytes
}

func (c *Client) pieceBytes() int64 {
	if c.PieceBytes > 0 {
		return min(c.PieceBytes, syncproto.MaxFilePieceBytes)
	}
	return DefaultPieceBytes
}

// toSend returns the hashes of the attachments whose content this device
// holds and has not seen on the server, oldest record first.
func (c *Client) toSend(ctx context.Context) ([]string, map[string]int64, error) {
	if c.Files == nil || c.Attachments == nil {
		return nil, nil, nil
	}
	list, err := c.Attachments(ctx)
	if err != nil {
		return nil, nil, err
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].CreatedAt.Before(list[j].CreatedAt) })
	var out []string
	sizes := map[string]int64{}
	for _, a := range list {
		h := a.SHA256
		if _, dup := sizes[h]; dup || a.Voided || !app.ValidSHA256(h) || !c.Files.Has(h) {
			continue
		}
		if m, ok := c.Files.(interface{ OnServer(string) bool }); ok && m.OnServer(h) {
			continue
		}
		sizes[h] = a.Size
		out = append(out, h)
	}
	return out, sizes, nil
}

// markOnServer notes that the server holds h, when the store keeps such
// notes, so that later syncs do not ask again.
func (c *Client) markOnServer(h string) {
	if m, ok := c.Files.(interface{ MarkOnServer(string) error }); ok {
		if err := m.MarkOnServer(h); err != nil {
			slog.Warn("sync: could not note a file as on the server", "error", err)
		}
	}
}

// sendFiles sends the content the server lacks, within the run's budget.
func (c *Client) sendFiles(ctx context.Context, e app.Enrollment, res *Result) error {
	hashes, _, err := c.toSend(ctx)
	if err != nil || len(hashes) == 0 {
		return err
	}
	budget := c.fileBudget()
	for start := 0; start < len(hashes); start += syncproto.MaxFileStatusHashes {
		batch := hashes[start:min(len(hashes), start+syncproto.MaxFileStatusHashes)]
		sts, err := c.fileStatus(ctx, e, batch, false)
		var se *statusError
		if errors.As(err, &se) && se.status == http.StatusNotFound {
			// A server that takes no files (older, or without a folder
			// for them): the records are in; the files wait.
			slog.Warn("sync: the server takes no evidence files; they stay on this device", "files", len(hashes))
			res.Files.Pending += len(hashes) - start
			return nil
		}
		if err != nil {
			return err
		}
		for i, st := range sts {
			switch {
			case st.Status == syncproto.FileStored:
				c.markOnServer(st.SHA256)
			case st.Status == syncproto.FileForbidden || !st.Writable:
				res.Files.Refused++
				slog.Warn("sync: the server refuses a file of this device", "file", short(st.SHA256))
			case budget <= 0:
				res.Files.Pending += len(sts) - i
				if start+len(batch) < len(hashes) {
					res.Files.Pending += len(hashes) - start - len(batch)
				}
				return nil
			default:
				sent, done, err := c.sendFile(ctx, e, st, budget, res)
				budget -= sent
				if err != nil {
					return err
				}
				if !done {
					res.Files.Pending++
				}
			}
		}
	}
	return nil
}

func short(h string) string { return app.ShortHash(h) }

// sendFile sends file st from the server's offset, at most budget bytes;
// it returns the bytes sent and whether the server holds it whole.
func (c *Client) sendFile(ctx context.Context, e app.Enrollment, st syncproto.FileStatus, budget int64, res *Result) (int64, bool, error) {
	f, err := c.Files.Open(st.SHA256)
	if err != nil {
		return 0, false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, false, err
	}
	size := fi.Size()
	if size != st.Size {
		// The record and the content disagree: the server would refuse it.
		slog.Warn("sync: a file's size differs from its record", "file", short(st.SHA256))
		res.Files.Refused++
		return 0, true, nil
	}
	h, off := st.SHA256, st.Offset
	defer func(from int64) { res.Files.BytesSent += max(0, off-from) }(off)
	var sent int64
	attempt, mismatches := 0, 0
	for {
		if off >= size {
			// Every byte has arrived, the server is still checking the
			// file (an earlier request's): ask again in a moment.
			attempt++
			if attempt > maxChunkRetries {
				return sent, false, nil // the next run sees it stored
			}
			if err := c.sleep(ctx, attempt); err != nil {
				return sent, false, userError(err, ctx)
			}
			sts, err := c.fileStatus(ctx, e, []string{h}, false)
			if err != nil {
				return sent, false, err
			}
			if sts[0].Status == syncproto.FileStored {
				res.Files.Sent++
				c.markOnServer(h)
				return sent, true, nil
			}
			off = sts[0].Offset
			continue
		}
		if sent >= budget {
			return sent, false, nil
		}
		n := min(c.pieceBytes(), size-off, budget-sent)
		sums, err := chunkSums(f, off, n)
		if err != nil {
			return sent, false, err
		}
		slog.Debug("sync: file piece", "file", short(h), "offset", off, "bytes", n, "attempt", attempt+1)
		before := off
		resp, perr := c.putPiece(ctx, e, h, off, io.NewSectionReader(f, off, n), n, sums)
		sent += n
		if perr == nil {
			attempt, mismatches = 0, 0
			off = resp.Offset
			c.report(Progress{Phase: "files", Pushed: res.Pushed, Pulled: res.Pulled})
			if resp.Stored {
				off = size
				res.Files.Sent++
				c.markOnServer(h)
				return sent, true, nil
			}
			continue
		}
		var se *statusError
		switch {
		case errors.As(perr, &se) && se.status == http.StatusForbidden:
			res.Files.Refused++
			return sent, true, nil
		case errors.As(perr, &se) && se.body.Code == syncproto.CodeChunkMismatch:
			mismatches++
			slog.Info("sync: a piece of a file was refused (hash mismatch); sending it again", "file", short(h))
			if mismatches > maxChunkRetries {
				return sent, false, userError(perr, ctx)
			}
		case errors.As(perr, &se) && se.status == http.StatusConflict:
			// Not where the server's copy ends: ask again.
		default:
			attempt++
			if err := c.backoff(ctx, attempt, perr, Progress{Phase: "files", Pushed: res.Pushed, Pulled: res.Pulled}); err != nil {
				return sent, false, err
			}
		}
		sts, err := c.fileStatus(ctx, e, []string{h}, false)
		if err != nil {
			return sent, false, err
		}
		if sts[0].Status == syncproto.FileStored {
			res.Files.Sent++
			c.markOnServer(h)
			off = size
			return sent, true, nil
		}
		off = sts[0].Offset
		if off > before {
			// The cut came after some bytes arrived: the link works, it
			// only cuts; the next cut waits as little as the first.
			attempt = 0
		}
	}
}

// chunkSums returns the hex SHA-256 of the chunks of f that the piece
// [off, off+n) touches.
func chunkSums(f *os.File, off, n int64) ([]string, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	var out []string
	for k := off / syncproto.FileChunkSize; k*syncproto.FileChunkSize < off+n; k++ {
		start := k * syncproto.FileChunkSize
		end := min(fi.Size(), start+syncproto.FileChunkSize)
		h := sha256.New()
		if _, err := io.Copy(h, io.NewSectionReader(f, start, end-start)); err != nil {
			return nil, err
		}
		out = append(out, hex.EncodeToString(h.Sum(nil)))
	}
	return out, nil
}

// fileStatus asks the server about hashes, retrying transient failures.
func (c *Client) fileStatus(ctx context.Context, e app.Enrollment, hashes []string, chunks bool) ([]syncproto.FileStatus, error) {
	req := syncproto.FileStatusRequest{Hashes: hashes, Chunks: chunks}
	for attempt := 1; ; attempt++ {
		var resp syncproto.FileStatusResponse
		err := c.once(ctx, e, syncproto.PathFileStatus, req, &resp)
		if err == nil {
			if len(resp.Files) != len(hashes) {
				return nil, app.WrapError(app.EINTERNAL, "Máy chủ trả lời không đúng giao thức.", fmt.Errorf("file status: %d answers for %d files", len(resp.Files), len(hashes)))
			}
			for i := range resp.Files {
				if resp.Files[i].SHA256 != hashes[i] {
					return nil, app.WrapError(app.EINTERNAL, "Máy chủ trả lời không đúng giao thức.", errors.New("file status: answers out of order"))
				}
			}
			return resp.Files, nil
		}
		if err := c.backoff(ctx, attempt, err, Progress{Phase: "files"}); err != nil {
			return nil, err
		}
	}
}

// putPiece sends one piece of a file.
func (c *Client) putPiece(ctx context.Context, e app.Enrollment, h string, off int64, body io.Reader, n int64, sums []string) (syncproto.FilePutResponse, error) {
	var resp syncproto.FilePutResponse
	q := url.Values{"sha256": {h}, "offset": {strconv.FormatInt(off, 10)}}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, e.ServerURL+syncproto.PathFilePut+"?"+q.Encode(), &countingReader{r: body, n: &c.sent})
	if err != nil {
		return resp, app.WrapError(app.EINVALID, "Địa chỉ máy chủ không hợp lệ.", err)
	}
	r.ContentLength = n
	r.Header.Set("Content-Type", "application/octet-stream")
	r.Header.Set(syncproto.HeaderChunkSums, strings.Join(sums, ","))
	hr, err := c.do(r, e)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) { // logged on retry: the file's whole hash is not
			ue.URL = e.ServerURL + syncproto.PathFilePut + "?sha256=" + short(h) + "…&offset=" + strconv.FormatInt(off, 10)
		}
		return resp, err
	}
	defer hr.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(hr.Body, 1<<16))
	c.received.Add(int64(len(raw)))
	if err != nil {
		return resp, err
	}
	if hr.StatusCode != http.StatusOK {
		return resp, statusOf(hr, raw)
	}
	gz := strings.Contains(hr.Header.Get("Content-Encoding"), "gzip")
	return resp, syncproto.Decode(bytes.NewReader(raw), gz, 1<<16, &resp)
}

// do sends r with the protocol's headers and the device's token.
func (c *Client) do(r *http.Request, e app.Enrollment) (*http.Response, error) {
	r.Header.Set("Accept-Encoding", "gzip")
	r.Header.Set(syncproto.HeaderProtocol, strconv.Itoa(syncproto.ProtocolVersion))
	r.Header.Set(syncproto.HeaderAppVersion, c.AppVersion)
	if e.Token != "" {
		r.Header.Set("Authorization", "Bearer "+e.Token)
	}
	return c.httpClient().Do(r)
}

// statusOf is the statusError of an answer that is not 200.
func statusOf(hr *http.Response, raw []byte) error {
	gz := strings.Contains(hr.Header.Get("Content-Encoding"), "gzip")
	se := &statusError{status: hr.StatusCode}
	if derr := syncproto.Decode(bytes.NewReader(raw), gz, 1<<16, &se.body); derr != nil {
		se.body.Message = ""
	}
	return se
}

type countingReader struct {
	r   io.Reader
	n   interface{ Add(int64) int64 }
	err error // the last read error but io.EOF
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// FetchAttachment downloads the content of the file of hash h into the
// device's file store, unless it holds it already: the function the
// window calls when an officer opens a file the laptop does not have. A
// download cut by the link resumes from what arrived (kept in a partial
// file, also across restarts), each chunk checked against its SHA-256.
// It retries until ctx ends. The server answers only for a file of a
// record in this device's scope: another is app.EFORBIDDEN; one whose
// content has not reached the server yet, app.ENOTFOUND.
func (c *Client) FetchAttachment(ctx context.Context, h string) error {
	if c.Files == nil {
		return app.Errorf(app.EINVALID, MsgNoFileStore)
	}
	if !app.ValidSHA256(h) {
		return app.Errorf(app.EINVALID, "Mã băm SHA-256 của tệp không hợp lệ.")
	}
	if c.Files.Has(h) {
		return nil
	}
	e, err := c.Store.Enrollment(ctx)
	if err != nil {
		return err
	}
	if e.Token == "" {
		return errNotEnrolled
	}
	if _, err := CheckServerURL(e.ServerURL, c.InsecureHTTP); err != nil {
		return err
	}
	sts, err := c.fileStatus(ctx, e, []string{h}, true)
	if se := (*statusError)(nil); errors.As(err, &se) && se.status == http.StatusNotFound {
		return app.WrapError(app.ENOTFOUND, MsgFileNotOnServer, err)
	}
	if err != nil {
		return err
	}
	st := sts[0]
	switch {
	case st.Status == syncproto.FileForbidden:
		return app.Errorf(app.EFORBIDDEN, MsgFileForbidden)
	case st.Status != syncproto.FileStored || int64(len(st.ChunkSums)) != (st.Size+syncproto.FileChunkSize-1)/syncproto.FileChunkSize:
		return app.Errorf(app.ENOTFOUND, MsgFileNotOnServer)
	}
	sum := func(k int64) (string, bool) {
		if k >= 0 && k < int64(len(st.ChunkSums)) {
			return st.ChunkSums[k], true
		}
		return "", false
	}
	attempt, mismatches := 0, 0
	last := int64(-1) // where the last failed attempt started
	for {
		off, err := c.Files.Partial(h)
		if err != nil {
			return err
		}
		if last >= 0 && off > last {
			attempt = 0 // a cut after some bytes arrived: the next waits as little as the first
		}
		done, ferr := c.getPiece(ctx, e, h, st.Size, off, sum)
		if done {
			c.markOnServer(h)
			return nil
		}
		if ferr == nil {
			attempt = 0
			continue
		}
		var se *statusError
		switch {
		case errors.As(ferr, &se) && se.status == http.StatusForbidden:
			return app.Errorf(app.EFORBIDDEN, MsgFileForbidden)
		case errors.As(ferr, &se) && se.status == http.StatusNotFound:
			return app.Errorf(app.ENOTFOUND, MsgFileNotOnServer)
		case isMismatch(ferr):
			mismatches++
			slog.Info("sync: a downloaded chunk did not match its hash; asking again", "file", short(h))
			if mismatches > maxChunkRetries {
				return app.WrapError(app.EINTERNAL, "Tệp tải về nhiều lần không khớp mã băm; vui lòng báo Sở Công Thương kiểm tra máy chủ.", ferr)
			}
			continue
		}
		attempt++
		last = off
		if err := c.backoff(ctx, attempt, ferr, Progress{Phase: "files"}); err != nil {
			return err
		}
	}
}

// mismatchError marks a download that failed on this side, not on the
// link: a chunk that did not match its hash, most often.
type mismatchError struct{ err error }

func (m *mismatchError) Error() string { return m.err.Error() }
func (m *mismatchError) Unwrap() error { return m.err }

func isMismatch(err error) bool {
	var m *mismatchError
	return errors.As(err, &m)
}

// getPiece asks for the bytes of h from off and stores what arrives.
func (c *Client) getPiece(ctx context.Context, e app.Enrollment, h string, size, off int64, sum func(int64) (string, bool)) (bool, error) {
	body, err := syncproto.Encode(syncproto.FileGetRequest{SHA256: h, Offset: off, Length: c.pieceBytes()}, false)
	if err != nil {
		return false, err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, e.ServerURL+syncproto.PathFileGet, bytes.NewReader(body))
	if err != nil {
		return false, app.WrapError(app.EINVALID, "Địa chỉ máy chủ không hợp lệ.", err)
	}
	r.Header.Set("Content-Type", "application/json")
	c.sent.Add(int64(len(body)))
	hr, err := c.do(r, e)
	if err != nil {
		return false, err
	}
	defer hr.Body.Close()
	if hr.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(hr.Body, 1<<16))
		c.received.Add(int64(len(raw)))
		return false, statusOf(hr, raw)
	}
	in := &countingReader{r: hr.Body, n: &c.received}
	_, done, err := c.Files.Receive(h, size, off, in, sum)
	if err != nil && in.err == nil {
		// Not the link: the bytes did not match their hash (the partial
		// file was cut back to the chunk's start), or the store failed.
		return false, &mismatchError{err}
	}
	return done, err
}
