// Package lunar converts between the Gregorian calendar and the Vietnamese
// lunisolar calendar (âm lịch) from an astronomical computation of new
// moons and solar terms, so that the lunar holidays of the calendar (Tết,
// mùng 1 tháng Giêng; Giỗ Tổ Hùng Vương, 10 tháng 3) are checked, not
// copied from a table.
//
// The method is Hồ Ngọc Đức's "Thuật toán tính âm lịch" (amlich), the
// well-known public-domain algorithm published at
// https://www.informatik.uni-leipzig.de/~duc/amlich/calrules.html and in
// its JavaScript reference implementation amlich-hnd.js: new moons from the
// series of Jean Meeus, "Astronomical Algorithms" (1998), ch. 49 (with the
// ΔT correction of the original), the Sun's apparent longitude from Meeus
// ch. 25 (low accuracy), the month containing the winter solstice as month
// 11, and a leap month as the first month of a 13-month year without a
// principal solar term (trung khí). The code here is a transcription of
// that algorithm into Go, with the same names.
//
// The result depends on the time zone: Vietnam's calendar is computed at
// UTC+7 (VietnamTZ), China's at UTC+8, and the two differ when a new moon
// falls between 16:00 and 17:00 UTC — as on 2 February 2030, Tết in
// Vietnam and the day before the Chinese New Year.
package lunar

import (
	"math"
	"time"
)

// VietnamTZ is the time zone of the Vietnamese lunar calendar, in hours
// east of UTC.
const VietnamTZ = 7.0

// Date is a day of the lunar calendar. Year is the Gregorian year in which
// the lunar year begins (Tết of Year); Leap marks a day of the leap month
// (tháng nhuận) that repeats Month.
type Date struct {
	Day, Month, Year int
	Leap             bool
}

// intPart is INT() of the reference implementation: the floor.
func intPart(x float64) int { return int(math.Floor(x)) }

// JDFromDate returns the Julian day number of a Gregorian date (the Julian
// calendar before 15 October 1582).
func JDFromDate(dd, mm, yy int) int {
	a := (14 - mm) / 12
	y := yy + 4800 - a
	m := mm + 12*a - 3
	jd := dd + (153*m+2)/5 + 365*y + y/4 - y/100 + y/400 - 32045
	if jd < 2299161 {
		jd = dd + (153*m+2)/5 + 365*y + y/4 - 32083
	}
	return jd
}

// JDToDate returns the Gregorian (or, before 1582, Julian) date of a
// Julian day number.
func JDToDate(jd int) (dd, mm, yy int) {
	var b, c int
	if jd > 2299160 { // after 5/10/1582, Gregorian calendar
		a := jd + 32044
		b = (4*a + 3) / 146097
		c = a - (b*146097)/4
	} else {
		b = 0
		c = jd + 32082
	}
	d := (4*c + 3) / 1461
	e := c - (1461*d)/4
	m := (5*e + 2) / 153
	dd = e - (153*m+2)/5 + 1
	mm = m + 3 - 12*(m/10)
	yy = b*100 + d - 4800 + m/10
	return dd, mm, yy
}

