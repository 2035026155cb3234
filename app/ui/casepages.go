package ui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"bvntd/app"
)

// The case list reads its rows a page at a time: the first page with the
// count and the filter bar's counts when the query or a filter changes,
// the others as the officer scrolls to them (the table asks for a row
// that is not loaded: its page is read off the Fyne goroutine and the
// table drawn again). A reload of the same query keeps the place: the
// page last drawn is read again with the first.

// casesPageSize is how many rows a page holds.
const casesPageSize = 100

// maxFarPages is how many pages beyond the first ones read without a gap
// the list keeps; the farthest from the one asked go first.
const maxFarPages = 40

// casePager is a CaseService that reads its list a page at a time
// (storage.DB: CasePage).
type casePager interface {
	CasePage(ctx context.Context, q app.CaseQuery, f app.CaseFilter, offset, limit int, now time.Time) (app.CasePage, error)
}

// pageSource gives the list's pages. fresh asks for the store as it is
// now (a reload), not an answer kept from before.
type pageSource interface {
	page(ctx context.Context, q app.CaseQuery, f app.CaseFilter, offset, limit int, now time.Time, fresh bool) (app.CasePage, error)
}

// storePages reads pages from a store that pages itself.
type storePages struct{ p casePager }

func (s storePages) page(ctx context.Context, q app.CaseQuery, f app.CaseFilter, offset, limit int, now time.Time, _ bool) (app.CasePage, error) {
	return s.p.CasePage(ctx, q, f, offset, limit, now)
}

// rowsPages makes pages of a CaseService that lists every row at once
// (CaseRows): the rows of the last query are kept, and the filters
// applied to them without a new query until a reload.
type rowsPages struct {
	svc CaseService

	mu   sync.Mutex
	have bool
	q    app.CaseQuery
	rows []app.CaseRow
	cal  *app.Calendar
}

func (r *rowsPages) page(ctx context.Context, q app.CaseQuery, f app.CaseFilter, offset, limit int, now time.Time, fresh bool) (app.CasePage, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if fresh || !r.have || q != r.q {
		rows, err := r.svc.CaseRows(ctx, q, now)
		if err != nil {
			return app.CasePage{}, err
		}
		cal, err := r.svc.WorkingCalendar(ctx)
		if err != nil {
			return app.CasePage{}, err
		}
		r.have, r.q, r.rows, r.cal = true, q, rows, cal
	}
	shown, fc := app.FilterRows(r.rows, f, r.cal, now)
	offset = max(offset, 0)
	lo, hi := min(offset, len(shown)), len(shown)
	if limit > 0 {
		hi = min(offset+limit, len(shown))
	}
	return app.CasePage{Offset: offset, Rows: shown[lo:hi], Total: len(shown), All: len(r.rows), Counts: fc, Calendar: r.cal}, nil
}

// pages returns the source of the list's pages: the service's, made
// again if the service was replaced. Call it on the Fyne goroutine.
func (s *casesScreen) pages() pageSource {
	if s.src == nil || s.srcFor != s.svc {
		s.srcFor = s.svc
		if p, ok := s.svc.(casePager); ok {
			s.src = storePages{p}
		} else {
			s.src = &rowsPages{svc: s.svc}
		}
	}
	return s.src
}

// loaded is the answer to a list query: its first page and, for a reload
// that keeps the place, the page last drawn.
type loaded struct {
	first app.CasePage
	kept  *app.CasePage
}

// load reads the first page of q and f, and page keep (if above 0). It
// touches no widget.
func (s *casesScreen) load(ctx context.Context, src pageSource, q app.CaseQuery, f app.CaseFilter, fresh bool, keep int) (loaded, error) {
	now := s.now()
	first, err := src.page(ctx, q, f, 0, casesPageSize, now, fresh)
	if err != nil {
		return loaded{}, err
	}
	ld := loaded{first: first}
	if keep > 0 && keep*casesPageSize < first.Total {
		p, err := src.page(ctx, q, f, keep*casesPageSize, casesPageSize, now, false)
		if err != nil {
			return loaded{}, err
		}
		ld.kept = &p
	}
	return ld, nil
}

// setPages replaces the rows with those of ld.
func (s *casesScreen) setPages(ld loaded) {
	s.rows, s.far, s.pending = nil, map[int][]app.CaseRow{}, map[int]bool{}
	s.total, s.allN, s.counts = ld.first.Total, ld.first.All, ld.first.Counts
	s.storePage(0, ld.first.Rows)
	if ld.kept != nil && ld.kept.Total == ld.first.Total {
		s.storePage(ld.kept.Offset/casesPageSize, ld.kept.Rows)
	}
}

// storePage keeps the rows of page p: after the rows read without a gap
// if it follows them (with the pages kept beyond that now follow too),
// else beside them, dropping the farthest page when too many are kept.
func (s *casesScreen) storePage(p int, rows []app.CaseRow) {
	if p*casesPageSize == len(s.rows) {
		s.rows = append(s.rows, rows...)
		for len(s.rows)%casesPageSize == 0 {
			next := len(s.rows) / casesPageSize
			more, ok := s.far[next]
			if !ok {
				break
			}
			delete(s.far, next)
			s.rows = append(s.rows, more...)
		}
		return
	}
	if p*casesPageSize < len(s.rows) {
		return
	}
	s.far[p] = rows
	for len(s.far) > maxFarPages {
		far, dist := -1, -1
		for k := range s.far {
			if d := max(k-p, p-k); d > dist {
				far, dist = k, d
			}
		}
		delete(s.far, far)
	}
}

// peek returns row i if it is loaded, nil otherwise.
func (s *casesScreen) peek(i int) *app.CaseRow {
	if i < 0 || i >= s.total {
		return nil
	}
	if i < len(s.rows) {
		return &s.rows[i]
	}
	p := i / casesPageSize
	if rows, ok := s.far[p]; ok && i-p*casesPageSize < len(rows) {
		return &rows[i-p*casesPageSize]
	}
	return nil
}

// rowAt returns row i, asking for its page when it is not loaded (nil
// until it is, unless the page is read at once, as in tests).
func (s *casesScreen) rowAt(i int) *app.CaseRow {
	if i >= 0 && i < s.total {
		s.lastRow = i
	}
	if r := s.peek(i); r != nil || i < 0 || i >= s.total {
		return r
	}
	s.want(i / casesPageSize)
	return s.peek(i)
}

// want reads page p of the list shown off the Fyne goroutine.
func (s *casesScreen) want(p int) {
	if s.pending[p] {
		return
	}
	s.pending[p] = true
	gen, q, f, src := s.gen, s.shown, s.filt, s.pages()
	s.run(func() {
		pg, err := src.page(s.ctx, q, f, p*casesPageSize, casesPageSize, s.now(), false)
		fyne.Do(func() { s.addPage(gen, p, pg, err) })
	})
}

// addPage keeps a page read for list number gen, unless a newer one was
// asked, and draws the table again.
func (s *casesScreen) addPage(gen, p int, pg app.CasePage, err error) {
	if gen != s.gen {
		return
	}
	delete(s.pending, p)
	if err != nil {
		s.showLoadError(err)
		return
	}
	if pg.Total != s.total { // the store changed meanwhile: read the list again
		s.reload()
		return
	}
	s.storePage(p, pg.Rows)
	if !s.drawing {
		s.table.Refresh()
	}
}
