package serverstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"bvntd/app"
	"bvntd/app/attachfile"
	"bvntd/sync/syncproto"
)

// The online intake channel (issue 21; app/intake.go). A submission of the
// public form becomes a case of the chosen commune, written by the
// server's own identity, intakeDevice, through the path of a device's push
// (pusher.apply: authorisation, validation, merge, audit trail, the
// scope's next sequence number), so that it reaches the commune's laptops
// on their next pull and the province's like any other record.

// intakeDevice is the server's own device identity of the online intake:
// a devices row (ensureIntakeDevice) whose token hash is no SHA-256, so no
// token ever authenticates as it. Its writes are stamped by the server's
// HLC clock.
const intakeDevice = "server-intake"

// intakeTag is the device tag of the intake's case numbers
// (28261-2026-WEB-0001): three letters, so never a laptop's tag
// (app.NewDeviceTag makes four).
const intakeTag = "WEB"

// forwardOfficer is the name a case made by forwarding is created under.
const forwardOfficer = "Máy chủ tỉnh (chuyển vụ việc giữa xã, phường)"

// Messages of the intake.
const (
	msgIntakeNotFound = "Không tìm thấy hồ sơ với mã tra cứu và 4 số cuối điện thoại này. Vui lòng kiểm tra lại."
	msgIntakeFile     = "Tệp “%s”: %s"
	msgIntakeNoFiles  = "Hiện máy chủ chưa nhận được tệp đính kèm. Vui lòng gửi lại không kèm tệp; cán bộ sẽ liên hệ để nhận chứng cứ sau."
)

// SetLogger sets the log the intake writes its line per submission to
// (the commune and the day, never a name or a phone); nil: slog's default.
func (s *Store) SetLogger(l *slog.Logger) { s.log = l }

func (s *Store) logger() *slog.Logger {
	if s.log != nil {
		return s.log
	}
	return slog.Default()
}

// ensureIntakeDevice makes the intake's devices row if it is missing.
func ensureIntakeDevice(ctx context.Context, tx *txn, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO devices (id, tag, name, scope, token_hash, created_at, enrolled_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		intakeDevice, intakeTag, app.IntakeOfficer, "cong-truc-tuyen", "khong-dang-nhap:"+intakeDevice, ms(now), ms(now))
	if err != nil {
		return fmt.Errorf("intake device: %w", err)
	}
	return nil
}

// intakePusher returns a pusher that writes as intakeDevice in tx, into
// any commune of the catalogue (serverPut), sharing seqs (the scopes'
// counters of the transaction, saved by whoever began it).
func (s *Store) intakePusher(ctx context.Context, tx *txn, refs app.Refs, now time.Time, seqs map[string]int64) (*pusher, error) {
	if err := ensureIntakeDevice(ctx, tx, now); err != nil {
		return nil, err
	}
	return &pusher{s: s, tx: tx, device: intakeDevice, now: now, refs: refs,
		checkAt: now.Add(maxSkewIgnored), seqs: seqs}, nil
}

// serverPut applies a write of the server's identity to a record of scope
// as a device's mutation would be applied; a rejection is an error (the
// server made a record its own validator refuses).
func (p *pusher) serverPut(ctx context.Context, scope, entity, id string, fields map[string]json.RawMessage, base int64, officer string) error {
	p.devScope = scope
	if err := p.ensureScope(ctx, scope); err != nil {
		return err
	}
	h := p.s.clock.Tick()
	m := syncproto.Mutation{ID: app.NewID(), Entity: entity, RecordID: id, Scope: scope, Op: app.OpUpsert,
		Fields: fields, HLC: h.String(), BaseVersion: base, Officer: officer, DeviceTimeMS: ms(p.now)}
	r, err := p.apply(ctx, m)
	if err != nil {
		return err
	}
	if r.Status != syncproto.StatusApplied {
		return app.Errorf(app.EINTERNAL, "Máy chủ không ghi được %s %s: %s (%s)", entity, id, r.Message, r.Code)
	}
	return nil
}

