package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/cmd/cli"
	"bvntd/seeds"
	"bvntd/storage"
	"bvntd/sync/syncclient"
	"bvntd/sync/syncproto"
	"bvntd/sync/syncserver"

	"golang.org/x/text/unicode/norm"
)

// The hostile-input suite (issue 15): every attempt a black-box probe made
// on the server, and every refusal of the server's validation, sent over
// HTTP to a real server (SQLite, and PostgreSQL in that pass) by a client
// that writes the bytes it likes, each with the answer it must get; after
// each one the normal laptops of the commune, of another commune and of
// the province sync, and must succeed. At the end their dumps are the
// server's, byte for byte.

// hostile is a device that speaks the protocol by hand.
type hostile struct {
	t     *testing.T
	srv   *fieldServer
	id    string
	token string
	scope string
}

// post sends body to path with the protocol's headers (and the device's
// token unless noAuth) and returns the status and the body of the answer.
func (h *hostile) post(path string, body []byte, header map[string]string) (int, []byte) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.srv.url+path, bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(syncproto.HeaderProtocol, fmt.Sprint(syncproto.ProtocolVersion))
	req.Header.Set(syncproto.HeaderAppVersion, cli.AppVersion)
	if h.token != "" {
		req.Header.Set("Authorization", "Bearer "+h.token)
	}
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	return resp.StatusCode, b
}

