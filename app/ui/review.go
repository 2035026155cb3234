package ui

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"bvntd/app"
	"bvntd/assets"
)

// ReviewService lists and resolves the conflicts kept for review (Cần xem
// xét): two devices changed the same field of a case without seeing each
// other's change, or one edited a case another had voided. It also lists
// the records pulled from the server that this version could not read,
// kept aside (quarantined) so that they never stop a sync.
type ReviewService interface {
	// ListConflicts returns the conflicts, newest first; only the open
	// ones if openOnly.
	ListConflicts(ctx context.Context, openOnly bool) ([]app.Conflict, error)
	// ResolveConflict records the decision: app.ResolutionKeep leaves the
	// case as it is, app.ResolutionOther writes the other value into it.
	ResolveConflict(ctx context.Context, id, resolution string) error
	// ListQuarantined returns the records kept aside, oldest first.
	ListQuarantined(ctx context.Context) ([]app.QuarantinedRecord, error)
}

// reviewItem is one open conflict with what the screen shows of its case.
type reviewItem struct {
	c     app.Conflict
	found bool     // the case is on this device
	cs    app.Case // the case, if found
}

// heldItem is a record kept aside, with this device's copy of it if it
// has one (a case: its number and consumer name the record).
type heldItem struct {
	q     app.QuarantinedRecord
	found bool
	cs    app.Case
}

// maxHeldShown bounds the records kept aside the screen lists one by one
// (a newer server sending a kind this version does not know may send
// many); the rest are counted.
const maxHeldShown = 50

// reviewScreen lists the open conflicts, each with its two values and the
// two decisions, then the records kept aside, each with what happened.
type reviewScreen struct {
	ctx   context.Context
	svc   ReviewService
	cases CaseService
	refs  *app.RefData
	win   fyne.Window
	run   func(func())
	// role returns the signed-in officer's role (Services.Role): who sees
	// the values of sensitive fields (app.SeesSensitive); nil: everyone.
	role func() string

	errMsg    *widget.Label
	empty     *widget.Label
	list      *fyne.Container
	heldTitle *widget.Label
	heldIntro *widget.Label
	heldList  *fyne.Container
	body      *fyne.Container

	items []reviewItem
	held  []heldItem
	busy  map[string]bool // conflicts being resolved
	gen   int

	onLoaded   func(items []reviewItem, held int) // after every successful load
	onResolved func()                             // a decision was saved (it is a local change)

	content fyne.CanvasObject
}

