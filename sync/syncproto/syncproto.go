// Package syncproto is the wire contract between the desktop app and the
// provincial server: versioned request and response types, paths, headers
// and error codes. It imports only the standard library.
//
// Every request and response body is JSON. A request body may be gzipped
// (Content-Encoding: gzip); the server gzips its response when the request
// says Accept-Encoding: gzip. Every request but Enroll carries
// "Authorization: Bearer <token>"; an Enroll carries it when the device is
// enrolled already (see EnrollRequest). Every request carries
// HeaderProtocol and HeaderAppVersion.
//
// Changes to this package are additive only: new optional fields, new codes
// at the end. Never rename a JSON name.
package syncproto

import (
	"encoding/json"
)

// ProtocolVersion is the version of this wire contract, sent in
// HeaderProtocol and as the /v1/ prefix of every path.
const ProtocolVersion = 1

// Paths, all POST.
const (
	PathEnroll = "/v1/enroll"
	PathPush   = "/v1/push"
	PathPull   = "/v1/pull"
	// PathHealth answers GET with HealthResponse: 200 when the server and
	// its store answer, 503 otherwise (for monitoring and load balancers).
	PathHealth = "/v1/health"
)

// Headers.
const (
	HeaderProtocol   = "X-Bvntd-Protocol"
	HeaderAppVersion = "X-Bvntd-App-Version"
)

// ScopeProvince is the scope of a provincial device: it may read every
// commune and write into any of them. Any other scope is a 5-digit commune
// code.
const ScopeProvince = "province"

// ScopeShared is the scope of province-wide reference data, such as the
// holiday calendar (entity "holiday_year", one record per year, id the
// year). Every device reads it, besides its commune; only the server's
// operator writes it, and a push into it is rejected (CodeForbidden).
const ScopeShared = "shared"

// Error codes, the same values as package app's codes.
const (
	CodeInvalid      = "invalid"
	CodeNotFound     = "not_found"
	CodeConflict     = "conflict"
	CodeOffline      = "offline"
	CodeUnauthorized = "unauthorized"
	CodeForbidden    = "forbidden"
	CodeNewerData    = "newer_data"
	CodeInternal     = "internal"
	// Codes of the wire only.
	CodeTooLarge        = "too_large"        // HTTP 413
	CodeIDReuse         = "id_reuse"         // a mutation id sent again with other content
	CodeUpgradeRequired = "upgrade_required" // HTTP 426: the app is older than the server accepts
	// CodeServerStorage (HTTP 503): the server cannot write to its store (a
	// full disk, a read-only or failing file system). Nothing sent was
	// stored; the device keeps its changes and sends them again later.
	CodeServerStorage = "server_storage"
	// CodeInvalidValue rejects a mutation whose values the record's
	// validator refuses (the one the laptop's forms use): a value of the
	// wrong type, out of range, too long, not in its code list or the
	// catalogue, not UTF-8, or a field the record type does not have. A
	// mutation with too many fields or bytes is rejected with CodeTooLarge.
	CodeInvalidValue = "invalid_value"
)

// ErrorResponse is the body of every 4xx and 5xx answer.
type ErrorResponse struct {
	Code         string `json:"code"`
	Message      string `json:"message"` // Vietnamese, for the officer
	ServerTimeMS int64  `json:"server_time_ms,omitempty"`
	// MinAppVersion is set with CodeUpgradeRequired.
	MinAppVersion string `json:"min_app_version,omitempty"`
}

// EnrollRequest exchanges a one-time enrolment code for a device token.
//
// The server decides the device's id (EnrollResponse.DeviceID), which the
// device adopts. An id that exists keeps its device only when the request
// carries that device's current token ("Authorization: Bearer", a laptop
// moving to another commune) or when the server's operator allowed that id
// to enrol again (`bvntd-server allow-reenrol`); otherwise the device gets a
// new id. A revoked id never comes back.
type EnrollRequest struct {
	Code string `json:"code"`
	// DeviceID is the id the device had from this server, if any; "" for a
	// device never enrolled. Older apps sent an id they made themselves.
	DeviceID   string `json:"device_id"`
	DeviceTag  string `json:"device_tag"` // the tag in the device's human numbers
	DeviceName string `json:"device_name,omitempty"`
	AppVersion string `json:"app_version"`
	// AdoptsDeviceID says that the device uses the answer's DeviceID from
	// now on. The server refuses (CodeUpgradeRequired) a request without
	// it, unless it carries a valid token: an older app would go on with
	// its own id.
	AdoptsDeviceID bool `json:"adopts_device_id,omitempty"`
}

