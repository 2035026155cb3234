package intakeweb

import (
	"errors"
	"net/http"
	"regexp"
	"strings"

	"bvntd/app"
)

// showForm is the form at /: a new submission id and token each time;
// ?q= filters the commune list (the search without JavaScript), ?xa=
// chooses one.
func (h *Handler) showForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := &posted{values: map[string]string{"unit_code": q.Get("xa")}, errs: map[string]string{}}
	if _, ok := h.units.get(p.values["unit_code"]); !ok {
		p.values["unit_code"] = ""
	}
	qq := q.Get("q")
	if len(qq) > 100 {
		qq = qq[:100]
	}
	h.render(w, http.StatusOK, "form", h.formView(p, strings.ToValidUTF8(qq, "")))
}

// submit receives the form. Order: the address's rate, the body within
// its limits, the honeypot, the signed token (who made the form, and the
// fill time), the checks, then the backend. A refusal a person may meet
// brings the form back filled.
func (h *Handler) submit(w http.ResponseWriter, r *http.Request) {
	now := h.opt.Now()
	if !h.submits.allow(clientAddr(r, h.opt.TrustProxy), now) {
		h.opt.Logger.Warn("intake refused", "reason", "rate")
		h.refuse(w, http.StatusTooManyRequests, "Bạn đã gửi quá nhiều lần",
			"Từ địa chỉ mạng này đã có nhiều phản ánh được gửi trong một phút. Vui lòng chờ vài phút rồi gửi lại. "+
				"Nếu bạn đã gửi thành công, bạn không cần gửi lại: hãy giữ mã tra cứu.")
		return
	}
	p := readForm(w, r)
	if p.honeypot {
		h.opt.Logger.Warn("intake refused", "reason", "honeypot")
		h.refuse(w, http.StatusBadRequest, "Không gửi được biểu mẫu",
			"Biểu mẫu có một ô ẩn dành để chặn máy gửi tự động, và ô đó đã được điền. Nếu bạn là người gửi, vui lòng mở lại trang chủ và gửi lại.")
		return
	}
	switch state := h.checkToken(p.id, p.issued, p.token, now); state {
	case tokenBad, tokenExpired:
		// The form is not (or no longer) this server's: a restart, or a
		// page left open for a day. It comes back filled, with a new token;
		// an id this server did not sign is replaced (it could be someone
		// else's).
		h.opt.Logger.Info("intake form renewed")
		if state == tokenBad {
			p.id = ""
		}
		p.issued, p.token = "", ""
		v := h.formView(p, "")
		v.Message = "Biểu mẫu đã mở quá lâu hoặc máy chủ vừa khởi động lại. Những gì bạn viết vẫn còn bên dưới: vui lòng kiểm tra rồi bấm “Gửi phản ánh” lần nữa."
		h.render(w, http.StatusBadRequest, "form", v)
		return
	case tokenTooFast:
		h.opt.Logger.Warn("intake refused", "reason", "too fast")
		v := h.formView(p, "")
		v.Message = "Biểu mẫu được gửi quá nhanh sau khi mở, nên hệ thống chưa nhận (để chặn máy gửi tự động). Vui lòng kiểm tra lại nội dung bên dưới rồi bấm “Gửi phản ánh” lần nữa."
		h.render(w, http.StatusBadRequest, "form", v)
		return
	}
	h.checkRequired(p)
	if len(p.errs) > 0 {
		h.formAgain(w, p)
		return
	}
	sub := p.submission()
	sub.SubmittedAt = now
	receipt, err := h.opt.Backend.Submit(r.Context(), sub)
	if err != nil {
		var e *app.Error
		switch {
		case errors.As(err, &e) && e.Code == app.EINVALID:
			for k, msg := range e.Fields {
				p.errs[k] = msg
			}
			if len(e.Fields) == 0 {
				p.errs["form"] = e.Message
			}
			h.formAgain(w, p)
		case r.Context().Err() != nil:
			// The consumer's connection went away (a closed page, a cut
			// link) before the case was made: nothing was stored, and no
			// one is left to answer; not a fault of the server.
			h.opt.Logger.Info("intake submit abandoned by the client", "err", err.Error())
		default:
			h.opt.Logger.Error("intake submit failed", "code", app.ErrorCode(err), "err", err.Error())
			v := h.formView(p, "")
			v.Message = "Hệ thống đang gặp sự cố nên chưa nhận được phản ánh của bạn. Những gì bạn viết vẫn còn bên dưới: vui lòng bấm “Gửi phản ánh” lại sau ít phút."
			h.render(w, http.StatusServiceUnavailable, "form", v)
		}
		return
	}
	h.render(w, http.StatusOK, "done", donePage{page: page{Title: "Đã gửi phản ánh", CSS: h.cssURL}, Receipt: receipt})
}

