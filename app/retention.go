package app

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Retention (issue 19 item 3; docs/privacy.md): when a record has been kept
// as long as the retention period says (Retention, DefaultRetention), its
// personal fields (PersonalFieldsOf) are anonymised: names become initials,
// phones, addresses, the birth date and the sensitive evidence note are
// removed, and the free text is scrubbed of those values. Luật Bảo vệ dữ
// liệu cá nhân 91/2025/QH15 Điều 3 khoản 3 keeps personal data only as
// long as the purpose needs, and Điều 14 khoản 1 điểm b, c ends it when
// the purpose is done or the period ends; anonymising (khử nhận dạng,
// Điều 2 khoản 11; controlled, never re-identified, Điều 14 khoản 6)
// takes out the basic data of NĐ 356/2025/NĐ-CP Điều 3 (name, birth date,
// contact address, phone) and the sensitive data of Điều 4 khoản 1 (the
// evidence note of health, disability, ethnicity). The case itself stays,
// so the commune's figures and reports of past years do not change. The
// number of years (DefaultRetention) is a local choice: no text found
// names a period for these files (docs/privacy.md).
//
// What is kept: every field the indicators and the reports count (app/
// kpi.go, app/xlsx/annual*.go: kind, channel, sector, issue types, the
// transaction, the commune codes, the vulnerable groups, the gender, the
// status, the amounts; a participant's type, gender and age band) and the
// business's fields (a business is not a person of NĐ 356). The free text
// of a case's steps (AnonymisedEvent) is scrubbed like the case's own;
// the steps' kinds, times, statuses, outcomes and amounts are kept.
//
// The functions here are pure: the store (storage.(*DB).Anonymise) chooses
// the records, applies the changes as ordinary edits and audits the run.

// RetentionRun is what the last retention run on a device left for an
// officer to do: the cases it held back (RetentionNoFinalStep), by number,
// and the records it could not anonymise, each as a line naming the case
// number (or participant id) and why. No name.
type RetentionRun struct {
	At     time.Time `json:"at"`
	Held   []string  `json:"held"`
	Failed []string  `json:"failed"`
}

// MaxRetentionYears bounds a retention period a device may be set to.
const MaxRetentionYears = 100

// Validate checks a retention period set on a device: whole years from 1
// to MaxRetentionYears, with a Vietnamese message per bad field.
func (r Retention) Validate() error {
	fe := map[string]string{}
	if r.CaseYears < 1 || r.CaseYears > MaxRetentionYears {
		fe["case_years"] = fmt.Sprintf("Thời hạn lưu vụ việc phải từ 1 đến %d năm.", MaxRetentionYears)
	}
	if r.ParticipantYears < 1 || r.ParticipantYears > MaxRetentionYears {
		fe["participant_years"] = fmt.Sprintf("Thời hạn lưu người tham dự phải từ 1 đến %d năm.", MaxRetentionYears)
	}
	if len(fe) > 0 {
		return &Error{Code: EINVALID, Message: "Thời hạn lưu trữ không hợp lệ.", Fields: fe}
	}
	return nil
}

// Redacted replaces a value scrubbed from free text.
const Redacted = "[đã ẩn]"

// Initials returns the initials of a name, each followed by a dot: "Nguyễn
// Thị Hồng Đào" → "N.T.H.Đ.". Words without a letter (a stray digit or
// dash) are left out; "" stays "".
func Initials(name string) string {
	var b strings.Builder
	for _, w := range strings.Fields(NFC(name)) {
		for _, r := range w {
			if unicode.IsLetter(r) {
				b.WriteRune(unicode.ToUpper(r))
				b.WriteByte('.')
				break
			}
		}
	}
	return b.String()
}

// IsInitials reports whether s already reads as initials (what Initials
// makes): anonymising twice changes nothing.
func IsInitials(s string) bool {
	if s == "" {
		return false
	}
	for _, w := range strings.Split(strings.TrimSuffix(s, "."), ".") {
		if len([]rune(w)) != 1 || !unicode.IsUpper([]rune(w)[0]) {
			return false
		}
	}
	return true
}

