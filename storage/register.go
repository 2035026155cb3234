package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"bvntd/app"
)

// RegisterQuery chooses the cases of the complaint register: those of
// commune Unit ("" for every commune) received on a day of Period, voided
// ones left out, and those of a person whose data is restricted (Case.
// Restricted) unless WithRestricted (the one who asks may see them,
// app.SeesRestricted).
type RegisterQuery struct {
	Unit           string
	Period         app.KPIPeriod
	WithRestricted bool
}

// registerBatch is how many cases (with their steps) the register holds
// in memory at a time.
const registerBatch = 500

// Register reads the complaint register of q from the store a batch of
// cases at a time (see KPIData for the in-memory equivalent). Its fields
// are what the rows need besides the cases, as KPIData has them.
type Register struct {
	db *DB
	q  RegisterQuery

	// Units are the communes the register covers (KPIData.Units).
	Units []string
	// SlaRules and Calendar are the time limits and the working-day
	// calendar; Now is the time the register is computed at.
	SlaRules []app.SlaRule
	Calendar *app.Calendar
	Now      time.Time
}

// Register returns the register of q.
func (db *DB) Register(ctx context.Context, q RegisterQuery) (*Register, error) {
	r := &Register{db: db, q: q, Now: db.Now()}
	var err error
	if r.Units, err = db.registerUnits(ctx, q.Unit); err != nil {
		return nil, err
	}
	if r.SlaRules, r.Calendar, err = db.deadlineRules(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

// registerUnits are the communes a report on unit covers, as kpiUnits
// finds them, without loading the cases and records: without seeds, the
// communes of the cases and of the records KPIData loads that are not
// voided.
func (db *DB) registerUnits(ctx context.Context, unit string) ([]string, error) {
	out, err := db.kpiUnits(ctx, unit, &app.KPIData{})
	if err != nil || len(out) > 0 || unit != "" {
		return out, err
	}
	rows, err := db.r.QueryContext(ctx, `
		SELECT unit_code FROM case_list WHERE NOT voided
		UNION
		SELECT unit_code FROM records WHERE entity IN (?, ?, ?, ?, ?)
			AND NOT coalesce(json_extract(fields, '$.voided'), 0)`,
		app.EntityOfficer, app.EntityOrganisation, app.EntityTraining, app.EntityOutreach, app.EntityPublication)
	if err != nil {
		return nil, fmt.Errorf("register units: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		if u != "" {
			out = append(out, u)
		}
	}
	sort.Strings(out)
	return out, rows.Err()
}

// where returns the condition choosing the cases of the register (on
// case_list as c) and its arguments.
func (r *Register) where() (string, []any) {
	from := r.q.Period.From
	end := r.q.Period.To.In(app.ICT)
	end = time.Date(end.Year(), end.Month(), end.Day()+1, 0, 0, 0, 0, app.ICT)
	cond := `NOT c.voided AND c.received_at >= ? AND c.received_at < ?`
	args := []any{formatTime(from), formatTime(end)}
	if r.q.Unit != "" {
		cond += ` AND c.unit_code = ?`
		args = append(args, r.q.Unit)
	}
	if !r.q.WithRestricted {
		// case_list.restricted is the document's restricted, written with
		// it (storage/case.go): no need to read every case's JSON.
		cond += ` AND NOT c.restricted`
	}
	return cond, args
}

// Listed returns the number of cases of the register and the communes
// they belong to (each once, by code).
func (r *Register) Listed(ctx context.Context) (int, []string, error) {
	cond, args := r.where()
	rows, err := r.db.r.QueryContext(ctx, `SELECT c.unit_code, count(*) FROM case_list c WHERE `+cond+
		` GROUP BY c.unit_code ORDER BY c.unit_code`, args...)
	if err != nil {
		return 0, nil, fmt.Errorf("register count: %w", err)
	}
	defer rows.Close()
	n := 0
	var units []string
	for rows.Next() {
		var u string
		var k int
		if err := rows.Scan(&u, &k); err != nil {
			return 0, nil, err
		}
		n += k
		units = append(units, u)
	}
	return n, units, rows.Err()
}

// Each calls fn with every case of the register and its steps (oldest
// first, ties by id), commune by commune in the order of units (which
// must name every commune Listed returns), each commune's cases oldest
// first (ties by number, then id). At most a batch of cases and their
// steps is held at a time; fn must not keep c or evs.
func (r *Register) Each(ctx context.Context, units []string, fn func(c *app.Case, evs []app.CaseEvent) error) error {
	cond, args := r.where()
	// One query per commune, in the order of units: each reads the
	// commune's cases in the order of the index case_list_unit_received
	// (only cases received at the same instant are sorted), so the first
	// rows come at once instead of after a sort of the whole register.
	// The index columns, and the facts from the whole record: the
	// register prints them ("Nội dung"), so that it can be imported again.
	// And the personal values the list columns leave out, which a masked
	// register scrubs from the summary all the same (app.ScrubCaseText):
	// the representative's name, the old address, the birth date.
	query := `SELECT ` + listCaseColumns + `, coalesce(json_extract(d.fields, '$.summary'), ''),
		coalesce(json_extract(d.fields, '$.representative_name'), ''),
		coalesce(json_extract(d.fields, '$.consumer_old_address'), ''),
		coalesce(json_extract(d.fields, '$.consumer_birth_date'), '')
		FROM case_list c JOIN cases d ON d.id = c.id
		WHERE c.unit_code = ? AND ` + cond + ` ORDER BY c.received_at, c.number, c.id`
	// One goroutine reads the next batch of cases and their steps while
	// fn writes the current one: the two cores share the work.
	type regBatch struct {
		cases []app.Case
		evs   map[string][]app.CaseEvent
	}
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan regBatch, 2)
	errc := make(chan error, 1)
	go func() {
		defer close(ch)
		batch := make([]app.Case, 0, registerBatch)
		// send passes the batch on with its steps; errStopped when fn
		// stopped the reading.
		send := func() error {
			if len(batch) == 0 {
				return nil
			}
			evs, err := r.db.registerEvents(pctx, batch)
			if err != nil {
				return err
			}
			select {
			case ch <- regBatch{batch, evs}:
			case <-pctx.Done():
				return errStopped
			}
			batch = make([]app.Case, 0, registerBatch)
			return nil
		}
		// unit reads the cases of commune u into batches, sending each
		// full one.
		unit := func(u string) error {
			rows, err := r.db.r.QueryContext(pctx, query, append([]any{u}, args...)...)
			if err != nil {
				return fmt.Errorf("register cases: %w", err)
			}
			defer rows.Close()
			for rows.Next() {
				var summary, rep, oldAddr, birth string
				c, err := scanListCase(withExtra{rows, []any{&summary, &rep, &oldAddr, &birth}})
				if err != nil {
					return err
				}
				c.Summary, c.RepresentativeName, c.ConsumerOldAddress, c.ConsumerBirthDate = summary, rep, oldAddr, birth
				batch = append(batch, c)
				if len(batch) == registerBatch {
					if err := send(); err != nil {
						return err
					}
				}
			}
			return rows.Err()
		}
		for _, u := range units {
			if err := unit(u); err != nil {
				if err != errStopped {
					errc <- err
				}
				return
			}
		}
		if err := send(); err != nil && err != errStopped {
			errc <- err
		}
	}()
	for b := range ch {
		for i := range b.cases {
			if err := fn(&b.cases[i], b.evs[b.cases[i].ID]); err != nil {
				return err
			}
		}
	}
	select {
	case err := <-errc:
		return err
	default:
	}
	return ctx.Err()
}

// errStopped: the register's reader stopped because fn did.
var errStopped = errors.New("register: stopped")

// registerEvents returns the steps of cases, by case, each case's in time
// order (ties by id): what stepsByCase returns of stepColumns, read one
// row per case (registerStepsSQL) instead of one per step, which costs
// the driver about half as much over a register's million steps.
func (db *DB) registerEvents(ctx context.Context, cases []app.Case) (map[string][]app.CaseEvent, error) {
	ids := make([]string, len(cases))
	for i := range cases {
		ids[i] = cases[i].ID
	}
	b, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, registerStepsSQL, string(b))
	if err != nil {
		return nil, fmt.Errorf("case steps: %w", err)
	}
	defer rows.Close()
	out := make(map[string][]app.CaseEvent, len(cases))
	for rows.Next() {
		var id, steps string
		var n int
		if err := rows.Scan(&id, &n, &steps); err != nil {
			return nil, err
		}
		evs := make([]app.CaseEvent, 0, n)
		for steps != "" {
			e := app.CaseEvent{CaseID: id}
			var at, amount string
			for _, dst := range []*string{&e.ID, &at, &e.Kind, &e.FromStatus, &e.ToStatus, &e.Outcome, &amount} {
				if *dst, steps, err = nextField(steps); err != nil {
					return nil, fmt.Errorf("case steps of %s: %w", id, err)
				}
			}
			if e.AmountRecovered, err = strconv.ParseInt(amount, 10, 64); err != nil {
				return nil, fmt.Errorf("case steps of %s: %w", id, err)
			}
			e.At = parseTime(at)
			evs = append(evs, e)
		}
		out[id] = evs
	}
	return out, rows.Err()
}

