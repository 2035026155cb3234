package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
)

// runProvince builds a synthetic province store once (province_gen.go)
// and measures on it the calls the province laptop's window makes.
//
//	go run ./cmd/bvntd-bench province --work DIR [--communes 102] [--years 5] [--scale 1.0] [--runs 20]
func runProvince(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bvntd-bench province", flag.ContinueOnError)
	fs.SetOutput(stderr)
	work := fs.String("work", "", "folder the store is built in and kept (reused by later runs)")
	communes := fs.Int("communes", 102, "communes of the province")
	years := fs.Int("years", 5, "years of work")
	scale := fs.Float64("scale", 1.0, "size: 1.0 is about 300,000 cases; 0.1 for quick runs")
	first := fs.Int("first-year", 2026, "the first year")
	if err := fs.Parse(args); err != nil || *work == "" || *communes < 1 || *years < 1 || *scale <= 0 {
		fmt.Fprintln(stderr, "usage: bvntd-bench province --work DIR [--communes 102] [--years 5] [--scale 1.0] [--runs 20]")
		return 2
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()
	spec := provinceSpec{Communes: *communes, Years: *years, Scale: *scale, FirstYear: *first}
	dir, err := ensureProvince(ctx, *work, spec, stderr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "store: %s\n", dir)
	return 0
}
