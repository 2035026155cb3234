package serverstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"bvntd/app"
	"bvntd/storage/sqlitefile"
)

// Pool limits on PostgreSQL, unless the URL sets them (pool_max_conns,
// pool_min_conns, pool_max_conn_lifetime, pool_max_conn_idle_time, …).
// A push holds one connection for its batch; a pull one for its page.
// max(8, 4×CPUs) keeps a small server busy without crowding PostgreSQL's
// max_connections (100 by default) when a few server processes share it.
const (
	pgMinConns        = 1
	pgMaxConnLifetime = time.Hour
	pgMaxConnIdle     = 10 * time.Minute
	pgConnectTimeout  = 10 * time.Second
)

func pgMaxConns() int32 { return int32(max(8, 4*runtime.NumCPU())) }

// migrateLockKey is the advisory lock that keeps two servers starting at
// once from migrating the same database together.
const migrateLockKey = 0x42564e53 // "BVNS", as the SQLite application_id

// openPostgres opens the pool, migrates and reads the epoch.
func (s *Store) openPostgres(ctx context.Context, dbURL string) error {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return app.WrapError(app.EINVALID, "Địa chỉ cơ sở dữ liệu PostgreSQL không hợp lệ (bad postgres URL).", err)
	}
	set := func(name string) bool { return strings.Contains(dbURL, name+"=") }
	if !set("pool_max_conns") {
		cfg.MaxConns = pgMaxConns()
	}
	if !set("pool_min_conns") {
		cfg.MinConns = pgMinConns
	}
	if !set("pool_max_conn_lifetime") {
		cfg.MaxConnLifetime = pgMaxConnLifetime
	}
	if !set("pool_max_conn_idle_time") {
		cfg.MaxConnIdleTime = pgMaxConnIdle
	}
	if !set("connect_timeout") {
		cfg.ConnConfig.ConnectTimeout = pgConnectTimeout
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "bvntd-server"
	}
	// A transaction left open by a stuck client never holds a scope's lock
	// for long.
	if _, ok := cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"]; !ok {
		cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = "60000"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return app.WrapError(app.EINVALID, "Không kết nối được PostgreSQL (cannot connect).", err)
	}
	db := stdlib.OpenDBFromPool(pool)
	db.SetMaxOpenConns(int(cfg.MaxConns))
	db.SetMaxIdleConns(int(cfg.MaxConns))
	h := &handle{DB: db, d: postgresDialect}
	h.commit = s.commit
	s.w, s.r, s.d, s.pool, s.url = h, h, postgresDialect, pool, dbURL
	if err := s.migratePostgres(ctx); err != nil {
		s.Close()
		return err
	}
	if err := s.fillProvinceHeld(ctx); err != nil {
		s.Close()
		return err
	}
	return nil
}

// migratePostgres applies the missing migrations and makes the epoch if
// the database has none (new, or restored from a backup), in one
// transaction under an advisory lock.
func (s *Store) migratePostgres(ctx context.Context) error {
	ms, err := migrations(postgresMigrations)
	if err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return app.WrapError(app.EINVALID, "Không kết nối được PostgreSQL (cannot connect).", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", migrateLockKey); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	var meta sql.NullString
	if err := tx.QueryRowContext(ctx, "SELECT to_regclass('meta')::text").Scan(&meta); err != nil {
		return fmt.Errorf("read schema: %w", err)
	}
	version := 0
	if meta.Valid {
		var appName, v string
		err := tx.QueryRowContext(ctx, "SELECT (SELECT value FROM meta WHERE key = 'app'), (SELECT value FROM meta WHERE key = 'schema_version')").
			Scan(&appName, &v)
		if err != nil || appName != "bvntd-server" {
			return app.Errorf(app.EINVALID, "Cơ sở dữ liệu này không phải của máy chủ BVNTD.")
		}
		if version, err = strconv.Atoi(v); err != nil {
			return app.Errorf(app.EINVALID, "Cơ sở dữ liệu này không phải của máy chủ BVNTD.")
		}
	} else {
		var tables int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").Scan(&tables); err != nil {
			return fmt.Errorf("read schema: %w", err)
		}
		if tables > 0 {
			return app.Errorf(app.EINVALID, "Cơ sở dữ liệu PostgreSQL này đã có bảng khác; máy chủ BVNTD cần một cơ sở dữ liệu riêng, trống.")
		}
	}
	if version > len(ms) {
		return &app.Error{Code: app.ENEWERDATA,
			Message: "Cơ sở dữ liệu được tạo bởi phiên bản máy chủ mới hơn. Vui lòng cập nhật bvntd-server.",
			Err:     fmt.Errorf("schema version %d, this build knows %d", version, len(ms))}
	}
	for _, m := range ms[version:] {
		if _, err := tx.ExecContext(ctx, m.script); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	if version < len(ms) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('schema_version', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.Itoa(len(ms))); err != nil {
			return fmt.Errorf("save schema version: %w", err)
		}
	}
	err = tx.QueryRowContext(ctx, "SELECT epoch FROM server_epoch").Scan(&s.epoch)
	if errors.Is(err, sql.ErrNoRows) {
		s.epoch = newEpoch()
		_, err = tx.ExecContext(ctx, "INSERT INTO server_epoch (epoch) VALUES (?)", s.epoch)
	}
	if err != nil {
		return fmt.Errorf("epoch: %w", err)
	}
	return tx.Commit()
}