// ensureScope locks scope's counter unless this transaction holds it
// already (its numbers handed out so far are kept).
func (p *pusher) ensureScope(ctx context.Context, scope string) error {
	if _, ok := p.seqs[scope]; ok {
		return nil
	}
	return p.lockScope(ctx, scope)
}

// nextIntakeNumber returns the next case number of the intake's tag in
// unit and year (the scope is locked: lockScope).
func (p *pusher) nextIntakeNumber(ctx context.Context, unit string, year int) (string, error) {
	prefix := fmt.Sprintf("%s-%04d-%s-", unit, year, intakeTag)
	var n int
	err := p.tx.QueryRowContext(ctx, `SELECT count(*) FROM records WHERE entity = ? AND scope = ? AND `+
		p.s.d.jsonText("fields", "number")+` LIKE ?`, app.EntityCase, unit, prefix+"%").Scan(&n)
	if err != nil {
		return "", fmt.Errorf("count intake numbers: %w", err)
	}
	return app.FormatCaseNumber(unit, year, intakeTag, n+1), nil
}

// phoneCheck is what intake_submissions keeps of the phone: the SHA-256
// of the tracking code with the last four digits.
func phoneCheck(code, last4 string) string {
	sum := sha256.Sum256([]byte("bvntd-intake/" + code + "/" + last4))
	return hex.EncodeToString(sum[:])
}

// intakeRow is a row of intake_submissions.
type intakeRow struct {
	code, unit, caseID, caseUnit, check string
	receivedAt                          time.Time
}

const sqlIntakeRow = `SELECT tracking_code, unit, case_id, case_unit, phone_check, received_at FROM intake_submissions`

func scanIntakeRow(r *sql.Row) (intakeRow, bool, error) {
	var x intakeRow
	var at int64
	err := r.Scan(&x.code, &x.unit, &x.caseID, &x.caseUnit, &x.check, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return x, false, nil
	}
	if err != nil {
		return x, false, fmt.Errorf("read intake submission: %w", err)
	}
	x.receivedAt = time.UnixMilli(at).UTC()
	return x, true, nil
}

// unitName returns the name of a commune of the seeds (its code if not).
func unitName(code string) string {
	if refs, err := seedRefs(); err == nil {
		if u, ok := refs.Unit(code); ok {
			return u.Name
		}
	}
	return code
}

// preparedFile is an evidence file of a submission, stored.
type preparedFile struct {
	name string
	p    attachfile.Prepared
	hash string
}