// NewMoon returns the Julian date (fractional, UT) of the k-th new moon
// after the one of 1 January 1900 (Meeus's series as in the reference
// implementation).
func NewMoon(k int) float64 {
	kf := float64(k)
	T := kf / 1236.85 // time in Julian centuries from 1900 January 0.5
	T2 := T * T
	T3 := T2 * T
	dr := math.Pi / 180
	jd1 := 2415020.75933 + 29.53058868*kf + 0.0001178*T2 - 0.000000155*T3
	jd1 += 0.00033 * math.Sin((166.56+132.87*T-0.009173*T2)*dr)      // mean new moon
	M := 359.2242 + 29.10535608*kf - 0.0000333*T2 - 0.00000347*T3    // Sun's mean anomaly
	Mpr := 306.0253 + 385.81691806*kf + 0.0107306*T2 + 0.00001236*T3 // Moon's mean anomaly
	F := 21.2964 + 390.67050646*kf - 0.0016528*T2 - 0.00000239*T3    // Moon's argument of latitude
	C1 := (0.1734-0.000393*T)*math.Sin(M*dr) + 0.0021*math.Sin(2*dr*M)
	C1 = C1 - 0.4068*math.Sin(Mpr*dr) + 0.0161*math.Sin(dr*2*Mpr)
	C1 = C1 - 0.0004*math.Sin(dr*3*Mpr)
	C1 = C1 + 0.0104*math.Sin(dr*2*F) - 0.0051*math.Sin(dr*(M+Mpr))
	C1 = C1 - 0.0074*math.Sin(dr*(M-Mpr)) + 0.0004*math.Sin(dr*(2*F+M))
	C1 = C1 - 0.0004*math.Sin(dr*(2*F-M)) - 0.0006*math.Sin(dr*(2*F+Mpr))
	C1 = C1 + 0.0010*math.Sin(dr*(2*F-Mpr)) + 0.0005*math.Sin(dr*(2*Mpr+M))
	var deltat float64
	if T < -11 {
		deltat = 0.001 + 0.000839*T + 0.0002261*T2 - 0.00000845*T3 - 0.000000081*T*T3
	} else {
		deltat = -0.000278 + 0.000265*T + 0.000262*T2
	}
	return jd1 + C1 - deltat
}

// NewMoonDay returns the Julian day number of the day, in timeZone, of the
// k-th new moon.
func NewMoonDay(k int, timeZone float64) int {
	return intPart(NewMoon(k) + 0.5 + timeZone/24)
}

// SunLongitude returns the Sun's apparent longitude in radians, in
// [0, 2π), at the Julian date jdn (UT).
func SunLongitude(jdn float64) float64 {
	T := (jdn - 2451545.0) / 36525 // Julian centuries from 2000-01-01 12:00
	T2 := T * T
	dr := math.Pi / 180
	M := 357.52910 + 35999.05030*T - 0.0001559*T2 - 0.00000048*T*T2 // mean anomaly, degrees
	L0 := 280.46645 + 36000.76983*T + 0.0003032*T2                  // mean longitude, degrees
	DL := (1.914600 - 0.004817*T - 0.000014*T2) * math.Sin(dr*M)
	DL += (0.019993-0.000101*T)*math.Sin(dr*2*M) + 0.000290*math.Sin(dr*3*M)
	L := (L0 + DL) * dr
	L -= math.Pi * 2 * float64(intPart(L/(math.Pi*2))) // normalise to (0, 2π)
	return L
}

// sunLongitudeSector returns which of the twelve 30° sectors the Sun is in
// at the start of the day dayNumber in timeZone (0 = from the vernal
// equinox; 9 = from the winter solstice).
func sunLongitudeSector(dayNumber int, timeZone float64) int {
	return intPart(SunLongitude(float64(dayNumber)-0.5-timeZone/24) / math.Pi * 6)
}

// lunarMonth11 returns the Julian day number of the first day of the
// eleventh lunar month (the month of the winter solstice) of year yy.
func lunarMonth11(yy int, timeZone float64) int {
	off := float64(JDFromDate(31, 12, yy)) - 2415021
	k := intPart(off / 29.530588853)
	nm := NewMoonDay(k, timeZone)
	if sunLongitudeSector(nm, timeZone) >= 9 {
		nm = NewMoonDay(k-1, timeZone)
	}
	return nm
}

// leapMonthOffset returns the position, counted from month 11 starting at
// a11, of the leap month of a 13-month lunar year: the first month without
// a principal solar term.
func leapMonthOffset(a11 int, timeZone float64) int {
	k := intPart((float64(a11)-2415021.076998695)/29.530588853 + 0.5)
	i := 1 // start with the month following lunar month 11
	arc := sunLongitudeSector(NewMoonDay(k+i, timeZone), timeZone)
	for {
		last := arc
		i++
		arc = sunLongitudeSector(NewMoonDay(k+i, timeZone), timeZone)
		if arc == last || i >= 14 {
			break
		}
	}
	return i - 1
}

