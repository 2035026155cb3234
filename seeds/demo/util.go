package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode"

	"bvntd/app"
)

// weight is a code and its relative frequency.
type weight struct {
	code string
	w    int
}

// deck deals codes in the proportions of their weights: each round of
// sum(weights) cards holds every code weight times, shuffled.
type deck struct {
	ws    []weight
	cards []string
}

func (d *deck) deal(r *rand.Rand) string {
	if len(d.cards) == 0 {
		for _, w := range d.ws {
			for range w.w {
				d.cards = append(d.cards, w.code)
			}
		}
		r.Shuffle(len(d.cards), func(i, j int) { d.cards[i], d.cards[j] = d.cards[j], d.cards[i] })
	}
	c := d.cards[len(d.cards)-1]
	d.cards = d.cards[:len(d.cards)-1]
	return c
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func weighted(r *rand.Rand, ws []weight) string {
	total := 0
	for _, w := range ws {
		total += w.w
	}
	n := r.IntN(total)
	for _, w := range ws {
		if n < w.w {
			return w.code
		}
		n -= w.w
	}
	return ws[0].code
}

// dayOf returns midnight, in Vietnam, of t's day.
func dayOf(t time.Time) time.Time {
	t = t.In(app.ICT)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, app.ICT)
}

// officeMinute is a minute of the office day (7:30–11:30, 13:30–16:30).
func officeMinute(r *rand.Rand) int {
	if r.IntN(2) == 0 {
		return 7*60 + 30 + r.IntN(4*60)
	}
	return 13*60 + 30 + r.IntN(3*60)
}

// roundVND rounds an amount to the thousand (ten thousand above ten
// million), as prices are.
func roundVND(v int64) int64 {
	unit := int64(1_000)
	if v >= 10_000_000 {
		unit = 10_000
	}
	return (v + unit/2) / unit * unit
}

// formatVND writes 1234567 as "1.234.567 đồng".
func formatVND(v int64) string {
	s := fmt.Sprint(v)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String() + " đồng"
}

func containsCode(list []string, code string) bool {
	for _, c := range list {
		if c == code {
			return true
		}
	}
	return false
}

func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

func upperFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
