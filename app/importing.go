package app

import "fmt"

// The plain data of the Excel import screens (app/ui/importing.go), shared
// with the service that implements them over app/xlsx and storage
// (cmd/cli/importservice.go): what a workbook holds, how its columns map
// to fields, and what importing its rows would do or did.

// ImportKind is what a workbook is imported as.
type ImportKind int

const (
	ImportRoster   ImportKind = 1 // participants of a training session
	ImportRegister ImportKind = 2 // an old complaint register: cases
)

// ImportField is a field of the column-mapping step.
type ImportField struct {
	Field    string // the field's code (xlsx.Field)
	Label    string // Vietnamese
	Required bool
	// Options are the values a Defaultable field may take by default
	// (channel, kind, sector, status of a register); empty for the others.
	Options CodeList
}

// ImportMapping says where each field is in a worksheet.
type ImportMapping struct {
	// HeaderRow is the Excel row number of the header, 0 if none;
	// FirstRow that of the first data row.
	HeaderRow, FirstRow int
	Columns             map[string]int    // field → column (from 0: A = 0)
	Defaults            map[string]string // field → code, for rows without a value
}

// ImportPreview is a workbook read for the mapping step.
type ImportPreview struct {
	Sheets []string // every worksheet, in order
	Sheet  string   // the worksheet read
	// Top holds the first rows of the sheet as Excel shows them (Top[i]
	// is Excel row i+1), for choosing the header row.
	Top   [][]string
	Width int // the number of columns of the widest row
	// Headers gives the header text of each column (from 0), "" where the
	// header row has none.
	Headers []string
	Fields  []ImportField
	Mapping ImportMapping // proposed
}

// ImportRequest is a workbook to check, import or write the errors of,
// with the officer's choices.
type ImportRequest struct {
	Kind    ImportKind
	Data    []byte // the .xlsx file
	Sheet   string // "" for the first with data
	Mapping ImportMapping
	// SessionID is the training session a roster goes to.
	SessionID string
}

// ImportRowStatus is what importing a row would do.
type ImportRowStatus string

const (
	ImportNew       ImportRowStatus = "new"       // a new participant or case
	ImportExisting  ImportRowStatus = "existing"  // a participant already on file, to be marked present
	ImportDone      ImportRowStatus = "done"      // nothing to do: already present, or already imported
	ImportDuplicate ImportRowStatus = "duplicate" // a new case that may be one already in the store
	ImportInvalid   ImportRowStatus = "invalid"   // a row with errors: not imported
)

// ImportRow is one data row of a checked workbook.
type ImportRow struct {
	Row    int // Excel row number
	Values []string
	Status ImportRowStatus
	Note   string // Vietnamese: the possible duplicates, the errors
}

// ImportRowError is why one cell (or row) of a workbook was not taken.
type ImportRowError struct {
	Row    int    // Excel row number
	Column string // the column's header as the file writes it, or the field's name
	Reason string // Vietnamese
}

// String formats e as "Dòng 7, cột Điện thoại: …".
func (e ImportRowError) String() string {
	if e.Column == "" {
		return fmt.Sprintf("Dòng %d: %s", e.Row, e.Reason)
	}
	return fmt.Sprintf("Dòng %d, cột %s: %s", e.Row, e.Column, e.Reason)
}

// ImportCheck is what importing a workbook would do, found without
// writing.
type ImportCheck struct {
	// Columns names the Values of each row: the labels of the mapped
	// fields, in the order of the mapping step.
	Columns []string
	Rows    []ImportRow // the data rows, valid and invalid, in order
	Errors  []ImportRowError
	Valid   int // rows that can be imported
	Invalid int // rows with errors
	// Missing holds the labels of required fields with neither a column
	// nor a default: nothing can be imported until they are mapped.
	Missing []string
}

// ImportOutcome is what an import did.
type ImportOutcome struct {
	Added   int // new participants or cases
	Matched int // roster rows that were a person on file
	Marked  int // roster rows whose attendance was written
	Skipped int // valid rows that changed nothing (already done)
	// Errors are the rows not imported: the invalid ones and those the
	// store refused.
	Errors  []ImportRowError
	Invalid int // rows not imported
}
