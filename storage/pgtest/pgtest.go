// Package pgtest gives tests a real, throwaway PostgreSQL: a cluster made
// with initdb in a temporary folder and started with pg_ctl on a free
// loopback port (fsync off, nothing shared with the machine's own
// clusters), or the server named by BVNTD_TEST_PG. Each test gets a new,
// empty database of its own.
//
// The server tests run on SQLite by default and on PostgreSQL when
// BVNTD_TEST_ENGINE=postgres (.ci/test runs them both ways). Where
// PostgreSQL is needed and cannot be had, a test is skipped on a developer's
// machine and fails under CI (CI set): CI must prove both engines.
//
// A package that uses it runs its tests through Main, which stops the
// cluster it started when the tests end.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"bvntd/storage/serverstore"
)

// Environment variables.
const (
	// EnvEngine selects the server tests' engine: "postgres", or SQLite.
	EnvEngine = "BVNTD_TEST_ENGINE"
	// EnvURL names an existing server to use instead of a throwaway
	// cluster: a URL of a role that may create databases, e.g.
	// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
	EnvURL = "BVNTD_TEST_PG"
)

// Postgres reports whether the server tests run on PostgreSQL.
func Postgres() bool { return os.Getenv(EnvEngine) == "postgres" }

var (
	once     sync.Once
	admin    string // URL of the maintenance database
	startErr error
	cluster  *throwaway
)

// Main runs the tests of a package and then stops the cluster they
// started, if any: func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	if cluster != nil {
		cluster.stop()
	}
	return code
}

// NewDatabase returns the URL of a new, empty database, dropped when the
// test ends. The first call starts the throwaway cluster (about 1 s).
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	ensureServer(tb)
	name := "t_" + randomHex(8)
	if err := createDatabase(name); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		if err := DropDatabase(admin, name); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	return WithDatabase(admin, name)
}

// ensureServer starts the throwaway cluster once, or skips or fails the
// test when there can be none.
func ensureServer(tb testing.TB) {
	tb.Helper()
	once.Do(func() { admin, startErr = start() })
	if startErr != nil {
		if os.Getenv("CI") != "" || Postgres() {
			tb.Fatalf("PostgreSQL is needed and could not be started: %v", startErr)
		}
		tb.Skipf("no PostgreSQL here (%v); CI runs this test", startErr)
	}
}

func createDatabase(name string) error {
	_, err := CreateDatabase(admin, name)
	return err
}

// exec1 runs one statement on a connection of its own.
func exec1(url, sql string) error {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, sql)
	return err
}

// NewSchema returns the URL of a new, empty schema (search_path) in a
// database the tests of this process share, dropped when the test ends:
// a few milliseconds where a database takes a few hundred. Use NewDatabase
// where a whole database matters (pg_dump, pg_restore).
func NewSchema(tb testing.TB) string {
	tb.Helper()
	ensureServer(tb)
	sharedOnce.Do(func() { shared, sharedErr = newSharedDB() })
	if sharedErr != nil {
		tb.Fatalf("shared test database: %v", sharedErr)
	}
	ctx := context.Background()
	name := "t_" + randomHex(8)
	if _, err := shared.Exec(ctx, "CREATE SCHEMA "+name); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := shared.Exec(ctx, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", name, err)
		}
	})
	sep := "?"
	if strings.Contains(sharedURL, "?") {
		sep = "&"
	}
	return sharedURL + sep + "options=" + url.QueryEscape("-csearch_path="+name)
}

var (
	sharedOnce sync.Once
	shared     *pgxpool.Pool
	sharedURL  string
	sharedErr  error
)

func newSharedDB() (*pgxpool.Pool, error) {
	name := "t_shared_" + randomHex(4) // dropped with the cluster
	if err := createDatabase(name); err != nil {
		return nil, err
	}
	sharedURL = WithDatabase(admin, name)
	return pgxpool.New(context.Background(), sharedURL)
}

