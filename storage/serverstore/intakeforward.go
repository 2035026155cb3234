package serverstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"bvntd/app"
	"bvntd/sync/syncproto"
)

// Forwarding a case to another commune (issue 21: "a submission sent to
// the wrong commune can be forwarded by the officer to another commune;
// the case moves scope through the server, with a record of the move").
//
// The officer sets Case.ForwardedTo on a laptop, an ordinary edit. When
// the server applies it (forwardAfterMerge, in the same transaction as the
// edit), it writes as intakeDevice:
//
//   - a new case in the new commune's scope: a new id, ForwardedFrom the
//     old one, the same content, status "mới tiếp nhận", received now;
//   - a copy of each evidence record (app.Attachment) of the case, whose
//     file is proved for the new commune when the old one's was
//     (file_scopes), so that the new commune's laptops download it;
//   - on the old case, status "da_chuyen" and a step (app.EventReferred to
//     "ubnd_xa", by the officer who forwarded it) saying where it went;
//   - the submission's row (intake_submissions) now pointing to the new
//     case: the status page follows it.
//
// The acknowledgement clock (intake_ack) at the new commune starts at the
// forwarding: the new case is received then. This is a local choice, as
// the clock itself is (docs/domain.md §8: the law sets no acknowledgement
// deadline for a commune; intake_ack mirrors Luật 19/2023 Điều 31 khoản 2,
// which binds businesses). Điều 11 khoản 3 asks a body that receives a
// matter outside its competence to pass it on and tell the consumer, and
// sets no days; the new commune cannot acknowledge what it has not
// received. The consumer's status page keeps the day they sent it.

// forwardAgency is the agency (seeds/data/agencies.json) of the step that
// records the move: the communes' people's committees.
const forwardAgency = "ubnd_xa"

// forwardAfterMerge moves a case whose merged fields forward it to another
// commune, unless it was moved already (status da_chuyen) or is voided.
func (p *pusher) forwardAfterMerge(ctx context.Context, m syncproto.Mutation, fields map[string]json.RawMessage) error {
	if m.Entity != app.EntityCase {
		return nil
	}
	if to := fields["forwarded_to"]; len(to) == 0 || string(to) == `""` || string(to) == "null" {
		return nil // most cases: not forwarded, and not worth decoding
	}
	var c app.Case
	if err := c.SetFields(fields); err != nil {
		return fmt.Errorf("forward: read case: %w", err)
	}
	if c.ForwardedTo == "" || c.ForwardedTo == m.Scope || c.Status == app.StatusReferred || c.Voided {
		return nil
	}
	c.ID, c.UnitCode = m.RecordID, m.Scope
	ip, err := p.s.intakePusher(ctx, p.tx, p.refs, p.now, p.seqs)
	if err != nil {
		return err
	}
	return ip.forward(ctx, &c, m.Officer)
}

