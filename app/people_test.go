package app

import (
	"testing"
	"time"
)

func person(id, name, phone, org, workplace string) Participant {
	p := Participant{FullName: name, Phone: phone, OrganisationID: org, Workplace: workplace, Type: "nguoi_dan"}
	p.ID = id
	return p
}

func TestPersonKey(t *testing.T) {
	for in, want := range map[string]string{
		"Nguyễn  Văn ĐÀO ":   "nguyen van dao",
		"nguyen van dao":     "nguyen van dao",
		"Đặng Thị Ánh Tuyết": "dang thi anh tuyet",
		"   ":                "",
	} {
		if got := PersonKey(in); got != want {
			t.Errorf("PersonKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPossibleDuplicatePeople(t *testing.T) {
	orgs := []Organisation{{RecordHead: RecordHead{ID: "org-pn"}, Name: "Hội Liên hiệp Phụ nữ phường Mỹ Tho"}}
	people := []Participant{
		person("a1", "Nguyễn Văn An", "0912 345 678", "", ""),
		person("a2", "Nguyen Van An", "0912345678", "", "Chợ Mỹ Tho"), // same phone
		person("a3", "Nguyễn Văn An", "0987000111", "", "Trường THCS Lê Lợi"),
		person("b1", "Trần Thị Bích", "", "org-pn", ""),
		person("b2", "TRẦN THỊ BÍCH", "", "", "Hội Liên hiệp Phụ nữ phường Mỹ Tho"), // the organisation typed
		person("c1", "Lê Văn Cường", "", "", "Hợp tác xã Tân Thành"),
		person("c2", "Lê Văn Cường", "", "", "Chợ Mỹ Tho"), // same name only: two people
		person("d1", "Phạm Thị Dung", "0909111222", "", ""),
		person("d2", "Phạm Thị Dung", "0909111222", "", ""),
	}
	people[8].Voided = true
	got := PossibleDuplicatePeople(people, orgs)
	want := []PersonPair{
		{ID: "a1", OtherID: "a2", Reason: DupSamePhone},
		{ID: "b1", OtherID: "b2", Reason: DupSameWorkplace},
	}
	if len(got) != len(want) {
		t.Fatalf("pairs %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("pair %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	by := DuplicatesOf(got)
	if len(by["a2"]) != 1 || by["a2"][0].OtherID != "a1" || by["a2"][0].ID != "a2" || len(by["a3"]) != 0 {
		t.Fatalf("by person %+v", by)
	}
}

func TestMatchPerson(t *testing.T) {
	orgs := []Organisation{{RecordHead: RecordHead{ID: "org-htx"}, Name: "Hợp tác xã Tân Thành"}}
	people := []Participant{
		person("p1", "Nguyễn Văn An", "0912345678", "", ""),
		person("p2", "Nguyễn Văn An", "", "", "Chợ Mỹ Tho"),
		person("p3", "Lê Thị Hoa", "", "", ""),
		person("p4", "Võ Minh Tâm", "", "org-htx", ""),
		person("p5", "Đỗ Văn Bé", "0939000111", "", "UBND phường"),
		person("p6", "Huỳnh Kim Ngân", "", "", ""),
		person("p7", "Huỳnh Kim Ngân", "", "", ""),
	}
	people[5].Voided = true
	cases := []struct {
		name string
		row  Participant
		want string // "" for no match
	}{
		{"SamePhone", person("", "nguyen van an", "+84 912 345 678", "", ""), "p1"},
		{"SameWorkplace", person("", "Nguyễn Văn An", "", "", "chợ mỹ tho"), "p2"},
		{"OtherPhoneIsOtherPerson", person("", "Nguyễn Văn An", "0900000000", "", ""), ""},
		{"BareNameTwoCandidates", person("", "Nguyễn Văn An", "", "", ""), ""},
		{"BareNameOneCandidate", person("", "Le Thi Hoa", "", "", ""), "p3"},
		{"DetailsAgainstBareRecord", person("", "Lê Thị Hoa", "0911222333", "", "Chợ"), "p3"},
		{"OrganisationTypedAsWorkplace", person("", "Võ Minh Tâm", "", "", "Hợp tác xã Tân Thành"), "p4"},
		{"OtherWorkplaceNoPhone", person("", "Đỗ Văn Bé", "", "", "Trường tiểu học"), ""},
		{"VoidedNeverMatches", person("", "Huỳnh Kim Ngân", "", "", ""), "p7"},
		{"Unknown", person("", "Trương Văn Mới", "", "", ""), ""},
		{"NoName", person("", "  ", "0912345678", "", ""), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			i, ok := MatchPerson(c.row, people, orgs)
			got := ""
			if ok {
				got = people[i].ID
			}
			if got != c.want {
				t.Fatalf("matched %q, want %q", got, c.want)
			}
		})
	}
}

func TestOfficerAsParticipant(t *testing.T) {
	o := &Officer{FullName: "Lê Văn Tâm", Role: "can_bo_cong_thuong_xa", Phone: "0912000111"}
	o.UnitCode = "28261"
	p := OfficerAsParticipant(o, nil, "UBND phường Mỹ Tho")
	if p.ID != "" || p.FullName != "Lê Văn Tâm" || p.Type != "can_bo_cong_chuc_xa" || p.Phone != "0912000111" ||
		p.Workplace != "UBND phường Mỹ Tho" || p.UnitCode != "28261" {
		t.Fatalf("new %+v", p)
	}
	linked := person("p1", "Lê Văn Tam", "", "", "Hội Nông dân")
	linked.Type = "hoi_vien_doan_the"
	o.FullName = "Lê Văn Tâm"
	p = OfficerAsParticipant(o, &linked, "UBND phường Mỹ Tho")
	if p.ID != "p1" || p.FullName != "Lê Văn Tâm" || p.Type != "hoi_vien_doan_the" || p.Workplace != "Hội Nông dân" || p.Phone != "0912000111" {
		t.Fatalf("linked %+v", p)
	}
	if OfficerParticipantType("doan_the") != "hoi_vien_doan_the" || OfficerParticipantType("hoi_bvntd") != "to_chuc_xa_hoi" {
		t.Fatal("participant type of a role")
	}
}

func TestAttendanceLocked(t *testing.T) {
	at := func(s string) time.Time {
		d, err := time.ParseInLocation("2006-01-02 15:04", s, ICT)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	held := &TrainingSession{Status: "da_to_chuc", StartDate: "2026-11-19", EndDate: "2026-11-20"}
	cases := []struct {
		name string
		s    *TrainingSession
		now  string
		want bool
	}{
		{"HeldSameDay", held, "2026-11-20 16:00", false},
		{"SeventhDay", held, "2026-11-27 23:59", false},
		{"EighthDay", held, "2026-11-28 00:00", true},
		{"StartDateWhenNoEnd", &TrainingSession{Status: "da_to_chuc", StartDate: "2026-11-19"}, "2026-11-27 08:00", true},
		{"PlannedNeverLocks", &TrainingSession{Status: "ke_hoach", StartDate: "2026-01-05"}, "2026-11-27 08:00", false},
		{"ReportedLocks", &TrainingSession{Status: "da_bao_cao", StartDate: "2026-11-26"}, "2026-11-27 08:00", true},
	}
	for _, c := range cases {
		if got := AttendanceLocked(c.s, at(c.now)); got != c.want {
			t.Errorf("%s: locked %v, want %v", c.name, got, c.want)
		}
	}
}
