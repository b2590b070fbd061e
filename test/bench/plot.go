package main

import (
	"fmt"
	"path/filepath"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// plots draws convergence time vs N (cold start, bulk apply and the floor)
// and check time vs N (each tool) into dir, as SVG; a part that was not run
// draws nothing. It returns the files it wrote.
func (r results) plots(dir string) ([]string, error) {
	var files []string
	if len(r.Cluster) > 0 {
		var floor, cold, bulk plotter.XYs
		for _, n := range sortedKeys(r.Cluster) {
			c := r.Cluster[n]
			x := float64(c.Objects)
			floor = append(floor, plotter.XY{X: x, Y: c.Floor.Seconds()})
			cold = append(cold, plotter.XY{X: x, Y: c.Cold.Seconds()})
			bulk = append(bulk, plotter.XY{X: x, Y: (c.BulkCreate + c.BulkLag).Seconds()})
		}
		f := filepath.Join(dir, "perf-convergence.svg")
		err := draw(f, "In-cluster convergence", "seconds",
			"orgplane cold start", cold, "orgplane bulk apply (creates + lag)", bulk, "floor: one status patch per object, 8 workers", floor)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	if len(r.Check) > 0 {
		byTool := map[string]plotter.XYs{}
		var tools []string
		for _, t := range r.Check {
			if !slices.Contains(tools, t.Tool) {
				tools = append(tools, t.Tool)
			}
			byTool[t.Tool] = append(byTool[t.Tool], plotter.XY{X: float64(t.Objects), Y: t.Seconds})
		}
		var lines []any
		for _, t := range tools {
			lines = append(lines, t, byTool[t])
		}
		f := filepath.Join(dir, "perf-check.svg")
		if err := draw(f, "Offline check of one org", "seconds (whole process)", lines...); err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// draw saves a line plot of seconds against objects; lines are pairs of a
// name and its points.
func draw(file, title, ylabel string, lines ...any) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "objects"
	p.Y.Label.Text = ylabel
	p.X.Min, p.Y.Min = 0, 0
	p.Legend.Top, p.Legend.Left = true, true
	p.Add(plotter.NewGrid())
	if err := plotutil.AddLinePoints(p, lines...); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return p.Save(7*vg.Inch, 4.5*vg.Inch, file)
}
