package serverstore_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"bvntd/app/clocktest"
	"bvntd/storage/pgtest"
	"bvntd/storage/serverstore"
	"bvntd/sync/syncproto"
)

// TestPostgresBackupRestore_PasswordThroughTheEnvironment: `bvntd-server
// backup` and `restore` on a PostgreSQL role that must give its password
// (scram-sha-256 in pg_hba.conf for it) work, with the password on no
// command line (TestPGCommand_PasswordNeverOnTheCommandLine): pg_dump and
// pg_restore get it from their environment, even over a wrong PGPASSWORD
// of the operator's.
func TestPostgresBackupRestore_PasswordThroughTheEnvironment(t *testing.T) {
	if !pgtest.Postgres() {
		t.Skip("the PostgreSQL pass (BVNTD_TEST_ENGINE=postgres) runs it")
	}
	ctx := context.Background()
	rng := clocktest.Rand(t)
	role, password := fmt.Sprintf("bvntd_pw_%08x", rng.Uint32()), fmt.Sprintf("Mk-%016x", rng.Uint64())
	var admin string   // a superuser's URL, set below
	t.Cleanup(func() { // after the databases are dropped (cleanups run last first)
		if admin != "" {
			exec(t, admin, "DROP ROLE IF EXISTS "+role)
		}
	})
	src, dst := pgtest.NewDatabase(t), pgtest.NewDatabase(t)
	admin = pgtest.WithDatabase(src, "postgres")
	exec(t, admin, fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s'", role, password))
	for _, db := range []string{src, dst} {
		exec(t, admin, fmt.Sprintf("ALTER DATABASE %s OWNER TO %s", dbName(t, db), role))
	}
	requirePassword(t, admin, role)
	as := func(db, pw string) string {
		u, err := url.Parse(db)
		if err != nil {
			t.Fatal(err)
		}
		u.User = url.UserPassword(role, pw)
		return u.String()
	}
	if c, err := pgx.Connect(ctx, as(src, "wrong")); err == nil {
		c.Close(ctx)
		t.Fatal("the role connects with a wrong password: the test proves nothing")
	}
	t.Setenv("PGPASSWORD", "not-the-password")

	clock := clocktest.AtToday(t)
	s, err := serverstore.Open(ctx, as(src, password), serverstore.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	code, _, err := s.CreateEnrolCode(ctx, "28261", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "server.dump")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatalf("backup: %v", err)
	}
	s.Close()
	if err := serverstore.Restore(ctx, as(dst, password), backup, clock.Now); err != nil {
		t.Fatalf("restore: %v", err)
	}
	r, err := serverstore.Open(ctx, as(dst, password), serverstore.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.EnrollDevice(ctx, "", syncproto.EnrollRequest{Code: code, DeviceTag: "A7K3", AdoptsDeviceID: true}); err != nil {
		t.Fatalf("the code made before the backup, on the restored database: %v", err)
	}
}

func exec(t *testing.T, db, sql string) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func dbName(t *testing.T, db string) string {
	t.Helper()
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}

// requirePassword makes role give its password over TCP (a line first in
// pg_hba.conf, removed at the end) and waits until the server applies it.
func requirePassword(t *testing.T, admin, role string) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var hba string
	if err := c.QueryRow(ctx, "SHOW hba_file").Scan(&hba); err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(hba)
	if err != nil {
		t.Skipf("pg_hba.conf of this server cannot be read here (%v): the password cannot be required", err)
	}
	lines := fmt.Sprintf("host all %s 127.0.0.1/32 scram-sha-256\nhost all %s ::1/128 scram-sha-256\n", role, role)
	if err := os.WriteFile(hba, append([]byte(lines), orig...), 0o600); err != nil {
		t.Skipf("pg_hba.conf of this server cannot be written here (%v)", err)
	}
	reload := func() {
		if _, err := c.Exec(ctx, "SELECT pg_reload_conf()"); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if err := os.WriteFile(hba, orig, 0o600); err != nil {
			t.Error(err)
		}
		c, err := pgx.Connect(ctx, admin)
		if err == nil {
			c.Exec(ctx, "SELECT pg_reload_conf()")
			c.Close(ctx)
		}
	})
	reload()
	// The postmaster rereads the file on the signal: wait until a
	// connection without the password is refused.
	u, _ := url.Parse(admin)
	u.User = url.User(role)
	for i := 0; ; i++ {
		pc, err := pgx.Connect(ctx, u.String())
		if err != nil {
			return
		}
		pc.Close(ctx)
		if i == 200 {
			t.Fatal("pg_hba.conf change not applied")
		}
		time.Sleep(25 * time.Millisecond)
	}
}