// newEpoch is a random id, in the form SQLite's migration makes.
func newEpoch() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b[:])
}

// retryable reports whether a push that failed with err may simply be run
// again: PostgreSQL aborted it for a deadlock or a serialization failure,
// or another push created the same record or mutation id at the same time
// (the retry then sees it).
func retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "40001", "40P01", "23505":
		return true
	}
	return false
}

// backupPostgres writes a consistent copy of the server's schema (public,
// unless the URL's search_path says otherwise) with pg_dump (custom format,
// one snapshot) to path. The epoch's row is left out: when
// the copy is restored (pg_restore into an empty database), the server
// makes a new epoch on its first start, and every device downloads its
// scope again and sends again what it had sent since the backup.
func (s *Store) backupPostgres(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return app.Errorf(app.EINVALID, "Tệp %s đã tồn tại; chọn tên khác.", path)
	}
	var schema string
	if err := s.r.QueryRowContext(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return app.WrapError(app.EINTERNAL, "Không sao lưu được dữ liệu máy chủ.", err)
	}
	pgDump, err := PostgresProgram("pg_dump")
	if err != nil {
		return app.WrapError(app.EINVALID, "Không tìm thấy pg_dump: cài gói postgresql-client để sao lưu PostgreSQL.", err)
	}
	cmd := pgCommand(ctx, pgDump, s.url, "--format=custom", "--no-owner", "--schema="+schema,
		"--exclude-table-data="+schema+".server_epoch", "--file="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(path)
		return app.WrapError(app.EINTERNAL, "Không sao lưu được dữ liệu máy chủ (pg_dump): "+strings.TrimSpace(string(out)), err)
	}
	return nil
}

// PostgresProgram finds a PostgreSQL client program (pg_dump, pg_restore):
// the newest /usr/lib/postgresql/*/bin first (Debian's packages), then PATH.
func PostgresProgram(name string) (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		a, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		b, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return a > b
	})
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return exec.LookPath(name)
}

// pgCommand is the command running a PostgreSQL client program (pg_dump,
// pg_restore) with args on the database of the URL dbURL. The URL goes on
// the command line without its password, which goes in the program's
// environment (PGPASSWORD) only: a command line is readable by every user
// of the machine (ps, /proc), a process's environment by its owner only.
// A URL without a password leaves the environment as it is (~/.pgpass,
// PGPASSWORD of the operator).
func pgCommand(ctx context.Context, program, dbURL string, args ...string) *exec.Cmd {
	conn, password := libpqURL(dbURL)
	cmd := exec.CommandContext(ctx, program, append([]string{"--dbname=" + conn}, args...)...)
	if password != "" {
		env := os.Environ()
		kept := env[:0]
		for _, kv := range env {
			if !strings.HasPrefix(kv, "PGPASSWORD=") {
				kept = append(kept, kv)
			}
		}
		cmd.Env = append(kept, "PGPASSWORD="+password)
	}
	return cmd
}

// libpqURL returns the URL for libpq's programs: without the pgxpool
// settings (pool_*), which they do not know, and without the password
// (in the user part or a password= parameter), returned apart. A string
// that is not a URL is returned as it is.
func libpqURL(raw string) (conn, password string) {
	u, err := url.Parse(raw)
	if err != nil {
		return raw, ""
	}
	q := u.Query()
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	if p := q.Get("password"); p != "" {
		password = p
	}
	q.Del("password")
	if u.User != nil {
		if p, ok := u.User.Password(); ok {
			password = p
		}
		u.User = url.User(u.User.Username())
	}
	u.RawQuery = q.Encode()
	return u.String(), password
}

