package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"strconv"

	"storybot/internal/migration"
)

// migrationFS holds the schema changes, one file per version, named
// NNN_name.sql with NNN = 001, 002, … . Never edit an applied migration; add one.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// migrations is every embedded migration, in version order.
var migrations = migration.MustLoad(migrationFS, "migrations")

// migrate applies the migrations newer than the file's PRAGMA user_version,
// each in its own transaction together with the new user_version, so a
// failed migration leaves the file at the previous version.
func (s *Store) migrate(ctx context.Context, ms []migration.Migration) error {
	for _, m := range ms {
		applied := false
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			// Read the version inside the (immediate) transaction so two
			// processes opening the same file don't both apply m.
			var cur int
			if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&cur); err != nil {
				return fmt.Errorf("read schema version: %w", err)
			}
			if cur > len(ms) {
				return fmt.Errorf("%w: version %d, know %d", ErrSchemaTooNew, cur, len(ms))
			}
			if cur >= m.Version {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			// PRAGMA takes no bound parameters; version is an int we control.
			if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(m.Version)); err != nil {
				return fmt.Errorf("migration %s: set version: %w", m.Name, err)
			}
			applied = true
			return nil
		})
		if err != nil {
			return err
		}
		if applied {
			s.log.Info("store: applied migration", "version", m.Version, "name", m.Name)
		}
	}
	return nil
}

// SchemaVersion reports the schema version of the open file (its PRAGMA
// user_version), which is the number of migrations applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}
