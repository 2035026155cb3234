package storage

import (
	"context"
	"database/sql"
	"fmt"

	"bvntd/app"
)

// SetDeviceTag makes tag the tag this device puts in the human numbers it
// allocates from now on. The provincial server answers an enrolment with
// the device's tag: the store's own, or another one when a device of the
// same commune (or a provincial one) already has it
// (syncproto.EnrollResponse.DeviceTag). Numbers allocated before keep
// their tag.
func (db *DB) SetDeviceTag(ctx context.Context, tag string) error {
	if !app.ValidDeviceTag(tag) {
		return fmt.Errorf("storage: device tag %q is not 4 characters of Crockford base32", tag)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := setMeta(ctx, tx, metaDeviceTag, tag); err != nil {
			return err
		}
		db.tag = tag // under the writer, as CreateCase reads it
		return nil
	})
}
