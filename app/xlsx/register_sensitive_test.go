package xlsx

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"

	"bvntd/app"
)

// The register, masked or not, the commune's or the province's, carries
// no sensitive detail (NĐ 356/2025/NĐ-CP Điều 4): not the evidence note of
// a vulnerable group, not the label of a group that reveals health,
// disability, pregnancy or ethnicity; a vulnerable consumer's case is
// marked "x" and counted (issue 19, item 4).
func TestWriteRegister_NoSensitiveDetails(t *testing.T) {
	d, refs := registerData(t)
	const note = "Giấy xác nhận khuyết tật số 77/GXN; sổ khám thai"
	for i := range d.Cases {
		if d.Cases[i].Number == "28261-2026-A7K3-0003" {
			d.Cases[i].VulnerableGroups = []string{"nguoi_cao_tuoi", "nguoi_khuyet_tat", "dan_toc_thieu_so_vung_kk",
				"phu_nu_mang_thai_nuoi_con_nho", "benh_hiem_ngheo"}
			d.Cases[i].VulnerableEvidence = note
		}
	}
	secrets := []string{note, "khuyết tật", "Giấy xác nhận", "dân tộc", "mang thai", "bệnh hiểm nghèo"}
	for _, g := range app.SensitiveGroups {
		secrets = append(secrets, app.VulnerableGroups.Label(g), g)
	}
	for _, unit := range []string{"28261", ""} {
		for _, mask := range []bool{true, false} {
			f, b, _ := writeRegisterFile(t, d, RegisterOptions{Unit: unit, Period: app.ReportYear(2026), Refs: refs, Mask: mask})
			text := unzipped(t, b)
			if !bytes.Contains(text, []byte("Cửa hàng tạp hóa Phú Quý")) {
				t.Fatalf("register of %q (masked %v): the text read lacks the case's business", unit, mask)
			}
			for _, s := range secrets {
				if bytes.Contains(text, []byte(s)) {
					t.Errorf("register of %q (masked %v) holds %q", unit, mask, s)
				}
			}
			rows, _ := f.GetRows(RegisterSheet)
			col := len(RegisterColumnTitles(unit == "")) - 1
			marked := false
			for _, r := range rows[RegisterHeaderRow:] {
				if len(r) > col && r[col] == "x" && (r[1] == "28261-2026-A7K3-0003" || r[2] == "28261-2026-A7K3-0003") {
					marked = true
				}
			}
			if !marked {
				t.Errorf("register of %q (masked %v): the vulnerable consumer's case is not marked", unit, mask)
			}
		}
	}
}

// unzipped returns every part of an .xlsx file, uncompressed, one after
// the other: what a search for a text in the file must read.
func unzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for _, zf := range z.File {
		r, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		x, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(append(out, x...), '\n')
	}
	return out
}

// A masked register's "Nội dung" does not quote the consumer's name or
// phone: the summary is scrubbed as retention scrubs it; the unmasked one
// prints it as written.
func TestWriteRegister_MaskedSummaryScrubbed(t *testing.T) {
	d, refs := registerData(t)
	var c *app.Case
	for i := range d.Cases {
		if d.Cases[i].Number == "28261-2026-A7K3-0003" {
			c = &d.Cases[i]
		}
	}
	if c == nil {
		t.Fatal("the test data lost case 0003")
	}
	c.ConsumerName, c.ConsumerPhone = "Trần Thị Bé Ba", "0912345678"
	c.Summary = "Bà Trần Thị Bé Ba (ĐT 0912 345 678) mua nồi cơm điện bị hỏng sau hai ngày."
	for _, mask := range []bool{true, false} {
		_, b, _ := writeRegisterFile(t, d, RegisterOptions{Unit: "28261", Period: app.ReportYear(2026), Refs: refs, Mask: mask})
		text := unzipped(t, b)
		if !bytes.Contains(text, []byte("mua nồi cơm điện bị hỏng")) {
			t.Fatalf("register (masked %v) lacks the summary", mask)
		}
		for _, s := range []string{"Trần Thị Bé Ba", "0912 345 678"} {
			if got := bytes.Contains(text, []byte(s)); got == mask {
				t.Errorf("register (masked %v): holds %q = %v", mask, s, got)
			}
		}
	}
}