func newReviewScreen(ctx context.Context, svc ReviewService, cases CaseService, refs *app.RefData,
	w fyne.Window, run func(func())) *reviewScreen {
	r := &reviewScreen{ctx: ctx, svc: svc, cases: cases, refs: refs, win: w, run: run, busy: map[string]bool{}}
	title := &widget.Label{Text: lang.X("review.title", "Cần xem xét"),
		TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	intro := &widget.Label{Wrapping: fyne.TextWrapWord,
		Text: lang.X("review.intro", "Khi hai máy cùng sửa một vụ việc mà chưa thấy thay đổi của nhau, máy chủ giữ một giá trị và ghi lại giá trị kia ở đây. Hãy chọn giá trị đúng cho từng mục; công việc không bị chặn trong lúc chờ.")}
	r.errMsg = &widget.Label{Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord}
	r.errMsg.Hide()
	r.empty = &widget.Label{Wrapping: fyne.TextWrapWord, Alignment: fyne.TextAlignCenter,
		Text: lang.X("review.empty", "Không có mục nào cần xem xét.")}
	r.list = container.NewVBox()
	r.heldTitle = &widget.Label{Text: lang.X("review.held.title", "Dữ liệu nhận từ máy chủ chưa đọc được"),
		TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	r.heldIntro = &widget.Label{Wrapping: fyne.TextWrapWord,
		Text: lang.X("review.held.intro", "Máy này không đọc được các bản ghi dưới đây nhận từ máy chủ tỉnh nên đã để riêng ra. Các dữ liệu khác vẫn an toàn và vẫn được đồng bộ bình thường. Vui lòng báo Sở Công Thương, kèm mã bản ghi; máy sẽ tự nhận lại bản ghi khi máy chủ có bản đã sửa hoặc khi ứng dụng được cập nhật.")}
	r.heldList = container.NewVBox()
	r.heldTitle.Hide()
	r.heldIntro.Hide()
	r.body = container.NewVBox(title, intro, r.errMsg, r.empty, r.list, r.heldTitle, r.heldIntro, r.heldList)
	r.content = container.NewVScroll(container.NewPadded(r.body))
	return r
}

// reload loads the open conflicts off the Fyne goroutine and shows them.
func (r *reviewScreen) reload() {
	r.gen++
	gen := r.gen
	r.run(func() {
		items, held, err := r.load(r.ctx)
		fyne.Do(func() { r.apply(gen, items, held, err) })
	})
}

// load reads the open conflicts and the records kept aside, with their
// cases. It touches no widget.
func (r *reviewScreen) load(ctx context.Context) ([]reviewItem, []heldItem, error) {
	items, err := r.loadConflicts(ctx)
	if err != nil {
		return nil, nil, err
	}
	qs, err := r.svc.ListQuarantined(ctx)
	if err != nil {
		return nil, nil, err
	}
	held := make([]heldItem, len(qs))
	for i, q := range qs {
		held[i].q = q
		if q.Entity == app.EntityCase && r.cases != nil && i < maxHeldShown {
			if cs, err := r.cases.GetCase(ctx, q.ID); err == nil {
				held[i].found, held[i].cs = true, cs
			} else if app.ErrorCode(err) != app.ENOTFOUND {
				logError("review: get case", err)
			}
		}
	}
	return items, held, nil
}

// loadConflicts reads the open conflicts and their cases.
func (r *reviewScreen) loadConflicts(ctx context.Context) ([]reviewItem, error) {
	conflicts, err := r.svc.ListConflicts(ctx, true)
	if err != nil {
		return nil, err
	}
	cache := map[string]*reviewItem{}
	items := make([]reviewItem, 0, len(conflicts))
	for _, c := range conflicts {
		if c.Status != "" && c.Status != app.ConflictOpen {
			continue
		}
		it := reviewItem{c: c}
		if c.Entity == app.EntityCase && r.cases != nil {
			if prev, ok := cache[c.RecordID]; ok {
				it.found, it.cs = prev.found, prev.cs
			} else if cs, err := r.cases.GetCase(ctx, c.RecordID); err == nil {
				it.found, it.cs = true, cs
				cache[c.RecordID] = &it
			} else if app.ErrorCode(err) != app.ENOTFOUND {
				logError("review: get case", err)
			}
		}
		items = append(items, it)
	}
	return items, nil
}

// apply shows the answer of load number gen, unless a newer one was sent.
func (r *reviewScreen) apply(gen int, items []reviewItem, held []heldItem, err error) {
	if gen != r.gen {
		return
	}
	if err != nil {
		logError("list conflicts", err)
		r.errMsg.SetText(lang.X("review.load_failed", "Không tải được danh sách cần xem xét: {{.Reason}}",
			map[string]any{"Reason": userMessage(err)}))
		r.errMsg.Show()
		r.body.Refresh()
		return
	}
	r.errMsg.Hide()
	r.items = items
	objs := make([]fyne.CanvasObject, 0, 2*len(items))
	for i := range items {
		if i > 0 {
			objs = append(objs, widget.NewSeparator())
		}
		objs = append(objs, r.itemView(&items[i]))
	}
	r.list.Objects = objs
	r.held = held
	r.showHeld()
	if len(items) == 0 && len(held) == 0 {
		r.empty.Show()
	} else {
		r.empty.Hide()
	}
	r.body.Refresh()
	if r.onLoaded != nil {
		r.onLoaded(items, len(held))
	}
}

// showHeld lists the records kept aside.
func (r *reviewScreen) showHeld() {
	if len(r.held) == 0 {
		r.heldTitle.Hide()
		r.heldIntro.Hide()
		r.heldList.Objects = nil
		return
	}
	r.heldTitle.Show()
	r.heldIntro.Show()
	objs := make([]fyne.CanvasObject, 0, 2*min(len(r.held), maxHeldShown)+1)
	for i := range r.held {
		if i == maxHeldShown {
			objs = append(objs, &widget.Label{Wrapping: fyne.TextWrapWord,
				Text: lang.X("review.held.more", "… và {{.N}} bản ghi khác.",
					map[string]any{"N": FormatInt(int64(len(r.held) - maxHeldShown))})})
			break
		}
		if i > 0 {
			objs = append(objs, widget.NewSeparator())
		}
		objs = append(objs, r.heldView(&r.held[i]))
	}
	r.heldList.Objects = objs
}

// heldView is the block of one record kept aside: which record, what
// happened to it, and its id for the province.
func (r *reviewScreen) heldView(it *heldItem) fyne.CanvasObject {
	q := it.q
	var title string
	switch {
	case it.found && it.cs.ConsumerName != "":
		title = lang.X("review.case", "Vụ việc {{.Number}} – {{.Consumer}}",
			map[string]any{"Number": it.cs.Number, "Consumer": it.cs.ConsumerName})
	case it.found:
		title = lang.X("review.case_number", "Vụ việc {{.Number}}", map[string]any{"Number": it.cs.Number})
	default:
		title = entityLabel(q.Entity)
	}
	heading := &widget.Label{Text: title, TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
	what := &widget.Label{Text: heldReason(q), Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance}
	kept := lang.X("review.held.no_copy", "Bản ghi này chưa có trên máy này.")
	if it.found {
		kept = lang.X("review.held.copy_kept", "Máy này vẫn giữ và hiển thị bản trước đó của bản ghi.")
	}
	id := lang.X("review.held.id", "Mã bản ghi (báo cho Sở Công Thương): {{.ID}}", map[string]any{"ID": q.ID})
	return container.NewVBox(heading, what,
		&widget.Label{Text: kept, Wrapping: fyne.TextWrapWord},
		&widget.Label{Text: id, Wrapping: fyne.TextWrapWord, Selectable: true})
}

// heldReason says why a record was kept aside, in the officer's words.
func heldReason(q app.QuarantinedRecord) string {
	switch q.Reason {
	case app.QuarantineUnknownEntity:
		return lang.X("review.held.unknown", "Máy chủ tỉnh gửi một loại dữ liệu mà phiên bản ứng dụng này chưa biết; hãy cập nhật ứng dụng.")
	case app.QuarantineTooLarge:
		return lang.X("review.held.too_large", "Bản ghi này trên máy chủ tỉnh quá lớn để gửi về máy.")
	case app.QuarantineMalformed:
		return lang.X("review.held.malformed", "Bản ghi này trên máy chủ tỉnh bị hỏng nên không gửi về máy được.")
	}
	if len(q.Fields) == 0 {
		return lang.X("review.held.unreadable", "Không đọc được bản ghi này nhận từ máy chủ tỉnh.")
	}
	labels := make([]string, len(q.Fields))
	for i, f := range q.Fields {
		labels[i] = fieldLabel(q.Entity, f)
	}
	return lang.X("review.held.unreadable_fields", "Không đọc được bản ghi này nhận từ máy chủ tỉnh: giá trị không hợp lệ ở mục {{.Fields}}.",
		map[string]any{"Fields": strings.Join(labels, ", ")})
}

// entityLabel names a kind of record for people (app.EntityLabels, in
// the language of the interface).
func entityLabel(entity string) string {
	for _, c := range app.EntityLabels {
		if c.Code == entity {
			return codeLabel(c)
		}
	}
	return lang.X("review.kind.other", "Bản ghi loại {{.Entity}}", map[string]any{"Entity": entity})
}

// itemView builds the block of one conflict.
func (r *reviewScreen) itemView(it *reviewItem) fyne.CanvasObject {
	c := it.c
	heading := &widget.Label{Text: r.caseTitle(it), TextStyle: fyne.TextStyle{Bold: true}, Wrapping: fyne.TextWrapWord}
	var what *widget.Label
	if c.Kind == app.ConflictVoidEdit {
		what = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.WarningImportance,
			Text: lang.X("review.void_edit", "Vụ việc đã bị hủy trên máy khác trong khi máy này sửa; vụ việc vẫn ở trạng thái đã hủy")}
	} else {
		what = &widget.Label{Wrapping: fyne.TextWrapWord,
			Text: lang.X("review.field", "Mục bị sửa đồng thời: {{.Field}}", map[string]any{"Field": fieldLabel(c.Entity, c.Field)})}
	}
	key := func(text string) fyne.CanvasObject {
		return container.NewVBox(&widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}})
	}
	value := func(text, who string, at time.Time) fyne.CanvasObject {
		return container.NewVBox(
			&widget.Label{Text: text, Wrapping: fyne.TextWrapWord},
			&widget.Label{Text: writtenBy(who, at), TextStyle: fyne.TextStyle{Italic: true}, Wrapping: fyne.TextWrapWord},
		)
	}
	grid := container.New(layout.NewFormLayout(),
		key(lang.X("review.kept", "Giá trị hiện tại")), value(r.keptText(it), c.KeptOfficer, c.KeptAt),
		key(lang.X("review.other", "Giá trị kia")), value(r.otherText(it), c.OtherOfficer, c.OtherAt),
	)
	keep := &widget.Button{Text: lang.X("review.keep", "Giữ giá trị hiện tại"), Icon: theme.ConfirmIcon(),
		OnTapped: func() { r.resolve(c.ID, app.ResolutionKeep) }}
	other := &widget.Button{Text: lang.X("review.use_other", "Dùng giá trị kia"), Icon: theme.ContentRedoIcon(),
		OnTapped: func() { r.confirmOther(it) }}
	if r.busy[c.ID] {
		keep.Disable()
		other.Disable()
	}
	return container.NewVBox(heading, what, grid, container.NewHBox(keep, other))
}

