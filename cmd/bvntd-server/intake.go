package main

import (
	"context"
	"log/slog"
	"net/http"

	"bvntd/app"
	"bvntd/sync/intakeweb"
)

// intakeStore is what the server's store offers the public form (issue 21):
// a submission becomes a case of its commune; the status page's answer.
type intakeStore interface {
	SubmitIntake(ctx context.Context, sub *app.Submission) (app.SubmitReceipt, error)
	IntakeStatus(ctx context.Context, code, phoneLast4 string) (app.IntakeStatus, error)
}

// storeIntake adapts the store to intakeweb.Backend.
type storeIntake struct{ st intakeStore }

func (b storeIntake) Submit(ctx context.Context, sub *app.Submission) (app.SubmitReceipt, error) {
	return b.st.SubmitIntake(ctx, sub)
}

func (b storeIntake) Status(ctx context.Context, code, phoneLast4 string) (app.IntakeStatus, error) {
	return b.st.IntakeStatus(ctx, code, phoneLast4)
}

// publicHandler is the public intake form of serve --public-addr.
func (m *Main) publicHandler(logger *slog.Logger) (http.Handler, error) {
	backend := m.IntakeBackend
	if backend == nil {
		st, ok := any(m.store).(intakeStore)
		if !ok {
			return nil, app.Errorf(app.EINVALID, "Máy chủ này chưa có phần nhận phản ánh trực tuyến: không dùng được --public-addr (intake not available).")
		}
		backend = storeIntake{st}
	}
	units, districts, err := intakeweb.LoadUnits()
	if err != nil {
		return nil, err
	}
	return intakeweb.New(intakeweb.Options{Backend: backend, Units: units, Districts: districts, Now: m.Now,
		Logger: logger, TrustProxy: m.PublicTrustProxy})
}