// EnrollResponse carries the token, which the server keeps only hashed.
type EnrollResponse struct {
	// DeviceID is the device's id from now on, decided by the server.
	DeviceID     string `json:"device_id"`
	Token        string `json:"token"`
	Scope        string `json:"scope"` // commune code or ScopeProvince
	ServerTimeMS int64  `json:"server_time_ms"`
	// DeviceTag is the tag the device puts in its human numbers from now
	// on: the one it asked for, unless another device of its commune (or a
	// provincial one) has it, in which case the server assigns a free one.
	DeviceTag string `json:"device_tag,omitempty"`
	// RecoveryKey is the province's backup recovery key, the public half
	// (an age X25519 recipient, "age1…"): the device encrypts every backup
	// to it as well as to its own key, so that the province can restore a
	// dead laptop's backup. "" while the province has none.
	RecoveryKey string `json:"recovery_key,omitempty"`
}

// Mutation is one change of one record: only the fields that changed.
type Mutation struct {
	ID       string `json:"id"` // UUIDv7, the idempotency key
	Entity   string `json:"entity"`
	RecordID string `json:"record_id"`
	Scope    string `json:"scope"` // the commune the record belongs to
	Op       string `json:"op"`    // "upsert"
	// Fields maps field names to JSON values.
	Fields       map[string]json.RawMessage `json:"fields"`
	HLC          string                     `json:"hlc"` // app.HLC.String(), in the device's clock
	Officer      string                     `json:"officer,omitempty"`
	DeviceTimeMS int64                      `json:"device_time_ms"`
	// BaseVersion is the record's server version the change was made on
	// (Record.Version as last pulled; 0 if never pulled). The server uses it
	// to tell concurrent writes of a field from later ones.
	BaseVersion int64 `json:"base_version,omitempty"`
}

// PushRequest sends a batch of the outbox, oldest first.
type PushRequest struct {
	DeviceID  string     `json:"device_id"`
	Mutations []Mutation `json:"mutations"`
	// DeviceNowMS is the device's clock when it sent the batch. The server
	// measures the device's clock error from it and translates the batch's
	// HLC stamps into its own time, so that a laptop whose clock is years
	// off neither wins every conflict nor loses every one.
	DeviceNowMS int64 `json:"device_now_ms,omitempty"`
	// After is the id of the last mutation of the batch this device sent
	// just before, still unanswered when it sent this one (a push in
	// flight behind another, issue 22). A server that answers Ordered
	// applies this batch only once that mutation is answered, so that a
	// device's batches apply in its outbox order; the device sends After
	// only to such a server.
	After string `json:"after,omitempty"`
}

// Mutation results.
const (
	StatusApplied   = "applied"
	StatusDuplicate = "duplicate" // already applied before: success
	StatusRejected  = "rejected"  // will never apply: parked on the device
)

// PushResult answers one mutation, in the order of the request.
type PushResult struct {
	MutationID string `json:"mutation_id"`
	Status     string `json:"status"`
	Code       string `json:"code,omitempty"`    // with StatusRejected
	Message    string `json:"message,omitempty"` // Vietnamese, with StatusRejected
}

// PushResponse is sent only after the whole batch is durable on the server.
type PushResponse struct {
	Results      []PushResult `json:"results"`
	ServerTimeMS int64        `json:"server_time_ms"`
	// Ordered: this server honours PushRequest.After (older servers do not
	// say it, and get one push at a time).
	Ordered bool `json:"ordered,omitempty"`
}

// Cursor is how far a device has pulled one scope.
type Cursor struct {
	Scope string `json:"scope"`
	Epoch string `json:"epoch"` // "" before the first pull
	Seq   int64  `json:"seq"`   // the last sequence number applied; 0 before the first
}

