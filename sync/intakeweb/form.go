package intakeweb

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"bvntd/app"
)

// fieldSpec is one text field of the form: its name (the Submission's json
// name), label, hint and limit in characters.
type fieldSpec struct {
	Name, Label, Hint string
	Kind              string // text, tel, date, textarea
	Auto, Mode        string // autocomplete, inputmode
	Required          bool
	Missing           string // the error of a required field left empty
	Max               int
}

// The form's groups and text fields, in order.
var groups = []struct {
	Legend string
	Fields []fieldSpec
}{
	{"Người gửi", []fieldSpec{
		{Name: "name", Label: "Họ và tên", Kind: "text", Auto: "name", Required: true, Missing: "Hãy ghi họ và tên của bạn.", Max: 100},
		{Name: "phone", Label: "Số điện thoại", Hint: "Để cán bộ gọi lại cho bạn. Khi tra cứu, bạn cần 4 số cuối của số này.",
			Kind: "tel", Auto: "tel", Mode: "tel", Required: true, Missing: "Hãy ghi số điện thoại để cán bộ liên hệ với bạn.", Max: 20},
		{Name: "address", Label: "Địa chỉ của bạn", Hint: "Số nhà, đường, ấp hoặc khu phố.", Kind: "text", Auto: "street-address", Max: 300},
	}},
	{"Cơ sở kinh doanh", []fieldSpec{
		{Name: "business_name", Label: "Tên cửa hàng, công ty hoặc người bán", Kind: "text", Max: 200},
		{Name: "business_address", Label: "Địa chỉ hoặc trang mạng của nơi bán", Kind: "text", Max: 300},
		{Name: "product", Label: "Hàng hóa, dịch vụ", Hint: "Ví dụ: tủ lạnh, gói cước internet, vé xe.", Kind: "text", Max: 200},
	}},
	{"Sự việc", []fieldSpec{
		{Name: "happened_on", Label: "Ngày xảy ra", Hint: "Nếu bạn nhớ.", Kind: "date", Max: 10},
		{Name: "summary", Label: "Chuyện gì đã xảy ra?", Hint: "Kể ngắn gọn: mua gì, khi nào, giá bao nhiêu, có vấn đề gì.",
			Kind: "textarea", Required: true, Missing: "Hãy kể sự việc đã xảy ra.", Max: 5000},
		{Name: "request", Label: "Bạn muốn được giải quyết thế nào?", Hint: "Ví dụ: đổi hàng, trả lại tiền, sửa chữa.",
			Kind: "textarea", Max: 2000},
	}},
}

// fieldLabels name every field of the error summary, in the form's order.
var fieldOrder = func() []fieldSpec {
	out := []fieldSpec{{Name: "unit_code", Label: "Xã, phường"}}
	for _, g := range groups {
		out = append(out, g.Fields...)
	}
	return append(out, fieldSpec{Name: "files", Label: "Tệp chứng cứ"}, fieldSpec{Name: "notice", Label: "Thông báo về dữ liệu cá nhân"})
}()

// posted is what a form sent, kept to show it again.
type posted struct {
	values    map[string]string
	notice    bool
	files     []app.SubmittedFile
	filesSent bool // files were chosen (they must be chosen again if the form comes back)
	errs      map[string]string
	tooLarge  bool
	honeypot  bool
	id        string
	issued    string
	token     string
}