// caseTitle names the case of a conflict: its number and consumer.
func (r *reviewScreen) caseTitle(it *reviewItem) string {
	switch {
	case !it.found:
		return lang.X("review.case_missing", "Vụ việc chưa có trên máy này")
	case it.cs.ConsumerName == "":
		return lang.X("review.case_number", "Vụ việc {{.Number}}", map[string]any{"Number": it.cs.Number})
	}
	return lang.X("review.case", "Vụ việc {{.Number}} – {{.Consumer}}",
		map[string]any{"Number": it.cs.Number, "Consumer": it.cs.ConsumerName})
}

// keptText is the value the merge kept, for people.
func (r *reviewScreen) keptText(it *reviewItem) string {
	if it.c.Kind == app.ConflictVoidEdit {
		if it.found && it.cs.VoidReason != "" {
			return lang.X("review.voided_reason", "Đã hủy (lý do: {{.Reason}})", map[string]any{"Reason": it.cs.VoidReason})
		}
		return lang.X("review.voided", "Đã hủy")
	}
	return r.valueText(it.c.Entity, it.c.Field, it.c.KeptValue)
}

// otherText is the value the merge did not keep, for people; for an edit
// of a voided case, the fields that edit changed.
func (r *reviewScreen) otherText(it *reviewItem) string {
	if it.c.Kind != app.ConflictVoidEdit {
		return r.valueText(it.c.Entity, it.c.Field, it.c.OtherValue)
	}
	var edit map[string]json.RawMessage
	if err := json.Unmarshal(it.c.OtherValue, &edit); err != nil {
		return r.valueText(it.c.Entity, "", it.c.OtherValue)
	}
	var parts []string
	for _, f := range editOrder(edit) {
		parts = append(parts, fieldLabel(it.c.Entity, f)+": "+r.valueText(it.c.Entity, f, edit[f]))
	}
	if len(parts) == 0 {
		return lang.X("review.no_changes", "(không có thay đổi nào)")
	}
	return strings.Join(parts, "; ")
}