// ServerDB returns where a server test's store lives: sqlitePath, or a new
// PostgreSQL schema when the tests run on PostgreSQL.
func ServerDB(tb testing.TB, sqlitePath string) string {
	tb.Helper()
	if Postgres() {
		return NewSchema(tb)
	}
	return sqlitePath
}

// WithDatabase returns url with its database name replaced.
func WithDatabase(url, name string) string {
	rest := ""
	if i := strings.IndexByte(url, '?'); i >= 0 {
		url, rest = url[:i], url[i:]
	}
	// postgres://user@host:port/db
	scheme := strings.Index(url, "://")
	if j := strings.LastIndexByte(url, '/'); j > scheme+2 {
		url = url[:j]
	}
	return url + "/" + name + rest
}

func start() (string, error) {
	if u := os.Getenv(EnvURL); u != "" {
		return u, nil
	}
	c, err := StartCluster()
	if err != nil {
		return "", err
	}
	cluster = c.c
	return c.URL, nil
}

// Cluster is a throwaway PostgreSQL started by StartCluster.
type Cluster struct {
	// URL is the maintenance database's URL (user postgres, no password,
	// loopback only).
	URL string
	c   *throwaway
}

// PID is the postmaster's process id (0 if unknown).
func (c *Cluster) PID() int {
	b, err := os.ReadFile(filepath.Join(c.c.dir, "data", "postmaster.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	return pid
}

// Stop stops the cluster and removes its files.
func (c *Cluster) Stop() { c.c.stop() }

// StartCluster starts a throwaway cluster outside tests (the load
// benchmark): initdb into a temporary folder, pg_ctl on a free loopback
// port, fsync off.
func StartCluster() (*Cluster, error) {
	c, err := startCluster()
	if err != nil {
		return nil, err
	}
	return &Cluster{URL: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.port), c: c}, nil
}

// CreateDatabase makes a new database name on the server of adminURL and
// returns its URL.
func CreateDatabase(adminURL, name string) (string, error) {
	if err := exec1(adminURL, "CREATE DATABASE "+name+" TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
		return "", err
	}
	return WithDatabase(adminURL, name), nil
}

// DropDatabase drops a database made by CreateDatabase.
func DropDatabase(adminURL, name string) error {
	return exec1(adminURL, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
}

// throwaway is a cluster this process made and must stop.
type throwaway struct {
	dir    string
	port   int
	pgCtl  string
	asUser []string // runuser prefix when running as root
}

func startCluster() (*throwaway, error) {
	initdb, err := serverstore.PostgresProgram("initdb")
	if err != nil {
		return nil, fmt.Errorf("initdb not found (install the postgresql package): %w", err)
	}
	pgCtl, err := serverstore.PostgresProgram("pg_ctl")
	if err != nil {
		return nil, fmt.Errorf("pg_ctl not found: %w", err)
	}
	dir, err := os.MkdirTemp("", "bvntd-pg-")
	if err != nil {
		return nil, err
	}
	c := &throwaway{dir: dir, pgCtl: pgCtl}
	if os.Geteuid() == 0 {
		// initdb refuses to run as root: the cluster belongs to postgres.
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root needs the postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		c.asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	if out, err := c.run(initdb, "-D", filepath.Join(dir, "data"), "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	for attempt := 0; ; attempt++ {
		c.port, err = freePort()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "+
			"-c full_page_writes=off -c max_connections=400 -c shared_buffers=64MB", c.port, dir)
		out, err := c.run(pgCtl, "-D", filepath.Join(dir, "data"), "-l", filepath.Join(dir, "log"), "-w", "-t", "30", "-o", opts, "start")
		if err == nil {
			return c, nil
		}
		if attempt == 2 {
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			os.RemoveAll(dir)
			return nil, fmt.Errorf("pg_ctl start: %v: %s %s", err, out, log)
		}
	}
}

func (c *throwaway) run(prog string, args ...string) ([]byte, error) {
	argv := append(append([]string{}, c.asUser...), prog)
	argv = append(argv, args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	return cmd.CombinedOutput()
}

func (c *throwaway) stop() {
	c.run(c.pgCtl, "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop")
	os.RemoveAll(c.dir)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
