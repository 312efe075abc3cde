package main

import (
	"bytes"
	"fmt"
	"time"

	"github.com/balexec/balexec/bench"
)

// SVG geometry.
const (
	svgPanelW = 520
	svgPanelH = 300
	svgMargin = 50
)

// benchSVG draws, for each report, two panels: each block's sequential time
// beside its parallel time with the most workers, and the modelled speedup
// over the sequential path for 1..modelWorkers workers on as many cores,
// with the bound the longest step sets and the measured points.
func benchSVG(reports []*bench.Report) []byte {
	var b bytes.Buffer
	h := len(reports) * (svgPanelH + svgMargin)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`+"\n",
		2*svgPanelW+3*svgMargin, h+svgMargin)
	for i, rep := range reports {
		y := svgMargin + i*(svgPanelH+svgMargin)
		blockPanel(&b, rep, svgMargin, y)
		curvePanel(&b, rep, 2*svgMargin+svgPanelW, y)
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

func blockPanel(b *bytes.Buffer, rep *bench.Report, x0, y0 int) {
	k := len(rep.Workers) - 1
	var top time.Duration
	for i := range rep.Blocks {
		top = max(top, rep.Blocks[i].Seq, rep.Blocks[i].Par[k])
	}
	fmt.Fprintf(b, `<text x="%d" y="%d">%s: ms per block, sequential (grey) and %d workers (blue)</text>`+"\n", x0, y0-8, rep.Input, rep.Workers[k])
	axes(b, x0, y0)
	n := len(rep.Blocks)
	if n == 0 || top == 0 {
		return
	}
	slot := float64(svgPanelW) / float64(n)
	bar := slot * 0.4
	scale := float64(svgPanelH) / float64(top)
	for i := range rep.Blocks {
		bl := &rep.Blocks[i]
		x := float64(x0) + slot*float64(i) + slot*0.1
		hs, hp := float64(bl.Seq)*scale, float64(bl.Par[k])*scale
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#999"/>`+"\n", x, float64(y0+svgPanelH)-hs, bar, hs)
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#36c"/>`+"\n", x+bar, float64(y0+svgPanelH)-hp, bar, hp)
	}
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end">%.1f</text>`+"\n", x0-4, y0+10, ms(top))
}

func curvePanel(b *bytes.Buffer, rep *bench.Report, x0, y0 int) {
	var seq time.Duration
	for i := range rep.Blocks {
		seq += rep.Blocks[i].Seq
	}
	curve := make([]float64, modelWorkers)
	bound := 0.0
	for i := range rep.Blocks {
		p := &rep.Blocks[i].Profile
		if p.Steps == nil {
			return
		}
		for k, d := range p.Curve(modelWorkers) {
			curve[k] += float64(d)
		}
		bound += float64(p.Bound())
	}
	top := float64(seq) / bound
	fmt.Fprintf(b, `<text x="%d" y="%d">modelled speedup over sequential, k workers on k cores (bound %.1fx dashed, measured dots)</text>`+"\n", x0, y0-8, top)
	axes(b, x0, y0)
	px := func(k int) float64 { return float64(x0) + float64(svgPanelW)*float64(k-1)/float64(modelWorkers-1) }
	py := func(s float64) float64 { return float64(y0+svgPanelH) - float64(svgPanelH)*s/(top*1.05) }
	b.WriteString(`<polyline fill="none" stroke="#36c" stroke-width="2" points="`)
	for k := 1; k <= modelWorkers; k++ {
		fmt.Fprintf(b, "%.1f,%.1f ", px(k), py(float64(seq)/curve[k-1]))
	}
	b.WriteString("\"/>\n")
	fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#c33" stroke-dasharray="4 3"/>`+"\n", x0, py(top), x0+svgPanelW, py(top))
	for k, w := range rep.Workers {
		var meas time.Duration
		for i := range rep.Blocks {
			meas += rep.Blocks[i].Par[k]
		}
		if w <= modelWorkers {
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="4" fill="#c33"/>`+"\n", px(w), py(float64(seq)/float64(meas)))
		}
	}
	for _, k := range []int{1, 16, 32, 48, 64} {
		fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle">%d</text>`+"\n", px(k), y0+svgPanelH+14, k)
	}
	fmt.Fprintf(b, `<text x="%d" y="%.1f" text-anchor="end">%.1fx</text>`+"\n", x0-4, py(top)+4, top)
}

func axes(b *bytes.Buffer, x0, y0 int) {
	fmt.Fprintf(b, `<path d="M%d %d V%d H%d" fill="none" stroke="#000"/>`+"\n", x0, y0, y0+svgPanelH, x0+svgPanelW)
}