// AgeBandOn returns the AgeBands code of someone born on birth
// (YYYY-MM-DD) on day at, or "" if birth is not a date.
func AgeBandOn(birth string, at time.Time) string {
	age, ok := AgeOn(birth, at)
	if !ok {
		return ""
	}
	switch {
	case age < ChildAge:
		return "duoi_16"
	case age <= 35:
		return "tu_16_den_35"
	case age < ElderlyAge:
		return "tu_36_den_59"
	}
	return "tu_60"
}

// AnonymisedCase returns c with its personal fields anonymised: the
// consumer's and the representative's names as initials; the phone, the
// address, the old address and the birth date removed (the age band
// derived from the birth date at receipt first, when none was recorded);
// the sensitive evidence note removed; the facts, the request and the
// evidence items scrubbed of the names, the phone, the addresses and the
// birth date; AnonymisedOn set to on (the day its retention period ended,
// RetentionEnd). Everything else is kept as it is.
func AnonymisedCase(c Case, on time.Time) Case {
	s := caseScrubber(&c)
	if c.ConsumerAgeBand == "" && c.ConsumerBirthDate != "" && !c.ReceivedAt.IsZero() {
		c.ConsumerAgeBand = AgeBandOn(c.ConsumerBirthDate, c.ReceivedAt)
	}
	c.ConsumerName = initialsOf(c.ConsumerName)
	c.RepresentativeName = initialsOf(c.RepresentativeName)
	c.ConsumerPhone, c.ConsumerAddress, c.ConsumerOldAddress, c.ConsumerBirthDate = "", "", "", ""
	c.VulnerableEvidence = ""
	c.Summary = s.scrub(c.Summary)
	c.SpecificRequest = s.scrub(c.SpecificRequest)
	if c.Evidence != nil {
		ev := make([]string, len(c.Evidence))
		for i, it := range c.Evidence {
			ev[i] = s.scrub(it)
		}
		c.Evidence = ev
	}
	c.AnonymisedOn = on.In(ICT).Format(time.DateOnly)
	return c
}

// AnonymisedParticipant returns p with its personal fields anonymised, on
// as its AnonymisedOn: the name as initials, the phone removed, the note scrubbed of
// both; the type, gender, age band and workplace (an organisation) kept.
func AnonymisedParticipant(p Participant, on time.Time) Participant {
	s := scrubberFor([]string{p.FullName}, []string{p.Phone}, nil, nil)
	p.FullName = initialsOf(p.FullName)
	p.Phone = ""
	p.Note = s.scrub(p.Note)
	p.AnonymisedOn = on.In(ICT).Format(time.DateOnly)
	return p
}

// AnonymisedEvent returns e, a step of case c, with its free text
// (PersonalFieldsOf[EntityCaseEvent].FreeText: the note, the parties, the
// minutes…) scrubbed of c's personal values, as AnonymisedCase scrubs the
// case's own text; c is the case as it was before it was anonymised.
// Everything else of the step (its kind, time, statuses, outcome, amount)
// is kept.
func AnonymisedEvent(e CaseEvent, c *Case) CaseEvent {
	s := caseScrubber(c)
	f := e.Fields()
	changed := map[string]json.RawMessage{}
	for _, name := range PersonalFieldsOf[EntityCaseEvent].FreeText {
		var v string
		if json.Unmarshal(f[name], &v) != nil || v == "" {
			continue
		}
		if w := s.scrub(v); w != v {
			b, _ := json.Marshal(w) // a string always marshals
			changed[name] = b
		}
	}
	if len(changed) > 0 {
		e.SetFields(changed) // string fields: cannot fail
	}
	return e
}

// RetentionEnd returns the day a retention period of years counted from
// since ends (Vietnam time): kept from 05/03/2020 for 10 years, 05/03/2030.
// It is the record's AnonymisedOn, the same on every device that
// anonymises it, so that two laptops doing it on different days write the
// same values and make no conflict (the audit record keeps the day of the
// run).
func RetentionEnd(since time.Time, years int) time.Time {
	f := since.In(ICT)
	return time.Date(f.Year()+years, f.Month(), f.Day(), 0, 0, 0, 0, ICT)
}

// initialsOf is Initials, keeping a name that is initials already.
func initialsOf(name string) string {
	if IsInitials(name) {
		return name
	}
	return Initials(name)
}