// enrolHostile enrols a hand-made device into scope, asking for tag.
func enrolHostile(t *testing.T, srv *fieldServer, scope, tag string) *hostile {
	t.Helper()
	code, _, err := srv.store.CreateEnrolCode(context.Background(), scope, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	h := &hostile{t: t, srv: srv, scope: scope}
	body, _ := json.Marshal(syncproto.EnrollRequest{Code: code, DeviceTag: tag, AppVersion: cli.AppVersion, AdoptsDeviceID: true})
	status, b := h.post(syncproto.PathEnroll, body, nil)
	var resp syncproto.EnrollResponse
	if status != http.StatusOK || json.Unmarshal(b, &resp) != nil {
		t.Fatalf("enrol: %d %s", status, b)
	}
	h.token, h.id = resp.Token, resp.DeviceID
	return h
}

// rawMutation is a mutation whose fields go on the wire byte for byte.
type rawMutation struct {
	ID, Entity, RecordID, Scope, HLC, Officer string
	Fields                                    string // a JSON object, as raw as the test likes
}

func (m rawMutation) encode(b *bytes.Buffer) {
	q := func(s string) string { v, _ := json.Marshal(s); return string(v) }
	fmt.Fprintf(b, `{"id":%s,"entity":%s,"record_id":%s,"scope":%s,"op":"upsert","hlc":%s,"officer":%s,"device_time_ms":1,"fields":`,
		q(m.ID), q(m.Entity), q(m.RecordID), q(m.Scope), q(m.HLC), q(m.Officer))
	b.WriteString(m.Fields)
	b.WriteByte('}')
}

// newMutation is a new case of the hostile's commune with fields.
func (h *hostile) newMutation(fields string) rawMutation {
	return rawMutation{ID: app.NewID(), Entity: app.EntityCase, RecordID: app.NewID(), Scope: h.scope,
		HLC: app.HLC{Wall: h.srv.clock.Peek().UnixMilli()}.String(), Officer: "Kẻ phá", Fields: fields}
}

// pushBody is a push request of muts, saying the server's time as the
// device's.
func (h *hostile) pushBody(muts ...rawMutation) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"device_id":%q,"device_now_ms":%d,"mutations":[`, h.id, h.srv.clock.Peek().UnixMilli())
	for i, m := range muts {
		if i > 0 {
			b.WriteByte(',')
		}
		m.encode(&b)
	}
	b.WriteString("]}")
	return b.Bytes()
}

// push sends muts and returns the answer: "applied", "duplicate",
// "rejected:CODE" per mutation (space-separated), or "STATUS CODE" for a
// request refused as a whole.
func (h *hostile) push(muts ...rawMutation) string {
	h.t.Helper()
	return h.answer(h.post(syncproto.PathPush, h.pushBody(muts...), nil))
}

func (h *hostile) answer(status int, b []byte) string {
	h.t.Helper()
	if status != http.StatusOK {
		var e syncproto.ErrorResponse
		if err := json.Unmarshal(b, &e); err != nil || e.Message == "" {
			h.t.Fatalf("answer %d is not a JSON error with a message: %s", status, b)
		}
		return fmt.Sprintf("%d %s", status, e.Code)
	}
	var pr syncproto.PushResponse
	if err := json.Unmarshal(b, &pr); err != nil {
		h.t.Fatalf("push answer: %v: %s", err, b)
	}
	var out []string
	for _, r := range pr.Results {
		s := r.Status
		if r.Status == syncproto.StatusRejected {
			if r.Message == "" {
				h.t.Fatalf("rejection without a message: %+v", r)
			}
			s += ":" + r.Code
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// caseFields is a valid new case's fields as raw JSON, with over replacing
// or adding fields (names and values written as they are, unescaped).
func caseFields(now time.Time, over ...string) string {
	base := [][2]string{
		{"received_at", `"` + now.Add(-time.Hour).UTC().Format(time.RFC3339) + `"`},
		{"channel", `"truc_tiep"`}, {"kind", `"khieu_nai"`}, {"consumer_name", `"Người Thử"`},
		{"sector", `"thuc_pham_do_uong"`}, {"summary", `"Mua phải hàng giả."`}, {"status", `"moi_tiep_nhan"`},
	}
	for i := 0; i < len(over); i += 2 {
		found := false
		for j := range base {
			if base[j][0] == over[i] {
				base[j][1], found = over[i+1], true
			}
		}
		if !found {
			base = append(base, [2]string{over[i], over[i+1]})
		}
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, kv := range base {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + kv[0] + `":` + kv[1])
	}
	b.WriteByte('}')
	return b.String()
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// hostileAttempt is one row of the suite.
type hostileAttempt struct {
	name string
	want string
	try  func(e *hostileEnv) string
}

// hostileEnv is the server, the hostile devices and what the attempts
// share.
type hostileEnv struct {
	t        *testing.T
	srv      *fieldServer
	a, b, p  *hostile // in 28261, in 29905, provincial
	lapID    string   // the id of the normal laptop of 28261
	applied  rawMutation
	existing rawMutation // a case of 28261 the hostile of 28261 created
}

func (e *hostileEnv) now() time.Time { return e.srv.clock.Peek() }

// one is a push of one new case of a's commune with fields over the valid
// ones.
func (e *hostileEnv) one(over ...string) string {
	return e.a.push(e.a.newMutation(caseFields(e.now(), over...)))
}

func hostileAttempts() []hostileAttempt {
	long := func(n int, s string) string { return `"` + strings.Repeat(s, n) + `"` }
	return []hostileAttempt{
		// The poisoning reproductions of the issue.
		{"transaction_value 1e999", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("transaction_value", `1e999`) }},
		{`status 12345, voided "yes"`, "rejected:invalid_value", func(e *hostileEnv) string { return e.one("status", `12345`, "voided", `"yes"`) }},
		{"summary of 6 MB of <", "rejected:too_large", func(e *hostileEnv) string { return e.one("summary", long(6<<20, "<")) }},
		{"raw invalid UTF-8 in a value", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("summary", "\"H\xe0ng gi\xe1 \xff\"") }},
		{"raw invalid UTF-8 in a field name", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("summ\xffry", `"x"`) }},
		// Wrong types, huge numbers, overlong text.
		{"number past int64", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("damage_claimed", `9223372036854775808`) }},
		{"fraction for an amount", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("transaction_value", `12.5`) }},
		{"negative amount", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("transaction_value", `-1`) }},
		{"amount over 10^13 VND", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("transaction_value", `10000000000001`) }},
		{"object for a text", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("consumer_name", `{"a":[1,2]}`) }},
		{"array for a bool", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("prior_contact", `[true]`) }},
		{"text for a date", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("received_at", `"hôm qua"`) }},
		{"date past year 9999 in UTC", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("updated_at", `"9999-12-31T23:59:59-23:00"`) }},
		{"received two days in the future", "rejected:invalid_value", func(e *hostileEnv) string {
			return e.one("received_at", `"`+e.now().Add(48*time.Hour).UTC().Format(time.RFC3339)+`"`)
		}},
		{"status not in the code list", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("status", `"xong_roi"`) }},
		{"sector not in the catalogue", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("sector", `"vu_tru"`) }},
		{"required name empty", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("consumer_name", `""`) }},
		{"summary of 10.001 characters", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("summary", long(10001, "ấ")) }},
		{"name of 201 characters", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("consumer_name", long(201, "a")) }},
		{"51 evidence items", "rejected:invalid_value", func(e *hostileEnv) string {
			return e.one("evidence", `[`+strings.TrimSuffix(strings.Repeat(`"ảnh",`, 51), ",")+`]`)
		}},
		{"NUL in a text", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("business_name", `"Cửa hàng\u0000"`) }},
		{"officer name of 100.000 characters", "rejected:invalid_value", func(e *hostileEnv) string {
			m := e.a.newMutation(caseFields(e.now()))
			m.Officer = strings.Repeat("Ô", 100_000)
			return e.a.push(m)
		}},
		{"101 fields", "rejected:too_large", func(e *hostileEnv) string {
			var over []string
			for i := range 101 {
				over = append(over, fmt.Sprintf("f%03d", i), "1")
			}
			return e.one(over...)
		}},
		{"unknown field", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("amount", `1`) }},
		{"field name of 65 bytes", "rejected:invalid", func(e *hostileEnv) string { return e.one(strings.Repeat("f", 65), `1`) }},
		{"empty field name", "rejected:invalid", func(e *hostileEnv) string { return e.one("", `1`) }},
		{`field "type"`, "rejected:invalid", func(e *hostileEnv) string { return e.one("type", `"officer"`) }},
		{"id field not the record's", "rejected:invalid", func(e *hostileEnv) string { return e.one("id", `"`+app.NewID()+`"`) }},
		{"unit_code not the scope", "rejected:invalid", func(e *hostileEnv) string { return e.one("unit_code", `"29905"`) }},
		{"unknown entity", "rejected:invalid", func(e *hostileEnv) string {
			m := e.a.newMutation(`{"name":"x"}`)
			m.Entity = "people"
			return e.a.push(m)
		}},
		{"bad mutation id", "rejected:invalid", func(e *hostileEnv) string {
			m := e.a.newMutation(caseFields(e.now()))
			m.ID = "1; DROP TABLE records"
			return e.a.push(m)
		}},
		{"bad HLC", "rejected:invalid", func(e *hostileEnv) string {
			m := e.a.newMutation(caseFields(e.now()))
			m.HLC = "yesterday"
			return e.a.push(m)
		}},
		{"a device creating a conflict record", "rejected:invalid", func(e *hostileEnv) string {
			m := e.a.newMutation(`{"status":"open","field":"summary"}`)
			m.Entity = app.EntityConflict
			return e.a.push(m)
		}},
		// Scope and authorisation.
		{"another commune's scope", "rejected:forbidden", func(e *hostileEnv) string {
			m := e.a.newMutation(caseFields(e.now()))
			m.Scope = "29905"
			return e.a.push(m)
		}},
		{"replay of another commune's mutation", "rejected:forbidden", func(e *hostileEnv) string { return e.b.push(e.applied) }},
		{"duplicate id from another commune", "rejected:id_reuse", func(e *hostileEnv) string {
			m := e.b.newMutation(caseFields(e.now()))
			m.ID = e.applied.ID
			return e.b.push(m)
		}},
		{"the shared scope", "rejected:forbidden", func(e *hostileEnv) string {
			m := e.p.newMutation(`{"year":2027}`)
			m.Entity, m.Scope = "holiday_year", syncproto.ScopeShared
			return e.p.push(m)
		}},
		{"unknown commune code as scope (province)", "rejected:invalid", func(e *hostileEnv) string {
			m := e.p.newMutation(caseFields(e.now()))
			m.Scope = "99999"
			return e.p.push(m)
		}},
		{"unknown commune code in a field", "rejected:invalid_value", func(e *hostileEnv) string { return e.one("consumer_unit_code", `"99999"`) }},
		{"moving a record to another commune", "rejected:forbidden", func(e *hostileEnv) string {
			m := e.p.newMutation(`{"summary":"chuyển"}`)
			m.RecordID, m.Scope = e.existing.RecordID, "29905"
			return e.p.push(m)
		}},
		{"a batch of one bad and one good", "rejected:invalid_value applied", func(e *hostileEnv) string {
			return e.a.push(e.a.newMutation(caseFields(e.now(), "transaction_value", `1e999`)), e.a.newMutation(caseFields(e.now())))
		}},
		{"decomposed (NFD) text", "applied", func(e *hostileEnv) string {
			return e.one("consumer_name", `"`+norm.NFD.String("Nguyễn Thị Tổ Hợp")+`"`)
		}},
		// Whole requests.
		{"body that is not JSON", "400 invalid", func(e *hostileEnv) string {
			return e.a.answer(e.a.post(syncproto.PathPush, []byte(`{"mutations":[`), nil))
		}},
		{"trailing data after the body", "400 invalid", func(e *hostileEnv) string {
			return e.a.answer(e.a.post(syncproto.PathPush, []byte(`{"mutations":[]} {}`), nil))
		}},
		{"raw body over 8 MB", "413 too_large", func(e *hostileEnv) string {
			return e.a.answer(e.a.post(syncproto.PathPush, e.a.pushBody(e.a.newMutation(caseFields(e.now(), "summary", long(9<<20, "x")))), nil))
		}},
		{"gzip bomb (40 MB unpacked)", "413 too_large", func(e *hostileEnv) string {
			body := gzipped(e.a.pushBody(e.a.newMutation(caseFields(e.now(), "summary", long(40<<20, "x")))))
			return e.a.answer(e.a.post(syncproto.PathPush, body, map[string]string{"Content-Encoding": "gzip"}))
		}},
		{"no token", "401 unauthorized", func(e *hostileEnv) string {
			return e.a.answer(e.a.post(syncproto.PathPush, e.a.pushBody(), map[string]string{"Authorization": ""}))
		}},
		{"another device's id in the body", "403 forbidden", func(e *hostileEnv) string {
			return e.a.answer(e.a.post(syncproto.PathPush, []byte(`{"device_id":"`+e.b.id+`","mutations":[]}`), nil))
		}},
		{"unknown protocol version", "400 invalid", func(e *hostileEnv) string {
			return e.a.answer(e.a.post(syncproto.PathPush, e.a.pushBody(), map[string]string{syncproto.HeaderProtocol: "99"}))
		}},
		// Enrolment.
		{"enrolling with a NUL in the device name", "400 invalid", func(e *hostileEnv) string {
			code, _, err := e.srv.store.CreateEnrolCode(context.Background(), "28261", time.Hour)
			if err != nil {
				e.t.Fatal(err)
			}
			body := []byte(`{"code":"` + code + `","device_id":"` + app.NewID() + `","device_tag":"ZZ99","device_name":"m\u0000y","app_version":"1"}`)
			h := &hostile{t: e.t, srv: e.srv}
			return h.answer(h.post(syncproto.PathEnroll, body, nil))
		}},
		// The takeover of issue 16: a code and another device's id. The
		// normal laptop of 28261 syncs after each one (the loop).
		{"enrolling with a code of 29905 and the commune laptop's id", "200 new id", func(e *hostileEnv) string {
			return enrolAs(e, "29905", e.lapID, "", true)
		}},
		{"enrolling with a code of the laptop's own commune and its id (insider)", "200 new id", func(e *hostileEnv) string {
			return enrolAs(e, "28261", e.lapID, "", true)
		}},
		{"enrolling as an older app with the laptop's id", "426 upgrade_required", func(e *hostileEnv) string {
			return enrolAs(e, "29905", e.lapID, "", false)
		}},
		{"enrolling with a revoked id and its token", "200 new id", func(e *hostileEnv) string {
			h := enrolHostile(e.t, e.srv, "28261", "HR01")
			if err := e.srv.store.Revoke(context.Background(), h.id); err != nil {
				e.t.Fatal(err)
			}
			return enrolAs(e, "28261", h.id, h.token, true)
		}},
		{"enrolling with a tag the commune's laptop has", "200 another tag", func(e *hostileEnv) string {
			h := enrolHostileTag(e.t, e.srv, "28261", e.srv.tagOf("28261"))
			if h == e.srv.tagOf("28261") || !app.ValidDeviceTag(h) {
				return "200 same tag " + h
			}
			return "200 another tag"
		}},
		{"bvntd-server enroll --scope 99999", "invalid", func(e *hostileEnv) string {
			_, _, err := run(e.t, "enroll", "--db", e.srv.path, "--scope", "99999")
			return app.ErrorCode(err)
		}},
	}
}

