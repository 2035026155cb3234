package serverstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"filippo.io/age"

	"bvntd/app"
)

// The province's backup recovery key: laptops encrypt every backup to its
// public half as well as to their own key, so that the province can restore
// a dead laptop's backup. The server keeps only the public half (an age
// X25519 recipient, "age1…") in meta, and sends it with every enrolment
// and pull answer; the secret half stays offline with the province
// (`bvntd-server recovery-key --generate --out FILE`). Rotating is setting
// a new one: laptops take it at their next sync, and backups made before
// stay readable with the old secret key only.

// metaRecoveryKey is the meta row of the recovery key.
const metaRecoveryKey = "backup_recovery_key"

// SetRecoveryKey stores the province's recovery key (its public half,
// "age1…"), replacing the previous one.
func (s *Store) SetRecoveryKey(ctx context.Context, key string) error {
	key = strings.TrimSpace(key)
	if _, err := age.ParseX25519Recipient(key); err != nil {
		return app.WrapError(app.EINVALID, "Khóa khôi phục không hợp lệ: cần một khóa công khai age (bắt đầu bằng age1…).", err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, metaRecoveryKey, key); err != nil {
		return fmt.Errorf("set recovery key: %w", err)
	}
	return nil
}

// RecoveryKey returns the province's recovery key ("" if none was set).
func (s *Store) RecoveryKey(ctx context.Context) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", metaRecoveryKey).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read recovery key: %w", err)
	}
	return v, nil
}
