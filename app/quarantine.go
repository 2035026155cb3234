package app

import "time"

// Reasons a pulled record is quarantined: kept aside, raw, instead of
// stopping the pull (docs/DESIGN.md §4).
const (
	// QuarantineUnreadable: its fields do not decode into its type (a
	// value of the wrong type or out of range).
	QuarantineUnreadable = "unreadable"
	// QuarantineUnknownEntity: a kind of record this version does not know
	// (a newer server).
	QuarantineUnknownEntity = "unknown_entity"
	// QuarantineTooLarge: the server withheld it, too large to send.
	QuarantineTooLarge = "too_large"
	// QuarantineMalformed: the server withheld it, its stored fields are
	// not a JSON object.
	QuarantineMalformed = "malformed"
)

// Withheld reasons of a pulled record, as the server sends them
// (syncproto mirrors them by value).
const (
	WithheldTooLarge  = QuarantineTooLarge
	WithheldMalformed = QuarantineMalformed
)

// QuarantinedRecord is a record pulled from the server that this version
// of the app could not read. It is kept raw beside the records, listed for
// review, and taken again when a newer version of it arrives or the app is
// upgraded. What it says is safe to show and to log: names of things, never
// a field's value.
type QuarantinedRecord struct {
	Entity  string
	ID      string
	Scope   string
	Version int64  // the server's version that could not be read
	Reason  string // a Quarantine… reason
	// Fields are the names of the fields that could not be read, when
	// known (QuarantineUnreadable).
	Fields []string
	// FirstAt is when the record was first kept aside, LastAt when a
	// version of it was last tried.
	FirstAt, LastAt time.Time
}