// Restore puts a backup made by Backup in place as the database db, which
// must not hold a server database yet: a SQLite path where no file is, or
// an empty PostgreSQL database (pg_restore, in one transaction). The
// restored database gets a new epoch (SQLite: made by Backup; PostgreSQL:
// on first open), so the devices download their scope again and send
// again what the backup lacks. now is the program's clock.
func Restore(ctx context.Context, db, from string, now func() time.Time) error {
	if _, err := os.Stat(from); err != nil {
		return app.WrapError(app.ENOTFOUND, fmt.Sprintf("Không tìm thấy tệp sao lưu %s.", from), err)
	}
	if !IsPostgres(db) {
		if _, err := os.Stat(db); err == nil {
			return app.Errorf(app.EINVALID, "Đã có cơ sở dữ liệu %s; hãy chuyển nó sang chỗ khác trước khi khôi phục (restore refuses to overwrite).", db)
		}
		if err := os.MkdirAll(filepath.Dir(db), 0o750); err != nil {
			return app.WrapError(app.EINVALID, "Không tạo được thư mục cho cơ sở dữ liệu "+db+".", err)
		}
		if err := sqlitefile.Copy(from, db); err != nil {
			return app.WrapError(app.EINVALID, "Không chép được tệp sao lưu vào chỗ cơ sở dữ liệu.", err)
		}
	} else {
		schemas, err := requireEmpty(ctx, db)
		if err != nil {
			return err
		}
		pgRestore, err := PostgresProgram("pg_restore")
		if err != nil {
			return app.WrapError(app.EINVALID, "Không tìm thấy pg_restore: cài gói postgresql-client để khôi phục PostgreSQL.", err)
		}
		list, err := restoreList(ctx, pgRestore, from, schemas)
		if err != nil {
			return err
		}
		defer os.Remove(list)
		cmd := pgCommand(ctx, pgRestore, db, "--no-owner", "--single-transaction", "--exit-on-error", "--use-list="+list, from)
		if out, err := cmd.CombinedOutput(); err != nil {
			return app.WrapError(app.EINVALID, "Không khôi phục được (pg_restore): "+strings.TrimSpace(string(out)), err)
		}
	}
	s, err := Open(ctx, db, Options{Now: now}) // checks it, and makes the epoch on PostgreSQL
	if err != nil {
		return err
	}
	return s.Close()
}

// restoreList writes the table of contents of the backup from for
// pg_restore --use-list, without the creation of the schemas the target
// database has already (exists), nor their comments and grants: a backup
// of the default schema, public, has "CREATE SCHEMA public", which fails
// on every new database. It returns the file's path.
func restoreList(ctx context.Context, pgRestore, from string, exists map[string]bool) (string, error) {
	out, err := exec.CommandContext(ctx, pgRestore, "--list", from).Output()
	if err != nil {
		return "", app.WrapError(app.EINVALID, fmt.Sprintf("Tệp %s không phải bản sao lưu PostgreSQL của máy chủ (pg_restore --list).", from), err)
	}
	lines := strings.Split(string(out), "\n")
	for i, l := range lines {
		// "2200; 2615 2200 SCHEMA - public pg_database_owner",
		// "COMMENT - SCHEMA public …", "ACL - SCHEMA public …".
		f := strings.Fields(l)
		if len(f) < 6 || strings.HasPrefix(l, ";") {
			continue
		}
		if (f[3] == "SCHEMA" && f[4] == "-" && exists[f[5]]) ||
			((f[3] == "COMMENT" || f[3] == "ACL") && f[4] == "-" && f[5] == "SCHEMA" && len(f) > 6 && exists[f[6]]) {
			lines[i] = ";" + l
		}
	}
	tmp, err := os.CreateTemp("", "bvntd-restore-*.list")
	if err != nil {
		return "", err
	}
	defer tmp.Close()
	if _, err := tmp.WriteString(strings.Join(lines, "\n")); err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), tmp.Close()
}

// requireEmpty refuses a PostgreSQL database whose schema has tables. It
// returns the schemas the database has.
func requireEmpty(ctx context.Context, db string) (map[string]bool, error) {
	cfg, err := pgxpool.ParseConfig(db)
	if err != nil {
		return nil, app.WrapError(app.EINVALID, "Địa chỉ cơ sở dữ liệu PostgreSQL không hợp lệ (bad postgres URL).", err)
	}
	cfg.MaxConns = 1
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, app.WrapError(app.EINVALID, "Không kết nối được PostgreSQL (cannot connect).", err)
	}
	defer pool.Close()
	var tables int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").Scan(&tables); err != nil {
		return nil, app.WrapError(app.EINVALID, "Không kết nối được PostgreSQL (cannot connect).", err)
	}
	if tables > 0 {
		return nil, app.Errorf(app.EINVALID, "Cơ sở dữ liệu đích đã có dữ liệu; hãy khôi phục vào một cơ sở dữ liệu mới, trống (createdb).")
	}
	rows, err := pool.Query(ctx, "SELECT nspname FROM pg_namespace")
	if err != nil {
		return nil, app.WrapError(app.EINVALID, "Không kết nối được PostgreSQL (cannot connect).", err)
	}
	defer rows.Close()
	schemas := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		schemas[name] = true
	}
	return schemas, rows.Err()
}