// ---- Which records are due -------------------------------------------------

// retentionEnded reports whether a period of years counted from the day
// of from has ended by now (both in Vietnam time): kept from 05/03/2020
// for 10 years, the record is due on 05/03/2030.
func retentionEnded(from time.Time, years int, now time.Time) bool {
	if from.IsZero() || years <= 0 {
		return false
	}
	return !now.Before(RetentionEnd(from, years))
}

// Why a record whose period has ended is still not anonymised.
const (
	// RetentionNoFinalStep: the case is in a finished status but its
	// timeline holds no step into it, so the indicators date its end by
	// the case's last change (fateOf): an edit would move it into another
	// year's figures. It is kept as it is and listed for the officer.
	RetentionNoFinalStep = "no_final_step"
)

// CaseRetention says whether case c, with its steps evs (any order), is
// due for anonymisation at now under r: not anonymised yet, and either
// voided (counted from its last change) or in a final status — closed,
// resolved, rejected, withdrawn, or referred to another body — whose last
// step is more than r.CaseYears old. since is the day counted from; held
// is set (RetentionNoFinalStep) when the period has ended but the case
// cannot be anonymised without changing past figures.
func CaseRetention(c *Case, evs []CaseEvent, r Retention, now time.Time) (due bool, since time.Time, held string) {
	if c.AnonymisedOn != "" {
		return false, time.Time{}, ""
	}
	if c.Voided { // counted nowhere: its last change (the voiding) is when it ended
		return retentionEnded(c.UpdatedAt, r.CaseYears, now), c.UpdatedAt, ""
	}
	if !finishedStatuses[c.Status] && c.Status != StatusReferred {
		return false, time.Time{}, ""
	}
	steps := slices.Clone(evs)
	slices.SortStableFunc(steps, func(a, b CaseEvent) int {
		if d := a.At.Compare(b.At); d != 0 {
			return d
		}
		return strings.Compare(a.ID, b.ID)
	})
	start := 0
	for i, e := range steps {
		if e.Kind == EventReopened {
			start = i + 1
		}
	}
	ended := false // a step into the present state, after the last reopening
	for _, e := range steps[start:] {
		if finishedStatuses[c.Status] && finishedStatuses[e.ToStatus] && !finishedStatuses[e.FromStatus] ||
			c.Status == StatusReferred && e.ToStatus == StatusReferred {
			ended = true // as the indicators find the end (fateOf)
		}
		if e.At.After(since) {
			since = e.At // the final step: the last one, a later note included
		}
	}
	if !ended {
		since = c.UpdatedAt
		if retentionEnded(since, r.CaseYears, now) {
			return false, since, RetentionNoFinalStep
		}
		return false, since, ""
	}
	return retentionEnded(since, r.CaseYears, now), since, ""
}

// ParticipantRetention says whether participant p, whose last attendance
// was on lastAttended (zero: never), is due for anonymisation at now under
// r: not anonymised yet, and its last attendance — or, without one, its
// creation; for a voided record, its voiding — more than
// r.ParticipantYears old.
func ParticipantRetention(p *Participant, lastAttended time.Time, r Retention, now time.Time) (due bool, since time.Time) {
	if p.AnonymisedOn != "" {
		return false, time.Time{}
	}
	since = lastAttended
	if since.IsZero() {
		since = p.CreatedAt
	}
	if p.Voided && p.UpdatedAt.After(since) {
		since = p.UpdatedAt
	}
	return retentionEnded(since, r.ParticipantYears, now), since
}

// ---- Scrubbing free text ---------------------------------------------------

// scrubber removes a person's values from free text.
type scrubber struct {
	names  [][]string // each name as folded words
	phones map[string]bool
	texts  [][]string // addresses, the birth date: folded words
}

// caseScrubber scrubs the personal values of case c: the consumer's and
// the representative's names, the phone, the addresses, the birth date.
func caseScrubber(c *Case) scrubber {
	return scrubberFor([]string{c.ConsumerName, c.RepresentativeName}, []string{c.ConsumerPhone},
		[]string{c.ConsumerAddress, c.ConsumerOldAddress}, []string{c.ConsumerBirthDate})
}