func (p *pusher) forward(ctx context.Context, old *app.Case, officer string) error {
	now := p.now.UTC().Truncate(time.Second)
	to := old.ForwardedTo
	if err := p.ensureScope(ctx, to); err != nil {
		return err
	}
	nc := *old
	nc.RecordHead = app.RecordHead{ID: app.NewID(), UnitCode: to, CreatedAt: now, CreatedBy: forwardOfficer,
		UpdatedAt: now, UpdatedBy: forwardOfficer}
	var err error
	if nc.Number, err = p.nextIntakeNumber(ctx, to, now.In(app.ICT).Year()); err != nil {
		return err
	}
	nc.Status, nc.ReceivedAt = app.StatusReceived, now
	nc.ForwardedTo, nc.ForwardedFrom = "", old.ID
	nc.IntakeOpenedAt, nc.ConsumerReply, nc.ConsumerReplyAt = time.Time{}, "", time.Time{}
	nc.AssignedTo, nc.ResolutionMethod = "", ""
	nc.OffPremisesNoticeID = "" // a record of the old commune
	nc.Normalize()
	if err := p.serverPut(ctx, to, app.EntityCase, nc.ID, nc.Fields(), 0, officer); err != nil {
		return err
	}
	if err := p.copyAttachments(ctx, old, &nc); err != nil {
		return err
	}

	rec, err := p.readRecord(ctx, app.EntityCase, old.ID)
	if err != nil {
		return err
	}
	edit := map[string]json.RawMessage{
		"status":     mustJSON(app.StatusReferred),
		"updated_at": mustJSON(now),
		"updated_by": mustJSON(officer),
	}
	if err := p.serverPut(ctx, old.UnitCode, app.EntityCase, old.ID, edit, rec.version, officer); err != nil {
		return err
	}
	ev := app.CaseEvent{ID: app.NewID(), UnitCode: old.UnitCode, CaseID: old.ID, Kind: app.EventReferred, At: now,
		Officer: officer, FromStatus: old.Status, ToStatus: app.StatusReferred, Agency: forwardAgency,
		Note: fmt.Sprintf("Chuyển đến %s (mã %s) qua máy chủ tỉnh; vụ việc mới số %s.", unitName(to), to, nc.Number)}
	ev.Normalize()
	if err := p.serverPut(ctx, old.UnitCode, app.EntityCaseEvent, ev.ID, ev.Fields(), 0, officer); err != nil {
		return err
	}
	if _, err := p.tx.ExecContext(ctx, `UPDATE intake_submissions SET case_id = ?, case_unit = ? WHERE case_id = ?`,
		nc.ID, to, old.ID); err != nil {
		return fmt.Errorf("forward intake submission: %w", err)
	}
	p.s.logger().Info("case forwarded", "from", old.UnitCode, "to", to,
		"day", now.In(app.ICT).Format(time.DateOnly))
	return nil
}

// copyAttachments copies the evidence records of case old to case nc, and
// proves their files for nc's commune where old's had proved them.
func (p *pusher) copyAttachments(ctx context.Context, old, nc *app.Case) error {
	rows, err := p.tx.QueryContext(ctx, `SELECT fields FROM records WHERE entity = ? AND scope = ? AND `+
		p.s.d.jsonText("fields", "case_id")+` = ?`, app.EntityAttachment, old.UnitCode, old.ID)
	if err != nil {
		return fmt.Errorf("read attachments to forward: %w", err)
	}
	var atts []app.Attachment
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			rows.Close()
			return fmt.Errorf("read attachments to forward: %w", err)
		}
		var a app.Attachment
		if json.Unmarshal([]byte(f), &a) == nil && !a.Voided && a.CaseID == old.ID {
			atts = append(atts, a)
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read attachments to forward: %w", err)
	}
	for _, a := range atts {
		a.RecordHead = app.RecordHead{ID: app.NewID(), UnitCode: nc.UnitCode, CreatedAt: nc.CreatedAt, CreatedBy: a.CreatedBy,
			UpdatedAt: nc.CreatedAt, UpdatedBy: forwardOfficer}
		a.CaseID = nc.ID
		a.Normalize()
		if err := p.serverPut(ctx, nc.UnitCode, app.EntityAttachment, a.ID, a.Fields(), 0, forwardOfficer); err != nil {
			return err
		}
		var n int
		if err := p.tx.QueryRowContext(ctx, `SELECT count(*) FROM file_scopes WHERE sha256 = ? AND scope = ?`,
			a.SHA256, old.UnitCode).Scan(&n); err != nil {
			return fmt.Errorf("read file_scopes: %w", err)
		}
		if n > 0 {
			if err := proveScopeTx(ctx, p.tx, a.SHA256, nc.UnitCode, p.now); err != nil {
				return err
			}
		}
	}
	return nil
}

// mustJSON is the JSON of a value that always has one.
func mustJSON(v any) json.RawMessage {
	b, err := app.Marshal(v)
	if err != nil {
		panic("serverstore: marshal: " + err.Error())
	}
	return b
}
