package app

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The people register: telling whether two participant records may be the
// same person, finding the person a roster row names, the participant
// record of an officer, and when a session's register closes.
//
// Two records are never merged here: a possible duplicate is only shown
// to an officer, who decides: merge them (storage.MergePeople), void one,
// or mark them checked as two people (Participant.DistinctFrom, which
// PossibleDuplicatePeople then leaves out).

// PersonKey returns the form names are compared in: folded (no
// diacritics, đ → d, lower case) with single spaces. "Nguyễn  Văn ĐÀO" →
// "nguyen van dao".
func PersonKey(name string) string {
	return strings.Join(strings.Fields(Fold(name)), " ")
}

// Reasons two participant records may be one person.
const (
	DupSamePhone     = "same_phone"     // the same name and phone number
	DupSameWorkplace = "same_workplace" // the same name and organisation or workplace
)

// PersonPair is two participant records that may be the same person.
type PersonPair struct {
	ID, OtherID string // ID comes first in the list searched
	Reason      string // DupSamePhone or DupSameWorkplace
}

// affiliations returns the keys of where p works: its organisation's id
// and the folded names of its organisation and workplace, so that a record
// linked to "Hội Phụ nữ phường" and one with that text typed as workplace
// compare equal.
func affiliations(p *Participant, orgNames map[string]string) []string {
	var out []string
	if p.OrganisationID != "" {
		out = append(out, "org:"+p.OrganisationID)
		if name := PersonKey(orgNames[p.OrganisationID]); name != "" {
			out = append(out, "w:"+name)
		}
	}
	if w := PersonKey(p.Workplace); w != "" {
		out = append(out, "w:"+w)
	}
	return out
}

func orgNameIndex(orgs []Organisation) map[string]string {
	m := make(map[string]string, len(orgs))
	for _, o := range orgs {
		m[o.ID] = o.Name
	}
	return m
}