func scrubberFor(names, phones, addresses, dates []string) scrubber {
	s := scrubber{phones: map[string]bool{}}
	for _, n := range names {
		if w := foldedWords(n); len(w) > 0 && !IsInitials(n) {
			s.names = append(s.names, w)
		}
	}
	for _, p := range phones {
		if p = NormalizePhone(p); len(p) >= 9 {
			s.phones[p] = true
		}
	}
	for _, a := range append(slices.Clone(addresses), dates...) {
		if w := foldedWords(a); len(w) > 0 {
			s.texts = append(s.texts, w)
		}
	}
	for _, d := range dates {
		if t, ok := parseDay(d); ok { // 1990-05-07 also as 07/05/1990 and 7/5/1990
			for _, f := range []string{"02/01/2006", "2/1/2006"} {
				s.texts = append(s.texts, foldedWords(t.Format(f)))
			}
		}
	}
	return s
}

// phoneLikeRE finds a phone number as people write it: 0912345678, 0912
// 345 678, 0912.345.678, 091-234-5678, +84 912 345 678, (+84) 912345678.
var phoneLikeRE = regexp.MustCompile(`(?:\(?\+?84\)?|0)[ .\-]?\d(?:[ .\-]?\d){7,9}`)

// mayHoldPhone reports whether text has 8 digits in a row, each after the
// one before or after one space, dot or dash between them: what every
// match of phoneLikeRE holds (its \d(?:[ .\-]?\d){7,9}). Most texts have
// none, and the pattern need not run.
func mayHoldPhone(text string) bool {
	run, gap := 0, false
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case '0' <= c && c <= '9':
			if run++; run >= 8 {
				return true
			}
			gap = false
		case (c == ' ' || c == '.' || c == '-') && run > 0 && !gap:
			gap = true
		default:
			run, gap = 0, false
		}
	}
	return false
}

// honorifics are the words Vietnamese puts before a given name (anh Đào,
// chị Đào, bà Đào…), folded.
var honorifics = map[string]bool{"anh": true, "chi": true, "ong": true, "ba": true, "co": true,
	"chu": true, "bac": true, "em": true, "di": true, "cau": true, "thim": true, "mo": true, "ban": true}

// scrub returns text with the person's values replaced by Redacted: the
// phone in any spacing (0912 345 678, 0912.345.678, +84 912 345 678); each
// name whole, with or without diacritics and in any case ("Nguyễn Thị Hồng
// Đào", "nguyen thi hong dao"); the end of a name from two words on,
// written with capitals ("Hồng Đào", "Thị Hồng Đào"); the given name after
// a form of address ("chị Đào"); each address and the birth date whole, with
// or without diacritics. A single name word alone is kept: "hồng" is also a
// colour, "đào" a peach.
func (s scrubber) scrub(text string) string {
	if text == "" {
		return text
	}
	rs := []rune(text)
	var cut [][2]int // rune ranges to replace
	if len(s.phones) > 0 && mayHoldPhone(text) {
		for _, m := range phoneLikeRE.FindAllStringIndex(text, -1) {
			if s.phones[NormalizePhone(text[m[0]:m[1]])] {
				cut = append(cut, [2]int{len([]rune(text[:m[0]])), len([]rune(text[:m[1]]))})
			}
		}
	}
	ws := wordsOf(rs)
	for _, n := range s.names {
		for i := range ws {
			if k := ws.match(rs, i, n, false); k > 0 {
				cut = append(cut, [2]int{ws[i].from, ws[i+k-1].to})
				continue
			}
			for j := 1; j <= len(n)-2; j++ { // the name's end, two words or more
				if k := ws.match(rs, i, n[j:], true); k > 0 {
					cut = append(cut, [2]int{ws[i].from, ws[i+k-1].to})
					break
				}
			}
			if len(n) > 1 && i+1 < len(ws) && ws[i+1].folded == n[len(n)-1] && ws[i+1].capital &&
				honorifics[ws[i].folded] && ws.gapIsSpace(rs, i) {
				cut = append(cut, [2]int{ws[i+1].from, ws[i+1].to})
			}
		}
	}
	for _, t := range s.texts {
		for i := range ws {
			if k := ws.matchLoose(rs, i, t); k > 0 {
				cut = append(cut, [2]int{ws[i].from, ws[i+k-1].to})
			}
		}
	}
	if len(cut) == 0 {
		return text
	}
	slices.SortFunc(cut, func(a, b [2]int) int { return a[0] - b[0] })
	var b strings.Builder
	pos := 0
	for _, c := range cut {
		if c[0] < pos { // overlapping: extend the previous cut
			if c[1] > pos {
				pos = c[1]
			}
			continue
		}
		b.WriteString(string(rs[pos:c[0]]))
		b.WriteString(Redacted)
		pos = c[1]
	}
	b.WriteString(string(rs[pos:]))
	return b.String()
}

