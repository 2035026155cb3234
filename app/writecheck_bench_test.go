package app

import "testing"

// BenchmarkValidateWrite measures the server's check of a laptop's new
// case (every field written), the largest part of a bulk push's cost.
func BenchmarkValidateWrite(b *testing.B) {
	c := validCase()
	w := IncomingWrite{Entity: EntityCase, RecordID: c.ID, UnitCode: c.UnitCode, Fields: c.Fields()}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ValidateWrite(HeldRecord{}, w, testRefs, validationNow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateWrite_Edit measures the check of an edit of two fields
// of a held case.
func BenchmarkValidateWrite_Edit(b *testing.B) {
	c := validCase()
	held := HeldRecord{Exists: true, Fields: c.Fields(), Version: 3}
	w := writeCase("status", `"dang_xu_ly"`, "updated_by", `"Lê Văn Sửa"`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ValidateWrite(held, w, testRefs, validationNow); err != nil {
			b.Fatal(err)
		}
	}
}
