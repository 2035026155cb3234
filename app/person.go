package app

import "strings"

// A person's data (issue 19, "Dữ liệu của một người"): every record about
// one person, found by their name, phone or address, so that the commune
// can answer the person's requests under Luật Bảo vệ dữ liệu cá nhân
// 91/2025/QH15 (the rights of Điều 4 khoản 1) — give them their data
// (Điều 15 khoản 2 điểm a), correct it (Điều 13), restrict its processing
// — and log each request with the deadlines of Nghị định 356/2025/NĐ-CP
// Điều 5 (DataRequest).

// PersonQuery finds a person. Every criterion given narrows the search
// (all must match); an empty one is left out.
type PersonQuery struct {
	// Name matches without diacritics or case, as whole words in order:
	// "nguyen thi hong dao" and "hồng đào" find "Nguyễn Thị Hồng Đào".
	Name string
	// Phone matches the number whatever spaces, dots or +84 were typed.
	Phone string
	// Address matches any part of an address, without diacritics or case.
	Address string
}

// Keys returns the criteria in the form they are compared in: the name
// and the address folded with single spaces (PersonKey), the phone
// normalised (NormalizePhone).
func (q PersonQuery) Keys() (name, phone, address string) {
	return PersonKey(q.Name), NormalizePhone(strings.TrimSpace(q.Phone)), PersonKey(q.Address)
}

// Empty reports whether q gives no criterion.
func (q PersonQuery) Empty() bool {
	n, p, a := q.Keys()
	return n == "" && p == "" && a == ""
}

// PersonIndex is the form a record's names or addresses are searched in:
// each value folded with single spaces (PersonKey) between spaces, the
// values separated by "|" — " nguyen thi hong dao | tran van an ". A name
// key k is found as the words " "+k+" " (MatchesPersonName); an address
// key as any part of one.
func PersonIndex(values ...string) string {
	var b strings.Builder
	for _, v := range values {
		k := strings.ReplaceAll(PersonKey(v), "|", " ")
		if k == "" {
			continue
		}
		b.WriteString("| " + k + " ")
	}
	if b.Len() == 0 {
		return ""
	}
	return b.String() + "|"
}

// PersonNameNeedle is what PersonIndex holds for a name key: its words
// between spaces.
func PersonNameNeedle(key string) string { return " " + key + " " }

// MatchesPersonName reports whether one of names holds the words of the
// folded name key, in order.
func MatchesPersonName(key string, names ...string) bool {
	return key == "" || strings.Contains(PersonIndex(names...), PersonNameNeedle(key))
}

// MatchesPersonAddress reports whether one of addresses holds the folded
// address key.
func MatchesPersonAddress(key string, addresses ...string) bool {
	return key == "" || strings.Contains(PersonIndex(addresses...), key)
}

// PersonAttendance is one attendance of a found participant: the row, with
// the session's title and first day.
type PersonAttendance struct {
	Attendance
	SessionTitle string
	SessionDate  string // YYYY-MM-DD
	Person       string // the participant's name
}

// PersonData is every record about a person: cases where they are the
// consumer or the representative, their participant records with their
// attendance, and the requests they made about their data. Voided and
// restricted records are included (a person's data is theirs whatever its
// state); Restricted and Voided mark them.
type PersonData struct {
	Cases        []Case
	Participants []Participant
	Attendance   []PersonAttendance
	Requests     []DataRequest
	// Truncated: more than PersonCaseLimit cases matched, and Cases holds
	// that many only. Such a search describes many people, not one: it is
	// shown for the officer to narrow it, never exported or restricted.
	Truncated bool
}

// PersonCaseLimit is how many cases a search of one person lists at most.
const PersonCaseLimit = 500

// Records returns how many records d holds.
func (d *PersonData) Records() int {
	return len(d.Cases) + len(d.Participants) + len(d.Attendance) + len(d.Requests)
}

// HasRestricted reports whether a case or a participant record of d is
// restricted.
func (d *PersonData) HasRestricted() bool {
	for _, c := range d.Cases {
		if c.Restricted {
			return true
		}
	}
	for _, p := range d.Participants {
		if p.Restricted {
			return true
		}
	}
	return false
}

// Changing returns the ids of the cases and participants of d that
// setting their restriction to restrict would change: those not yet
// restricted (restrict true), or those restricted (false, to lift it).
func (d *PersonData) Changing(restrict bool) (cases, participants []string) {
	for i := range d.Cases {
		if d.Cases[i].Restricted != restrict {
			cases = append(cases, d.Cases[i].ID)
		}
	}
	for i := range d.Participants {
		if d.Participants[i].Restricted != restrict {
			participants = append(participants, d.Participants[i].ID)
		}
	}
	return cases, participants
}

// Restriction asks to restrict the processing of some records of one
// person (hạn chế xử lý dữ liệu cá nhân), or to lift it: the cases and
// participants by id, and the reason (required; it goes into the audit
// record with the cases' numbers, never the person's name).
//
// Luật 91/2025/QH15 Điều 10 khoản 1 does not give the right to restrict
// processing done without consent under Điều 19 — the commune's, Điều 19
// khoản 1 điểm c — and NĐ 356/2025/NĐ-CP Điều 5 khoản 2 excepts it too:
// honouring the request is the commune's local choice. A restricted record
// stays, for the legal workflow and the counts, but leaves the lists of
// all but the leader (SeesRestricted).
type Restriction struct {
	CaseIDs, ParticipantIDs []string
	Restrict                bool // false lifts the restriction
	Reason                  string
}

// PersonExport is who asked for the export of a person's data and why:
// printed on the export's cover, and the reason of its audit record.
type PersonExport struct {
	Query     PersonQuery
	Requester string // who asked (the person, or their representative)
	Reason    string // e.g. the request logged (DataRequest)
	UnitName  string // the commune answering
	Officer   string
}

// Describe names the records of d for an audit record: the cases by
// number, the other records by id — never the person's name, phone or
// address.
func (d *PersonData) Describe() string {
	var parts []string
	if len(d.Cases) > 0 {
		nums := make([]string, len(d.Cases))
		for i := range d.Cases {
			nums[i] = d.Cases[i].Number
		}
		parts = append(parts, "Vụ việc số: "+strings.Join(nums, ", "))
	}
	ids := func(label string, n int, id func(int) string) {
		if n == 0 {
			return
		}
		l := make([]string, n)
		for i := range l {
			l[i] = id(i)
		}
		parts = append(parts, label+": "+strings.Join(l, ", "))
	}
	ids("Người tham dự (mã bản ghi)", len(d.Participants), func(i int) string { return d.Participants[i].ID })
	ids("Điểm danh (mã bản ghi)", len(d.Attendance), func(i int) string { return d.Attendance[i].ID })
	ids("Yêu cầu về dữ liệu (mã bản ghi)", len(d.Requests), func(i int) string { return d.Requests[i].ID })
	return strings.Join(parts, "; ")
}
