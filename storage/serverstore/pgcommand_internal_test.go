package serverstore

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// TestPGCommand_PasswordNeverOnTheCommandLine: pg_dump and pg_restore get
// the database's URL without its password, and the password in their
// environment only (issue 16): a command line is visible to every user of
// the machine.
func TestPGCommand_PasswordNeverOnTheCommandLine(t *testing.T) {
	const secret = "s?cr@t:Mật/khẩu"
	for _, tc := range []struct {
		name, url, conn string
	}{
		{"in the user part", "postgres://bvntd:" + url.QueryEscape(secret) + "@db.example:5433/bvntd?sslmode=require&pool_max_conns=8",
			"postgres://bvntd@db.example:5433/bvntd?sslmode=require"},
		{"as a parameter", "postgres://bvntd@db.example/bvntd?password=" + url.QueryEscape(secret) + "&options=-csearch_path%3Dt_1",
			"postgres://bvntd@db.example/bvntd?options=-csearch_path%3Dt_1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PGPASSWORD", "an-old-one")
			cmd := pgCommand(context.Background(), "/usr/bin/pg_dump", tc.url, "--format=custom", "--file=/tmp/x.dump")
			argv := strings.Join(cmd.Args, "\x00")
			for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret), "s%3Fcr"} {
				if strings.Contains(argv, form) {
					t.Fatalf("the password is on the command line: %q", cmd.Args)
				}
			}
			if cmd.Args[1] != "--dbname="+tc.conn || cmd.Args[len(cmd.Args)-1] != "--file=/tmp/x.dump" {
				t.Fatalf("argv %q, want --dbname=%s first", cmd.Args, tc.conn)
			}
			var got []string
			for _, kv := range cmd.Env {
				if strings.HasPrefix(kv, "PGPASSWORD=") {
					got = append(got, kv)
				}
			}
			if len(got) != 1 || got[0] != "PGPASSWORD="+secret {
				t.Fatalf("PGPASSWORD in the environment: %q", got)
			}
		})
	}
	t.Run("no password", func(t *testing.T) {
		cmd := pgCommand(context.Background(), "/usr/bin/pg_restore", "postgres://bvntd@/bvntd?host=/run/postgresql", "--no-owner", "in.dump")
		if cmd.Env != nil { // the process's own environment, ~/.pgpass
			t.Fatalf("environment changed: %q", cmd.Env)
		}
		if want := []string{"/usr/bin/pg_restore", "--dbname=postgres://bvntd@/bvntd?host=%2Frun%2Fpostgresql", "--no-owner", "in.dump"}; strings.Join(cmd.Args, " ") != strings.Join(want, " ") {
			t.Fatalf("argv %q, want %q", cmd.Args, want)
		}
	})
}
