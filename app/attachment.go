package app

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// EntityAttachment is an evidence file attached to a case (tệp chứng cứ
// đính kèm): its metadata, synced like any record. Its content lives in
// the content-addressed file store of each device and of the server,
// under its SHA-256, and moves in chunks apart from the records.
const EntityAttachment = "attachment"

// MaxAttachmentSize bounds one attached file (10 MB).
const MaxAttachmentSize = 10 << 20

// Attachment content types: found by sniffing the content, never by the
// file's name.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypePDF  = "application/pdf"
)

// AttachmentTypes are the content types an attachment may have.
var AttachmentTypes = CodeList{
	{TypeJPEG, "Ảnh JPEG", "JPEG image"},
	{TypePNG, "Ảnh PNG", "PNG image"},
	{TypePDF, "Tài liệu PDF", "PDF document"},
}

// Attachment is the metadata of one evidence file of a case: which case,
// the file's name as the officer attached it, its sniffed type, its size
// in bytes, the hex SHA-256 of its content (the key of the file store),
// the pixel size of an image, and whether the officer kept the original
// (not re-encoded: EXIF data kept) for a case that needs it. Who attached
// it and when are its CreatedBy and CreatedAt. Removal is a void with a
// reason (RecordHead.Voided, VoidReason); the content is kept until every
// device has seen the void.
type Attachment struct {
	RecordHead
	CaseID     string `json:"case_id"`
	Name       string `json:"name"`
	Type       string `json:"content_type"` // AttachmentTypes
	Size       int64  `json:"size"`
	SHA256     string `json:"sha256"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	Original   bool   `json:"original"`
	Note       string `json:"note" text:"note"`
	VoidReason string `json:"void_reason"`
}

var sha256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ShortHash is how logs name a file: the first 8 characters of its hash,
// too few to look like a phone or an ID number to the log handler, which
// blanks runs of 9 digits and more.
func ShortHash(h string) string { return h[:min(8, len(h))] }

// ValidSHA256 reports whether s is a lower-case hex SHA-256.
func ValidSHA256(s string) bool { return sha256RE.MatchString(s) }

func (*Attachment) Entity() string                                 { return EntityAttachment }
func (r *Attachment) Fields() map[string]json.RawMessage           { return toFields(r) }
func (r *Attachment) SetFields(f map[string]json.RawMessage) error { return setFields(r, f) }

// Normalize puts the text in NFC.
func (r *Attachment) Normalize() {
	r.normalize()
	r.CaseID, r.Type, r.SHA256 = strings.TrimSpace(r.CaseID), strings.TrimSpace(r.Type), strings.ToLower(strings.TrimSpace(r.SHA256))
	r.Name, r.VoidReason = NFC(strings.TrimSpace(r.Name)), NFC(strings.TrimSpace(r.VoidReason))
	r.Note = NFCText(r.Note)
}

// Validate checks the metadata: the case, a name, a known type, a size
// within MaxAttachmentSize, a SHA-256; a reason for a removal.
func (r *Attachment) Validate(refs Refs, _ time.Time) error {
	c := checker{}
	c.head(&r.RecordHead, refs)
	if !ValidID(r.CaseID) {
		c["case_id"] = "Tệp đính kèm phải thuộc một vụ việc."
	}
	c.required("name", r.Name, "Chưa có tên tệp.")
	c.short("name", r.Name, "Tên tệp")
	c.required("content_type", r.Type, "Chưa rõ loại tệp.")
	c.code("content_type", r.Type, AttachmentTypes, "Loại tệp (chỉ nhận ảnh JPEG, PNG hoặc tài liệu PDF)")
	switch {
	case r.Size <= 0:
		c["size"] = "Tệp rỗng."
	case r.Size > MaxAttachmentSize:
		c["size"] = fmt.Sprintf("Tệp quá lớn (tối đa %d MB).", MaxAttachmentSize>>20)
	}
	if !ValidSHA256(r.SHA256) {
		c["sha256"] = "Mã băm SHA-256 của tệp không hợp lệ."
	}
	if r.Width < 0 || r.Height < 0 || r.Width > 100000 || r.Height > 100000 {
		c["width"] = "Kích thước ảnh không hợp lệ."
	}
	c.long("note", r.Note, "Ghi chú")
	c.short("void_reason", r.VoidReason, "Lý do gỡ tệp")
	if r.Voided && r.VoidReason == "" {
		c["void_reason"] = "Cần ghi lý do gỡ tệp."
	}
	checkShape(c, r)
	return c.err()
}

func init() {
	RegisterKind(Kind{Entity: EntityAttachment, New: func() Record { return &Attachment{} },
		Search: func(r Record) string { return r.(*Attachment).Name }})
}
