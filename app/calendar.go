package app

import (
	"fmt"
	"time"
)

// Day kinds of the holiday calendar.
const (
	DayHoliday       = "holiday"         // a day off that would be a working day
	DayMakeUpWorkday = "make_up_workday" // a Saturday or Sunday worked in exchange
)

// Holiday is one entry of the holiday calendar (seed data the province can
// update): a date in Vietnam, its name and kind.
type Holiday struct {
	Date   string // YYYY-MM-DD
	Name   string
	Kind   string // DayHoliday or DayMakeUpWorkday
	Status string // "derived" (from the Labour Code and the lunar calendar) or "official"
}

// Calendar tells working days from days off: Monday to Friday, less the
// holidays of the calendar, plus its make-up working days. Dates are days
// in Vietnam (ICT).
type Calendar struct {
	off   map[civilDate]string
	work  map[civilDate]bool
	years map[int]bool
}

type civilDate struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civilDate {
	t = t.In(ICT)
	return civilDate{t.Year(), t.Month(), t.Day()}
}

func (c civilDate) time() time.Time { return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, ICT) }

// NewCalendar builds a calendar from its days.
func NewCalendar(days []Holiday) (*Calendar, error) {
	c := &Calendar{off: map[civilDate]string{}, work: map[civilDate]bool{}, years: map[int]bool{}}
	for _, h := range days {
		t, err := time.ParseInLocation("2006-01-02", h.Date, ICT)
		if err != nil {
			return nil, fmt.Errorf("holiday %q: %w", h.Date, err)
		}
		d := dateOf(t)
		switch h.Kind {
		case DayHoliday:
			c.off[d] = h.Name
		case DayMakeUpWorkday:
			c.work[d] = true
		default:
			return nil, fmt.Errorf("holiday %s: unknown kind %q", h.Date, h.Kind)
		}
		c.years[d.y] = true
	}
	return c, nil
}

// Covers reports whether the calendar has data for year: outside it, only
// weekends are days off.
func (c *Calendar) Covers(year int) bool { return c.years[year] }

// IsWorkingDay reports whether t's day (in Vietnam) is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool { return c.working(dateOf(t)) }

func (c *Calendar) working(d civilDate) bool {
	if c.work[d] {
		return true
	}
	if _, off := c.off[d]; off {
		return false
	}
	wd := d.time().Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// HolidayName returns the name of t's day if it is a holiday.
func (c *Calendar) HolidayName(t time.Time) (string, bool) {
	n, ok := c.off[dateOf(t)]
	return n, ok
}

// AddWorkingDays returns the day (midnight, ICT) that ends a period of n
// working days starting from the event at t: the day of the event does not
// count (Bộ luật Dân sự 2015, Điều 147), the next n working days do. The
// deadline is the end of the returned day. n ≤ 0 returns t's own day.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	d := dateOf(t).time()
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.working(dateOf(d)) {
			n--
		}
	}
	return d
}

// WorkingDaysUntil counts the working days after from's day up to and
// including to's day (negative if to is before from).
func (c *Calendar) WorkingDaysUntil(from, to time.Time) int {
	a, b := dateOf(from).time(), dateOf(to).time()
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		if c.working(dateOf(d)) {
			n++
		}
	}
	return sign * n
}
