package main

import (
	"io"
	"log/slog"
	"testing"
)

// quiet hides the client's and the server's logs unless -v.
func quiet(tb testing.TB) {
	if testing.Verbose() {
		return
	}
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	tb.Cleanup(func() { slog.SetDefault(old) })
}