// formAgain shows a form with its errors, filled as it was sent, with the
// same submission id and token (a resend stays one case).
func (h *Handler) formAgain(w http.ResponseWriter, p *posted) {
	status := http.StatusBadRequest
	if p.tooLarge {
		status = http.StatusRequestEntityTooLarge
	}
	h.render(w, status, "form", h.formView(p, ""))
}

type donePage struct {
	page
	Receipt app.SubmitReceipt
}

// statusPage is the status page: the lookup form and, after a lookup,
// what the Backend said.
type statusPage struct {
	page
	Code, Last4       string
	CodeErr, Last4Err string
	Errors            []errorLink
	NotFound          bool
	Found             bool
	Status            app.IntakeStatus
}

func (h *Handler) showStatus(w http.ResponseWriter, r *http.Request) {
	h.render(w, http.StatusOK, "status", statusPage{page: page{Title: "Tra cứu phản ánh", CSS: h.cssURL}})
}

var last4RE = regexp.MustCompile(`^[0-9]{4}$`)

// lookup answers the status page. An unknown code and a wrong phone get
// the same answer.
func (h *Handler) lookup(w http.ResponseWriter, r *http.Request) {
	now := h.opt.Now()
	if !h.lookups.allow(clientAddr(r, h.opt.TrustProxy), now) {
		h.opt.Logger.Warn("intake lookup refused", "reason", "rate")
		h.refuse(w, http.StatusTooManyRequests, "Bạn đã tra cứu quá nhiều lần",
			"Từ địa chỉ mạng này đã có nhiều lần tra cứu trong một phút. Vui lòng chờ vài phút rồi thử lại.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		h.refuse(w, http.StatusBadRequest, "Không đọc được yêu cầu tra cứu", "Vui lòng mở lại trang tra cứu và nhập mã cùng 4 số cuối điện thoại.")
		return
	}
	v := statusPage{page: page{Title: "Tra cứu phản ánh", CSS: h.cssURL}}
	v.Code = strings.ToUpper(strings.Join(strings.Fields(r.PostForm.Get("code")), ""))
	v.Last4 = strings.TrimSpace(r.PostForm.Get("phone4"))
	if len(v.Code) > 40 {
		v.Code = v.Code[:40]
	}
	if len(v.Last4) > 10 {
		v.Last4 = v.Last4[:10]
	}
	v.Code, v.Last4 = strings.ToValidUTF8(v.Code, ""), strings.ToValidUTF8(v.Last4, "")
	if v.Code == "" {
		v.CodeErr = "Hãy nhập mã tra cứu ghi trên trang xác nhận."
		v.Errors = append(v.Errors, errorLink{Anchor: "f-code", Label: "Mã tra cứu", Text: v.CodeErr})
	}
	if !last4RE.MatchString(v.Last4) {
		v.Last4Err = "Hãy nhập đúng 4 chữ số cuối của số điện thoại bạn đã ghi khi gửi."
		v.Errors = append(v.Errors, errorLink{Anchor: "f-phone4", Label: "4 số cuối điện thoại", Text: v.Last4Err})
	}
	if len(v.Errors) > 0 {
		h.render(w, http.StatusBadRequest, "status", v)
		return
	}
	st, err := h.opt.Backend.Status(r.Context(), v.Code, v.Last4)
	switch {
	case err == nil:
		v.Found, v.Status = true, st
		v.Last4 = "" // not left on the screen
		h.render(w, http.StatusOK, "status", v)
	case app.ErrorCode(err) == app.ENOTFOUND:
		v.NotFound = true
		h.render(w, http.StatusNotFound, "status", v)
	default:
		h.opt.Logger.Error("intake lookup failed", "code", app.ErrorCode(err), "err", err.Error())
		h.refuse(w, http.StatusServiceUnavailable, "Chưa tra cứu được",
			"Hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút.")
	}
}