func sharesAny(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// duplicateReason tells why a and b, whose names compare equal, may be
// one person, or "" if nothing says so.
func duplicateReason(a, b *Participant, orgNames map[string]string) string {
	pa, pb := NormalizePhone(a.Phone), NormalizePhone(b.Phone)
	if pa != "" && pa == pb {
		return DupSamePhone
	}
	if sharesAny(affiliations(a, orgNames), affiliations(b, orgNames)) {
		return DupSameWorkplace
	}
	return ""
}

// PossibleDuplicatePeople returns the pairs of people that may be the same
// person: the same name (PersonKey) and either the same phone number or
// the same organisation or workplace. Voided records are left out, and so
// are pairs an officer checked to be two people (either record's
// DistinctFrom names the other). Each pair is listed once, in the order of
// people.
func PossibleDuplicatePeople(people []Participant, orgs []Organisation) []PersonPair {
	orgNames := orgNameIndex(orgs)
	byName := map[string][]int{}
	var names []string
	for i := range people {
		if people[i].Voided {
			continue
		}
		k := PersonKey(people[i].FullName)
		if k == "" {
			continue
		}
		if _, ok := byName[k]; !ok {
			names = append(names, k)
		}
		byName[k] = append(byName[k], i)
	}
	var out []PersonPair
	for _, k := range names {
		idx := byName[k]
		for x := 0; x < len(idx); x++ {
			for y := x + 1; y < len(idx); y++ {
				a, b := &people[idx[x]], &people[idx[y]]
				if CheckedDistinct(a, b) {
					continue
				}
				if r := duplicateReason(a, b, orgNames); r != "" {
					out = append(out, PersonPair{ID: a.ID, OtherID: b.ID, Reason: r})
				}
			}
		}
	}
	return out
}

// CheckedDistinct reports whether an officer checked a and b to be two
// people: either record's DistinctFrom names the other.
func CheckedDistinct(a, b *Participant) bool {
	return slices.Contains(a.DistinctFrom, b.ID) || slices.Contains(b.DistinctFrom, a.ID)
}

// MergeResult tells what merging two participant records did
// (storage.MergePeople).
type MergeResult struct {
	// Moved is the number of attendance rows of the duplicate now the
	// kept person's (created, or the kept person's row at that session
	// brought up to the duplicate's better status).
	Moved int
	// Relinked is the number of officers whose participant record was the
	// duplicate and is now the kept one.
	Relinked int
}

// DuplicatesOf indexes pairs by person: for each id, the pairs it is in,
// with the id itself as ID.
func DuplicatesOf(pairs []PersonPair) map[string][]PersonPair {
	out := map[string][]PersonPair{}
	for _, p := range pairs {
		out[p.ID] = append(out[p.ID], p)
		out[p.OtherID] = append(out[p.OtherID], PersonPair{ID: p.OtherID, OtherID: p.ID, Reason: p.Reason})
	}
	return out
}

// MatchPerson returns the index in people of the person a roster row (a
// name with what else the roster gives) stands for, and false if none does
// and a new record is to be made. A person matches when the name compares
// equal, the phone numbers do not differ, and either the phone or the
// organisation or workplace is the same, or the name is all that is known
// of one of the two and nobody else has it. Voided records never match.
func MatchPerson(row Participant, people []Participant, orgs []Organisation) (int, bool) {
	key := PersonKey(row.FullName)
	if key == "" {
		return -1, false
	}
	orgNames := orgNameIndex(orgs)
	phone := NormalizePhone(row.Phone)
	bare := func(p *Participant) bool {
		return NormalizePhone(p.Phone) == "" && len(affiliations(p, orgNames)) == 0
	}
	var candidates []int
	for i := range people {
		p := &people[i]
		if p.Voided || PersonKey(p.FullName) != key {
			continue
		}
		if other := NormalizePhone(p.Phone); phone != "" && other != "" && other != phone {
			continue // two numbers: two people
		}
		if duplicateReason(&row, p, orgNames) != "" {
			return i, true
		}
		candidates = append(candidates, i)
	}
	if len(candidates) == 1 && (bare(&row) || bare(&people[candidates[0]])) {
		return candidates[0], true
	}
	return -1, false
}

// OfficerParticipantType is the participant type an officer of a role
// attends sessions as (ParticipantTypes).
func OfficerParticipantType(role string) string {
	switch role {
	case "doan_the":
		return "hoi_vien_doan_the"
	case "hoi_bvntd":
		return "to_chuc_xa_hoi"
	}
	return "can_bo_cong_chuc_xa"
}

// OfficerAsParticipant returns the participant record through which the
// attendance of officer o is counted: linked (o's current record, nil if
// none) with the officer's name and phone brought up to date, or a new
// record of the type of o's role, working at workplace. Its ID is linked's,
// or "" for a new record.
func OfficerAsParticipant(o *Officer, linked *Participant, workplace string) Participant {
	var p Participant
	if linked != nil {
		p = *linked
	} else {
		p = Participant{Type: OfficerParticipantType(o.Role), Workplace: workplace}
		p.UnitCode = o.UnitCode
	}
	p.FullName = o.FullName
	if o.Phone != "" {
		p.Phone = o.Phone
	}
	if p.Type == "" {
		p.Type = OfficerParticipantType(o.Role)
	}
	return p
}

// AttendanceLockDays is how long after a session was held its register
// may still be changed (docs/domain.md §5.5).
const AttendanceLockDays = 7

// AttendanceNotYet returns, when a register row of s may not take status at
// now because the session has not begun, the message saying so, else "".
// Before its first day (its start date, in ICT) a register takes only
// registrations (đăng ký): nobody can have been present at, or absent
// from, a session that has not been held — a mark made then is a slip
// (the wrong session picked) that would count toward T5 (a local rule; the
// law says nothing of registers).
func AttendanceNotYet(s *TrainingSession, status string, now time.Time) string {
	if status == "" || status == "dang_ky" {
		return ""
	}
	first, ok := parseDay(s.StartDate)
	if !ok || !now.In(ICT).Before(first) {
		return ""
	}
	return fmt.Sprintf("Lớp dự kiến tổ chức ngày %s: chưa đến ngày tổ chức nên chưa ghi được có mặt hay vắng, chỉ đăng ký trước người tham dự.",
		first.Format("02/01/2006"))
}

// AttendanceLocked reports whether the register of s is closed at now:
// once the session is reported, and once it is held and AttendanceLockDays
// full days have passed since its last day (its end date, else its start
// date). A session held on 20/11 may be completed until 27/11 inclusive.
func AttendanceLocked(s *TrainingSession, now time.Time) bool {
	switch s.Status {
	case "da_bao_cao":
		return true
	case "da_to_chuc":
	default:
		return false
	}
	last, ok := parseDay(s.EndDate)
	if !ok {
		if last, ok = parseDay(s.StartDate); !ok {
			return false
		}
	}
	return !now.Before(last.AddDate(0, 0, AttendanceLockDays+1))
}
