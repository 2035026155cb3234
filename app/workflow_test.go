package app

import (
	"slices"
	"strings"
	"testing"
)

// Every (status, event) pair: the allowed ones give the table's status, the
// others are refused with a Vietnamese message naming the step and status.
func TestNextStatus_WholeTable(t *testing.T) {
	if len(Transitions) != len(CaseStatuses) {
		t.Fatalf("the table has %d statuses, the code list %d", len(Transitions), len(CaseStatuses))
	}
	allowed := 0
	for _, st := range CaseStatuses {
		for _, ev := range CaseEvents {
			to, err := NextStatus(st.Code, ev.Code)
			want, ok := Transitions[st.Code][ev.Code]
			switch {
			case ok && err != nil:
				t.Errorf("%s --%s--> refused: %v", st.Code, ev.Code, err)
			case ok && want == "" && to != st.Code:
				t.Errorf("%s --%s--> %s, want the status kept", st.Code, ev.Code, to)
			case ok && want != "" && to != want:
				t.Errorf("%s --%s--> %s, want %s", st.Code, ev.Code, to, want)
			case !ok && err == nil:
				t.Errorf("%s --%s--> %s allowed; it is not in the table", st.Code, ev.Code, to)
			case !ok:
				msg := ErrorMessage(err)
				if ErrorCode(err) != EINVALID || !strings.Contains(msg, st.VI) || !strings.HasPrefix(msg, "Không thể ") {
					t.Errorf("%s --%s-->: message %q", st.Code, ev.Code, msg)
				}
			}
			if ok {
				allowed++
				if want != "" && !CaseStatuses.Has(want) {
					t.Errorf("%s --%s--> unknown status %q", st.Code, ev.Code, want)
				}
			}
		}
	}
	t.Logf("%d allowed transitions of %d pairs", allowed, len(CaseStatuses)*len(CaseEvents))
}

func TestWorkflow_WalkInToClosed(t *testing.T) {
	status := StatusReceived
	for _, ev := range []string{EventAcknowledged, EventAccepted, EventBusinessContacted,
		EventBusinessResponded, EventNegotiationStart, EventNegotiationResult, EventResolved, EventClosed} {
		next, err := NextStatus(status, ev)
		if err != nil {
			t.Fatalf("%s from %s: %v", ev, status, err)
		}
		status = next
	}
	if status != StatusClosed {
		t.Fatalf("ended in %s", status)
	}
	if _, err := NextStatus(StatusClosed, EventBusinessContacted); err == nil {
		t.Fatal("a closed case accepted a new step other than reopening")
	}
	if got, _ := NextStatus(StatusClosed, EventReopened); got != StatusInProgress {
		t.Fatalf("reopened to %s", got)
	}
}

func TestNextStatus_Unknown(t *testing.T) {
	if _, err := NextStatus(StatusReceived, "nhay_coc"); ErrorCode(err) != EINVALID {
		t.Fatalf("unknown event: %v", err)
	}
	if _, err := NextStatus("khong_co", EventNote); ErrorCode(err) != EINVALID {
		t.Fatalf("unknown status: %v", err)
	}
}

func TestAllowedEvents_NoteEverywhere(t *testing.T) {
	for _, st := range CaseStatuses {
		evs := AllowedEvents(st.Code)
		if len(evs) == 0 || !contains(evs, EventNote) {
			t.Errorf("%s: allowed %v", st.Code, evs)
		}
	}
}

// The legal code lists are complete and labelled in both languages.
func TestLegalCodeLists(t *testing.T) {
	for name, tc := range map[string]struct {
		list CodeList
		n    int
		cite string
	}{
		"RejectionReasons (Đ.58, Đ.54 k.2)": {RejectionReasons, 6, "Điều 5"},
		"VulnerableGroups (Đ.8 k.1)":        {VulnerableGroups, 7, ""},
		"Outcomes":                          {Outcomes, 9, ""},
		"CaseEvents":                        {CaseEvents, 23, ""},
	} {
		if len(tc.list) != tc.n {
			t.Errorf("%s: %d codes, want %d", name, len(tc.list), tc.n)
		}
		seen := map[string]bool{}
		for _, c := range tc.list {
			if c.Code == "" || c.VI == "" || c.EN == "" || seen[c.Code] || NFC(c.VI) != c.VI {
				t.Errorf("%s: bad entry %+v", name, c)
			}
			seen[c.Code] = true
			if tc.cite != "" && !strings.Contains(c.VI, tc.cite) {
				t.Errorf("%s: %q does not cite its article", name, c.VI)
			}
		}
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// A step of OnceEvents is offered and accepted once in a case's life, in
// every status that allows it; the other steps are unaffected.
func TestOnceEvents_EveryStatus(t *testing.T) {
	for status := range Transitions {
		for event := range OnceEvents {
			if _, ok := Transitions[status][event]; !ok {
				if slices.Contains(AllowedEventsAfter(status, nil), event) {
					t.Errorf("%s: %s offered where the table does not allow it", status, event)
				}
				continue
			}
			if !slices.Contains(AllowedEventsAfter(status, nil), event) {
				t.Errorf("%s: %s not offered before it happened", status, event)
			}
			if _, err := NextStatusAfter(status, event, nil); err != nil {
				t.Errorf("%s: first %s refused: %v", status, event, err)
			}
			done := []string{EventNote, event}
			if slices.Contains(AllowedEventsAfter(status, done), event) {
				t.Errorf("%s: %s offered again", status, event)
			}
			if _, err := NextStatusAfter(status, event, done); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "chỉ ghi một lần") {
				t.Errorf("%s: second %s: %v", status, event, err)
			}
			if got, want := len(AllowedEventsAfter(status, done)), len(AllowedEvents(status))-1; got != want {
				t.Errorf("%s: %d steps offered after %s, want %d", status, got, event, want)
			}
		}
		// Repeatable steps stay offered after they happened.
		if _, ok := Transitions[status][EventNote]; ok && !slices.Contains(AllowedEventsAfter(status, []string{EventNote}), EventNote) {
			t.Errorf("%s: a note is not offered again", status)
		}
	}
}
