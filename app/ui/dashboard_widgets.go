package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The drawn parts of the dashboard: figure tiles, horizontal bar charts
// (canvas rectangles and texts) and the columns of the target table.

// importanceColor is the theme colour of a figure of that importance.
func importanceColor(imp widget.Importance) fyne.ThemeColorName {
	switch imp {
	case widget.HighImportance:
		return theme.ColorNamePrimary
	case widget.SuccessImportance:
		return theme.ColorNameSuccess
	case widget.DangerImportance:
		return theme.ColorNameError
	case widget.WarningImportance:
		return theme.ColorNameWarning
	case widget.LowImportance:
		return theme.ColorNameDisabled
	}
	return theme.ColorNameForeground
}

// dashTile is a figure: a large value, what it counts and a note; tapping
// it opens the records behind it.
type dashTile struct {
	widget.BaseWidget
	value, caption, note string
	imp                  widget.Importance
	onTap                func()
	hovered              bool
}

func newDashTile(value, caption, note string, imp widget.Importance, onTap func()) *dashTile {
	t := &dashTile{value: value, caption: caption, note: note, imp: imp, onTap: onTap}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped implements fyne.Tappable.
func (t *dashTile) Tapped(*fyne.PointEvent) {
	if t.onTap != nil {
		t.onTap()
	}
}

// Cursor implements desktop.Cursorable: the tile is a link.
func (t *dashTile) Cursor() desktop.Cursor { return desktop.PointerCursor }

// MouseIn implements desktop.Hoverable.
func (t *dashTile) MouseIn(*desktop.MouseEvent) { t.hovered = true; t.Refresh() }

// MouseMoved implements desktop.Hoverable.
func (t *dashTile) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable.
func (t *dashTile) MouseOut() { t.hovered = false; t.Refresh() }

// CreateRenderer implements fyne.Widget.
func (t *dashTile) CreateRenderer() fyne.WidgetRenderer {
	r := &dashTileRenderer{t: t, bg: &canvas.Rectangle{}, value: &canvas.Text{TextStyle: fyne.TextStyle{Bold: true}},
		caption: &widget.Label{Wrapping: fyne.TextWrapWord},
		note:    &widget.Label{Wrapping: fyne.TextWrapWord, SizeName: theme.SizeNameCaptionText, TextStyle: fyne.TextStyle{Italic: true}}}
	r.Refresh()
	return r
}

type dashTileRenderer struct {
	t       *dashTile
	bg      *canvas.Rectangle
	value   *canvas.Text
	caption *widget.Label
	note    *widget.Label
}

func (r *dashTileRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.value, r.caption, r.note}
}

func (r *dashTileRenderer) Destroy() {}

func (r *dashTileRenderer) MinSize() fyne.Size { return fyne.NewSize(170, 112) }

func (r *dashTileRenderer) Layout(size fyne.Size) {
	pad := theme.Padding()
	r.bg.Move(fyne.NewPos(pad/2, pad/2))
	r.bg.Resize(size.Subtract(fyne.NewSquareSize(pad)))
	inner := size.Width - 3*pad
	vs := r.value.MinSize()
	r.value.Move(fyne.NewPos(2*pad, 1.5*pad))
	r.value.Resize(fyne.NewSize(inner-pad, vs.Height))
	// The labels carry their own padding; wrap them at the inner width.
	y := 1.5*pad + vs.Height - pad
	for _, l := range []*widget.Label{r.caption, r.note} {
		if l.Text == "" {
			l.Resize(fyne.NewSize(0, 0))
			continue
		}
		l.Resize(fyne.NewSize(inner, size.Height))
		h := l.MinSize().Height
		l.Move(fyne.NewPos(pad, y))
		l.Resize(fyne.NewSize(inner, h))
		y += h - 2*pad
	}
}

