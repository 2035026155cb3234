package syncclient

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/sync/syncproto"
)

// TestEnroll_TokenOnlyToItsServerAndTheServersIDAdopted: an enrolled
// device re-enrolling with the server it is enrolled with sends its token
// (to keep its id); with another server it sends none (a token never goes
// to another server). It asks to adopt the server's id and stores the id
// of the answer.
func TestEnroll_TokenOnlyToItsServerAndTheServersIDAdopted(t *testing.T) {
	const given = "0192a0b1-0000-7000-8000-00000000e001"
	var mu sync.Mutex
	var auths []string
	var adopts []bool
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req syncproto.EnrollRequest
		if err := syncproto.Decode(r.Body, r.Header.Get("Content-Encoding") == "gzip", 1<<16, &req); err != nil {
			t.Error(err)
		}
		mu.Lock()
		auths, adopts = append(auths, r.Header.Get("Authorization")), append(adopts, req.AdoptsDeviceID)
		mu.Unlock()
		json.NewEncoder(w).Encode(syncproto.EnrollResponse{DeviceID: given, Token: "new", Scope: "28261"})
	})
	own, other := httptest.NewServer(h), httptest.NewServer(h)
	defer own.Close()
	defer other.Close()

	for _, tc := range []struct {
		server, wantAuth string
	}{{own.URL, "Bearer tok"}, {other.URL + "/", ""}} {
		st := &enrolStore{memStore: memStore{url: own.URL}}
		c := &Client{Store: st, AppVersion: "1.0.0", Now: clocktest.AtToday(t).Now}
		e, err := c.Enroll(context.Background(), tc.server, "ABCD-EFGH-JK", "máy")
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		auth, adopt := auths[len(auths)-1], adopts[len(adopts)-1]
		mu.Unlock()
		if auth != tc.wantAuth || !adopt {
			t.Fatalf("enrol with %s: Authorization %q, adopts %v; want %q, true", tc.server, auth, adopt, tc.wantAuth)
		}
		if e.DeviceID != given || st.set.DeviceID != given || st.set.Token != "new" {
			t.Fatalf("stored enrolment %+v, want the server's id %s", st.set, given)
		}
	}
}

// enrolStore is a memStore that keeps what SetEnrollment stored.
type enrolStore struct {
	memStore
	set app.Enrollment
}

func (s *enrolStore) SetEnrollment(_ context.Context, e app.Enrollment) error {
	s.set = e
	return nil
}