// readForm reads a multipart (or urlencoded) form within the limits; an
// over-long field or file is an error at that field, not a lost form.
func readForm(w http.ResponseWriter, r *http.Request) *posted {
	p := &posted{values: map[string]string{}, errs: map[string]string{}}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	limits := map[string]int{"submission_id": 64, "issued": 20, "token": 64, "website": 200, "notice": 10, "unit_code": 10}
	for _, f := range fieldOrder {
		if f.Max > 0 {
			limits[f.Name] = f.Max
		}
	}
	set := func(name, v string) {
		switch name {
		case "submission_id":
			p.id = v
		case "issued":
			p.issued = v
		case "token":
			p.token = v
		case "website":
			p.honeypot = strings.TrimSpace(v) != ""
		case "notice":
			p.notice = v != ""
		default:
			if _, ok := limits[name]; ok {
				p.values[name] = v
			}
		}
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			p.tooLarge = isTooLarge(err)
		}
		for name := range limits {
			set(name, r.PostForm.Get(name))
		}
	} else if mr, err := r.MultipartReader(); err == nil {
		for {
			part, err := mr.NextPart()
			if err != nil {
				p.tooLarge = isTooLarge(err)
				break
			}
			name := part.FormName()
			if name == "files" {
				if part.FileName() == "" {
					continue
				}
				p.filesSent = true
				data, err := io.ReadAll(io.LimitReader(part, MaxFileBytes+1))
				if err != nil {
					p.tooLarge = isTooLarge(err)
					break
				}
				fname := cleanFileName(part.FileName())
				switch {
				case len(p.files) >= MaxFiles:
					p.errs["files"] = fmt.Sprintf("Chỉ gửi được tối đa %d tệp.", MaxFiles)
				case len(data) > MaxFileBytes:
					p.errs["files"] = fmt.Sprintf("Tệp %q lớn hơn 5 MB. Hãy chọn tệp nhỏ hơn hoặc chụp lại ảnh ở cỡ nhỏ hơn.", fname)
				case len(data) > 0:
					p.files = append(p.files, app.SubmittedFile{Name: fname, Data: data})
				}
				continue
			}
			max, ok := limits[name]
			if !ok {
				continue
			}
			// Vietnamese takes up to 3 bytes a character (more when the
			// marks are sent apart, NFD).
			b, err := io.ReadAll(io.LimitReader(part, int64(max)*6+1))
			if err != nil {
				p.tooLarge = isTooLarge(err)
				break
			}
			set(name, string(b))
		}
	} else {
		p.errs["form"] = "Biểu mẫu gửi lên không đọc được."
	}
	if p.tooLarge {
		p.errs["files"] = "Các tệp gửi kèm quá lớn (tối đa 3 tệp, mỗi tệp 5 MB)."
	}
	for name, v := range p.values {
		v = strings.ToValidUTF8(app.NFC(strings.ReplaceAll(v, "\r\n", "\n")), "")
		p.values[name] = v
		if n := utf8.RuneCountInString(v); n > limits[name] {
			p.errs[name] = fmt.Sprintf("Quá dài: tối đa %d ký tự (bạn đã viết %d).", limits[name], n)
		}
	}
	return p
}

func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// cleanFileName keeps the base name of a file, short and printable.
func cleanFileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, app.NFC(name))
	if utf8.RuneCountInString(name) > 120 {
		name = string([]rune(name)[:120])
	}
	if name == "" || name == "." || name == "/" {
		name = "tep"
	}
	return name
}

// checkRequired adds the web form's own checks: the required fields and
// the commune being one of the list.
func (h *Handler) checkRequired(p *posted) {
	if code := p.values["unit_code"]; code == "" {
		p.errs["unit_code"] = "Hãy chọn xã, phường."
	} else if _, ok := h.units.get(code); !ok {
		p.errs["unit_code"] = "Xã, phường đã chọn không có trong danh sách. Hãy chọn lại."
	}
	for _, f := range fieldOrder {
		if f.Required && strings.TrimSpace(p.values[f.Name]) == "" && p.errs[f.Name] == "" {
			p.errs[f.Name] = f.Missing
		}
	}
	if p.values["summary"] != "" && p.errs["summary"] == "" && utf8.RuneCountInString(strings.TrimSpace(p.values["summary"])) < 10 {
		p.errs["summary"] = "Hãy kể rõ hơn một chút (ít nhất 10 ký tự)."
	}
	if !p.notice {
		p.errs["notice"] = "Hãy đánh dấu ô này để xác nhận bạn đã đọc thông báo về dữ liệu cá nhân."
	}
}

// submission is the Submission of a posted form.
func (p *posted) submission() *app.Submission {
	v := p.values
	return &app.Submission{
		ID: p.id, UnitCode: v["unit_code"],
		Name: strings.TrimSpace(v["name"]), Phone: strings.TrimSpace(v["phone"]), Address: strings.TrimSpace(v["address"]),
		BusinessName: strings.TrimSpace(v["business_name"]), BusinessAddress: strings.TrimSpace(v["business_address"]),
		Product: strings.TrimSpace(v["product"]), HappenedOn: strings.TrimSpace(v["happened_on"]),
		Summary: strings.TrimSpace(v["summary"]), Request: strings.TrimSpace(v["request"]),
		NoticeAcknowledged: p.notice, Files: p.files,
	}
}