// registerStepsSQL selects, for each case of a JSON array of ids, its
// number of steps and the steps' stepColumns (but the case's id) in time
// order (ties by id), each value as its length in bytes, ":" and the
// value: whatever the values hold, nextField reads them back.
const registerStepsSQL = `SELECT e.case_id, count(*), group_concat(
		octet_length(e.id) || ':' || e.id || octet_length(e.at) || ':' || e.at ||
		octet_length(e.kind) || ':' || e.kind || octet_length(e.from_status) || ':' || e.from_status ||
		octet_length(e.to_status) || ':' || e.to_status || octet_length(e.outcome) || ':' || e.outcome ||
		octet_length(e.amount_recovered) || ':' || e.amount_recovered, '' ORDER BY e.at, e.id)
	FROM case_events e WHERE e.case_id IN (SELECT value FROM json_each(?)) GROUP BY e.case_id`

// nextField reads a value of registerStepsSQL off the front of s.
func nextField(s string) (value, rest string, err error) {
	i := strings.IndexByte(s, ':')
	if i < 0 {
		return "", "", errors.New("no length")
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil || n < 0 || i+1+n > len(s) {
		return "", "", fmt.Errorf("bad length %q", s[:i])
	}
	return s[i+1 : i+1+n], s[i+1+n:], nil
}

// Data returns what the register's rows need besides the cases, as a
// KPIData without cases, steps or records: Units, SlaRules, Calendar and
// Now.
func (r *Register) Data() *app.KPIData {
	return &app.KPIData{Now: r.Now, Units: r.Units, SlaRules: r.SlaRules, Calendar: r.Calendar}
}

// withExtra scans the index columns of a case (scanListCase) followed by
// extra.
type withExtra struct {
	rows  *sql.Rows
	extra []any
}

func (s withExtra) Scan(dst ...any) error {
	return s.rows.Scan(append(dst, s.extra...)...)
}