func (r *dashTileRenderer) Refresh() {
	t := r.t
	bg := theme.ColorForWidget(theme.ColorNameInputBackground, t)
	if t.hovered {
		bg = theme.ColorForWidget(theme.ColorNameHover, t)
	}
	r.bg.FillColor = bg
	r.bg.StrokeColor = theme.ColorForWidget(theme.ColorNameSeparator, t)
	r.bg.StrokeWidth = 1
	r.bg.CornerRadius = theme.SizeForWidget(theme.SizeNameInputRadius, t)
	r.value.Text = t.value
	r.value.TextSize = theme.SizeForWidget(theme.SizeNameText, t) * 1.7
	r.value.Color = theme.ColorForWidget(importanceColor(t.imp), t)
	r.caption.Text, r.note.Text = t.caption, t.note
	r.caption.Refresh()
	r.note.Refresh()
	r.bg.Refresh()
	r.value.Refresh()
	r.Layout(t.Size())
}

// dashBar is one bar of a chart: its label, value, the value as shown,
// and what tapping it does.
type dashBar struct {
	label string
	value float64
	text  string
	onTap func()
}

// dashBarChart is a horizontal bar chart: a label, a bar scaled to the
// largest value, and the value, one line per bar. Tapping a line opens its
// records.
type dashBarChart struct {
	widget.BaseWidget
	bars []dashBar
}

func newDashBarChart(bars []dashBar) *dashBarChart {
	c := &dashBarChart{bars: bars}
	c.ExtendBaseWidget(c)
	return c
}

// rowHeight is the height of one line of the chart.
func (c *dashBarChart) rowHeight() float32 {
	s := fyne.MeasureText("Ág", theme.SizeForWidget(theme.SizeNameText, c), fyne.TextStyle{})
	return s.Height + 2*theme.Padding()
}

// Tapped implements fyne.Tappable: the line under the pointer opens.
func (c *dashBarChart) Tapped(e *fyne.PointEvent) {
	i := int(e.Position.Y / c.rowHeight())
	if i >= 0 && i < len(c.bars) && c.bars[i].onTap != nil {
		c.bars[i].onTap()
	}
}

// Cursor implements desktop.Cursorable.
func (c *dashBarChart) Cursor() desktop.Cursor { return desktop.PointerCursor }

// CreateRenderer implements fyne.Widget.
func (c *dashBarChart) CreateRenderer() fyne.WidgetRenderer {
	r := &dashChartRenderer{c: c}
	for range c.bars {
		r.labels = append(r.labels, &canvas.Text{})
		r.tracks = append(r.tracks, &canvas.Rectangle{})
		r.fills = append(r.fills, &canvas.Rectangle{})
		r.values = append(r.values, &canvas.Text{TextStyle: fyne.TextStyle{Bold: true}})
	}
	r.Refresh()
	return r
}

type dashChartRenderer struct {
	c                     *dashBarChart
	labels, values        []*canvas.Text
	tracks, fills         []*canvas.Rectangle
	textSize              float32
	fg, bar, track, muted color.Color
}

func (r *dashChartRenderer) Objects() []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for i := range r.labels {
		out = append(out, r.tracks[i], r.fills[i], r.labels[i], r.values[i])
	}
	return out
}

func (r *dashChartRenderer) Destroy() {}

func (r *dashChartRenderer) MinSize() fyne.Size {
	return fyne.NewSize(280, float32(len(r.c.bars))*r.c.rowHeight())
}

