package intakeweb

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The form's token: the server's HMAC of the submission id and the time the
// form was shown. It proves the form came from this server (a bot must load
// it first), binds the id to it, and gives the fill time; it needs no
// cookie. Cross-site posts are refused before (http.CrossOriginProtection).

// sign returns the token of a form shown at issued with id.
func (h *Handler) sign(id string, issued int64) string {
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte("intake-form\x00" + id + "\x00" + strconv.FormatInt(issued, 10)))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// tokenState is what a posted token says.
type tokenState int

const (
	tokenOK      tokenState = iota
	tokenBad                // not this server's (or the server restarted with a new key)
	tokenTooFast            // sent sooner than MinFillTime after the form was shown
	tokenExpired            // older than MaxFormAge
)

func (h *Handler) checkToken(id, issuedText, token string, now time.Time) tokenState {
	issued, err := strconv.ParseInt(issuedText, 10, 64)
	if err != nil || id == "" || !hmac.Equal([]byte(token), []byte(h.sign(id, issued))) {
		return tokenBad
	}
	shown := time.Unix(issued, 0)
	switch {
	case now.Before(shown.Add(h.opt.MinFillTime)):
		return tokenTooFast
	case now.After(shown.Add(h.opt.MaxFormAge)):
		return tokenExpired
	}
	return tokenOK
}

// limiter keeps one token bucket per client address: a burst of n, then
// one more a minute, so that n+1 requests within any minute never pass
// (the bucket refills by less than one in that minute). Buckets idle long
// enough to be full again are forgotten, so the map stays small.
type limiter struct {
	mu      sync.Mutex
	every   time.Duration
	burst   int
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxBuckets bounds the map under a flood of addresses: past it the
// oldest-idle buckets are dropped first (a full sweep).
const maxBuckets = 100_000

func newLimiter(perMinute int) *limiter {
	if perMinute <= 0 {
		perMinute = 1
	}
	return &limiter{every: time.Minute, burst: perMinute, buckets: map[string]*bucket{}}
}

// allow reports whether addr may make one more request at now.
func (l *limiter) allow(addr string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	full := l.every * time.Duration(l.burst) // a bucket idle this long is full again
	if len(l.buckets) >= maxBuckets || now.Sub(l.swept) > full {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > full {
				delete(l.buckets, k)
			}
		}
		l.swept = now
		if len(l.buckets) >= maxBuckets { // every bucket busy: refuse newcomers rather than grow
			if _, ok := l.buckets[addr]; !ok {
				return false
			}
		}
	}
	b, ok := l.buckets[addr]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.buckets[addr] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}

// clientAddr is the address a request is limited by: the connection's
// peer, or, when the proxy in front is trusted, the address it appended
// last to X-Forwarded-For (the only one it vouches for). An IPv6 address
// counts by its /64, which one household or phone usually holds whole.
func clientAddr(r *http.Request, trustProxy bool) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if last := strings.TrimSpace(parts[len(parts)-1]); net.ParseIP(last) != nil {
				host = last
			}
		}
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}