// caseFieldOrder lists the first fields of a case people edit, in the
// form's order.
var caseFieldOrder = []string{"received_at", "channel", "kind", "sector", "status",
	"consumer_name", "consumer_phone", "consumer_address", "business_name", "business_address", "summary"}

// editOrder lists the fields of an edit people read, in the form's order
// first, then the others by name; the bookkeeping fields (who, when) are
// shown beside the value already.
func editOrder(edit map[string]json.RawMessage) []string {
	var out []string
	for _, f := range caseFieldOrder {
		if _, ok := edit[f]; ok {
			out = append(out, f)
		}
	}
	for _, f := range slices.Sorted(maps.Keys(edit)) {
		if !slices.Contains(caseFieldOrder, f) && f != "updated_at" && f != "updated_by" {
			out = append(out, f)
		}
	}
	return out
}

// fieldLabel names a field of a record of entity in the language of the
// interface: app.FieldLabel, or in English the case form's labels.
func fieldLabel(entity, field string) string {
	if assets.Language() == assets.LangEN && entity == app.EntityCase {
		if l := formLabel(field); l != "" {
			return l
		}
	}
	return app.FieldLabel(entity, field)
}

// formLabel returns the case form's label of field, or "".
func formLabel(field string) string {
	switch field {
	case "received_at":
		return lang.X("form.received", "Ngày tiếp nhận")
	case "channel":
		return lang.X("form.channel", "Kênh tiếp nhận")
	case "kind":
		return lang.X("form.kind", "Loại vụ việc")
	case "sector":
		return lang.X("form.sector", "Lĩnh vực")
	case "status":
		return lang.X("form.status", "Trạng thái")
	case "consumer_name":
		return lang.X("form.consumer_name", "Họ và tên người tiêu dùng")
	case "consumer_phone":
		return lang.X("form.consumer_phone", "Số điện thoại")
	case "consumer_address":
		return lang.X("form.consumer_address", "Địa chỉ người tiêu dùng")
	case "business_name":
		return lang.X("form.business_name", "Tên doanh nghiệp, cửa hàng")
	case "business_address":
		return lang.X("form.business_address", "Địa chỉ doanh nghiệp")
	case "summary":
		return lang.X("form.summary", "Nội dung vụ việc")
	}
	return ""
}