func (r *dashChartRenderer) Layout(size fyne.Size) {
	bars := r.c.bars
	pad := theme.Padding()
	rowH := r.c.rowHeight()
	maxLabel, maxValue, top := float32(0), float32(0), 0.0
	for _, b := range bars {
		maxLabel = max(maxLabel, fyne.MeasureText(b.label, r.textSize, fyne.TextStyle{}).Width)
		maxValue = max(maxValue, fyne.MeasureText(b.text, r.textSize, fyne.TextStyle{Bold: true}).Width)
		top = max(top, b.value)
	}
	labelW := min(maxLabel, size.Width*0.42)
	barX := pad + labelW + 2*pad
	barMax := max(size.Width-barX-maxValue-2*pad, 10)
	for i, b := range bars {
		y := float32(i) * rowH
		l := r.labels[i]
		if t := fitText(b.label, r.textSize, fyne.TextStyle{}, labelW); t != l.Text {
			l.Text = t
			l.Refresh()
		}
		th := l.MinSize().Height
		l.Move(fyne.NewPos(pad, y+(rowH-th)/2))
		l.Resize(fyne.NewSize(labelW, th))
		r.tracks[i].Move(fyne.NewPos(barX, y+pad))
		r.tracks[i].Resize(fyne.NewSize(barMax, rowH-2*pad))
		w := float32(0)
		if top > 0 {
			w = float32(b.value/top) * barMax
		}
		if b.value > 0 {
			w = max(w, 2)
		}
		r.fills[i].Move(fyne.NewPos(barX, y+pad))
		r.fills[i].Resize(fyne.NewSize(w, rowH-2*pad))
		v := r.values[i]
		vw := v.MinSize().Width
		v.Move(fyne.NewPos(min(barX+w+pad, size.Width-vw), y+(rowH-th)/2))
		v.Resize(fyne.NewSize(vw, th))
	}
}

func (r *dashChartRenderer) Refresh() {
	c := r.c
	r.textSize = theme.SizeForWidget(theme.SizeNameText, c)
	r.fg = theme.ColorForWidget(theme.ColorNameForeground, c)
	r.bar = theme.ColorForWidget(theme.ColorNamePrimary, c)
	r.track = theme.ColorForWidget(theme.ColorNameInputBackground, c)
	for i, b := range c.bars {
		r.labels[i].TextSize, r.labels[i].Color, r.labels[i].Text = r.textSize, r.fg, b.label
		r.values[i].TextSize, r.values[i].Color, r.values[i].Text = r.textSize, r.fg, b.text
		r.tracks[i].FillColor, r.tracks[i].CornerRadius = r.track, 2
		r.fills[i].FillColor, r.fills[i].CornerRadius = r.bar, 2
	}
	r.Layout(c.Size())
	for _, o := range r.Objects() {
		o.Refresh()
	}
}

// dashColumns lays objects out in a row of columns of fixed widths; a
// width of 0 takes the space left.
type dashColumns struct {
	widths []float32
}

func (l *dashColumns) MinSize(objects []fyne.CanvasObject) fyne.Size {
	pad := theme.Padding()
	var w, h float32
	for i, o := range objects {
		if !o.Visible() {
			continue
		}
		if i < len(l.widths) && l.widths[i] > 0 {
			w += l.widths[i]
		} else {
			w += 120
		}
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w+pad*float32(max(len(objects)-1, 0)), h)
}

func (l *dashColumns) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	fixed, flex := float32(0), 0
	for i := range objects {
		if i < len(l.widths) && l.widths[i] > 0 {
			fixed += l.widths[i]
		} else {
			flex++
		}
	}
	rest := size.Width - fixed - pad*float32(max(len(objects)-1, 0))
	each := float32(0)
	if flex > 0 {
		each = max(rest/float32(flex), 0)
	}
	x := float32(0)
	for i, o := range objects {
		w := each
		if i < len(l.widths) && l.widths[i] > 0 {
			w = l.widths[i]
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + pad
	}
}

// dashTapRow is a line of a breakdown: a label and a count; tapping it
// opens the records counted.
type dashTapRow struct {
	widget.BaseWidget
	label, count string
	onTap        func()
	hovered      bool
}

func newDashTapRow(label, count string, onTap func()) *dashTapRow {
	r := &dashTapRow{label: label, count: count, onTap: onTap}
	r.ExtendBaseWidget(r)
	return r
}

