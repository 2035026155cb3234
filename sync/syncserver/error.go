package syncserver

import (
	"net/http"
	"strconv"
	"strings"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// codeMethod is the code of a 405 answer. It is not a syncproto code: a
// client that follows the contract never sees it.
const codeMethod = "method_not_allowed"

// StatusCode maps an error code (app's codes and syncproto's wire codes) to
// an HTTP status. Unknown codes are 500.
func StatusCode(code string) int {
	switch code {
	case app.EINVALID, syncproto.CodeIDReuse, syncproto.CodeInvalidValue, syncproto.CodeChunkMismatch:
		return http.StatusBadRequest
	case app.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case app.EFORBIDDEN:
		return http.StatusForbidden
	case app.ENOTFOUND:
		return http.StatusNotFound
	case codeMethod:
		return http.StatusMethodNotAllowed
	case app.ECONFLICT, app.ENEWERDATA:
		return http.StatusConflict
	case syncproto.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case app.EOFFLINE, syncproto.CodeServerStorage:
		return http.StatusServiceUnavailable
	case syncproto.CodeUpgradeRequired:
		return http.StatusUpgradeRequired
	case codeSlowBody:
		return http.StatusRequestTimeout
	case codeRateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// writeError answers err with its status and a Vietnamese message. The
// message of an internal error never shows technical detail.
func (s *server) writeError(c *call, err error) {
	code := app.ErrorCode(err)
	status := StatusCode(code)
	msg := app.ErrorMessage(err)
	if status == http.StatusInternalServerError {
		code, msg = app.EINTERNAL, app.InternalMessage
	}
	if status == http.StatusUnauthorized {
		c.w.Header().Set("WWW-Authenticate", `Bearer realm="bvntd"`)
	}
	body := syncproto.ErrorResponse{Code: code, Message: msg, ServerTimeMS: s.nowMS()}
	if code == syncproto.CodeUpgradeRequired {
		body.MinAppVersion = s.minApp
	}
	s.write(c, status, body)
}

// write encodes v as the answer, gzipped when the client accepts it.
func (s *server) write(c *call, status int, v any) error {
	gz := acceptsGzip(c.r)
	b, err := syncproto.Encode(v, gz)
	if err != nil {
		status, gz = http.StatusInternalServerError, false
		b, _ = syncproto.Encode(syncproto.ErrorResponse{Code: app.EINTERNAL, Message: app.InternalMessage, ServerTimeMS: s.nowMS()}, false)
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set(syncproto.HeaderProtocol, strconv.Itoa(syncproto.ProtocolVersion))
	h.Add("Vary", "Accept-Encoding")
	if gz {
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	c.status = status
	c.w.WriteHeader(status)
	_, werr := c.w.Write(b)
	if err != nil {
		return err
	}
	return werr
}

// acceptsGzip reports whether the request's Accept-Encoding lists gzip
// (without q=0).
func acceptsGzip(r *http.Request) bool { return acceptsEncoding(r, "gzip") }

// acceptsEncoding reports whether the request's Accept-Encoding lists
// coding (without q=0).
func acceptsEncoding(r *http.Request, coding string) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(name), coding) {
				continue
			}
			q := strings.ReplaceAll(strings.ToLower(params), " ", "")
			if q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
				return false
			}
			return true
		}
	}
	return false
}
