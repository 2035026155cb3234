package xlsx

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
)

// importAll runs everything an import does with a file: read, propose
// both mappings, parse both ways, write the errors back. A file that
// cannot be read must give a Vietnamese EINVALID message.
func importAll(t *testing.T, b []byte) {
	s, err := ReadSheet(bytes.NewReader(b))
	if err != nil {
		// ReadSheet turns a panic of excelize into "Tệp Excel bị hỏng";
		// BVNTD_FUZZ_STRICT=1 reports it, to know excelize's own state.
		if os.Getenv("BVNTD_FUZZ_STRICT") != "" && strings.Contains(err.Error(), "excelize panic") {
			t.Fatalf("excelize panicked: %v", err)
		}
		if app.ErrorCode(err) != app.EINVALID || app.ErrorMessage(err) == "" || app.ErrorMessage(err) == app.InternalMessage {
			t.Fatalf("unclear error: %v", err)
		}
		return
	}
	on := time.Date(2026, 11, 20, 0, 0, 0, 0, app.ICT)
	mr := Propose(s, KindRoster)
	_, rerrs := ParseRoster(s, mr, on)
	if _, err := WriteErrors(io.Discard, s, mr, rerrs); err != nil {
		t.Fatalf("WriteErrors: %v", err)
	}
	mg := Propose(s, KindRegister)
	mg.SetDefault(FieldChannel, "truc_tiep")
	_, gerrs := ParseRegister(s, mg, testRefs(), "28261", on)
	if _, err := WriteErrors(io.Discard, s, mg, gerrs); err != nil {
		t.Fatalf("WriteErrors: %v", err)
	}
}

// FuzzReadSheet feeds malformed .xlsx bytes to the importer: no panic, and
// a clear error for what cannot be read.
func FuzzReadSheet(f *testing.F) {
	valid := rosterWithThreeBadRows(f)
	f.Add(valid)
	for _, n := range []int{0, 2, 4, 30, 100, 512, len(valid) / 3, len(valid) / 2, len(valid) - 22, len(valid) - 1} {
		f.Add(valid[:n])
	}
	r := clocktest.Rand(f)
	for range 4 {
		b := make([]byte, 64+r.IntN(2048))
		for i := range b {
			b[i] = byte(r.UintN(256))
		}
		f.Add(b)
		f.Add(append([]byte("PK\x03\x04"), b...))
	}
	flipped := bytes.Clone(valid)
	flipped[len(flipped)/2] ^= 0xff
	f.Add(flipped)
	f.Add(append([]byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}, make([]byte, 512)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		withDeadline(t, b, func() { importAll(t, b) })
	})
}

// FuzzReadSheetXML puts fuzzed worksheet and shared-string XML inside an
// otherwise valid package, to reach the XML reader and the parsers past
// the zip checks.
func FuzzReadSheetXML(f *testing.F) {
	f.Add([]byte(`<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`+
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Nguyễn Văn Thử</t></is></c><c r="B2"><v>912345678</v></c></row></sheetData>`),
		[]byte(`<si><t>Họ và tên</t></si><si><t>Điện thoại</t></si>`))
	f.Add([]byte(`<sheetData><row r="3"><c r="C3" t="s"><v>7</v></c></row></sheetData><mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>`),
		[]byte(`<si><t>x</t></si>`))
	f.Add([]byte(`<sheetData><row r="1"><c r="A1" s="9"><v>46331</v></c><c r="ZZZZ1"><v>1e308</v></c></row></sheetData>`), []byte(``))
	f.Add([]byte(`<sheetData><row r="-1"><c r="A0" t="n"><v>abc</v></c></row><row r="1048577"/></sheetData>`), []byte(`<si>`))
	f.Fuzz(func(t *testing.T, sheetXML, sstXML []byte) {
		b := xlsxPackage(sheetXML, sstXML)
		withDeadline(t, b, func() { importAll(t, b) })
	})
}

// withDeadline fails t if fn runs longer than 20 s: a file must not hang
// the import. With BVNTD_FUZZ_SLOWDIR set, an input still being imported
// after a second is written there (slow-HASH), to be looked at.
func withDeadline(t *testing.T, input []byte, fn func()) {
	if dir := os.Getenv("BVNTD_FUZZ_SLOWDIR"); dir != "" {
		slow := time.AfterFunc(time.Second, func() {
			os.WriteFile(filepath.Join(dir, fmt.Sprintf("slow-%x", sha256.Sum256(input))), input, 0o644)
		})
		defer slow.Stop()
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		panic("import did not finish in 20 s") // a panic, so the fuzzer keeps the input
	}
}

// xlsxPackage returns a minimal .xlsx whose sheet1.xml wraps sheetXML and
// whose sharedStrings.xml wraps sstXML.
func xlsxPackage(sheetXML, sstXML []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name, body string) {
		w, _ := zw.Create(name)
		io.WriteString(w, body)
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>`+
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>`+
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`+
		`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" `+
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`+
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)
	put("xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+
		string(sheetXML)+`</worksheet>`)
	put("xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+
		string(sstXML)+`</sst>`)
	zw.Close()
	return buf.Bytes()
}