// PullRequest asks for the records changed after the cursors. The server
// answers for every scope the device may read, whether or not the request
// names it; a scope not named starts at 0.
type PullRequest struct {
	Cursors  []Cursor `json:"cursors"`
	MaxBytes int      `json:"max_bytes"` // bound on the records' JSON; at least one record is always sent
	// SkipOwn asks the server not to send records whose every field this
	// device wrote (it has them: its own pushes coming back). The cursor
	// still moves past them. A device restored from a backup of its store
	// pulls without it, to get back what it wrote after the backup.
	SkipOwn bool `json:"skip_own,omitempty"`
	// AcceptWithheld says the device takes records sent without their
	// fields (Record.Withheld) and keeps them aside. A device that does not
	// say so is not sent such records at all; its cursor moves past them.
	AcceptWithheld bool `json:"accept_withheld,omitempty"`
}

// Record is the current merged state of one record.
type Record struct {
	Entity string                     `json:"entity"`
	ID     string                     `json:"id"`
	Seq    int64                      `json:"seq"` // the scope's sequence number of the record's latest change
	Fields map[string]json.RawMessage `json:"fields"`
	// Version counts the mutations applied to the record; a device sends it
	// back as Mutation.BaseVersion.
	Version int64 `json:"version,omitempty"`
	// Withheld, when set, says why the record comes without its fields
	// (Fields is null): WithheldTooLarge or WithheldMalformed. Such a
	// record was stored around the server's checks (by an older server, or
	// in a restored database); the device keeps it aside and takes it
	// again when a newer version comes.
	Withheld string `json:"withheld,omitempty"`
	// Limited, when true, says that the record comes without its personal
	// fields (app.PersonalFieldsOf: names, contacts, sensitive details,
	// free text), left out of Fields: a provincial device with the limited
	// copy receives a commune's case, step or participant so, unless the
	// case was referred to a provincial body or the province made it. The
	// device keeps the flag, shows that the personal data stay with the
	// commune, and does not write those fields. A later version of the
	// record comes whole when the province may hold it whole.
	Limited bool `json:"limited,omitempty"`
}

// Reasons of Record.Withheld.
const (
	// WithheldTooLarge: the record's fields are larger than a device
	// takes in one body (MaxBodyBytes).
	WithheldTooLarge = "too_large"
	// WithheldMalformed: the stored fields are not a JSON object.
	WithheldMalformed = "malformed"
)

// ScopePage is a page of one scope's changes, in sequence order.
type ScopePage struct {
	Scope string `json:"scope"`
	Epoch string `json:"epoch"`
	// Reset is true when the device's epoch is not the server's: the page
	// starts again from sequence 0 and the device must download the scope
	// again (keeping its outbox).
	Reset   bool     `json:"reset"`
	Records []Record `json:"records"`
	NextSeq int64    `json:"next_seq"` // the cursor to store with these records
	HasMore bool     `json:"has_more"`
}

// PullResponse holds one page per readable scope that has changes (or a
// reset). HasMore is true if any scope has more.
type PullResponse struct {
	Scopes       []ScopePage `json:"scopes"`
	HasMore      bool        `json:"has_more"`
	ServerTimeMS int64       `json:"server_time_ms"`
	// MinAppVersion is the oldest app version the server accepts pushes
	// from ("" if any).
	MinAppVersion string `json:"min_app_version,omitempty"`
	// RecoveryKey is the province's current backup recovery key (see
	// EnrollResponse.RecoveryKey): a device takes a rotated key from here.
	RecoveryKey string `json:"recovery_key,omitempty"`
}

// HealthResponse is the answer of GET /v1/health.
type HealthResponse struct {
	Status   string `json:"status"` // "ok" or "unavailable"
	Protocol int    `json:"protocol"`
	Store    string `json:"store"` // "ok", or why the store does not answer or cannot write
	Time     string `json:"time"`  // the server's clock, RFC 3339 UTC
	// Code is CodeServerStorage when the store cannot write (503).
	Code string `json:"code,omitempty"`
	// Writable says whether the store's last writes and its write probe
	// succeeded.
	Writable bool `json:"writable"`
	// FreeBytes is the free space of the disk holding the store, when the
	// server can know it (SQLite; not a PostgreSQL server elsewhere).
	FreeBytes *int64 `json:"free_bytes,omitempty"`
}