// word is a run of letters and digits of a text, by rune positions.
type word struct {
	from, to int
	folded   string
	capital  bool // starts with a capital letter
}

type words []word

// wordsOf returns the words of rs. A word of runes Fold's table holds
// (foldfast.go) folds rune by rune, as Fold folds it, into one string
// that the words' folded forms share; any other word takes Fold.
func wordsOf(rs []rune) words {
	foldTableOnce.Do(buildFoldTable)
	out := make(words, 0, len(rs)/5+1)
	buf := make([]byte, 0, len(rs)+len(rs)/4)
	var ends []int // where each word's folded form ends in buf
	for i := 0; i < len(rs); {
		if !isWordRune(rs[i]) {
			i++
			continue
		}
		j, start, table := i, len(buf), true
		for ; j < len(rs) && isWordRune(rs[j]); j++ {
			switch r := rs[j]; {
			case r < utf8.RuneSelf:
				if 'A' <= r && r <= 'Z' {
					r += 'a' - 'A'
				}
				buf = append(buf, byte(r))
			case r < foldTableEnd && foldTable[r] != "":
				buf = append(buf, foldTable[r]...)
			default:
				table = false
			}
		}
		if !table { // a rune the table does not hold: Fold the word whole
			buf = append(buf[:start], Fold(string(rs[i:j]))...)
		}
		out = append(out, word{from: i, to: j, capital: unicode.IsUpper(rs[i])})
		ends = append(ends, len(buf))
		i = j
	}
	folded, from := string(buf), 0
	for k, end := range ends {
		out[k].folded = folded[from:end]
		from = end
	}
	return out
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf { // (what the tables below say of ASCII)
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// foldedWords returns the words of s in normal form C (as NFC, whose
// trimming of white space changes no word), folded.
func foldedWords(s string) []string {
	var out []string
	for _, w := range wordsOf([]rune(norm.NFC.String(s))) {
		out = append(out, w.folded)
	}
	return out
}

// gapIsSpace reports whether only spaces separate word i from word i+1.
func (ws words) gapIsSpace(rs []rune, i int) bool {
	for _, r := range rs[ws[i].to:ws[i+1].from] {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// match returns len(n) if the words from i are n, folded, separated by
// spaces only (and each capitalised, if capital), else 0.
func (ws words) match(rs []rune, i int, n []string, capital bool) int {
	if i+len(n) > len(ws) {
		return 0
	}
	for k, w := range n {
		x := ws[i+k]
		if x.folded != w || capital && !x.capital {
			return 0
		}
		if k > 0 && !ws.gapIsSpace(rs, i+k-1) {
			return 0
		}
	}
	return len(n)
}

// matchLoose is match for an address or a date: the words in order with
// any punctuation between them ("Số 12, ấp Tân Hòa" as "so 12 ap tan hoa").
func (ws words) matchLoose(rs []rune, i int, n []string) int {
	if i+len(n) > len(ws) {
		return 0
	}
	for k, w := range n {
		if ws[i+k].folded != w {
			return 0
		}
		if k > 0 {
			for _, r := range rs[ws[i+k-1].to:ws[i+k].from] {
				if isWordRune(r) || r == '\n' {
					return 0
				}
			}
		}
	}
	return len(n)
}

// ScrubCaseText returns text with case c's personal values (the names,
// the phone in any form, the addresses, the birth date) replaced as
// retention replaces them: what a masked register prints of the case's
// free text, which may quote them.
func ScrubCaseText(c *Case, text string) string {
	if text == "" {
		return ""
	}
	return caseScrubber(c).scrub(text)
}
