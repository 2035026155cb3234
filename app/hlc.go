package app

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HLC is a hybrid logical clock stamp (Kulkarni et al. 2014): the physical
// time in Unix milliseconds and a logical counter that orders events within
// one millisecond or when the physical clock goes backwards.
type HLC struct {
	Wall    int64  // Unix milliseconds
	Logical uint32 // counter within Wall
}

// String encodes h so that the byte order of two encodings is their clock
// order: 15 zero-padded decimal digits, a dot, 6 digits.
func (h HLC) String() string {
	var b [22]byte
	return string(h.appendTo(b[:0]))
}

// appendTo appends h.String() to b without fmt (a stamp per field of
// every record the server writes: issue 22's profile).
func (h HLC) appendTo(b []byte) []byte {
	if h.Wall < 0 || h.Wall > 999_999_999_999_999 || h.Logical > 999_999 {
		return fmt.Appendf(b, "%015d.%06d", h.Wall, h.Logical)
	}
	b = appendPadded(b, uint64(h.Wall), 15)
	b = append(b, '.')
	return appendPadded(b, uint64(h.Logical), 6)
}

// appendPadded appends n in decimal, zero-padded to width digits (n has
// at most width digits).
func appendPadded(b []byte, n uint64, width int) []byte {
	start := len(b)
	for range width {
		b = append(b, '0')
	}
	for i := len(b) - 1; i >= start && n > 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return b
}

// IsZero reports whether h is the zero stamp.
func (h HLC) IsZero() bool { return h.Wall == 0 && h.Logical == 0 }

// Compare returns -1, 0 or +1 as h is before, equal to or after o.
func (h HLC) Compare(o HLC) int {
	switch {
	case h.Wall < o.Wall:
		return -1
	case h.Wall > o.Wall:
		return 1
	case h.Logical < o.Logical:
		return -1
	case h.Logical > o.Logical:
		return 1
	}
	return 0
}

// Time returns the physical part of h.
func (h HLC) Time() time.Time { return time.UnixMilli(h.Wall).UTC() }

// ParseHLC decodes a stamp written by HLC.String.
func ParseHLC(s string) (HLC, error) {
	wall, logical, ok := strings.Cut(s, ".")
	if !ok || len(wall) != 15 || len(logical) != 6 {
		return HLC{}, fmt.Errorf("hlc %q: want 15 digits, a dot, 6 digits", s)
	}
	if !allDigits(wall) || !allDigits(logical) {
		return HLC{}, fmt.Errorf("hlc %q: want digits only", s)
	}
	w, err := strconv.ParseInt(wall, 10, 64)
	if err != nil || w < 0 {
		return HLC{}, fmt.Errorf("hlc %q: bad wall time", s)
	}
	l, err := strconv.ParseUint(logical, 10, 32)
	if err != nil {
		return HLC{}, fmt.Errorf("hlc %q: bad counter", s)
	}
	return HLC{Wall: w, Logical: uint32(l)}, nil
}

// Clock hands out monotonic HLC stamps. It is safe for concurrent use. The
// caller persists Last() with every write so that the clock stays monotonic
// across restarts and changes of the OS clock.
type Clock struct {
	mu   sync.Mutex
	last HLC
	now  func() time.Time // the physical clock
}

// NewClock returns a clock that continues after last and reads the
// physical time from now (the program's clock, see clock.go).
func NewClock(last HLC, now func() time.Time) *Clock {
	return &Clock{last: last, now: MustClock(now, "app.NewClock")}
}

func (c *Clock) physical() int64 { return c.now().UnixMilli() }

// maxLogical is the largest counter String can encode in 6 digits.
const maxLogical = 999999

// MaxClockJumpBack is how far the physical clock may go back before the
// clock follows it: a laptop whose clock was years ahead and is then set
// right starts stamping in real time again. The order of one device's own
// changes is kept by its outbox order, which the server enforces.
const MaxClockJumpBack = 24 * time.Hour

// Tick returns a stamp for a local event, after every stamp handed out or
// observed before, unless the physical clock was set back by more than
// MaxClockJumpBack.
func (c *Clock) Tick() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	pt := c.physical()
	switch {
	case pt > c.last.Wall || c.last.Wall-pt > MaxClockJumpBack.Milliseconds():
		c.last = HLC{Wall: pt}
	case c.last.Logical >= maxLogical:
		// The counter is full (a clock stuck for a million ticks): move on
		// by a millisecond rather than outgrow the encoding.
		c.last = HLC{Wall: c.last.Wall + 1}
	default:
		c.last.Logical++
	}
	return c.last
}

// Observe merges a stamp received from elsewhere, so that the next Tick is
// after it (unless the physical clock is more than MaxClockJumpBack behind
// the observed stamp, in which case Tick follows the physical clock).
func (c *Clock) Observe(remote HLC) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if remote.Compare(c.last) > 0 {
		c.last = remote
	}
}

// Last returns the latest stamp handed out or observed.
func (c *Clock) Last() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
