package main

import (
	"context"
	"testing"
	"time"

	"bvntd/app"
	"bvntd/app/clocktest"
	"bvntd/cmd/cli"
	"bvntd/storage"
	"bvntd/sync/syncserver"
)

// The laptops' side of the files over a real server, wired as the
// programs wire it (cli.WithFiles, cli.FileFetcher): laptop B keeps the
// files it opens within its limit, the least recently opened going first;
// a file removed on A leaves A's store after the sync that pushes the
// removal, and B's after the sync that brings it.
func TestFiles_LaptopCacheAndRemovedFiles(t *testing.T) {
	clock := clocktest.AtToday(t)
	srv := newFieldServer(t, clock, syncserver.Options{})
	ctx := context.Background()
	a := newLaptop(t, srv, "28261", 0)
	b := newLaptop(t, srv, "28261", 0)
	x := a.newCase("Nguyễn Thị Hóa Đơn")
	h1 := attach(t, a, x.ID, "28261", fileBytes(t, 400<<10))
	h2 := attach(t, a, x.ID, "28261", append(fileBytes(t, 300<<10), "biên lai"...))
	for _, l := range []*laptop{a, b} {
		if err := cli.WithFiles(l.client, l.db); err != nil {
			t.Fatal(err)
		}
	}
	a.client.FileBytes = -1
	a.mustSync()
	aBlobs, _ := a.db.Blobs()
	bBlobs, _ := b.db.Blobs()
	if !aBlobs.OnServer(h1) || !aBlobs.OnServer(h2) {
		t.Fatal("A's files did not reach the server")
	}

	// B opens both, with room for one of them.
	b.mustSync()
	if _, err := b.db.SetFileCacheLimit(ctx, 500<<10); err != nil {
		t.Fatal(err)
	}
	fetch := cli.FileFetcher{Client: b.client, DB: b.db}
	if err := fetch.FetchAttachment(ctx, h1); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	if err := fetch.FetchAttachment(ctx, h2); err != nil {
		t.Fatal(err)
	}
	if bBlobs.Has(h1) || !bBlobs.Has(h2) {
		t.Fatalf("B holds the first %v, the second %v; want only the one opened last", bBlobs.Has(h1), bBlobs.Has(h2))
	}
	if bad, err := b.db.CheckFiles(ctx); err != nil || len(bad) != 0 {
		t.Fatalf("B's check at start reports %d files: %v", len(bad), err)
	}

	// A removes the second file: its content stays until the sync.
	list, err := storage.ListRecords[app.Attachment](ctx, a.db, storage.RecordQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range list {
		if f.SHA256 == h2 {
			if err := a.db.RemoveAttachment(ctx, f.ID, "Ảnh trùng"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !aBlobs.Has(h2) {
		t.Fatal("A dropped the file before its removal reached the server")
	}
	a.mustSync()
	if aBlobs.Has(h2) || !aBlobs.Has(h1) {
		t.Fatalf("after A's sync: the removed file held %v, the other %v", aBlobs.Has(h2), aBlobs.Has(h1))
	}
	b.mustSync()
	if bBlobs.Has(h2) {
		t.Fatal("B keeps the content of a file removed on A")
	}
}