// SubmitIntake turns a submission of the public form into a case of the
// chosen commune, received now (the server's clock), and returns the
// receipt the consumer is shown. The submission is normalised and checked
// (Submission.Validate; then each file as the laptop checks an attachment,
// app/attachfile: JPEG, PNG or PDF by its content, a photo re-encoded
// without its EXIF data): a bad one is an *app.Error EINVALID whose Fields
// are keyed by the form's names ("files" for a file). A submission id
// received before gets the same receipt again (Repeated), however often it
// is sent.
//
// In one transaction, as intakeDevice: the case (app.Submission.Case, a
// number of the intake's tag), an app.Attachment per file, whose content
// is in the server's file store (Files) and proved for the commune
// (file_scopes) so that its laptops may download it, and the
// intake_submissions row (the tracking code; the phone's last four digits
// only hashed with it).
func (s *Store) SubmitIntake(ctx context.Context, sub *app.Submission) (app.SubmitReceipt, error) {
	now := s.now()
	sub.SubmittedAt = now
	sub.Normalize()
	refs, err := s.catalogue()
	if err != nil {
		return app.SubmitReceipt{}, err
	}
	if err := sub.Validate(refs, now); err != nil {
		return app.SubmitReceipt{}, err
	}
	if rc, ok, err := s.intakeReceipt(ctx, sub.ID); err != nil || ok {
		return rc, err
	}
	files, err := s.storeIntakeFiles(sub.Files)
	if err != nil {
		return app.SubmitReceipt{}, err
	}
	for attempt := 1; ; attempt++ {
		rc, err := s.submitIntake(ctx, sub, files, refs, now)
		if err == nil {
			s.logger().Info("intake submission", "unit", sub.UnitCode,
				"day", now.In(app.ICT).Format(time.DateOnly), "files", len(files), "repeated", rc.Repeated)
			return rc, nil
		}
		// A concurrent sending of the same submission won (its id is
		// taken): answer as it was answered.
		if rc, ok, e := s.intakeReceipt(ctx, sub.ID); e == nil && ok {
			return rc, nil
		}
		if s.d != postgresDialect || attempt == maxPushAttempts || !retryable(err) {
			return app.SubmitReceipt{}, err
		}
		select {
		case <-ctx.Done():
			return app.SubmitReceipt{}, ctx.Err()
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
}

// intakeReceipt returns the receipt of a submission received before.
func (s *Store) intakeReceipt(ctx context.Context, id string) (app.SubmitReceipt, bool, error) {
	x, ok, err := scanIntakeRow(s.r.QueryRowContext(ctx, sqlIntakeRow+` WHERE submission_id = ?`, id))
	if err != nil || !ok {
		return app.SubmitReceipt{}, false, err
	}
	return app.SubmitReceipt{TrackingCode: x.code, ReceivedAt: x.receivedAt, UnitName: unitName(x.caseUnit), Repeated: true}, true, nil
}

// storeIntakeFiles prepares the files of a submission (attachfile.Prepare,
// as the laptop prepares an attachment) and puts their content in the
// server's file store. Content not named by any record is harmless (the
// store is content-addressed).
func (s *Store) storeIntakeFiles(in []app.SubmittedFile) ([]preparedFile, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]preparedFile, 0, len(in))
	for _, f := range in {
		p, err := attachfile.Prepare(f.Data, false)
		if err != nil {
			msg := err.Error()
			var e *app.Error
			if errors.As(err, &e) {
				msg = e.Message
			}
			return nil, &app.Error{Code: app.EINVALID, Message: "Vui lòng kiểm tra lại các mục được đánh dấu.",
				Fields: map[string]string{"files": fmt.Sprintf(msgIntakeFile, f.Name, msg)}}
		}
		out = append(out, preparedFile{name: intakeFileName(f.Name, p, len(out)+1), p: p})
	}
	blobs, err := s.Files()
	if err != nil {
		if app.ErrorCode(err) == app.ENOTFOUND {
			return nil, &app.Error{Code: app.EINVALID, Message: msgIntakeNoFiles, Fields: map[string]string{"files": msgIntakeNoFiles}}
		}
		return nil, err
	}
	for i := range out {
		h, _, err := blobs.Put(bytes.NewReader(out[i].p.Content), "")
		if err != nil {
			return nil, fmt.Errorf("store intake file: %w", err)
		}
		out[i].hash = h
	}
	return out, nil
}