// FromSolar converts a Gregorian date to the lunar calendar of timeZone.
func FromSolar(dd, mm, yy int, timeZone float64) Date {
	dayNumber := JDFromDate(dd, mm, yy)
	k := intPart((float64(dayNumber) - 2415021.076998695) / 29.530588853)
	monthStart := NewMoonDay(k+1, timeZone)
	if monthStart > dayNumber {
		monthStart = NewMoonDay(k, timeZone)
	}
	a11 := lunarMonth11(yy, timeZone)
	b11 := a11
	var lunarYear int
	if a11 >= monthStart {
		lunarYear = yy
		a11 = lunarMonth11(yy-1, timeZone)
	} else {
		lunarYear = yy + 1
		b11 = lunarMonth11(yy+1, timeZone)
	}
	lunarDay := dayNumber - monthStart + 1
	diff := (monthStart - a11) / 29
	leap := false
	lunarMonth := diff + 11
	if b11-a11 > 365 {
		leapMonthDiff := leapMonthOffset(a11, timeZone)
		if diff >= leapMonthDiff {
			lunarMonth = diff + 10
			if diff == leapMonthDiff {
				leap = true
			}
		}
	}
	if lunarMonth > 12 {
		lunarMonth -= 12
	}
	if lunarMonth >= 11 && diff < 4 {
		lunarYear--
	}
	return Date{Day: lunarDay, Month: lunarMonth, Year: lunarYear, Leap: leap}
}

// ToSolar converts a lunar date of timeZone to the Gregorian calendar. ok
// is false for a leap day of a month that is not the year's leap month.
func ToSolar(d Date, timeZone float64) (dd, mm, yy int, ok bool) {
	var a11, b11 int
	if d.Month < 11 {
		a11 = lunarMonth11(d.Year-1, timeZone)
		b11 = lunarMonth11(d.Year, timeZone)
	} else {
		a11 = lunarMonth11(d.Year, timeZone)
		b11 = lunarMonth11(d.Year+1, timeZone)
	}
	off := d.Month - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := leapMonthOffset(a11, timeZone)
		leapMonth := leapOff - 2
		if leapMonth < 0 {
			leapMonth += 12
		}
		if d.Leap && d.Month != leapMonth {
			return 0, 0, 0, false
		}
		if d.Leap || off >= leapOff {
			off++
		}
	} else if d.Leap {
		return 0, 0, 0, false
	}
	k := intPart(0.5 + (float64(a11)-2415021.076998695)/29.530588853)
	monthStart := NewMoonDay(k+off, timeZone)
	dd, mm, yy = JDToDate(monthStart + d.Day - 1)
	return dd, mm, yy, true
}

// NewMoonInstant returns the instant of the k-th new moon (see NewMoon),
// to the accuracy of the series: a few minutes.
func NewMoonInstant(k int) time.Time {
	const unixEpochJD = 2440587.5
	sec := (NewMoon(k) - unixEpochJD) * 86400
	return time.Unix(0, 0).Add(time.Duration(sec * float64(time.Second))).UTC()
}

// NewMoonIndex returns the k of the last new moon (see NewMoon) before
// the Julian day number jd, or one before it.
func NewMoonIndex(jd int) int {
	return intPart((float64(jd) - 2415021.076998695) / 29.530588853)
}

// Civil returns the Gregorian date of a lunar date of the Vietnamese
// calendar as a day in loc (midnight), or false for a leap day that does
// not exist.
func Civil(d Date, loc *time.Location) (time.Time, bool) {
	dd, mm, yy, ok := ToSolar(d, VietnamTZ)
	if !ok {
		return time.Time{}, false
	}
	return time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, loc), true
}

// Tet returns the first day of the lunar year that begins in the Gregorian
// year (mùng 1 tháng Giêng) in the Vietnamese calendar, as a day in loc.
func Tet(year int, loc *time.Location) time.Time {
	t, _ := Civil(Date{Day: 1, Month: 1, Year: year}, loc) // month 1 is never a leap day here
	return t
}

// HungKings returns Giỗ Tổ Hùng Vương, the 10th day of the third lunar
// month (not of a leap third month) of the year, as a day in loc.
func HungKings(year int, loc *time.Location) time.Time {
	t, _ := Civil(Date{Day: 10, Month: 3, Year: year}, loc)
	return t
}