// valueText renders a JSON value of field of a record of entity for people
// as the form shows it (app.DisplayValue): codes by their labels, dates as
// dd/mm/yyyy, amounts in đồng, lists by their items, yes/no as Có/Không.
// A sensitive detail (app.PersonalFieldsOf) is shown only to the roles
// that see such details.
func (r *reviewScreen) valueText(entity, field string, raw json.RawMessage) string {
	if r.role != nil && !app.SeesSensitive(r.role()) && slices.Contains(app.PersonalFieldsOf[entity].Sensitive, field) {
		switch strings.TrimSpace(string(raw)) {
		case "", `""`, "null":
		default:
			return sensitiveHiddenText()
		}
	}
	switch strings.TrimSpace(string(raw)) {
	case "true":
		return lang.X("review.yes", "Có")
	case "false":
		return lang.X("review.no", "Không")
	}
	if s := app.DisplayValue(entity, field, raw, r.refs); s != "" {
		return s
	}
	return lang.X("review.value_empty", "(để trống)")
}

// writtenBy says who wrote a value and when: the officer, or "máy khác"
// when the other device did not say.
func writtenBy(officer string, at time.Time) string {
	if officer == "" {
		officer = lang.X("review.other_device", "máy khác")
	}
	if at.IsZero() {
		return lang.X("review.by", "Ghi bởi {{.Who}}", map[string]any{"Who": officer})
	}
	return lang.X("review.by_at", "Ghi bởi {{.Who}} lúc {{.When}}",
		map[string]any{"Who": officer, "When": FormatDateTime(at)})
}

// confirmOther asks before writing the other value into the case.
func (r *reviewScreen) confirmOther(it *reviewItem) {
	number := it.cs.Number
	if !it.found {
		number = ""
	}
	var text string
	if it.c.Kind == app.ConflictVoidEdit {
		text = lang.X("review.confirm.void_edit", "Vụ việc {{.Number}} sẽ được khôi phục (bỏ hủy) và nhận các thay đổi của máy kia. Thay đổi này sẽ được gửi lên máy chủ ở lần đồng bộ tới.",
			map[string]any{"Number": number})
	} else {
		text = lang.X("review.confirm.message", "{{.Field}} của vụ việc {{.Number}} sẽ được đổi thành “{{.Value}}”. Thay đổi này sẽ được gửi lên máy chủ ở lần đồng bộ tới.",
			map[string]any{"Field": fieldLabel(it.c.Entity, it.c.Field), "Number": number, "Value": r.otherText(it)})
	}
	id := it.c.ID
	d := dialog.NewCustomConfirm(lang.X("review.confirm.title", "Dùng giá trị kia?"),
		lang.X("review.use_other", "Dùng giá trị kia"), lang.X("review.confirm.back", "Quay lại"),
		&widget.Label{Text: text, Wrapping: fyne.TextWrapWord}, func(ok bool) {
			if ok {
				r.resolve(id, app.ResolutionOther)
			}
		}, r.win)
	d.Resize(fyne.NewSize(460, 200))
	d.Show()
}

// resolve saves a decision off the Fyne goroutine, then reloads the list.
func (r *reviewScreen) resolve(id, resolution string) {
	if r.busy[id] {
		return
	}
	r.busy[id] = true
	r.apply(r.gen, r.items, r.held, nil) // disables the item's buttons
	r.run(func() {
		err := r.svc.ResolveConflict(r.ctx, id, resolution)
		fyne.Do(func() {
			delete(r.busy, id)
			if err != nil {
				showError(r.win, "resolve conflict", err)
			} else if r.onResolved != nil {
				r.onResolved()
			}
			r.reload()
		})
	})
}