// intakeFileName is the name an evidence file is kept under: the
// consumer's (without a folder), its extension that of what is kept (a
// re-encoded photo is a JPEG), or "tep-N" when it had none.
func intakeFileName(name string, p attachfile.Prepared, n int) string {
	name = strings.TrimSpace(filepath.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "" || name == "." || name == "/" {
		name = fmt.Sprintf("tep-%d", n)
	}
	ext := map[string]string{app.TypeJPEG: ".jpg", app.TypePNG: ".png", app.TypePDF: ".pdf"}[p.Type]
	if e := filepath.Ext(name); !strings.EqualFold(e, ext) && !(p.Type == app.TypeJPEG && strings.EqualFold(e, ".jpeg")) {
		name = strings.TrimSuffix(name, e) + ext
	}
	if r := []rune(name); len(r) > app.MaxShortText {
		name = string(r[len(r)-app.MaxShortText:])
	}
	return name
}

func (s *Store) submitIntake(ctx context.Context, sub *app.Submission, files []preparedFile, refs app.Refs, now time.Time) (app.SubmitReceipt, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return app.SubmitReceipt{}, fmt.Errorf("begin intake: %w", err)
	}
	defer tx.Rollback()
	x, seen, err := scanIntakeRow(tx.QueryRowContext(ctx, sqlIntakeRow+` WHERE submission_id = ?`, sub.ID))
	if err != nil {
		return app.SubmitReceipt{}, err
	}
	if seen {
		return app.SubmitReceipt{TrackingCode: x.code, ReceivedAt: x.receivedAt, UnitName: unitName(x.caseUnit), Repeated: true}, nil
	}
	code, err := newTrackingCode(ctx, tx)
	if err != nil {
		return app.SubmitReceipt{}, err
	}
	p, err := s.intakePusher(ctx, tx, refs, now, map[string]int64{})
	if err != nil {
		return app.SubmitReceipt{}, err
	}
	unit := sub.UnitCode
	if err := p.lockScope(ctx, unit); err != nil {
		return app.SubmitReceipt{}, err
	}
	c := sub.Case(app.NewID(), code)
	if c.Number, err = p.nextIntakeNumber(ctx, unit, now.In(app.ICT).Year()); err != nil {
		return app.SubmitReceipt{}, err
	}
	c.Normalize()
	if err := p.serverPut(ctx, unit, app.EntityCase, c.ID, c.Fields(), 0, app.IntakeOfficer); err != nil {
		return app.SubmitReceipt{}, err
	}
	for _, f := range files {
		a := &app.Attachment{
			RecordHead: app.RecordHead{ID: app.NewID(), UnitCode: unit, CreatedAt: c.CreatedAt, CreatedBy: app.IntakeOfficer,
				UpdatedAt: c.CreatedAt, UpdatedBy: app.IntakeOfficer},
			CaseID: c.ID, Name: f.name, Type: f.p.Type, Size: int64(len(f.p.Content)), SHA256: f.hash,
			Width: f.p.Width, Height: f.p.Height,
		}
		a.Normalize()
		if err := p.serverPut(ctx, unit, app.EntityAttachment, a.ID, a.Fields(), 0, app.IntakeOfficer); err != nil {
			return app.SubmitReceipt{}, err
		}
		if err := proveScopeTx(ctx, tx, f.hash, unit, now); err != nil {
			return app.SubmitReceipt{}, err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO intake_submissions
		(submission_id, tracking_code, unit, case_id, case_unit, phone_check, received_at, day)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		sub.ID, code, unit, c.ID, unit, phoneCheck(code, app.LastDigits(c.ConsumerPhone)), ms(c.ReceivedAt),
		c.ReceivedAt.In(app.ICT).Format(time.DateOnly)); err != nil {
		return app.SubmitReceipt{}, fmt.Errorf("write intake submission: %w", err)
	}
	if err := p.saveSeqs(ctx); err != nil {
		return app.SubmitReceipt{}, err
	}
	if err := tx.Commit(); err != nil {
		return app.SubmitReceipt{}, fmt.Errorf("commit intake: %w", err)
	}
	return app.SubmitReceipt{TrackingCode: code, ReceivedAt: c.ReceivedAt, UnitName: unitName(unit)}, nil
}

// newTrackingCode returns a tracking code no submission has.
func newTrackingCode(ctx context.Context, tx *txn) (string, error) {
	for range 8 {
		code := app.NewTrackingCode()
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM intake_submissions WHERE tracking_code = ?`, code).Scan(&n); err != nil {
			return "", fmt.Errorf("check tracking code: %w", err)
		}
		if n == 0 {
			return code, nil
		}
	}
	return "", app.Errorf(app.EINTERNAL, "Không tạo được mã tra cứu; vui lòng gửi lại.")
}

// proveScopeTx records, in tx, that the server holds the content of h for
// scope (the intake stored it itself).
func proveScopeTx(ctx context.Context, tx *txn, h, scope string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO file_scopes (sha256, scope, device_id, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (sha256, scope) DO NOTHING`, h, scope, intakeDevice, ms(now)); err != nil {
		return fmt.Errorf("write file_scopes: %w", err)
	}
	return nil
}

// IntakeStatus returns what the status page shows of the case a tracking
// code follows (app.PublicStatus, on the commune's calendar), when phoneLast4
// are the last four digits of the phone it was sent with. An unknown code
// and a wrong phone are the same app.ENOTFOUND, after the same work: the
// row is read, the check computed and compared in constant time, and the
// case and its steps read (none, for a wrong one).
func (s *Store) IntakeStatus(ctx context.Context, code, phoneLast4 string) (app.IntakeStatus, error) {
	code = app.NormalizeTrackingCode(code)
	last4 := strings.TrimSpace(phoneLast4)
	x, found, err := scanIntakeRow(s.r.QueryRowContext(ctx, sqlIntakeRow+` WHERE tracking_code = ?`, code))
	if err != nil {
		return app.IntakeStatus{}, err
	}
	stored := x.check
	if !found {
		stored = phoneCheck("", "")
	}
	match := subtle.ConstantTimeCompare([]byte(stored), []byte(phoneCheck(code, last4))) == 1
	match = match && found && len(last4) == 4
	caseID, scope := "", ""
	if match {
		caseID, scope = x.caseID, x.caseUnit
	}
	c, events, err := s.readCase(ctx, scope, caseID)
	if err != nil {
		return app.IntakeStatus{}, err
	}
	if !match || c == nil {
		return app.IntakeStatus{}, app.Errorf(app.ENOTFOUND, msgIntakeNotFound)
	}
	rd, err := seedRefs()
	if err != nil {
		return app.IntakeStatus{}, err
	}
	cal, err := s.calendar(ctx, rd)
	if err != nil {
		return app.IntakeStatus{}, err
	}
	st := app.PublicStatus(c, events, rd.SlaRules, cal, s.now())
	st.UnitName = unitName(scope)
	st.ReceivedAt = x.receivedAt // when the consumer sent it, even if it was forwarded since
	return st, nil
}

// readCase reads a case of scope and its steps (nil when there is none).
func (s *Store) readCase(ctx context.Context, scope, id string) (*app.Case, []app.CaseEvent, error) {
	var fields string
	err := s.r.QueryRowContext(ctx, `SELECT fields FROM records WHERE entity = ? AND id = ? AND scope = ?`,
		app.EntityCase, id, scope).Scan(&fields)
	noCase := errors.Is(err, sql.ErrNoRows)
	if err != nil && !noCase {
		return nil, nil, fmt.Errorf("read case: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT fields FROM records WHERE entity = ? AND scope = ? AND `+
		s.d.jsonText("fields", "case_id")+` = ?`, app.EntityCaseEvent, scope, id)
	if err != nil {
		return nil, nil, fmt.Errorf("read case steps: %w", err)
	}
	defer rows.Close()
	var events []app.CaseEvent
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, nil, fmt.Errorf("read case steps: %w", err)
		}
		var e app.CaseEvent
		if json.Unmarshal([]byte(f), &e) == nil {
			events = append(events, e)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("read case steps: %w", err)
	}
	if noCase {
		return nil, nil, nil
	}
	var c app.Case
	if err := json.Unmarshal([]byte(fields), &c); err != nil {
		return nil, nil, fmt.Errorf("case %s: %w", id, err)
	}
	return &c, events, nil
}

// IntakeCount is the number of submissions a commune received on a day.
type IntakeCount struct {
	Day   string // YYYY-MM-DD, in Vietnam
	Unit  string // the commune the consumer chose
	Name  string
	Count int
}

// IntakeCounts returns the submissions per day and commune, from the day
// from to the day to (YYYY-MM-DD; "" unbounded), by day then commune.
func (s *Store) IntakeCounts(ctx context.Context, from, to string) ([]IntakeCount, error) {
	if to == "" {
		to = "9999-12-31"
	}
	rows, err := s.r.QueryContext(ctx, `SELECT day, unit, count(*) FROM intake_submissions
		WHERE day >= ? AND day <= ? GROUP BY day, unit ORDER BY day, unit`, from, to)
	if err != nil {
		return nil, fmt.Errorf("count intake submissions: %w", err)
	}
	defer rows.Close()
	var out []IntakeCount
	for rows.Next() {
		var c IntakeCount
		if err := rows.Scan(&c.Day, &c.Unit, &c.Count); err != nil {
			return nil, fmt.Errorf("count intake submissions: %w", err)
		}
		c.Name = unitName(c.Unit)
		out = append(out, c)
	}
	return out, rows.Err()
}