// enrolAs enrols by hand with a new code for scope, the device id id and
// the bearer token ("" for none), as an app that adopts the server's id
// (adopts) or an older one. It answers "200 new id", "200 same id" or
// "STATUS CODE".
func enrolAs(e *hostileEnv, scope, id, token string, adopts bool) string {
	e.t.Helper()
	code, _, err := e.srv.store.CreateEnrolCode(context.Background(), scope, time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	h := &hostile{t: e.t, srv: e.srv, token: token}
	body, _ := json.Marshal(syncproto.EnrollRequest{Code: code, DeviceID: id, DeviceTag: "ZZ01", AppVersion: cli.AppVersion,
		AdoptsDeviceID: adopts})
	status, b := h.post(syncproto.PathEnroll, body, nil)
	if status != http.StatusOK {
		return h.answer(status, b)
	}
	var resp syncproto.EnrollResponse
	if err := json.Unmarshal(b, &resp); err != nil || !app.ValidID(resp.DeviceID) {
		e.t.Fatalf("enrol answer: %v %s", err, b)
	}
	if resp.DeviceID == id {
		return "200 same id"
	}
	return "200 new id"
}

// enrolHostileTag enrols a hand-made device asking for tag and returns the
// tag the server gave.
func enrolHostileTag(t *testing.T, srv *fieldServer, scope, tag string) string {
	t.Helper()
	code, _, err := srv.store.CreateEnrolCode(context.Background(), scope, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	h := &hostile{t: t, srv: srv}
	body, _ := json.Marshal(syncproto.EnrollRequest{Code: code, DeviceTag: tag, AppVersion: cli.AppVersion, AdoptsDeviceID: true})
	status, b := h.post(syncproto.PathEnroll, body, nil)
	var resp syncproto.EnrollResponse
	if status != http.StatusOK || json.Unmarshal(b, &resp) != nil {
		t.Fatalf("enrol: %d %s", status, b)
	}
	return resp.DeviceTag
}

// tagOf returns the tag of the first laptop the test enrolled in scope.
func (s *fieldServer) tagOf(scope string) string {
	devs, err := s.store.Devices(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	for _, d := range devs {
		if d.Scope == scope {
			return d.Tag
		}
	}
	s.t.Fatalf("no device in %s", scope)
	return ""
}

func TestHostileInputs(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	lap := newLaptop(t, srv, "28261", 0)
	other := newLaptop(t, srv, "29905", 0)
	prov := newFullProvinceLaptop(t, srv) // compared with the whole server
	e := &hostileEnv{t: t, srv: srv, lapID: lap.db.DeviceID(),
		a: enrolHostile(t, srv, "28261", "HA01"), b: enrolHostile(t, srv, "29905", "HB01"), p: enrolHostile(t, srv, syncproto.ScopeProvince, "HP01")}
	e.applied = e.a.newMutation(caseFields(clock.Peek()))
	e.existing = e.applied
	if got := e.a.push(e.applied); got != "applied" {
		t.Fatalf("a valid case from the hand-made client: %s", got)
	}
	for _, l := range []*laptop{lap, other, prov} {
		l.mustSync()
	}

	var table strings.Builder
	for i, a := range hostileAttempts() {
		got := a.try(e)
		fmt.Fprintf(&table, "| %s | %s |\n", a.name, got)
		if got != a.want {
			t.Errorf("%s: answer %q, want %q", a.name, got, a.want)
		}
		// The normal laptops sync after it, and a new case still goes
		// through.
		clock.Advance(time.Second)
		lap.newCase(fmt.Sprintf("Người tiêu dùng %d", i))
		for name, l := range map[string]*laptop{"commune": lap, "other commune": other, "province": prov} {
			if err := l.sync(); err != nil {
				t.Fatalf("after %q the %s laptop cannot sync: %v", a.name, name, err)
			}
		}
	}
	t.Logf("answers:\n%s", table.String())

	for _, l := range []*laptop{lap, other, prov} {
		l.mustSync()
	}
	sameDump(t, "the commune's laptop", lap.dump(), srv.dumpScope("28261"))
	sameDump(t, "the other commune's laptop", other.dump(), srv.dumpScope("29905"))
	dump := srv.dump()
	sameDump(t, "the provincial laptop", prov.dump(), dump)
	if !utf8.ValidString(dump) || strings.Contains(dump, `\u0000`) || strings.Contains(dump, "1e999") {
		t.Fatal("the server's dump holds a refused value")
	}
	// The decomposed name reached the laptops in NFC.
	if !strings.Contains(dump, "Nguyễn Thị Tổ Hợp") || strings.Contains(dump, norm.NFD.String("Nguyễn Thị Tổ Hợp")) {
		t.Fatal("the decomposed name is not stored in NFC")
	}
	// Nothing the hand-made clients sent blocked the laptops' own changes.
	for name, l := range map[string]*laptop{"commune": lap, "province": prov} {
		if p, parked, err := l.db.OutboxCount(context.Background()); err != nil || p+parked != 0 {
			t.Fatalf("%s laptop: %d pending, %d parked, %v", name, p, parked, err)
		}
	}
}

// Two laptops of a commune made with the same tag: the second is given
// another at enrolment and numbers its cases with it; the first keeps its
// own. Case numbers stay unique.
func TestEnroll_LaptopAdoptsTheAssignedTag(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	a := newLaptopWithTag(t, srv, "28261", "A7K3")
	b := newLaptopWithTag(t, srv, "28261", "A7K3")
	if a.db.DeviceTag() != "A7K3" || b.db.DeviceTag() == "A7K3" || !app.ValidDeviceTag(b.db.DeviceTag()) {
		t.Fatalf("tags after enrolment: %q and %q", a.db.DeviceTag(), b.db.DeviceTag())
	}
	x, y := a.newCase("Người A"), b.newCase("Người B")
	if x.Number == y.Number || !strings.Contains(y.Number, "-"+b.db.DeviceTag()+"-") {
		t.Fatalf("case numbers %q and %q", x.Number, y.Number)
	}
	a.mustSync()
	b.mustSync()
	a.mustSync()
	assertConverged(t, srv, a, b)
	// The tag survives a restart of the store.
	path := b.db.Path()
	b.db.Close()
	db, err := storage.Open(context.Background(), path, storage.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.DeviceTag() == "A7K3" {
		t.Fatal("the assigned tag was not kept")
	}
}

// newLaptopWithTag is newLaptop with a store made with tag.
func newLaptopWithTag(t *testing.T, srv *fieldServer, scope, tag string) *laptop {
	t.Helper()
	ctx := context.Background()
	refs, err := seeds.Load()
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), cli.StoreFile), storage.Options{Now: srv.clock.Now, DeviceTag: tag})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.ApplySeeds(ctx, seeds.Version, refs); err != nil {
		t.Fatal(err)
	}
	db.SetRefs(refs)
	db.SetOfficer("Cán bộ " + scope)
	l := &laptop{t: t, db: db, tag: tag, client: &syncclient.Client{Store: db, AppVersion: cli.AppVersion, Now: srv.clock.Now,
		BackoffBase: time.Millisecond, BackoffMax: 10 * time.Millisecond}}
	l.enroll(srv, scope)
	return l
}

// The commune code of `bvntd-server enroll --scope` must be in the
// catalogue.
func TestEnrollCommand_CommuneFromTheCatalogue(t *testing.T) {
	db := filepath.Join(t.TempDir(), "server.sqlite")
	if _, _, err := run(t, "enroll", "--db", db, "--scope", "99999"); app.ErrorCode(err) != app.EINVALID || !strings.Contains(app.ErrorMessage(err), "99999") {
		t.Fatalf("enroll --scope 99999: %v", err)
	}
	for _, scope := range []string{"28261", syncproto.ScopeProvince} {
		if out, _, err := run(t, "enroll", "--db", db, "--scope", scope); err != nil || len(strings.TrimSpace(out)) != 12 {
			t.Fatalf("enroll --scope %s: %q %v", scope, out, err)
		}
	}
}

// sameDump fails the test with the first line where a laptop's dump
// differs from the server's.
func sameDump(t *testing.T, who, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Fatalf("%s differs from the server at line %d (%d and %d lines):\n got %s\nwant %s", who, i+1, len(g), len(w), gl, wl)
		}
	}
}