// Tapped implements fyne.Tappable.
func (r *dashTapRow) Tapped(*fyne.PointEvent) {
	if r.onTap != nil {
		r.onTap()
	}
}

// Cursor implements desktop.Cursorable.
func (r *dashTapRow) Cursor() desktop.Cursor { return desktop.PointerCursor }

// MouseIn implements desktop.Hoverable.
func (r *dashTapRow) MouseIn(*desktop.MouseEvent) { r.hovered = true; r.Refresh() }

// MouseMoved implements desktop.Hoverable.
func (r *dashTapRow) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable.
func (r *dashTapRow) MouseOut() { r.hovered = false; r.Refresh() }

// CreateRenderer implements fyne.Widget.
func (r *dashTapRow) CreateRenderer() fyne.WidgetRenderer {
	x := &dashTapRowRenderer{r: r, bg: &canvas.Rectangle{}, line: &canvas.Rectangle{},
		label: &canvas.Text{}, count: &canvas.Text{TextStyle: fyne.TextStyle{Bold: true}}}
	x.Refresh()
	return x
}

// dashTapRowRenderer draws the line with canvas texts, the label shortened
// with "…" to the width left by the count.
type dashTapRowRenderer struct {
	r            *dashTapRow
	bg, line     *canvas.Rectangle
	label, count *canvas.Text
}

func (x *dashTapRowRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{x.bg, x.line, x.label, x.count}
}

func (x *dashTapRowRenderer) Destroy() {}

func (x *dashTapRowRenderer) MinSize() fyne.Size {
	pad := theme.Padding()
	h := fyne.MeasureText("Ág", x.label.TextSize, fyne.TextStyle{}).Height
	return fyne.NewSize(x.count.MinSize().Width+80+4*pad, h+2*pad)
}

func (x *dashTapRowRenderer) Layout(size fyne.Size) {
	pad := theme.Padding()
	x.bg.Resize(size)
	x.line.Move(fyne.NewPos(0, size.Height-1))
	x.line.Resize(fyne.NewSize(size.Width, 1))
	cs := x.count.MinSize()
	x.count.Move(fyne.NewPos(size.Width-cs.Width-pad, (size.Height-cs.Height)/2))
	x.count.Resize(cs)
	w := size.Width - cs.Width - 4*pad
	if t := fitText(x.r.label, x.label.TextSize, x.label.TextStyle, w); t != x.label.Text {
		x.label.Text = t
		x.label.Refresh()
	}
	ls := x.label.MinSize()
	x.label.Move(fyne.NewPos(pad, (size.Height-ls.Height)/2))
	x.label.Resize(fyne.NewSize(w, ls.Height))
}

func (x *dashTapRowRenderer) Refresh() {
	r := x.r
	x.bg.FillColor = color.Transparent
	if r.hovered {
		x.bg.FillColor = theme.ColorForWidget(theme.ColorNameHover, r)
	}
	x.line.FillColor = theme.ColorForWidget(theme.ColorNameSeparator, r)
	size := theme.SizeForWidget(theme.SizeNameText, r)
	x.label.TextSize, x.label.Color, x.label.Text = size, theme.ColorForWidget(theme.ColorNameForeground, r), r.label
	x.count.TextSize, x.count.Color, x.count.Text = size, theme.ColorForWidget(theme.ColorNamePrimary, r), r.count
	x.Layout(r.Size())
	for _, o := range x.Objects() {
		o.Refresh()
	}
}

// fitText shortens s with "…" until it is at most w wide.
func fitText(s string, size float32, style fyne.TextStyle, w float32) string {
	if fyne.MeasureText(s, size, style).Width <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 {
		rs = rs[:len(rs)-1]
		t := strings.TrimRight(string(rs), " ,;·") + "…"
		if fyne.MeasureText(t, size, style).Width <= w {
			return t
		}
	}
	return "…"
}