// formPage is the form, empty or as it was sent.
type formPage struct {
	page
	Q         string
	Searched  bool
	Units     []unit
	UnitCode  string
	UnitErr   string
	Groups    []groupView
	FilesErr  string
	FilesLost bool
	Notice    []string // the sentences of app.PrivacyNotice
	NoticeOK  bool
	NoticeErr string
	Errors    []errorLink
	Message   string
	ID        string
	Issued    string
	Token     string
	MaxFiles  int
}

type groupView struct {
	Legend string
	Fields []fieldView
}

type fieldView struct {
	fieldSpec
	Value string
	Err   string
}

// Described is the field's aria-describedby: its error, then its hint.
func (f fieldView) Described() string {
	var ids []string
	if f.Err != "" {
		ids = append(ids, "e-"+f.Name)
	}
	if f.Hint != "" {
		ids = append(ids, "h-"+f.Name)
	}
	return strings.Join(ids, " ")
}

type errorLink struct {
	Anchor, Label, Text string
}

// formView builds the page of a form: p nil for a new form.
func (h *Handler) formView(p *posted, q string) formPage {
	now := h.opt.Now()
	v := formPage{page: page{Title: "Gửi phản ánh", CSS: h.cssURL, JS: h.jsURL}, MaxFiles: MaxFiles}
	if p == nil {
		p = &posted{values: map[string]string{}, errs: map[string]string{}}
	}
	if p.id == "" {
		p.id = h.opt.NewID()
	}
	if p.issued == "" || p.token == "" {
		p.issued = strconv.FormatInt(now.Unix(), 10)
		p.token = h.sign(p.id, now.Unix())
	}
	v.ID, v.Issued, v.Token = p.id, p.issued, p.token
	v.Q = strings.TrimSpace(q)
	v.Searched = v.Q != ""
	v.Units = h.units.search(v.Q)
	v.UnitCode = p.values["unit_code"]
	if len(v.Units) == 1 && v.UnitCode == "" {
		v.UnitCode = v.Units[0].Code
	}
	v.UnitErr = p.errs["unit_code"]
	unitName := ""
	if u, ok := h.units.get(v.UnitCode); ok {
		unitName = u.Name
	}
	v.Notice = sentences(app.PrivacyNotice(unitName))
	v.NoticeOK, v.NoticeErr = p.notice, p.errs["notice"]
	v.FilesErr = p.errs["files"]
	v.FilesLost = p.filesSent
	for _, g := range groups {
		gv := groupView{Legend: g.Legend}
		for _, f := range g.Fields {
			gv.Fields = append(gv.Fields, fieldView{fieldSpec: f, Value: p.values[f.Name], Err: p.errs[f.Name]})
		}
		v.Groups = append(v.Groups, gv)
	}
	known := map[string]bool{}
	for _, f := range fieldOrder {
		known[f.Name] = true
		if msg := p.errs[f.Name]; msg != "" {
			v.Errors = append(v.Errors, errorLink{Anchor: "f-" + f.Name, Label: f.Label, Text: msg})
		}
	}
	var other []string // errors the form has no field for
	for name := range p.errs {
		if !known[name] {
			other = append(other, name)
		}
	}
	sort.Strings(other)
	for _, name := range other {
		v.Errors = append(v.Errors, errorLink{Text: p.errs[name]})
	}
	return v
}

// sentences splits a text into its sentences (". " before a capital), to
// show a long notice as a list.
func sentences(text string) []string {
	var out []string
	for {
		i := strings.Index(text, ". ")
		for i >= 0 {
			r, _ := utf8.DecodeRuneInString(text[i+2:])
			if unicode.IsUpper(r) {
				break
			}
			j := strings.Index(text[i+2:], ". ")
			if j < 0 {
				i = -1
				break
			}
			i += 2 + j
		}
		if i < 0 {
			return append(out, text)
		}
		out = append(out, text[:i+1])
		text = text[i+2:]
	}
}
